#!/usr/bin/env bash
# scripts/python-base.sh — a Debian bookworm image with the distribution's python3, made without Docker:
# `debootstrap --variant=minbase --include=python3,ca-certificates`, trimmed, packed as one layer with umoci.
#
#   scripts/python-base.sh [--with PKG[,PKG…]] [--push [docker://]HOST/REPO:TAG]… [--creds USER:PASS]
#                          [--rebuild] [--mirror URL]
#
# The image is cached (one build per machine and package set) under
#   ${IMAGESPEC_PYBASE_CACHE:-/var/cache/imagespec-test/python-base}/v1-bookworm-minbase[+PKG…]/
# as an OCI layout `oci/` (tag `latest`) plus `info.env`; .debs are shared in `debs/`. A cold build takes about a
# minute (debootstrap), a cached run well under a second. `flock` serialises concurrent runs. --push copies the
# image with skopeo (plain HTTP / no TLS verification: meant for loopback test registries).
#
# Prints shell assignments on stdout, for `eval "$(scripts/python-base.sh)"`:
#   PYBASE_LAYOUT PYBASE_DIGEST PYTHON_VERSION PYBASE_CACHED [PYBASE_PUSHED_DIGEST]
# Progress goes to stderr. On failure: ONE line starting with "python-base.sh: error:" and a non-zero exit.
set -euo pipefail

fail() { echo "python-base.sh: error: $*" >&2; exit 1; }
say() { echo "python-base.sh: $*" >&2; }
usage() { sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

SUITE=bookworm
CACHE_ROOT=${IMAGESPEC_PYBASE_CACHE:-/var/cache/imagespec-test/python-base}
extras="" pushes=() creds="" rebuild=0 mirror=""
while [ $# -gt 0 ]; do
    case $1 in
    --with) [ $# -ge 2 ] || usage; extras="${extras:+$extras,}$2"; shift 2 ;;
    --push) [ $# -ge 2 ] || usage; pushes+=("$2"); shift 2 ;;
    --creds) [ $# -ge 2 ] || usage; creds=$2; shift 2 ;;
    --rebuild) rebuild=1; shift ;;
    --mirror) [ $# -ge 2 ] || usage; mirror=$2; shift 2 ;;
    -h | --help) usage ;;
    *) fail "unknown argument '$1' (see --help)" ;;
    esac
done

[ "$(id -u)" = 0 ] || fail "debootstrap and chroot need root; run as root (sudo)"
for tool in debootstrap umoci flock chroot ${pushes:+skopeo}; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || fail "$tool not found: run scripts/setup.sh"
done
PATH=$PATH:/usr/sbin:/sbin

# The package set decides the cache key (sorted, de-duplicated).
sorted_extras=$(tr ',' '\n' <<<"$extras" | sed '/^$/d' | sort -u | paste -sd, -)
key="v1-$SUITE-minbase${sorted_extras:++${sorted_extras//,/+}}"
dir="$CACHE_ROOT/$key"
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

build() {
    [ -n "$mirror" ] || mirror=$(detect_mirror)
    [ -n "$mirror" ] || mirror=http://deb.debian.org/debian/
    local work
    work=$(mktemp -d "$CACHE_ROOT/.build.XXXXXX")
    trap 'remove_tree "'"$work"'"' EXIT
    local rootfs="$work/rootfs"
    say "debootstrap $SUITE (python3, ca-certificates${sorted_extras:+,$sorted_extras}) from $mirror — about a minute"
    if ! debootstrap --variant=minbase --include="python3,ca-certificates${sorted_extras:+,$sorted_extras}" \
        --cache-dir="$CACHE_ROOT/debs" "$SUITE" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1; then
        tail -n 5 "$work/debootstrap.log" >&2
        fail "debootstrap failed (see the lines above; mirror $mirror); check the network and apt sources"
    fi
    remove_tree_mounts_only "$rootfs"
    local version
    version=$(chroot "$rootfs" /usr/bin/python3 -c 'import platform; print(platform.python_version())') \
        || fail "python3 does not run inside the new rootfs $rootfs"
    # Trim what a container never needs (like Docker's *-slim images).
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
        "$rootfs"/var/cache/ldconfig/aux-cache "$rootfs"/var/log/* "$rootfs"/tmp/* "$rootfs"/dev/* \
        "$rootfs"/usr/share/man "$rootfs"/usr/share/info "$rootfs"/usr/share/groff "$rootfs"/usr/share/lintian \
        "$rootfs"/etc/resolv.conf "$rootfs"/etc/hostname
    find "$rootfs"/var/cache/debconf "$rootfs"/var/lib/dpkg -maxdepth 1 -name '*-old' -delete
    find "$rootfs"/usr/share/doc -mindepth 1 ! -type d ! -name copyright -delete
    find "$rootfs"/usr/share/doc -mindepth 1 -type d -empty -delete
    find "$rootfs"/usr/share/locale -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
    local arch
    arch=$(chroot "$rootfs" dpkg --print-architecture)
    local image="$work/oci:latest"
    {
        umoci init --layout "$work/oci"
        umoci new --image "$image"
        umoci insert --image "$image" --history.created_by "debootstrap --variant=minbase $SUITE + python3" \
            "$rootfs" /
        umoci config --image "$image" --no-history --os linux --architecture "$arch" \
            --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            --config.env LANG=C.UTF-8 --config.env "PYTHON_VERSION=$version" \
            --config.cmd python3 --config.workingdir / \
            --config.label "org.opencontainers.image.base.name=debian:$SUITE" \
            --config.label "org.imagespec.python-base=$key"
        umoci gc --layout "$work/oci"
    } >"$work/umoci.log" 2>&1 || { tail -n 5 "$work/umoci.log" >&2; fail "umoci could not pack $rootfs"; }
    printf 'PYTHON_VERSION=%s\nARCHITECTURE=%s\nMIRROR=%s\n' "$version" "$arch" "$mirror" >"$work/info.env"
    remove_tree "$dir"
    mv "$work" "$dir"
    trap - EXIT
    say "built $dir/oci:latest (Python $version, $arch)"
}

# debootstrap unmounts proc/sys itself on success; make sure nothing stays mounted before trimming and packing.
remove_tree_mounts_only() {
    local target
    while read -r target; do
        umount -l "$target" 2>/dev/null || true
    done < <(awk -v r="$1/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r)
}

cached=1
if [ "$rebuild" = 1 ] || [ ! -s "$dir/info.env" ] || [ ! -s "$dir/oci/index.json" ]; then
    cached=0
    build
fi
# shellcheck disable=SC1091
. "$dir/info.env"
digest=$(sed -n 's/.*"digest":"\(sha256:[0-9a-f]\{64\}\)".*/\1/p' "$dir/oci/index.json" | head -n 1)
[ -n "$digest" ] || fail "$dir/oci/index.json has no manifest; re-run with --rebuild"
[ -s "$dir/oci/blobs/sha256/${digest#sha256:}" ] || fail "$dir/oci is incomplete; re-run with --rebuild"

echo "PYBASE_LAYOUT=$dir/oci"
echo "PYBASE_DIGEST=$digest"
echo "PYTHON_VERSION=$PYTHON_VERSION"
echo "PYBASE_CACHED=$cached"

for target in "${pushes[@]}"; do
    case $target in docker://*) ;; *) target="docker://$target" ;; esac
    digest_file=$(mktemp)
    args=(copy --retry-times 2 --dest-tls-verify=false --digestfile "$digest_file")
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
