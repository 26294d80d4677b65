#!/usr/bin/env bash
# scripts/quickstart.sh — the newcomer's first command: set up this machine, build imagespec, and run it against
# a real registry on 127.0.0.1 (started and stopped here; nothing leaves the machine).
#
#   1. scripts/setup.sh (apt tools + .venv; skipped quickly when already done)
#   2. swift build --product imagespec
#   3. a loopback docker-registry (scripts/registry.sh) and a tiny busybox image built with umoci, pushed with skopeo
#   4. imagespec inspect / exists / copy on that image, and imagespec name on examples/simple.yaml (compared with
#      flytekit's own ImageSpec.image_name() from the .venv)
#   5. the main job: a Debian python3 base (debootstrap + umoci, cached), `imagespec build examples/quickstart.yaml`
#      (requests + flytekit from PyPI, installed with uv, one layer per package, pushed to the loopback registry),
#      then the image is pulled with skopeo, unpacked with umoci and run with chroot
#
# Fails loudly (exit 1, one "quickstart: error:" line) when a step or an imagespec verb fails or is missing.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
step() { printf '\n==> %s\n' "$*"; }
fail() { echo "quickstart: error: $*" >&2; exit 1; }

step "setup (scripts/setup.sh)"
bash scripts/setup.sh
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="$PATH:/opt/swift/usr/bin"
fi

step "build imagespec (swift build --product imagespec)"
swift build --product imagespec
IMAGESPEC="$(swift build --show-bin-path)/imagespec"
[ -x "$IMAGESPEC" ] || fail "the build did not produce $IMAGESPEC"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/imagespec-quickstart.XXXXXX")
REGISTRY_DIR=""
cleanup() {
    [ -n "$REGISTRY_DIR" ] && bash scripts/registry.sh down "$REGISTRY_DIR" >/dev/null 2>&1
    rm -rf "$WORK"
}
trap cleanup EXIT

step "start a registry on 127.0.0.1 (scripts/registry.sh up)"
registry_env=$(bash scripts/registry.sh up -a none)
eval "$registry_env"
echo "registry: $REGISTRY"

step "build a base image with umoci and push it with skopeo (scripts/make-base-image.sh)"
BASE="$REGISTRY/quickstart/busybox:1"
BASE_DIGEST=$(bash scripts/make-base-image.sh -o "$WORK/base-layout" -P "docker://$BASE")
echo "pushed $BASE ($BASE_DIGEST)"

VERBS=$("$IMAGESPEC" --help 2>&1 || true)
# Runs `imagespec VERB ARGS…`, expecting exit status EXPECT (default 0).
imagespec() {
    local expect=0
    if [ "$1" = --expect ]; then expect=$2; shift 2; fi
    local verb=$1
    grep -Eq "^[[:space:]]+$verb([[:space:]]|$)" <<<"$VERBS" \
        || fail "imagespec has no '$verb' verb yet (imagespec --help lists the verbs it has)"
    echo "\$ imagespec $*"
    local status=0
    "$IMAGESPEC" "$@" || status=$?
    [ "$status" = "$expect" ] || fail "'imagespec $*' exited $status, expected $expect"
}

step "inspect the image"
imagespec inspect "$BASE"

step "exists: 0 for the pushed tag, 1 for a tag that is not there"
imagespec exists "$BASE"
imagespec --expect 1 exists "$REGISTRY/quickstart/busybox:not-pushed"

step "copy it to another repository and check the copy with skopeo"
COPY="$REGISTRY/quickstart/copy:1"
imagespec copy "$BASE" "$COPY"
COPY_DIGEST=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$COPY") \
    || fail "skopeo cannot read the copy $COPY"
[ "$COPY_DIGEST" = "$BASE_DIGEST" ] || fail "the copy has digest $COPY_DIGEST, the source $BASE_DIGEST"
echo "skopeo sees $COPY at $COPY_DIGEST (same manifest as the source)"

step "name: the image flytekit would give examples/simple.yaml (checked against flytekit itself)"
imagespec name examples/simple.yaml | tee "$WORK/name.txt"
NAME=$(tail -n 1 "$WORK/name.txt")
# flytekit reads a YAML ImageSpec with yaml.safe_load + ImageSpec(**mapping), relative paths from the CWD.
FLYTEKIT_NAME=$(cd examples && "$REPO/.venv/bin/python" -c '
import yaml
from flytekit.image_spec.image_spec import ImageSpec
print(ImageSpec(**yaml.safe_load(open("simple.yaml"))).image_name())' 2>/dev/null | tail -n 1) \
    || fail "flytekit in .venv could not name examples/simple.yaml (re-run scripts/setup.sh)"
[ "$NAME" = "$FLYTEKIT_NAME" ] || fail "imagespec says $NAME, flytekit says $FLYTEKIT_NAME"
echo "flytekit $("$REPO/.venv/bin/python" -c 'import flytekit; print(flytekit.__version__)' 2>/dev/null) agrees"

step "build: a Debian python3 base (debootstrap + umoci, cached), then imagespec build of examples/quickstart.yaml"
eval "$(bash scripts/python-base.sh --push "docker://$REGISTRY/library/python:3.11-bookworm")"
echo "base: $REGISTRY/library/python:3.11-bookworm (Python $PYTHON_VERSION)"
mkdir -p "$WORK/spec"
sed "s|REGISTRY|$REGISTRY|g" examples/quickstart.yaml > "$WORK/spec/quickstart.yaml"
cp examples/hello.py "$WORK/spec/hello.py"
export PATH="$REPO/.venv/bin:$PATH"   # uv, pinned by scripts/setup.sh
imagespec build "$WORK/spec/quickstart.yaml" --cache-dir "$WORK/cache" --json | tee "$WORK/build.json"
BUILT=$(tail -n 1 "$WORK/build.json" | jq -r '(.image | sub(":[^:/]+$"; "")) + "@" + .digest') \
    || fail "imagespec build printed no JSON summary"
echo "built and pushed $BUILT"

step "exists short-circuit: a second build does no work"
imagespec build "$WORK/spec/quickstart.yaml" --cache-dir "$WORK/cache"

step "run it without Docker: skopeo copy → umoci unpack → chroot"
skopeo copy -q --src-tls-verify=false "docker://$BUILT" "oci:$WORK/pulled:run" \
    || fail "skopeo cannot pull $BUILT"
umoci unpack --image "$WORK/pulled:run" "$WORK/bundle" >/dev/null || fail "umoci cannot unpack $BUILT"
# The image's own environment (PATH, PYTHONPATH with /root and the package prefix, _F_IMG_ID, GREETING).
mapfile -t IMAGE_ENV < <(jq -r '.process.env[]' "$WORK/bundle/config.json")
(cd "$WORK/bundle/rootfs" && env -i "${IMAGE_ENV[@]}" chroot . /bin/sh -c \
    'cd /root && python3 hello.py && python3 -c "import flytekit, os; print(\"flytekit\", flytekit.__version__, \"_F_IMG_ID=\" + os.environ[\"_F_IMG_ID\"])"') \
    || fail "the built image did not run under chroot"

printf '\nquickstart: OK — inspect, exists, copy, name (matches flytekit) and a daemonless build that runs.\n'
