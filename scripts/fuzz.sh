#!/usr/bin/env bash
# scripts/fuzz.sh — build and run the libFuzzer targets of Fuzz/ (the parsers that read untrusted input).
#
#   scripts/fuzz.sh TARGET SECONDS     # one target, e.g. scripts/fuzz.sh spec-yaml 300
#   scripts/fuzz.sh all SECONDS        # every target in turn, SECONDS each
#   scripts/fuzz.sh TARGET replay FILE...  # run saved inputs once (a crash input, a corpus file)
#   scripts/fuzz.sh list               # the target names
#
# Targets: reference (image references), auth-challenge (WWW-Authenticate), spec-yaml (the ImageSpec YAML loader),
# tar (the layer tar writer, read back by an independent reader), registries-conf (registries.conf through TOMLKit),
# docker-config (docker config.json credentials).
#
# Builds Fuzz/ with the fuzzer and address sanitizers, in release mode into .build-fuzz (the first build took 30
# minutes here, on 2 busy cores), or with FUZZ_CONFIGURATION=debug in debug mode into .build-fuzz-debug (5 minutes
# cold; each input runs slower, which is what CI trades for the shorter build). SwiftPM only rebuilds what changed. Each target's corpus lives in
# .cache/fuzz/TARGET/corpus and starts from the committed seeds in Fuzz/Seeds/TARGET (Fuzz/Dictionaries/TARGET.dict
# is used when present). A crash, timeout (over 10 s for one input) or out-of-memory (over 2 GB) input is kept in
# .cache/fuzz/TARGET/findings/, and the script exits 1 after printing its path; the full libFuzzer log is
# .cache/fuzz/TARGET/last.log. Fuzzing runs at `nice 19`.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"

TARGETS=(reference auth-challenge spec-yaml tar registries-conf docker-config)
CONFIGURATION=${FUZZ_CONFIGURATION:-release}
case "$CONFIGURATION" in
    release) SCRATCH="$REPO/.build-fuzz" ;;
    debug) SCRATCH="$REPO/.build-fuzz-debug" ;;
    *) echo "fuzz: FUZZ_CONFIGURATION must be release or debug, not '$CONFIGURATION'" >&2; exit 2 ;;
esac
CACHE="$REPO/.cache/fuzz"

usage() {
    sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# The fuzzer executable of a target.
executable() {
    local name
    case "$1" in
        reference) name=FuzzReference ;;
        auth-challenge) name=FuzzAuthChallenge ;;
        spec-yaml) name=FuzzSpecYAML ;;
        tar) name=FuzzTar ;;
        registries-conf) name=FuzzRegistriesConf ;;
        docker-config) name=FuzzDockerConfig ;;
    esac
    echo "$SCRATCH/$CONFIGURATION/$name"
}

# libFuzzer options for one target beyond the common ones, and its ASAN_OPTIONS.
#  registries-conf: TOMLKit 0.6.0 leaks every parsed document (TOMLTable never frees its toml::table, nor `keys` its
#  C array); imagespec parses registries.conf once per process, so leak checking would only ever report that. Both
#  libFuzzer's per-input check (-detect_leaks=0) and ASan's check at exit (detect_leaks=0) are off for it.
extra_options() {
    case "$1" in
        registries-conf) echo "-detect_leaks=0" ;;
    esac
}
asan_options() {
    case "$1" in
        registries-conf) echo "detect_leaks=0" ;;
    esac
}

known() {
    local target
    for target in "${TARGETS[@]}"; do [ "$target" = "$1" ] && return 0; done
    return 1
}

build() {
    echo "fuzz: building Fuzz/ ($CONFIGURATION) into ${SCRATCH#"$REPO"/} (sanitizers: fuzzer, address; log .cache/fuzz/build.log)" >&2
    # One combined -sanitize= list: with SwiftPM's `--sanitize=fuzzer --sanitize=address` (two flags) swiftc keeps
    # only the address sanitizer, so Swift code gets no coverage. Each target's @main starts libFuzzer's driver
    # (Fuzz/Sources/FuzzDriver). C and C++ (libyaml, toml++) get coverage too, without libFuzzer's main.
    swift build -c "$CONFIGURATION" --package-path "$REPO/Fuzz" --scratch-path "$SCRATCH" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
        -Xcc -fsanitize=fuzzer-no-link,address -Xcxx -fsanitize=fuzzer-no-link,address >"$CACHE/build.log" 2>&1 || {
        tail -n 30 "$CACHE/build.log" >&2
        echo "fuzz: build failed; the full log is $CACHE/build.log" >&2
        exit 1
    }
}

# The number of inputs libFuzzer ran, from its final statistics or, after a crash, its last status line.
executions() {
    local stat
    stat=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$1" | tail -n 1)
    if [ -z "$stat" ]; then
        stat=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$1" | tail -n 1)
    fi
    echo "${stat:-0}"
}

# run TARGET SECONDS: fuzz one target; returns 1 when it found a crash, timeout or out-of-memory input.
run() {
    local target=$1 seconds=$2
    local dir="$CACHE/$target"
    local binary log dictionary=() extra=() status=0
    binary=$(executable "$target")
    mkdir -p "$dir/corpus" "$dir/findings"
    log="$dir/last.log"
    if [ -f "$REPO/Fuzz/Dictionaries/$target.dict" ]; then
        dictionary=("-dict=$REPO/Fuzz/Dictionaries/$target.dict")
    fi
    read -r -a extra <<<"$(extra_options "$target")"
    # The first directory receives new inputs; the seeds are only read.
    # SWIFT_BACKTRACE=enable=no: the Swift runtime's backtracer would run first on a crash and confuse ASan.
    ASAN_OPTIONS=$(asan_options "$target") SWIFT_BACKTRACE=enable=no nice -n 19 "$binary" "$dir/corpus" "$REPO/Fuzz/Seeds/$target" "${dictionary[@]}" "${extra[@]}" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
        -artifact_prefix="$dir/findings/" >"$log" 2>&1 || status=$?
    local count finding
    count=$(executions "$log")
    finding=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    if [ "$status" -ne 0 ] || [ -n "$finding" ]; then
        local what
        what=$(grep -m 1 -E 'ERROR: libFuzzer|ERROR: AddressSanitizer|ERROR: LeakSanitizer|Fatal error|Assertion .* failed|ALARM|out-of-memory' "$log" || true)
        echo "fuzz: $target: FOUND after $count executions in ${seconds} s budget: ${what:-exit status $status}"
        echo "fuzz: $target: input kept at ${finding:-<none written>}; log $log"
        echo "fuzz: $target: replay with scripts/fuzz.sh $target replay ${finding:-FILE}"
        return 1
    fi
    echo "fuzz: $target: $count executions in $seconds s, no crash (corpus $(find "$dir/corpus" -type f | wc -l) files)"
}

[ $# -ge 1 ] || usage
mkdir -p "$CACHE"
case "$1" in
    list)
        printf '%s\n' "${TARGETS[@]}"
        exit 0
        ;;
    all) ;;
    *) known "$1" || { echo "fuzz: unknown target '$1'; known: ${TARGETS[*]} (or all)" >&2; exit 2; } ;;
esac
[ $# -ge 2 ] || usage

if [ "$2" = replay ]; then
    [ "$1" != all ] && [ $# -ge 3 ] || usage
    build
    read -r -a extra <<<"$(extra_options "$1")"
    ASAN_OPTIONS=$(asan_options "$1") SWIFT_BACKTRACE=enable=no exec "$(executable "$1")" "${extra[@]}" "${@:3}"
fi
[[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -gt 0 ] || { echo "fuzz: SECONDS must be a positive number, not '$2'" >&2; exit 2; }

build
if [ "$1" = all ]; then
    failed=()
    for target in "${TARGETS[@]}"; do
        run "$target" "$2" || failed+=("$target")
    done
    if [ ${#failed[@]} -gt 0 ]; then
        echo "fuzz: findings in: ${failed[*]}"
        exit 1
    fi
    echo "fuzz: all ${#TARGETS[@]} targets ran $2 s each without a finding"
else
    run "$1" "$2"
fi
