#!/usr/bin/env bash
# `make fuzz` / `make fuzz-smoke`: builds the libFuzzer targets, trains the small models they need, runs each
# target for FUZZ_SECONDS with LeakSanitizer on, and prints executions, corpus and findings per target.
# Exits non-zero when any target crashed, leaked, timed out or ran out of memory; the input that did it is
# in $FUZZ_BUILD/artifacts/TARGET/.
#
#   Fuzz/run.sh [TARGET…]            default: every target, one after the other
#   Fuzz/run.sh --replay [TARGET…]   no fuzzing: the ordinary build's replay drivers over the seeds (`make fuzz-replay`)
#   FUZZ_SECONDS=600                 time per target
#   FUZZ_BUILD=.build-fuzz           build path (instrumented), models, seeds, working corpora, logs
set -euo pipefail
cd "$(dirname "$0")/.."

replay=0
if [ "${1:-}" = --replay ]; then replay=1; shift; fi
SECONDS_PER_TARGET=${FUZZ_SECONDS:-600}
BUILD=${FUZZ_BUILD:-.build-fuzz}
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(FuzzLogFormats FuzzNames FuzzModelFile FuzzLineProtocol FuzzHTTP)

# swiftc's -sanitize=fuzzer would link libFuzzer's own main; the targets have theirs (a replay driver when
# built without -DFUZZING), so the code gets the same coverage instrumentation and libFuzzer comes without main.
# -O on the debug configuration: 7x the executions of -Onone, and unlike release (-Ounchecked for the numeric
# modules) it keeps every overflow and bounds check; AddressSanitizer covers the unsafe buffers.
SWIFT_LIB=$(dirname "$(dirname "$(command -v swiftc)")")/lib
FUZZER_LIB=$(ls "$SWIFT_LIB"/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a | tail -1)
# The C and C++ underneath (NIO's HTTP parser, the fastText model check, the shims) get the same.
COVERAGE=edge,indirect-calls,trace-cmp,inline-8bit-counters,pc-table
FLAGS=(-c debug --build-path "$BUILD" -Xswiftc -O -Xswiftc -DFUZZING -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=$COVERAGE
       -Xcc -fsanitize=address -Xcc -fsanitize-coverage=$COVERAGE -Xcxx -fsanitize=address -Xcxx -fsanitize-coverage=$COVERAGE
       -Xlinker "$FUZZER_LIB" -Xlinker -lstdc++)
BIN=$BUILD/debug
[ $replay = 0 ] || { FLAGS=(); BIN=.build/debug; }

for target in "${TARGETS[@]}"; do
    echo "== building $target"
    # gold warns once per ASan helper symbol; nothing to act on.
    swift build "${FLAGS[@]}" --product "$target" 2>&1 | grep -v "Cannot export local symbol" || true
    [ -x "$BIN/$target" ] || { echo "build of $target failed" >&2; exit 1; }
done

# The models: trained here (small, and not worth committing) by the ordinary debug build of domcat.
swift build --product domcat 2>&1 | tail -1
MODELS=$BUILD/models
mkdir -p "$MODELS"
if [ ! -s "$MODELS/linear.dcm" ] || [ ! -s "$MODELS/gbdt.dcm" ]; then
    zstdcat corpora/v2fly/v2fly-2025-08-20.tsv.zst | awk -F'\t' '$2 == "apple" || $2 == "google" || $2 == "facebook"' > "$MODELS/train.tsv"
    small=(--bucket-bits 8 --dim 4 --epochs 2 --threads 1)
    .build/debug/domcat train "$MODELS/train.tsv" "${small[@]}" --out "$MODELS/linear.dcm"
    .build/debug/domcat train "$MODELS/train.tsv" "${small[@]}" --kind gbdt --rounds 3 --leaves 4 --features 2+2 --out "$MODELS/gbdt.dcm"
fi
export DOMCAT_FUZZ_MODEL=$MODELS/linear.dcm

# Seeds made here (the committed ones, past crash inputs included, are in Fuzz/corpus/TARGET).
seeds() {
    local target=$1 dir=$BUILD/seeds/$1
    rm -rf "$dir" && mkdir -p "$dir"
    case $target in
        FuzzLogFormats)  # the real servers' logs; detection reads 20 lines, 8 KiB is plenty
            for f in Tests/StreamingTests/Fixtures/*; do
                case $f in *.md) ;; *) head -c 8192 "$f" > "$dir/$(basename "$f")" ;; esac
            done ;;
        FuzzNames)
            grep -v '^#' Tests/StreamingTests/Fixtures/queried-names.txt | cut -f2 | awk -v d="$dir" '{ printf "%s", $0 > (d "/queried-" NR) }' ;;
        FuzzModelFile)
            "$BIN/FuzzModelFile" --seeds-from "$MODELS/linear.dcm" "$MODELS/gbdt.dcm" "$dir" ;;
    esac
    echo "$dir"
}

export SWIFT_BACKTRACE=enable=no  # a crash report from libFuzzer, at once, not the Swift backtracer's
export ASAN_OPTIONS=detect_leaks=1
failed=0
summary=()
for target in "${TARGETS[@]}"; do
    seed_dirs=("$(seeds "$target")")
    [ -d "Fuzz/corpus/$target" ] && seed_dirs+=("Fuzz/corpus/$target")
    if [ $replay = 1 ]; then
        "$BIN/$target" "${seed_dirs[@]}" || failed=1
        continue
    fi
    corpus=$BUILD/corpus/$target artifacts=$BUILD/artifacts/$target/ log=$BUILD/logs/$target.log
    mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
    echo "== $target: $SECONDS_PER_TARGET s (log: $log)"
    status=0
    "$BIN/$target" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$artifacts" "$corpus" "${seed_dirs[@]}" > "$log" 2>&1 || status=$?
    stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
    found() { grep -c -E "$1" "$log" || true; }
    line=$(printf '%-17s executions %9s  exec/s %6s  corpus %5s  crashes %s  leaks %s  timeouts %s  oom %s  exit %s' \
        "$target" "$(stat number_of_executed_units)" "$(stat average_exec_per_sec)" "$(ls "$corpus" | wc -l)" \
        "$(found 'ERROR: libFuzzer: (deadly signal|fuzz target exited)|ERROR: AddressSanitizer')" \
        "$(found 'ERROR: LeakSanitizer')" "$(found 'ERROR: libFuzzer: timeout')" "$(found 'ERROR: libFuzzer: out-of-memory')" "$status")
    echo "$line"
    summary+=("$line")
    if [ "$status" -ne 0 ]; then
        failed=1
        grep -E '^(==[0-9]+==)?ERROR|^SUMMARY|Test unit written' "$log" | head -5 >&2
    fi
done

[ $replay = 1 ] || { echo "== fuzz summary ($SECONDS_PER_TARGET s per target)"; printf '%s\n' "${summary[@]}"; }
exit $failed
