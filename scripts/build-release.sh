#!/usr/bin/env bash
# scripts/build-release.sh — the release binary: `imagespec` with the Swift runtime and Foundation, zlib, zstd,
# libstdc++ and libgcc linked in statically, stripped. It needs only glibc (libc, libm, ld-linux) at run time, so it
# runs on any x86_64 glibc Linux at least as new as the glibc symbol versions it uses (see README "Install").
#
#   bash scripts/build-release.sh            # → .build-static/imagespec (prints the path on the last line)
#   IMAGESPEC_STATIC_SCRATCH=DIR bash scripts/build-release.sh
#
# The git commit goes into the binary through a header written into the scratch directory
# (DIR/build-info/imagespec-build-info.h, found through `-Xcc -I`), so the source tree stays clean; a plain
# `swift build` prints "0.1.0 (unknown commit)". Fails (non-zero, one "build-release.sh: error:" line) when the
# result still needs a shared library outside glibc.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRATCH=${IMAGESPEC_STATIC_SCRATCH:-$REPO/.build-static}
SWIFT=${SWIFT:-$(command -v swift || echo /opt/swift/usr/bin/swift)}
LIBDIR=/usr/lib/x86_64-linux-gnu

say() { echo "build-release.sh: $*" >&2; }
fail() { echo "build-release.sh: error: $*" >&2; exit 1; }

[ "$(uname -m)" = x86_64 ] || fail "this script builds x86_64 only; for aarch64 see README \"Install\" (Swift static \
Linux SDK)"
mkdir -p "$SCRATCH/build-info" "$SCRATCH/static-libs"

# 1. The commit, in a header only this build sees. Rewritten only when it changes (no needless recompiles).
commit=$(git -C "$REPO" rev-parse HEAD 2>/dev/null || true)
if [ -n "$commit" ] && ! git -C "$REPO" diff --quiet HEAD -- 2>/dev/null; then
    commit="$commit-dirty"
fi
header="$SCRATCH/build-info/imagespec-build-info.h"
printf '#define IMAGESPEC_BUILD_COMMIT "%s"\n' "$commit" >"$header.new"
if cmp -s "$header.new" "$header"; then rm -f "$header.new"; else mv "$header.new" "$header"; fi

# 2. A library directory searched before the system's that holds only the static archives: the system-library
#    targets link -lz / -lzstd and the Swift runtime links -lstdc++; GNU ld then takes libX.a from here. zlib.pc and
#    libzstd.pc of our own (PKG_CONFIG_PATH) put that directory first: the system ones add -L/usr/lib/…, which would
#    otherwise come first and give the .so.
libstdcxx=$(g++ -print-file-name=libstdc++.a 2>/dev/null || true)
[ -f "$libstdcxx" ] || libstdcxx=$(ls /usr/lib/gcc/x86_64-linux-gnu/*/libstdc++.a 2>/dev/null | sort -V | tail -n1)
for lib in "$LIBDIR/libz.a" "$LIBDIR/libzstd.a" "$libstdcxx"; do
    [ -f "$lib" ] || fail "missing static library $lib (apt-get install zlib1g-dev libzstd-dev libstdc++-12-dev)"
done
ln -sf "$LIBDIR/libz.a" "$SCRATCH/static-libs/libz.a"
ln -sf "$LIBDIR/libzstd.a" "$SCRATCH/static-libs/libzstd.a"
ln -sf "$libstdcxx" "$SCRATCH/static-libs/libstdc++.a"
mkdir -p "$SCRATCH/pkgconfig"
for pc in zlib:z libzstd:zstd; do
    module=${pc%%:*} lib=${pc#*:}
    version=$(pkg-config --modversion "$module" 2>/dev/null || echo 0)
    printf 'Name: %s\nDescription: %s, linked statically (scripts/build-release.sh)\nVersion: %s\nLibs: -L%s -l%s\nCflags:\n' \
        "$module" "$module" "$version" "$SCRATCH/static-libs" "$lib" >"$SCRATCH/pkgconfig/$module.pc"
done
export PKG_CONFIG_PATH="$SCRATCH/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"

# 3. Build.
say "swift build -c release --static-swift-stdlib (scratch $SCRATCH)"
"$SWIFT" build -c release --product imagespec --static-swift-stdlib \
    --scratch-path "$SCRATCH" \
    -Xcc "-I$SCRATCH/build-info" \
    -Xlinker "-L$SCRATCH/static-libs" \
    -Xswiftc -Xclang-linker -Xswiftc -static-libgcc >&2
bin_dir=$("$SWIFT" build -c release --scratch-path "$SCRATCH" --show-bin-path)

# 4. Strip into SCRATCH/imagespec and check what it still needs.
out="$SCRATCH/imagespec"
strip -o "$out.tmp" "$bin_dir/imagespec"
mv "$out.tmp" "$out"
needed=$(readelf -d "$out" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
for lib in $needed; do
    case "$lib" in
        libc.so.6 | libm.so.6 | libdl.so.2 | libpthread.so.0 | librt.so.1 | ld-linux-x86-64.so.2) ;;
        *) fail "$out still needs $lib (only glibc libraries may remain; see readelf -d $out)" ;;
    esac
done
glibc=$(objdump -T "$out" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n1)
say "$out: $(du -h "$out" | cut -f1), needs $(echo $needed | tr ' ' ','), newest symbol version $glibc"
"$out" --version >&2
echo "$out"
