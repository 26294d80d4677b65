#!/usr/bin/env bash
# scripts/build-wheel.sh — the plugin's wheels in dist/:
#
#   flytekitplugins_imagespec-V-py3-none-any.whl               pure Python, any platform (bring your own imagespec)
#   flytekitplugins_imagespec-V-py3-none-manylinux_2_N_x86_64.whl   the same plus the static imagespec binary
#
#   bash scripts/build-wheel.sh            # both (builds the static binary with scripts/build-release.sh)
#   bash scripts/build-wheel.sh --pure     # only the pure-Python wheel
#   IMAGESPEC_STATIC_BIN=FILE bash scripts/build-wheel.sh    # bundle FILE instead of building it
#
# The platform wheel carries the binary as flytekitplugins_imagespec-V.data/scripts/imagespec: pip installs it into
# the environment's scripts directory (the venv's bin), next to `uv`, which the wheel depends on. Its platform tag is
# the one `auditwheel show` (pinned in scripts/requirements-wheel.txt) says the binary is consistent with; the script
# fails if auditwheel does not accept the finished wheel. The tools live in .venv-wheel (PyPI only).
# Prints the platform wheel's path (or the pure one's with --pure) on the last line of standard output.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIST=${IMAGESPEC_DIST:-$REPO/dist}
TOOLS=$REPO/.venv-wheel
PYTHON=${PYTHON:-python3}

say() { echo "build-wheel.sh: $*" >&2; }
fail() { echo "build-wheel.sh: error: $*" >&2; exit 1; }

PURE_ONLY=0
case "${1:-}" in
    --pure) PURE_ONLY=1 ;;
    "") ;;
    *) fail "unknown argument $1 (use --pure or nothing)" ;;
esac

# 1. The tools, pinned (reinstalled when the pins change).
pins=$(cat "$REPO/scripts/requirements-wheel.txt" "$REPO/scripts/constraints-wheel.txt" | sha256sum | cut -c1-16)
if [ "$(cat "$TOOLS/.pins" 2>/dev/null || true)" != "$pins" ]; then
    say "installing the wheel tools into $TOOLS"
    rm -rf "$TOOLS"
    "$PYTHON" -m venv "$TOOLS"
    "$TOOLS/bin/pip" install --quiet --disable-pip-version-check -r "$REPO/scripts/requirements-wheel.txt" \
        -c "$REPO/scripts/constraints-wheel.txt" >&2
    echo "$pins" >"$TOOLS/.pins"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/imagespec-wheel.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$DIST"

# 2. The pure-Python wheel (setuptools, no build isolation: the pinned backend from .venv-wheel). Built from a copy
#    so the source tree gets no build/ or egg-info.
cp -r "$REPO/python" "$work/src"
rm -rf "$work/src/build" "$work/src"/*.egg-info
"$TOOLS/bin/pip" wheel --quiet --disable-pip-version-check --no-deps --no-build-isolation -w "$work/pure" \
    "$work/src" >&2
pure=$(ls "$work"/pure/flytekitplugins_imagespec-*-py3-none-any.whl)
cp "$pure" "$DIST/"
say "pure wheel: $DIST/$(basename "$pure")"
if [ "$PURE_ONLY" = 1 ]; then
    echo "$DIST/$(basename "$pure")"
    exit 0
fi

# 3. The binary.
binary=${IMAGESPEC_STATIC_BIN:-}
if [ -z "$binary" ]; then
    binary=$(bash "$REPO/scripts/build-release.sh" | tail -n1)
fi
[ -x "$binary" ] || fail "no executable binary at $binary"

# 4. Unpack, add the binary as a script, mark the wheel platlib, pack (wheel pack writes RECORD).
"$TOOLS/bin/wheel" unpack --dest "$work/unpacked" "$pure" >&2
root=$(ls -d "$work"/unpacked/flytekitplugins_imagespec-*)
name=$(basename "$root")
mkdir -p "$root/$name.data/scripts"
install -m 0755 "$binary" "$root/$name.data/scripts/imagespec"
sed -i 's/^Root-Is-Purelib: true$/Root-Is-Purelib: false/' "$root/$name.dist-info/WHEEL"
mkdir -p "$work/packed"
"$TOOLS/bin/wheel" pack --dest-dir "$work/packed" "$root" >&2
packed=$(ls "$work"/packed/*.whl)

# 5. Tag linux_x86_64, ask auditwheel which manylinux tag the binary is consistent with, retag with that one.
"$TOOLS/bin/wheel" tags --remove --platform-tag linux_x86_64 "$packed" >&2
linux=$(ls "$work"/packed/*linux_x86_64.whl)
report=$("$TOOLS/bin/auditwheel" show "$linux" 2>&1) || fail "auditwheel show failed: $report"
plat=${IMAGESPEC_WHEEL_PLAT:-$(echo "$report" | grep -o 'manylinux_2_[0-9]*_x86_64' | head -n1)}
[ -n "$plat" ] || fail "auditwheel found no manylinux tag for the binary: $report"
"$TOOLS/bin/wheel" tags --remove --platform-tag "$plat" "$linux" >&2
final=$(ls "$work"/packed/*"$plat".whl)
check=$("$TOOLS/bin/auditwheel" show "$final" 2>&1) || fail "auditwheel show failed: $check"
# auditwheel wraps its lines: compare with the whitespace squeezed.
echo "$check" | tr -s ' \n' '  ' | grep -q "is consistent with the following platform tag: \"$plat\"" \
    || fail "auditwheel does not accept $plat for $(basename "$final"): $check"
rm -f "$DIST"/flytekitplugins_imagespec-*-manylinux_*.whl
cp "$final" "$DIST/"
say "platform wheel: $DIST/$(basename "$final") ($(du -h "$final" | cut -f1)); auditwheel: $(echo "$check" | tr '\n' ' ')"
echo "$DIST/$(basename "$final")"
