# domcat — `make demo` and `make test` do everything on a fresh Debian machine (as root).
SHELL := /bin/bash
DEBIAN_PACKAGES := libzstd-dev zstd publicsuffix webext-ublock-origin-firefox \
                   fasttext libfasttext-dev libhiredis-dev redis-server
SWIFT_BUILD_FLAGS ?=
RELEASE := .build/release
OUT := out

FUZZ_SECONDS ?= 600

.PHONY: all deps build debug model corpus demo test fuzz fuzz-smoke fuzz-replay bench clean

all: build

## Debian packages the build, the default model and the tests need; apt runs only when one is missing.
deps:
	@dpkg -s $(DEBIAN_PACKAGES) >/dev/null 2>&1 || { \
	  export DEBIAN_FRONTEND=noninteractive; apt-get update -q && \
	  apt-get install -y -q --no-install-recommends $(DEBIAN_PACKAGES); }

build: deps
	swift build -c release $(SWIFT_BUILD_FLAGS)

## The default corpus comes from Debian's uBlock Origin package: ads, tracking, badware, site.
corpus: build
	@mkdir -p $(OUT)
	$(RELEASE)/domcat import default-corpus --out $(OUT)/default-corpus.tsv
	$(RELEASE)/domcat split $(OUT)/default-corpus.tsv --out $(OUT)/default-split

## The embedded default model, placed next to the binary where `domcat classify` finds it.
model: corpus
	$(RELEASE)/domcat train $(OUT)/default-split/train.tsv --valid $(OUT)/default-split/valid.tsv \
	  --bucket-bits 20 --dim 16 --epochs 15 --out $(OUT)/default.dcm
	cp $(OUT)/default.dcm $(RELEASE)/default.dcm

demo: model
	@echo "== domcat classify < corpora/demo-names.txt"
	$(RELEASE)/domcat classify < corpora/demo-names.txt
	@echo "== domcat eval on the held-out test split of the default corpus"
	$(RELEASE)/domcat eval $(OUT)/default.dcm $(OUT)/default-split/test.tsv

test: deps
	swift build --build-tests --explicit-target-dependency-import-check error $(SWIFT_BUILD_FLAGS)
	swift test --skip-build --disable-swift-testing

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
