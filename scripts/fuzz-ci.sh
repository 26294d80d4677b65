#!/usr/bin/env bash
# scripts/fuzz-ci.sh — the CI fuzzing step: every libFuzzer target for 60 s (scripts/fuzz.sh all 60), built in debug
# mode (FUZZ_CONFIGURATION=debug: a 5-minute cold build instead of 30; set FUZZ_CONFIGURATION=release to change that).
# Exits non-zero when a target finds a crash, timeout or out-of-memory input; the input stays in
# .cache/fuzz/TARGET/findings/ (keep it as a CI artifact) and the log in .cache/fuzz/TARGET/last.log.
set -euo pipefail
export FUZZ_CONFIGURATION=${FUZZ_CONFIGURATION:-debug}
exec "$(dirname "${BASH_SOURCE[0]}")/fuzz.sh" all 60
