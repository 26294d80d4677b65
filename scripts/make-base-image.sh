#!/usr/bin/env bash
# scripts/make-base-image.sh — build a tiny OCI image with umoci (no Docker) and optionally push it with skopeo.
#
#   scripts/make-base-image.sh -o LAYOUT [-r ROOTFS] [-t TAG] [-a ARCH] [-P docker://HOST/REPO:TAG] [-f oci|v2s2]
#                              [-c USER:PASS]
#
# Without -r the rootfs is busybox-static (/bin/busybox + applet symlinks; runnable /bin/sh) or, when busybox-static
# is not installed, a few plain files. The image is LAYOUT:TAG (default tag: latest). With -P it is pushed
# (plain HTTP / no TLS verification: meant for loopback test registries) and the manifest digest is printed on stdout.
set -euo pipefail

fail() { echo "make-base-image.sh: error: $*" >&2; exit 1; }
usage() { sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

layout="" rootfs="" tag=latest arch=amd64 push="" format=oci creds=""
while getopts "o:r:t:a:P:f:c:h" opt; do
    case $opt in
    o) layout=$OPTARG ;;
    r) rootfs=$OPTARG ;;
    t) tag=$OPTARG ;;
    a) arch=$OPTARG ;;
    P) push=$OPTARG ;;
    f) format=$OPTARG ;;
    c) creds=$OPTARG ;;
    *) usage ;;
    esac
done
[ -n "$layout" ] || usage
case $format in oci | v2s2) ;; *) fail "-f must be oci or v2s2, not '$format'" ;; esac
for tool in umoci ${push:+skopeo}; do
    command -v "$tool" >/dev/null 2>&1 || fail "$tool not found: run scripts/setup.sh"
done
[ ! -e "$layout" ] || fail "$layout already exists: pass a new path to -o"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/base-image.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
if [ -z "$rootfs" ]; then
    rootfs="$scratch/rootfs"
    mkdir -p "$rootfs"/{bin,etc,tmp,root,usr/bin}
    echo "root:x:0:0:root:/root:/bin/sh" >"$rootfs/etc/passwd"
    printf 'NAME=imagespec-base\nID=imagespec-base\n' >"$rootfs/etc/os-release"
    if [ -x /bin/busybox ]; then
        cp /bin/busybox "$rootfs/bin/busybox"
        for applet in $(/bin/busybox --list); do
            [ "$applet" = busybox ] || ln -s busybox "$rootfs/bin/$applet"
        done
    else
        echo "make-base-image.sh: busybox-static not installed; using a few plain files" >&2
        echo "tiny test image" >"$rootfs/README"
    fi
fi
[ -d "$rootfs" ] || fail "rootfs $rootfs is not a directory"

rootless=()
[ "$(id -u)" = 0 ] || rootless=(--rootless)
image="$layout:$tag"
umoci init --layout "$layout"
umoci new --image "$image"
umoci insert "${rootless[@]}" --image "$image" "$rootfs" /
umoci config --image "$image" --os linux --architecture "$arch" \
    --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --config.cmd /bin/sh
umoci gc --layout "$layout"
echo "make-base-image.sh: built oci:$image" >&2

if [ -n "$push" ]; then
    args=(copy --retry-times 2 --dest-tls-verify=false --digestfile "$scratch/digest")
    [ -n "$creds" ] && args+=(--dest-creds "$creds")
    [ "$format" = v2s2 ] && args+=(--format v2s2)
    skopeo "${args[@]}" "oci:$image" "$push" >&2 || fail "skopeo could not push to $push"
    echo "make-base-image.sh: pushed $push" >&2
    cat "$scratch/digest"
    echo
fi
