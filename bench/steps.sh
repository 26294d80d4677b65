#!/usr/bin/env bash
# bench/steps.sh — `apt_packages` + `commands`: imagespec against podman on the equivalent Dockerfile (flytekit's
# order: apt → uv → COPY → RUN commands), in one run.
#
#   bench/steps.sh [-r RUNS] [-o OUT_DIR] [-B]
#
# Spec: numpy + pandas, apt_packages [git, curl], copy [serve.sh], commands ["chmod +x /root/serve.sh && git --version
# > /root/git-version"]. Measured with hyperfine (RUNS runs each, default 3; every push goes to a fresh repository):
#   cold      no cache at all (imagespec: new --cache-dir and uv cache; podman: empty store and cache mounts),
#   warm      nothing changed, caches kept, images pushed to a new repository (imagespec: step + layer caches;
#             podman: its layer cache),
#   warm, layers gone   podman only: layer cache emptied, uv/apt cache mounts kept (apt and pip run again),
#   command   only the command changed (a counter in it), caches kept: imagespec re-runs the commands step,
#             podman its last RUN.
# The Dockerfile is flytekit's template for these fields, except that the commands RUN has no uv cache mount:
# buildah 1.28 deadlocks on a second RUN with the same `sharing=locked` cache id (seen here: podman waiting forever).
# Results: OUT_DIR/steps-STAMP.md and steps-STAMP.json. Run as root (the run engine and podman need it).
# Everything listens on 127.0.0.1; the registry (by PID) and the scratch directory are removed on exit.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=3
OUT_DIR="$REPO_ROOT/bench/results"
BUILD=1
while getopts "r:o:Bh" opt; do
    case $opt in
        r) RUNS=$OPTARG ;;
        o) OUT_DIR=$OPTARG ;;
        B) BUILD=0 ;;
        *) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    esac
done
say() { echo "bench: $*" >&2; }
fail() { echo "bench: error: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "run as root"
for tool in hyperfine skopeo umoci jq docker-registry podman runc; do
    command -v "$tool" >/dev/null || fail "$tool not found (run scripts/setup.sh)"
done
if ! command -v uv >/dev/null; then
    [ -x "$REPO_ROOT/.venv/bin/uv" ] || fail "uv not found on PATH or in .venv (run scripts/setup.sh)"
    export PATH="$REPO_ROOT/.venv/bin:$PATH"
fi
UV=$(command -v uv)
UV_VERSION=$(uv --version | awk '{print $2}')
BIN=${IMAGESPEC_BINARY:-$REPO_ROOT/.build/release/imagespec}
if [ "$BUILD" = 1 ]; then
    say "building the release binary"
    (cd "$REPO_ROOT" && swift build -c release --product imagespec >&2)
fi
[ -x "$BIN" ] || fail "$BIN does not exist (build it, or set IMAGESPEC_BINARY)"

W=$(mktemp -d /tmp/imagespec-bench-steps.XXXXXX)
REG_DIR=""
PTMP="$W/podman/tmp"
P=(podman --root "$W/podman/root" --runroot "$W/podman/runroot" --tmpdir "$PTMP"
    --cgroup-manager=cgroupfs --runtime=runc)
cleanup() {
    set +e
    if [ -d "$W/podman/root" ]; then
        TMPDIR=$PTMP "${P[@]}" rm -af >/dev/null 2>&1
        TMPDIR=$PTMP "${P[@]}" rmi -af >/dev/null 2>&1
    fi
    awk -v r="$W/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
    [ -n "$REG_DIR" ] && "$REPO_ROOT/scripts/registry.sh" down "$REG_DIR" >/dev/null 2>&1
    rm -rf "$W"
}
trap cleanup EXIT
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

out=$("$REPO_ROOT/scripts/registry.sh" up -q)
eval "$out"
REG_DIR=$REGISTRY_DIR
R=$REGISTRY
BASE="$R/library/python:3.11-bookworm"
eval "$("$REPO_ROOT/scripts/python-base.sh" --push "docker://$BASE")"
say "registry $R, base $BASE (Python $PYTHON_VERSION)"
mkdir -p "$W/uvroot" "$PTMP"
cp "$UV" "$W/uvroot/uv"
UV_IMAGE="$R/astral-sh/uv:$UV_VERSION"
{
    umoci init --layout "$W/uv-oci"
    umoci new --image "$W/uv-oci:uv"
    umoci insert --image "$W/uv-oci:uv" "$W/uvroot" /
    umoci config --image "$W/uv-oci:uv" --os linux --architecture amd64 --config.entrypoint /uv
    umoci gc --layout "$W/uv-oci"
    skopeo copy -q --dest-tls-verify=false "oci:$W/uv-oci:uv" "docker://$UV_IMAGE"
} >&2

# The spec (imagespec) and the equivalent Dockerfile (podman), both with the command in $W/cmd (a counter).
mkdir -p "$W/ctx" "$W/json"
printf '#!/bin/sh\necho serving\n' >"$W/ctx/serve.sh"
printf 'numpy\npandas\n' >"$W/ctx/requirements_uv.txt"
echo 0 >"$W/n"
command_of() { echo "chmod +x /root/serve.sh && git --version > /root/git-version && echo $1 > /root/change"; }
write_inputs() { # N
    cat >"$W/ctx/spec.yaml" <<SPEC
name: bench-steps
registry: $R/bench
base_image: $BASE
packages: [numpy, pandas, "flytekit; python_version < '3'"]
apt_packages: [git, curl]
copy: [serve.sh]
commands: ["$(command_of "$1")"]
SPEC
    cat >"$W/ctx/Dockerfile" <<DOCKERFILE
FROM $UV_IMAGE AS uv
FROM $BASE
WORKDIR /
USER root
RUN --mount=type=cache,sharing=locked,mode=0777,target=/var/cache/apt,id=apt apt-get update && apt-get install -y --no-install-recommends git curl
ARG SSL_CERT_FILE
ENV UV_LINK_MODE=copy PYTHONPATH=/root
COPY requirements_uv.txt /tmp/requirements_uv.txt
RUN --mount=type=cache,sharing=locked,mode=0777,target=/root/.cache/uv,id=uv --mount=from=uv,source=/uv,target=/usr/bin/uv uv pip install --system --break-system-packages --requirement /tmp/requirements_uv.txt
COPY serve.sh /root/serve.sh
RUN --mount=from=uv,source=/uv,target=/usr/bin/uv $(command_of "$1")
WORKDIR /root
DOCKERFILE
}
write_inputs 0
cat >"$W/pm.sh" <<PM
#!/usr/bin/env bash
set -euo pipefail
export TMPDIR=$PTMP
P=(${P[*]})
case \$1 in
build) "\${P[@]}" build -q --tls-verify=false --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 -v /etc/ssl/certs/ca-certificates.crt:/run/bench-egress-ca.crt:ro \\
        --build-arg SSL_CERT_FILE=/run/bench-egress-ca.crt -t "$R/bench/pm:latest" "$W/ctx" >/dev/null
    "\${P[@]}" push -q --tls-verify=false "$R/bench/pm:latest" "docker://$R/bench/pm-\$2:1" ;;
reset) "\${P[@]}" rm -af >/dev/null 2>&1 || true
    "\${P[@]}" rmi -af >/dev/null 2>&1 || true
    [ "\${2:-}" = cold ] && rm -rf "$PTMP/buildah-cache"
    true ;;
esac
PM
chmod +x "$W/pm.sh"
IS="$BIN build --json"
BUMP="echo \$((\$(cat $W/n) + 1)) > $W/n"
N="\$(cat $W/n)"
# A command-only change: a new counter in the command of both the spec and the Dockerfile.
cat >"$W/change.sh" <<CHANGE
#!/usr/bin/env bash
set -euo pipefail
$(declare -f command_of write_inputs)
W=$W R=$R BASE=$BASE UV_IMAGE=$UV_IMAGE
write_inputs "\$1"
CHANGE
chmod +x "$W/change.sh"

say "pre-warming: one imagespec build and one podman build (downloads into the uv/apt caches)"
UV_CACHE_DIR=$W/uv $IS --cache-dir "$W/c" --output "docker://$R/bench/pre:1" "$W/ctx/spec.yaml" >"$W/json/pre.json"
"$W/pm.sh" build pre >"$W/pm-pre.log" 2>&1 || { tail -n 20 "$W/pm-pre.log" >&2; fail "podman build failed"; }

mkdir -p "$OUT_DIR"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
LOAD_START=$(loadavg)
args=(
    --prepare "$BUMP; rm -rf $W/c-cold $W/uv-cold; $W/change.sh 0"
    -n "imagespec cold" "UV_CACHE_DIR=$W/uv-cold $IS --cache-dir $W/c-cold --output docker://$R/bench/is-cold-$N:1 \
$W/ctx/spec.yaml > $W/json/cold-$N.json"
    --prepare "$BUMP; $W/change.sh 0"
    -n "imagespec warm" "UV_CACHE_DIR=$W/uv $IS --cache-dir $W/c --output docker://$R/bench/is-warm-$N:1 \
$W/ctx/spec.yaml > $W/json/warm-$N.json"
    --prepare "$BUMP; $W/change.sh $N"
    -n "imagespec command changed" "UV_CACHE_DIR=$W/uv $IS --cache-dir $W/c --output \
docker://$R/bench/is-cmd-$N:1 $W/ctx/spec.yaml > $W/json/cmd-$N.json"
    --prepare "$BUMP; $W/pm.sh reset cold; $W/change.sh 0" -n "podman cold" "$W/pm.sh build cold-$N"
    --prepare "$BUMP; $W/change.sh 0; $W/pm.sh build prewarm-$N" -n "podman warm" "$W/pm.sh build warm-$N"
    --prepare "$BUMP; $W/pm.sh reset; $W/change.sh 0" -n "podman warm, layers gone" "$W/pm.sh build gone-$N"
    --prepare "$BUMP; $W/change.sh 0; $W/pm.sh build prewarm2-$N; $W/change.sh $N"
    -n "podman command changed" "$W/pm.sh build cmd-$N"
)
say "$RUNS runs per command"
hyperfine --style basic -S bash --runs "$RUNS" --export-json "$OUT_DIR/steps-$STAMP.json" "${args[@]}" >&2
LOAD_END=$(loadavg)
median() { jq -r --arg n "$1" '.results[] | select(.command == $n) | .median' "$OUT_DIR/steps-$STAMP.json"; }
ratio() { awk -v a="$(median "$1")" -v b="$(median "$2")" 'BEGIN { printf "%.1f", a / b }'; }
steps=$(jq -c '[.platforms[0].steps[] | {kind, cache_hit}]' "$(ls -t "$W"/json/cmd-*.json | head -n 1)")
{
    echo "# bench/steps.sh $STAMP"
    echo
    echo "Machine: $(nproc) cores, $(uname -r); load $LOAD_START → $LOAD_END; $RUNS runs each (hyperfine medians)."
    echo "imagespec $("$BIN" --version 2>/dev/null || echo dev), podman $(podman --version | awk '{print $3}'), uv $UV_VERSION."
    echo
    echo "| case | imagespec (s) | podman (s) | podman / imagespec |"
    echo "| --- | --- | --- | --- |"
    printf "| cold | %.2f | %.2f | %s× |\n" "$(median "imagespec cold")" "$(median "podman cold")" \
        "$(ratio "podman cold" "imagespec cold")"
    printf "| warm (nothing changed, new repository) | %.2f | %.2f | %s× |\n" "$(median "imagespec warm")" \
        "$(median "podman warm")" "$(ratio "podman warm" "imagespec warm")"
    printf "| warm, podman's layer cache emptied | %.2f | %.2f | %s× |\n" "$(median "imagespec warm")" \
        "$(median "podman warm, layers gone")" "$(ratio "podman warm, layers gone" "imagespec warm")"
    printf "| only the command changed | %.2f | %.2f | %s× |\n" "$(median "imagespec command changed")" \
        "$(median "podman command changed")" "$(ratio "podman command changed" "imagespec command changed")"
    echo
    echo "imagespec steps on a command change: $steps"
} >"$OUT_DIR/steps-$STAMP.md"
cat "$OUT_DIR/steps-$STAMP.md"
