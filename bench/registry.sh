#!/usr/bin/env bash
# bench/registry.sh — registry benchmarks of imagespec against skopeo and curl, in one run.
#
#   bench/registry.sh [-r COPY_ROUNDS] [-e EXISTS_RUNS] [-l LAYERS] [-m LAYER_MB] [-o OUT_DIR] [-B]
#
#   1. builds the release binary (`swift build -c release --product imagespec`, default .build; -B skips it),
#   2. starts two loopback registries (scripts/registry.sh up -q: no auth, warn-level logs),
#   3. builds its own input image with umoci: a busybox rootfs layer plus LAYERS layers of LAYER_MB MiB of
#      random data each (default 4 × 12 MiB ≈ 50 MB), pushed to registry A with skopeo,
#   4. copy A → B: `imagespec copy` vs `skopeo copy`, hyperfine, COPY_ROUNDS runs each (default 5) + 1 warm-up,
#      a fresh destination repository for every run; skopeo's blob-info cache
#      (/var/lib/containers/cache/blob-info-cache-v1.boltdb) is deleted before every run of either tool, so
#      skopeo cannot turn uploads into cross-repository mounts from an earlier round,
#   5. exists on B: `imagespec exists` vs `skopeo inspect --raw` vs `curl -I` with OCI+Docker Accept,
#      hyperfine -N, EXISTS_RUNS runs (default 30) + 3 warm-ups,
#   6. prints a Markdown summary (medians, min–max, ratios) and keeps hyperfine's JSON in OUT_DIR
#      (default bench/results).
# Everything listens on 127.0.0.1; both registries and the scratch directory are removed on exit.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
COPY_ROUNDS=5
EXISTS_RUNS=30
LAYERS=4
LAYER_MB=12
OUT_DIR="$REPO_ROOT/bench/results"
BUILD=1
while getopts "r:e:l:m:o:Bh" opt; do
    case $opt in
        r) COPY_ROUNDS=$OPTARG ;;
        e) EXISTS_RUNS=$OPTARG ;;
        l) LAYERS=$OPTARG ;;
        m) LAYER_MB=$OPTARG ;;
        o) OUT_DIR=$OPTARG ;;
        B) BUILD=0 ;;
        *) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    esac
done

say() { echo "bench: $*" >&2; }
fail() { echo "bench: error: $*" >&2; exit 1; }

for tool in hyperfine skopeo umoci curl jq docker-registry python3; do
    command -v "$tool" >/dev/null || fail "$tool not found (run scripts/setup.sh)"
done
BUSYBOX=$(command -v busybox || true)
[ -n "$BUSYBOX" ] || fail "busybox not found (apt-get install busybox-static)"

BIN=${IMAGESPEC_BINARY:-$REPO_ROOT/.build/release/imagespec}
if [ "$BUILD" = 1 ]; then
    say "building the release binary (swift build -c release --product imagespec)"
    (cd "$REPO_ROOT" && swift build -c release --product imagespec >&2)
fi
[ -x "$BIN" ] || fail "$BIN does not exist (build it, or set IMAGESPEC_BINARY)"

WORK=$(mktemp -d /tmp/imagespec-bench.XXXXXX)
REG_A_DIR=""
REG_B_DIR=""
cleanup() {
    [ -n "$REG_A_DIR" ] && "$REPO_ROOT/scripts/registry.sh" down "$REG_A_DIR" >/dev/null 2>&1 || true
    [ -n "$REG_B_DIR" ] && "$REPO_ROOT/scripts/registry.sh" down "$REG_B_DIR" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

start_registry() {
    local out
    out=$("$REPO_ROOT/scripts/registry.sh" up -q)
    eval "$out"
    echo "$REGISTRY $REGISTRY_DIR"
}
read -r REG_A REG_A_DIR < <(start_registry)
read -r REG_B REG_B_DIR < <(start_registry)
say "registry A: $REG_A, registry B: $REG_B"

# --- input image ------------------------------------------------------------------------------------------------
say "building the input image: busybox + $LAYERS × $LAYER_MB MiB random layers (umoci)"
ROOTFS="$WORK/rootfs"
mkdir -p "$ROOTFS/bin" "$ROOTFS/etc" "$ROOTFS/tmp"
cp "$BUSYBOX" "$ROOTFS/bin/busybox"
for applet in sh ls cat echo; do ln -s busybox "$ROOTFS/bin/$applet"; done
echo "root:x:0:0:root:/root:/bin/sh" >"$ROOTFS/etc/passwd"
LAYOUT="$WORK/oci"
umoci init --layout "$LAYOUT"
umoci new --image "$LAYOUT:bench"
umoci insert --image "$LAYOUT:bench" "$ROOTFS" /
for i in $(seq 1 "$LAYERS"); do
    mkdir -p "$WORK/data$i"
    head -c "$((LAYER_MB * 1024 * 1024))" /dev/urandom >"$WORK/data$i/random$i.bin"
    umoci insert --image "$LAYOUT:bench" "$WORK/data$i" "/data"
done
umoci config --image "$LAYOUT:bench" --os linux --architecture amd64 --config.cmd /bin/sh \
    --config.env PATH=/bin
umoci gc --layout "$LAYOUT"
SRC="$REG_A/bench/src:1"
skopeo copy -q --dest-tls-verify=false "oci:$LAYOUT:bench" "docker://$SRC"
IMAGE_BYTES=$(skopeo inspect --raw --tls-verify=false "docker://$SRC" | jq '[.layers[].size, .config.size] | add')
BLOBS=$(skopeo inspect --raw --tls-verify=false "docker://$SRC" | jq '.layers | length + 1')
say "source $SRC: $BLOBS blobs, $IMAGE_BYTES bytes"

# --- correctness check before timing ----------------------------------------------------------------------------
"$BIN" copy "$SRC" "$REG_B/bench/check:1" >/dev/null
want=$(skopeo inspect --raw --tls-verify=false "docker://$SRC" | sha256sum | cut -d' ' -f1)
got=$(skopeo inspect --raw --tls-verify=false "docker://$REG_B/bench/check:1" | sha256sum | cut -d' ' -f1)
[ "$want" = "$got" ] || fail "imagespec copy wrote a different manifest ($got, expected $want)"

# --- copy: imagespec vs skopeo ------------------------------------------------------------------------------------
mkdir -p "$OUT_DIR"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
COUNTER="$WORK/counter"
echo 0 >"$COUNTER"
CACHE=/var/lib/containers/cache/blob-info-cache-v1.boltdb
SKOPEO_TLS="--src-tls-verify=false --dest-tls-verify=false"
PREPARE="rm -f $CACHE; echo \$((\$(cat $COUNTER) + 1)) > $COUNTER"
say "copy A → B: $COPY_ROUNDS rounds each (fresh repository per run)"
hyperfine --style basic --warmup 1 --runs "$COPY_ROUNDS" --prepare "$PREPARE" \
    --export-json "$OUT_DIR/copy-$STAMP.json" \
    -n "imagespec copy" "$BIN copy $SRC $REG_B/bench/im-\$(cat $COUNTER):1 >/dev/null" \
    -n "skopeo copy" "skopeo copy -q $SKOPEO_TLS docker://$SRC docker://$REG_B/bench/sk-\$(cat $COUNTER):1" \
    >&2

# --- exists: imagespec vs skopeo inspect --raw vs curl -I ---------------------------------------------------------
TARGET="$REG_B/bench/check:1"
ACCEPT="Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json"
ACCEPT+=", application/vnd.docker.distribution.manifest.list.v2+json"
ACCEPT+=", application/vnd.docker.distribution.manifest.v2+json"
say "exists on B: $EXISTS_RUNS runs each"
hyperfine --style basic -N --warmup 3 --runs "$EXISTS_RUNS" --export-json "$OUT_DIR/exists-$STAMP.json" \
    -n "imagespec exists" "$BIN exists $TARGET" \
    -n "skopeo inspect --raw" "skopeo inspect --raw --tls-verify=false docker://$TARGET" \
    -n "curl -I" "curl -sfI -o /dev/null -H '$ACCEPT' http://$REG_B/v2/bench/check/manifests/1" \
    >&2

# --- summary ------------------------------------------------------------------------------------------------------
summary() {
    local file=$1 base=$2
    jq -r --arg base "$base" '
        def ms: . * 10000 | round / 10;
        (.results | map(select(.command == $base)) | .[0].median) as $b
        | .results[]
        | "| \(.command) | \(.median | ms) ms | \(.min | ms)–\(.max | ms) ms"
          + " | \(.median / $b * 100 | round / 100) |"' \
        "$file"
}
{
    echo "### Registry benchmark $STAMP"
    echo
    echo "Machine: $(nproc) vCPU, $(uname -sr); $(skopeo --version); $(umoci --version); $(hyperfine --version)"
    echo "Input: busybox layer + $LAYERS × $LAYER_MB MiB random layers = $BLOBS blobs, $IMAGE_BYTES bytes (gzip)."
    echo
    echo "Copy A → B (two loopback docker-registry 2.8, fresh repository per run, $COPY_ROUNDS runs + 1 warm-up):"
    echo
    echo "| command | median | min–max | ratio to skopeo |"
    echo "| --- | ---: | ---: | ---: |"
    summary "$OUT_DIR/copy-$STAMP.json" "skopeo copy"
    echo
    echo "Exists (existing tag on B, $EXISTS_RUNS runs + 3 warm-ups, no shell):"
    echo
    echo "| command | median | min–max | ratio to curl -I |"
    echo "| --- | ---: | ---: | ---: |"
    summary "$OUT_DIR/exists-$STAMP.json" "curl -I"
} | tee "$OUT_DIR/summary-$STAMP.md"
