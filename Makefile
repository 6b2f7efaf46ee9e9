# domcat — `make demo` and `make test` do everything on a fresh Debian machine (as root).
SHELL := /bin/bash
DEBIAN_PACKAGES := libzstd-dev zstd publicsuffix webext-ublock-origin-firefox \
                   fasttext libfasttext-dev libhiredis-dev libsqlite3-dev redis-server
SWIFT_BUILD_FLAGS ?=
RELEASE := .build/release
OUT := out

FUZZ_SECONDS ?= 600

.PHONY: all deps test-deps build debug model demo test screenshots fuzz fuzz-smoke fuzz-replay bench clean

all: build

## Debian packages the build, the default model and the tests need; apt runs only when one is missing.
deps:
	@dpkg -s $(DEBIAN_PACKAGES) >/dev/null 2>&1 || { \
	  export DEBIAN_FRONTEND=noninteractive; apt-get update -q && \
	  apt-get install -y -q --no-install-recommends $(DEBIAN_PACKAGES); }

## The tests also drive the dashboard in a real browser.
TEST_PACKAGES := chromium
test-deps:
	@dpkg -s $(TEST_PACKAGES) >/dev/null 2>&1 || { \
	  export DEBIAN_FRONTEND=noninteractive; apt-get update -q && \
	  apt-get install -y -q --no-install-recommends $(TEST_PACKAGES); }

build: deps
	swift build -c release $(SWIFT_BUILD_FLAGS)

## The default models, category and service, from what a fresh machine has: Debian's uBlock Origin lists and
## the corpora shipped in corpora/. Each is split by the corpus rule, trained on train, calibrated on valid.
DEFAULT_SETS := category service
TRAIN_DEFAULT := --bucket-bits 20 --epochs 15 --unknown-below-precision 0.9
# category: linear's defaults (name n-grams, idf weighting, a score per label: 30 labels, one SVM each). service
# has 124 labels: a score per label would be a 0.5 GB table and scores lower on its test split than a 16-number
# embedding (trained with softmax; --epochs is its).
TRAIN_category :=
TRAIN_service := --dim 16 --output embedding --weighting mean --label-ngrams

$(OUT)/%.tsv: build
	@mkdir -p $(OUT)
	$(RELEASE)/domcat import default-corpus --set $* --out $@
	$(RELEASE)/domcat split $@ --out $(OUT)/$*-split

$(OUT)/%.dcm: $(OUT)/%.tsv
	$(RELEASE)/domcat train $(OUT)/$*-split/train.tsv --valid $(OUT)/$*-split/valid.tsv --name $* $(TRAIN_DEFAULT) $(TRAIN_$*) --out $@
	cp $@ $(RELEASE)/$*.dcm

.PRECIOUS: $(OUT)/%.tsv
model: $(DEFAULT_SETS:%=$(OUT)/%.dcm)

demo: model
	@echo "== domcat classify < corpora/demo-names.txt   (name, category, p, service, p)"
	$(RELEASE)/domcat classify < corpora/demo-names.txt
	@for set in $(DEFAULT_SETS); do echo "== domcat eval $$set on the held-out test split"; \
	  $(RELEASE)/domcat eval $(OUT)/$$set.dcm $(OUT)/$$set-split/test.tsv | head -4; done

test: deps test-deps
	swift build --build-tests --explicit-target-dependency-import-check error $(SWIFT_BUILD_FLAGS)
	swift test --skip-build --disable-swift-testing

## docs/dashboard.png: the live page with the default models, taken by headless chromium.
screenshots: model test-deps
	tools/dashboard-screenshot.sh

## libFuzzer targets (Fuzz/), FUZZ_SECONDS each with LeakSanitizer on; fails on a crash, leak, hang or OOM.
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) Fuzz/run.sh

## What CI runs after the tests: 20 s a target, so a regression that crashes at once fails the build.
fuzz-smoke: deps
	FUZZ_SECONDS=20 Fuzz/run.sh

## The seeds and past crash inputs (Fuzz/corpus) through the ordinary build's replay drivers.
fuzz-replay: deps
	Fuzz/run.sh --replay

bench: build
	bench/run-all.sh

clean:
	rm -rf .build .build-fuzz $(OUT)
