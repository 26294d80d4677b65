#!/usr/bin/env bash
# scripts/python-base.sh — a Debian bookworm image with the distribution's python3, made without Docker:
# `debootstrap --variant=minbase --include=python3,ca-certificates`, trimmed, packed as one layer with umoci.
#
#   scripts/python-base.sh [--with PKG[,PKG…]] [--arch ARCH[,ARCH…]] [--push [docker://]HOST/REPO:TAG]…
#                          [--creds USER:PASS] [--rebuild] [--mirror URL]
#
# The image is cached (one build per machine, architecture and package set) under
#   ${IMAGESPEC_PYBASE_CACHE:-/var/cache/imagespec-test/python-base}/v1-bookworm-minbase[+PKG…][-foreign-ARCH]/
# as an OCI layout `oci/` (tag `latest`) plus `info.env`; .debs are shared in `debs/`. A cold build takes about a
# minute (debootstrap), a cached run well under a second. `flock` serialises concurrent runs. --push copies the
# image with skopeo (plain HTTP / no TLS verification: meant for loopback test registries; --all for an index).
#
# --arch (default: the host's) picks the architecture(s). The host's is a complete, configured system whose python3
# has been run. A FOREIGN one (e.g. arm64 on amd64; no emulation here) is honest but never executed:
# `debootstrap --foreign` (first stage: the required packages unpacked), then every other downloaded .deb (python3,
# apt, …) unpacked with `dpkg-deb -x`; no maintainer script runs, dpkg's database does not list those packages, and
# the Python version comes from the python3.X-minimal package. Good for a base whose files are only inspected.
# Several architectures (`--arch amd64,arm64`) give one OCI layout whose `latest` is an image index with both.
#
# Prints shell assignments on stdout, for `eval "$(scripts/python-base.sh)"`:
#   PYBASE_LAYOUT PYBASE_DIGEST PYTHON_VERSION PYBASE_CACHED [PYBASE_PUSHED_DIGEST]
# Progress goes to stderr. On failure: ONE line starting with "python-base.sh: error:" and a non-zero exit.
set -euo pipefail

fail() { echo "python-base.sh: error: $*" >&2; exit 1; }
say() { echo "python-base.sh: $*" >&2; }
usage() { sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

SUITE=bookworm
CACHE_ROOT=${IMAGESPEC_PYBASE_CACHE:-/var/cache/imagespec-test/python-base}
extras="" pushes=() creds="" rebuild=0 mirror="" arches=""
while [ $# -gt 0 ]; do
    case $1 in
    --with) [ $# -ge 2 ] || usage; extras="${extras:+$extras,}$2"; shift 2 ;;
    --arch) [ $# -ge 2 ] || usage; arches="${arches:+$arches,}$2"; shift 2 ;;
    --push) [ $# -ge 2 ] || usage; pushes+=("$2"); shift 2 ;;
    --creds) [ $# -ge 2 ] || usage; creds=$2; shift 2 ;;
    --rebuild) rebuild=1; shift ;;
    --mirror) [ $# -ge 2 ] || usage; mirror=$2; shift 2 ;;
    -h | --help) usage ;;
    *) fail "unknown argument '$1' (see --help)" ;;
    esac
done

[ "$(id -u)" = 0 ] || fail "debootstrap and chroot need root; run as root (sudo)"
for tool in debootstrap umoci flock chroot dpkg-deb ${pushes:+skopeo}; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || fail "$tool not found: run scripts/setup.sh"
done
PATH=$PATH:/usr/sbin:/sbin

# The package set and the architecture decide the cache key (sorted, de-duplicated).
sorted_extras=$(tr ',' '\n' <<<"$extras" | sed '/^$/d' | sort -u | paste -sd, -)
host_arch=$(dpkg --print-architecture)
arch_list=$(tr ',' '\n' <<<"${arches:-$host_arch}" | sed '/^$/d' | awk '!seen[$0]++' | paste -sd, -)
base_key="v1-$SUITE-minbase${sorted_extras:++${sorted_extras//,/+}}"
# key_for ARCH: the cache key of one architecture's image (the host's keeps the historical name).
key_for() {
    if [ "$1" = "$host_arch" ]; then echo "$base_key"; else echo "$base_key-foreign-$1"; fi
}
mkdir -p "$CACHE_ROOT/debs" || fail "cannot create $CACHE_ROOT (set IMAGESPEC_PYBASE_CACHE to a writable directory)"
exec 9>"$CACHE_ROOT/.lock"
flock 9

# Unmounts whatever debootstrap left mounted below $1 (deepest first), then removes it.
remove_tree() {
    local root=$1 target
    [ -d "$root" ] || return 0
    while read -r target; do
        umount -l "$target" 2>/dev/null || true
    done < <(awk -v r="$root/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r)
    if awk -v r="$root/" 'index($2, r) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
        fail "$root still has mounts; unmount them by hand, then re-run"
    fi
    rm -rf "$root"
}

detect_mirror() {
    apt-get indextargets --no-release-info --format '$(REPO_URI) $(RELEASE) $(COMPONENT) $(TARGET_OF)' 2>/dev/null \
        | awk -v s="$SUITE" '$2 == s && $3 == "main" && $4 == "deb" { print $1; exit }'
}

# build ARCH DIR: debootstrap (native, or first stage + dpkg-deb -x when foreign), trim, pack into DIR/oci.
build() {
    local arch=$1 dir=$2 key
    key=$(basename "$dir")
    [ -n "$mirror" ] || mirror=$(detect_mirror)
    [ -n "$mirror" ] || mirror=http://deb.debian.org/debian/
    local work
    work=$(mktemp -d "$CACHE_ROOT/.build.XXXXXX")
    trap 'remove_tree "'"$work"'"' EXIT
    local rootfs="$work/rootfs" version foreign=()
    [ "$arch" = "$host_arch" ] || foreign=(--foreign "--arch=$arch")
    say "debootstrap ${foreign[*]} $SUITE (python3, ca-certificates${sorted_extras:+,$sorted_extras}) from $mirror" \
        "— about a minute"
    if ! debootstrap "${foreign[@]}" --variant=minbase \
        --include="python3,ca-certificates${sorted_extras:+,$sorted_extras}" \
        --cache-dir="$CACHE_ROOT/debs" "$SUITE" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1; then
        tail -n 5 "$work/debootstrap.log" >&2
        fail "debootstrap failed (see the lines above; mirror $mirror); check the network and apt sources"
    fi
    remove_tree_mounts_only "$rootfs"
    if [ ${#foreign[@]} = 0 ]; then
        version=$(chroot "$rootfs" /usr/bin/python3 -c 'import platform; print(platform.python_version())') \
            || fail "python3 does not run inside the new rootfs $rootfs"
    else
        # The first stage unpacked only the required packages; unpack the rest (python3, apt, …) without running
        # anything of the foreign architecture.
        local deb minimal
        for deb in "$rootfs"/var/cache/apt/archives/*.deb; do
            dpkg-deb -x "$deb" "$rootfs" || fail "dpkg-deb could not unpack $deb"
        done
        minimal=$(find "$rootfs/var/cache/apt/archives" -name 'python3.[0-9]*-minimal_*.deb' | sort | tail -n 1)
        [ -n "$minimal" ] && [ -e "$rootfs/usr/bin/python3" ] || fail "no python3 in the $arch rootfs $rootfs"
        version=$(dpkg-deb -f "$minimal" Version | sed 's/[-+~].*//')
        rm -rf "$rootfs/debootstrap"
    fi
    # Trim what a container never needs (like Docker's *-slim images).
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
        "$rootfs"/var/cache/ldconfig/aux-cache "$rootfs"/var/log/* "$rootfs"/tmp/* "$rootfs"/dev/* \
        "$rootfs"/usr/share/man "$rootfs"/usr/share/info "$rootfs"/usr/share/groff "$rootfs"/usr/share/lintian \
        "$rootfs"/etc/resolv.conf "$rootfs"/etc/hostname
    find "$rootfs"/var/cache/debconf "$rootfs"/var/lib/dpkg -maxdepth 1 -name '*-old' -delete
    find "$rootfs"/usr/share/doc -mindepth 1 ! -type d ! -name copyright -delete
    find "$rootfs"/usr/share/doc -mindepth 1 -type d -empty -delete
    find "$rootfs"/usr/share/locale -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
    local how="debootstrap --variant=minbase $SUITE + python3"
    [ ${#foreign[@]} = 0 ] || how="debootstrap --foreign --arch=$arch --variant=minbase $SUITE + dpkg-deb -x python3"
    local image="$work/oci:latest"
    {
        umoci init --layout "$work/oci"
        umoci new --image "$image"
        umoci insert --image "$image" --history.created_by "$how" "$rootfs" /
        umoci config --image "$image" --no-history --os linux --architecture "$arch" \
            --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            --config.env LANG=C.UTF-8 --config.env "PYTHON_VERSION=$version" \
            --config.cmd python3 --config.workingdir / \
            --config.label "org.opencontainers.image.base.name=debian:$SUITE" \
            --config.label "org.imagespec.python-base=$key"
        umoci gc --layout "$work/oci"
    } >"$work/umoci.log" 2>&1 || { tail -n 5 "$work/umoci.log" >&2; fail "umoci could not pack $rootfs"; }
    printf 'PYTHON_VERSION=%s\nARCHITECTURE=%s\nMIRROR=%s\nFOREIGN=%s\n' "$version" "$arch" "$mirror" \
        "$([ ${#foreign[@]} = 0 ] && echo 0 || echo 1)" >"$work/info.env"
    remove_tree "$rootfs"
    remove_tree "$dir"
    mv "$work" "$dir"
    trap - EXIT
    say "built $dir/oci:latest (Python $version, $arch${foreign:+, not executed})"
}

# manifest_digest LAYOUT: the digest `latest` points at in an OCI layout.
manifest_digest() {
    sed -n 's/.*"digest":"\(sha256:[0-9a-f]\{64\}\)".*/\1/p' "$1/index.json" | head -n 1
}

# combine DIR ARCH…: one OCI layout in DIR/oci whose `latest` is an image index of the architectures' images
# (blobs hardlinked from their caches). Cheap, so it is redone on every run.
combine() {
    local out=$1 arch layout digest size entries="" work
    shift
    work=$(mktemp -d "$CACHE_ROOT/.combine.XXXXXX")
    mkdir -p "$work/oci/blobs/sha256"
    for arch in "$@"; do
        layout="$CACHE_ROOT/$(key_for "$arch")/oci"
        digest=$(manifest_digest "$layout")
        cp -al "$layout/blobs/sha256/." "$work/oci/blobs/sha256/" 2>/dev/null \
            || cp -a "$layout/blobs/sha256/." "$work/oci/blobs/sha256/"
        size=$(stat -c %s "$layout/blobs/sha256/${digest#sha256:}")
        entries="$entries${entries:+,}{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":"
        entries="$entries\"$digest\",\"size\":$size,\"platform\":{\"architecture\":\"$arch\",\"os\":\"linux\"}}"
    done
    local index="{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[$entries]}"
    local index_digest
    index_digest=$(printf '%s' "$index" | sha256sum | cut -d' ' -f1)
    printf '%s' "$index" >"$work/oci/blobs/sha256/$index_digest"
    printf '{"imageLayoutVersion":"1.0.0"}' >"$work/oci/oci-layout"
    printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"latest"}}]}' \
        "$index_digest" "${#index}" >"$work/oci/index.json"
    grep -h '^PYTHON_VERSION=' "$CACHE_ROOT/$(key_for "$1")/info.env" >"$work/info.env"
    rm -rf "$out"
    mv "$work" "$out"
}

# debootstrap unmounts proc/sys itself on success; make sure nothing stays mounted before trimming and packing.
remove_tree_mounts_only() {
    local target
    while read -r target; do
        umount -l "$target" 2>/dev/null || true
    done < <(awk -v r="$1/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r)
}

cached=1
IFS=, read -r -a arch_array <<<"$arch_list"
for arch in "${arch_array[@]}"; do
    adir="$CACHE_ROOT/$(key_for "$arch")"
    if [ "$rebuild" = 1 ] || [ ! -s "$adir/info.env" ] || [ ! -s "$adir/oci/index.json" ]; then
        cached=0
        build "$arch" "$adir"
    fi
    adigest=$(manifest_digest "$adir/oci")
    [ -n "$adigest" ] || fail "$adir/oci/index.json has no manifest; re-run with --rebuild"
    [ -s "$adir/oci/blobs/sha256/${adigest#sha256:}" ] || fail "$adir/oci is incomplete; re-run with --rebuild"
done
if [ ${#arch_array[@]} = 1 ]; then
    dir="$CACHE_ROOT/$(key_for "${arch_array[0]}")"
else
    dir="$CACHE_ROOT/$base_key-index-${arch_list//,/+}"
    combine "$dir" "${arch_array[@]}"
fi
# shellcheck disable=SC1091
. "$dir/info.env"
digest=$(manifest_digest "$dir/oci")
[ -n "$digest" ] || fail "$dir/oci/index.json has no manifest; re-run with --rebuild"

echo "PYBASE_LAYOUT=$dir/oci"
echo "PYBASE_DIGEST=$digest"
echo "PYTHON_VERSION=$PYTHON_VERSION"
echo "PYBASE_CACHED=$cached"

for target in "${pushes[@]}"; do
    case $target in docker://*) ;; *) target="docker://$target" ;; esac
    digest_file=$(mktemp)
    args=(copy --retry-times 2 --dest-tls-verify=false --digestfile "$digest_file")
    [ ${#arch_array[@]} = 1 ] || args+=(--all)
    [ -n "$creds" ] && args+=(--dest-creds "$creds")
    if ! skopeo "${args[@]}" "oci:$dir/oci:latest" "$target" >/dev/null 2>"$digest_file.err"; then
        tail -n 2 "$digest_file.err" >&2
        rm -f "$digest_file" "$digest_file.err"
        fail "skopeo could not push to $target"
    fi
    say "pushed $target"
    echo "PYBASE_PUSHED_DIGEST=$(cat "$digest_file")"
    rm -f "$digest_file" "$digest_file.err"
done
