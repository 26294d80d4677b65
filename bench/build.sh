#!/usr/bin/env bash
# bench/build.sh — `imagespec build` against podman build+push and against the hand-made sum of parts, in one run.
#
#   bench/build.sh [-r RUNS] [-e EXISTS_RUNS] [-m BIG_MB] [-R RSS_RUNS] [-o OUT_DIR] [-B] [-P]
#
#   1. builds the release binary (`swift build -c release --product imagespec`, default .build; -B skips it),
#   2. starts a loopback docker-registry (scripts/registry.sh up -q), pushes the Debian python3 base
#      (scripts/python-base.sh --push) as R/library/python:3.11-bookworm and a uv "stage" image made with umoci
#      from the host's uv binaries as R/astral-sh/uv:VERSION (ghcr.io is not reachable here),
#   3. pre-warms the shared uv cache (imagespec builds) and podman's cache mount (podman builds), and checks that
#      imagespec and podman resolve the same package versions,
#   4. times with hyperfine (RUNS runs each, default 5; medians), every push going to a fresh repository:
#      (a)+(b) numpy+pandas, and numpy+pandas+flytekit==FLYTEKIT_VERSION: imagespec cold/warm, podman
#              cold/warm/images-present, sum of parts cold/warm,
#      (c) one pin change (pandas 3.1.0 → 3.1.1): imagespec vs podman, bytes pushed from `imagespec build --json`,
#      (d) the exists short-circuit: `imagespec build` of an image that exists (hyperfine -N, EXISTS_RUNS runs),
#      (e) peak RSS (/usr/bin/time -v) building a BIG_MB MiB layer of random data (`copy:`), RSS_RUNS runs,
#   5. writes OUT_DIR/build-STAMP.md (summary), build-STAMP-*.json (hyperfine) and build-STAMP-extra.json.
# -P skips the podman commands (then only the lab notes' podman numbers can be quoted).
# Everything listens on 127.0.0.1; the registry (by PID) and the scratch directory are removed on exit.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=5
EXISTS_RUNS=30
BIG_MB=1024
RSS_RUNS=3
OUT_DIR="$REPO_ROOT/bench/results"
BUILD=1
PODMAN=1
FLYTEKIT_VERSION=${FLYTEKIT_VERSION:-1.16.31}
while getopts "r:e:m:R:o:BPh" opt; do
    case $opt in
        r) RUNS=$OPTARG ;;
        e) EXISTS_RUNS=$OPTARG ;;
        m) BIG_MB=$OPTARG ;;
        R) RSS_RUNS=$OPTARG ;;
        o) OUT_DIR=$OPTARG ;;
        B) BUILD=0 ;;
        P) PODMAN=0 ;;
        *) sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    esac
done

say() { echo "bench: $*" >&2; }
fail() { echo "bench: error: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root (python-base.sh needs debootstrap/chroot, podman a private root store)"
for tool in hyperfine skopeo umoci pigz jq docker-registry python3 curl git; do
    command -v "$tool" >/dev/null || fail "$tool not found (run scripts/setup.sh)"
done
[ "$PODMAN" = 0 ] || command -v podman >/dev/null || fail "podman not found (run scripts/setup.sh, or pass -P)"
[ -x /usr/bin/time ] || fail "/usr/bin/time not found (apt-get install time)"
# uv: on PATH, else the project's .venv (scripts/setup.sh installs it there).
if ! command -v uv >/dev/null; then
    [ -x "$REPO_ROOT/.venv/bin/uv" ] || fail "uv not found on PATH or in .venv (run scripts/setup.sh)"
    export PATH="$REPO_ROOT/.venv/bin:$PATH"
fi
UV=$(command -v uv)
UV_VERSION=$(uv --version | awk '{print $2}')

BIN=${IMAGESPEC_BINARY:-$REPO_ROOT/.build/release/imagespec}
if [ "$BUILD" = 1 ]; then
    say "building the release binary (swift build -c release --product imagespec)"
    (cd "$REPO_ROOT" && swift build -c release --product imagespec >&2)
fi
[ -x "$BIN" ] || fail "$BIN does not exist (build it, or set IMAGESPEC_BINARY)"

W=$(mktemp -d /tmp/imagespec-bench-build.XXXXXX)
REG_DIR=""
PTMP="$W/podman/tmp"
P=(podman --root "$W/podman/root" --runroot "$W/podman/runroot" --tmpdir "$PTMP"
    --cgroup-manager=cgroupfs --runtime=runc)
cleanup() {
    set +e
    if [ "$PODMAN" = 1 ] && [ -d "$W/podman/root" ]; then
        TMPDIR=$PTMP "${P[@]}" rm -af >/dev/null 2>&1
        TMPDIR=$PTMP "${P[@]}" rmi -af >/dev/null 2>&1
    fi
    # Unmount whatever is still mounted below the scratch directory (deepest first) before removing it.
    awk -v r="$W/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
    [ -n "$REG_DIR" ] && "$REPO_ROOT/scripts/registry.sh" down "$REG_DIR" >/dev/null 2>&1
    rm -rf "$W"
}
trap cleanup EXIT

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
LOAD_START=$(loadavg)

# --- registry, base image, uv stage image ---------------------------------------------------------------------------
out=$("$REPO_ROOT/scripts/registry.sh" up -q)
eval "$out"
REG_DIR=$REGISTRY_DIR
R=$REGISTRY
say "registry $R (pid $REGISTRY_PID)"
BASE="$R/library/python:3.11-bookworm"
eval "$("$REPO_ROOT/scripts/python-base.sh" --push "docker://$BASE")"
say "base $BASE: Python $PYTHON_VERSION from $PYBASE_LAYOUT"

mkdir -p "$W/uvroot"
cp "$UV" "$W/uvroot/uv"
[ -x "$(dirname "$UV")/uvx" ] && cp "$(dirname "$UV")/uvx" "$W/uvroot/uvx"
UV_IMAGE="$R/astral-sh/uv:$UV_VERSION"
{
    umoci init --layout "$W/uv-oci"
    umoci new --image "$W/uv-oci:uv"
    umoci insert --image "$W/uv-oci:uv" "$W/uvroot" /
    umoci config --image "$W/uv-oci:uv" --os linux --architecture amd64 --config.entrypoint /uv
    umoci gc --layout "$W/uv-oci"
    skopeo copy -q --dest-tls-verify=false "oci:$W/uv-oci:uv" "docker://$UV_IMAGE"
} >&2
say "uv stage image $UV_IMAGE"

# --- specs --------------------------------------------------------------------------------------------------------
# imagespec has no "no flytekit" switch on the command line (BuildOptions.flytekit = .none is not exposed), but it
# adds flytekit only when no requirement names flytekit: a requirement whose marker is false for every Python 3
# names it without installing anything — that is how the numpy+pandas specs stay flytekit-free.
NO_FLYTEKIT="\"flytekit; python_version < '3'\""
mkdir -p "$W/specs" "$W/json" "$W/rss" "$W/big/data"
spec() { # NAME PACKAGE… → $W/specs/NAME.yaml
    local name=$1 p
    shift
    {
        echo "name: bench-$name"
        echo "registry: $R/bench"
        echo "base_image: $BASE"
        echo "packages:"
        for p in "$@"; do echo "  - $p"; done
    } >"$W/specs/$name.yaml"
}
spec np numpy pandas "$NO_FLYTEKIT"
spec fk numpy pandas                      # + flytekit==FLYTEKIT_VERSION via --flytekit-version
spec pina numpy pandas==3.1.0 "$NO_FLYTEKIT"
spec pinb numpy pandas==3.1.1 "$NO_FLYTEKIT"
spec big "$NO_FLYTEKIT"
printf 'copy:\n  - data\n' >>"$W/specs/big.yaml"
cp "$W/specs/big.yaml" "$W/big/spec.yaml"

# requirement files for podman and the sum of parts (same lines, same order as imagespec's)
printf 'numpy\npandas\n' >"$W/req-np.txt"
printf 'numpy\npandas\nflytekit==%s\n' "$FLYTEKIT_VERSION" >"$W/req-fk.txt"
printf 'numpy\npandas==3.1.0\n' >"$W/req-pina.txt"
printf 'numpy\npandas==3.1.1\n' >"$W/req-pinb.txt"

# --- podman contexts ------------------------------------------------------------------------------------------------
# "bind": the lab notes' Dockerfile (flytekit's pattern: requirements bind-mounted into the RUN step).
# "copy": the same with COPY of the requirements — needed for the pin change, because buildah 1.28 does not put
#         the content of a bind-mounted file into the RUN step's cache key: with "bind", a changed pin silently
#         reuses the old layer (checked on this machine: same image ID after editing the file).
dockerfile() { # bind|copy
    echo "FROM $UV_IMAGE AS uv"
    echo "FROM $BASE"
    echo "WORKDIR /"
    echo "USER root"
    echo "ARG SSL_CERT_FILE"
    echo "ENV UV_LINK_MODE=copy PYTHONPATH=/root"
    if [ "$1" = copy ]; then
        echo "COPY requirements_uv.txt /tmp/requirements_uv.txt"
        echo "RUN --mount=type=cache,sharing=locked,mode=0777,target=/root/.cache/uv,id=uv \\"
    else
        echo "RUN --mount=type=cache,sharing=locked,mode=0777,target=/root/.cache/uv,id=uv \\"
        echo "    --mount=type=bind,target=/tmp/requirements_uv.txt,src=requirements_uv.txt \\"
    fi
    echo "    --mount=from=uv,source=/uv,target=/usr/bin/uv \\"
    echo "    uv pip install --system --break-system-packages --requirement /tmp/requirements_uv.txt"
    echo "WORKDIR /root"
}
for set in np fk pina pinb; do
    mkdir -p "$W/ctx-$set"
    cp "$W/req-$set.txt" "$W/ctx-$set/requirements_uv.txt"
    case $set in pin*) dockerfile copy ;; *) dockerfile bind ;; esac >"$W/ctx-$set/Dockerfile"
done

# podman helper (private store; TMPDIR → buildah's cache-mount dir $PTMP/buildah-cache).
# The host CA bundle is mounted for uv inside the build (TLS-intercepting egress here; see the lab notes).
cat >"$W/pm.sh" <<EOF
#!/usr/bin/env bash
set -euo pipefail
export TMPDIR=$PTMP
P=(${P[*]})
case \$1 in
build) # CTX TAG [extra args]
    ctx=\$2 tag=\$3; shift 3
    "\${P[@]}" build -q --tls-verify=false --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \\
        -v /etc/ssl/certs/ca-certificates.crt:/run/bench-egress-ca.crt:ro \\
        --build-arg SSL_CERT_FILE=/run/bench-egress-ca.crt "\$@" -t "\$tag" "\$ctx" ;;
push) "\${P[@]}" push -q --tls-verify=false "\$2" "docker://\$3" ;;
reset) # [cold]: empty store (and, for cold, the uv cache mount)
    "\${P[@]}" rm -af >/dev/null 2>&1 || true
    "\${P[@]}" system prune -af >/dev/null 2>&1 || true
    "\${P[@]}" rmi -af >/dev/null 2>&1 || true
    [ "\${2:-}" = cold ] && rm -rf "$PTMP/buildah-cache"
    true ;;
esac
EOF
chmod +x "$W/pm.sh"
mkdir -p "$PTMP"

# --- sum of parts ---------------------------------------------------------------------------------------------------
# One layer: uv --target install, tar | pigz -1 -n (diff_id hashed from the same stream through a FIFO), sha256sum
# of the blob, a small Python script appending the layer to a hard-linked copy of the base layout, skopeo copy
# (base layer cross-repo mounted by skopeo's blob-info cache, like imagespec and podman mount it).
# A 20-byte build-id file makes every layer new: skopeo's blob-info cache would otherwise mount a layer pushed by an
# earlier run instead of uploading it.
cat >"$W/oci-append.py" <<'EOF'
import hashlib, json, os, sys
layout, from_tag, to_tag, layer, layer_digest, diff_id = sys.argv[1:]
def blob(d): return os.path.join(layout, "blobs", "sha256", d.split(":", 1)[1])
def put(data):
    d = "sha256:" + hashlib.sha256(data).hexdigest()
    with open(blob(d), "wb") as f: f.write(data)
    return d
def replace(path, data):  # never write through a hard link into the cached base layout
    with open(path + ".new", "wb") as f: f.write(data)
    os.replace(path + ".new", path)
index = json.load(open(os.path.join(layout, "index.json")))
desc = next(m for m in index["manifests"]
            if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == from_tag)
manifest = json.load(open(blob(desc["digest"])))
config = json.load(open(blob(manifest["config"]["digest"])))
os.replace(layer, blob(layer_digest))
config["rootfs"]["diff_ids"].append(diff_id)
config.setdefault("history", []).append({"created_by": "sum of parts: uv pip install --target"})
config_bytes = json.dumps(config, separators=(",", ":")).encode()
manifest["config"] = {"mediaType": "application/vnd.oci.image.config.v1+json",
                      "digest": put(config_bytes), "size": len(config_bytes)}
manifest["layers"].append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                           "digest": layer_digest, "size": os.path.getsize(blob(layer_digest))})
manifest_bytes = json.dumps(manifest, separators=(",", ":")).encode()
index["manifests"].append({"mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "digest": put(manifest_bytes), "size": len(manifest_bytes),
                           "annotations": {"org.opencontainers.image.ref.name": to_tag}})
replace(os.path.join(layout, "index.json"), json.dumps(index).encode())
EOF
cat >"$W/sop.sh" <<EOF
#!/usr/bin/env bash
# SET MODE N — one sum-of-parts build+push (MODE cold: uv cache \$W/uv-sop-cold, emptied by --prepare)
set -euo pipefail
set=\$1 mode=\$2 n=\$3
uvc=$W/uv-warm; [ "\$mode" = cold ] && uvc=$W/uv-sop-cold
d=$W/sop/\$set-\$mode-\$n
mkdir -p "\$d/T/opt/imagespec"
cp -al "$PYBASE_LAYOUT" "\$d/L"
uv pip install -q --cache-dir "\$uvc" --target "\$d/T/opt/imagespec/site-packages" \\
    --python-platform x86_64-manylinux_2_28 --python-version 3.11 --only-binary :all: -r "$W/req-\$set.txt"
date +%s%N >"\$d/T/opt/imagespec/build-id"
mkfifo "\$d/fifo"
sha256sum <"\$d/fifo" >"\$d/diff_id" &
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --format=posix -C "\$d/T" -c . \\
    | tee "\$d/fifo" | pigz -1 -n >"\$d/layer.tar.gz"
wait
digest=\$(sha256sum "\$d/layer.tar.gz" | cut -d' ' -f1)
python3 "$W/oci-append.py" "\$d/L" latest sop "\$d/layer.tar.gz" "sha256:\$digest" \\
    "sha256:\$(cut -d' ' -f1 "\$d/diff_id")"
skopeo copy -q --dest-tls-verify=false "oci:\$d/L:sop" "docker://$R/bench/sop-\$set-\$mode-\$n:1"
EOF
chmod +x "$W/sop.sh"

# --- pre-warm + equivalence check -----------------------------------------------------------------------------------
echo 0 >"$W/n"
BUMP="echo \$((\$(cat $W/n) + 1)) > $W/n"
N="\$(cat $W/n)"
IS="$BIN build --json"
FK="--flytekit-version $FLYTEKIT_VERSION"
pkgs_imagespec() { jq -r '.platforms[0].layers[].packages[]?' "$1" | sort; }
pkgs_podman() { sed -n 's/^ + \([^ ]*\)$/\1/p' "$1" | sort; }
say "pre-warming the uv cache with imagespec (fk, np, pin a/b)"
UV_CACHE_DIR=$W/uv-warm $IS $FK --cache-dir "$W/c-pre" --output "docker://$R/bench/pre-fk:1" "$W/specs/fk.yaml" \
    >"$W/json/pre-fk.json"
for s in pina pinb; do
    UV_CACHE_DIR=$W/uv-warm $IS --cache-dir "$W/c-pre" --output "docker://$R/bench/pre-$s:1" "$W/specs/$s.yaml" \
        >"$W/json/pre-$s.json"
done
# np goes to the spec's own name: the image (d) finds existing.
UV_CACHE_DIR=$W/uv-warm $IS --cache-dir "$W/c-pre" "$W/specs/np.yaml" >"$W/json/pre-np.json"
rm -rf "$W/c-pre"
EQUIV=""
if [ "$PODMAN" = 1 ]; then
    say "pre-warming podman's uv cache mount (fk, np, pin a/b) and comparing resolved versions"
    for s in fk np pina pinb; do
        # --no-cache: with the "bind" Dockerfile, buildah would reuse fk's RUN layer for np (see above).
        "$W/pm.sh" build "$W/ctx-$s" "$R/bench/pm-$s:latest" --no-cache >"$W/pm-pre-$s.log" 2>&1 \
            || { tail -n 20 "$W/pm-pre-$s.log" >&2; fail "podman build of ctx-$s failed (log above)"; }
        if diff <(pkgs_imagespec "$W/json/pre-$s.json") <(pkgs_podman "$W/pm-pre-$s.log") >"$W/diff-$s.txt"; then
            EQUIV+="$s: same $(pkgs_imagespec "$W/json/pre-$s.json" | wc -l) distributions; "
        else
            EQUIV+="$s: DIFFERENT ($(grep -c '^[<>]' "$W/diff-$s.txt") lines differ: $(grep '^[<>]' "$W/diff-$s.txt" \
                | tr '\n' ' ')); "
        fi
    done
    say "equivalence: $EQUIV"
fi

# --- big layer data -------------------------------------------------------------------------------------------------
say "writing $BIG_MB MiB of random data for (e)"
for i in $(seq 1 8); do head -c "$((BIG_MB * 1024 * 1024 / 8))" /dev/urandom >"$W/big/data/random$i.bin"; done

mkdir -p "$OUT_DIR"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
H=(hyperfine --style basic -S bash)
declare -A LOAD

# --- (a)+(b): numpy+pandas and the flytekit set ---------------------------------------------------------------------
run_group() { # SET  (np | fk)
    local s=$1 fk="" args=()
    [ "$s" = fk ] && fk=$FK
    args+=(--prepare "$BUMP; rm -rf $W/c-cold $W/uv-cold"
        -n "imagespec cold" "UV_CACHE_DIR=$W/uv-cold /usr/bin/time -v -o $W/rss/$s-cold-$N.txt $IS $fk \
--cache-dir $W/c-cold --output docker://$R/bench/is-$s-cold-$N:1 $W/specs/$s.yaml > $W/json/$s-cold-$N.json")
    args+=(--prepare "$BUMP; rm -rf $W/c-warm"
        -n "imagespec warm" "UV_CACHE_DIR=$W/uv-warm /usr/bin/time -v -o $W/rss/$s-warm-$N.txt $IS $fk \
--cache-dir $W/c-warm --output docker://$R/bench/is-$s-warm-$N:1 $W/specs/$s.yaml > $W/json/$s-warm-$N.json")
    if [ "$PODMAN" = 1 ]; then
        local build="$W/pm.sh build $W/ctx-$s $R/bench/pm-$s:latest"
        local push="$W/pm.sh push $R/bench/pm-$s:latest $R/bench/pm-$s"
        args+=(--prepare "$BUMP; $W/pm.sh reset cold" -n "podman cold" "$build && ${push}-cold-$N:1")
        args+=(--prepare "$BUMP; $W/pm.sh reset" -n "podman warm" "$build && ${push}-warm-$N:1")
        args+=(--prepare "$BUMP" -n "podman warm, images present, --no-cache" \
            "$build --no-cache && ${push}-nocache-$N:1")
    fi
    args+=(--prepare "$BUMP; rm -rf $W/sop $W/uv-sop-cold" -n "sum of parts cold" "$W/sop.sh $s cold $N")
    args+=(--prepare "$BUMP; rm -rf $W/sop" -n "sum of parts warm" "$W/sop.sh $s warm $N")
    LOAD[$s]="$(loadavg)"
    say "($s) $RUNS runs per command"
    "${H[@]}" --runs "$RUNS" --export-json "$OUT_DIR/build-$STAMP-$s.json" "${args[@]}" >&2
    LOAD[$s]+=" → $(loadavg)"
    rm -rf "$W/sop" "$W/c-cold" "$W/c-warm"
}
run_group np
run_group fk

# --- (c) one pin change ---------------------------------------------------------------------------------------------
args=(--prepare "$BUMP; rm -rf $W/c-pin; UV_CACHE_DIR=$W/uv-warm $IS --cache-dir $W/c-pin \
--output docker://$R/bench/is-pin-$N:a $W/specs/pina.yaml > /dev/null"
    -n "imagespec pin change" "UV_CACHE_DIR=$W/uv-warm $IS --cache-dir $W/c-pin \
--output docker://$R/bench/is-pin-$N:b $W/specs/pinb.yaml > $W/json/pin-$N.json")
if [ "$PODMAN" = 1 ]; then
    args+=(--prepare "$BUMP; $W/pm.sh reset; $W/pm.sh build $W/ctx-pina $R/bench/pm-pin:a > /dev/null 2>&1 \
&& $W/pm.sh push $R/bench/pm-pin:a $R/bench/pm-pin-$N:a"
        -n "podman pin change" "$W/pm.sh build $W/ctx-pinb $R/bench/pm-pin:b \
&& $W/pm.sh push $R/bench/pm-pin:b $R/bench/pm-pin-$N:b")
fi
LOAD[pin]="$(loadavg)"
say "(c) pin change pandas 3.1.0 → 3.1.1, $RUNS runs"
"${H[@]}" --runs "$RUNS" --export-json "$OUT_DIR/build-$STAMP-pin.json" "${args[@]}" >&2
LOAD[pin]+=" → $(loadavg)"

# --- (d) exists short-circuit ---------------------------------------------------------------------------------------
NP_IMAGE=$(jq -r .image "$W/json/pre-np.json")
$IS --cache-dir "$W/c-exists" "$W/specs/np.yaml" >"$W/json/exists.json"
[ "$(jq -r .skipped "$W/json/exists.json")" = true ] || fail "imagespec build of an existing image did not skip"
LOAD[exists]="$(loadavg)"
say "(d) exists short-circuit, $EXISTS_RUNS runs"
hyperfine --style basic -N --warmup 3 --runs "$EXISTS_RUNS" --export-json "$OUT_DIR/build-$STAMP-exists.json" \
    -n "imagespec build (image exists)" "$BIN build --quiet --cache-dir $W/c-exists $W/specs/np.yaml" \
    -n "imagespec exists" "$BIN exists $NP_IMAGE" >&2
LOAD[exists]+=" → $(loadavg)"

# --- (e) peak RSS, one big layer ------------------------------------------------------------------------------------
LOAD[big]="$(loadavg)"
say "(e) $BIG_MB MiB layer, $RSS_RUNS runs"
"${H[@]}" --runs "$RSS_RUNS" --export-json "$OUT_DIR/build-$STAMP-big.json" \
    --prepare "$BUMP; rm -rf $W/c-big" \
    -n "imagespec build, $BIG_MB MiB copy layer" "UV_CACHE_DIR=$W/uv-warm /usr/bin/time -v -o $W/rss/big-$N.txt \
$IS --cache-dir $W/c-big --output docker://$R/bench/big-$N:1 $W/big/spec.yaml > $W/json/big-$N.json" >&2
LOAD[big]+=" → $(loadavg)"
LOAD_END=$(loadavg)

# --- summary --------------------------------------------------------------------------------------------------------
versions="imagespec $("$BIN" --version) (git $(git -C "$REPO_ROOT" rev-parse --short HEAD)$(git -C "$REPO_ROOT" \
diff --quiet -- Sources 2>/dev/null || echo '+uncommitted Sources')), uv $UV_VERSION, $(skopeo --version), \
umoci $(umoci --version | awk '{print $3}'), $(pigz --version 2>&1), $(hyperfine --version), \
docker-registry $(docker-registry --version | awk '{print $3}'), flytekit set = flytekit==$FLYTEKIT_VERSION"
[ "$PODMAN" = 1 ] && versions+=", $(podman --version) (buildah $(TMPDIR=$PTMP "${P[@]}" info \
--format '{{.Host.BuildahVersion}}' 2>/dev/null), runc)"
python3 - "$OUT_DIR" "$STAMP" "$W" "$RUNS" "$BIG_MB" "$versions" "$EQUIV" "$LOAD_START" "$LOAD_END" \
    "np=${LOAD[np]}" "fk=${LOAD[fk]}" "pin=${LOAD[pin]}" "exists=${LOAD[exists]}" "big=${LOAD[big]}" \
    "$(nproc)" "$(uname -sr)" <<'EOF' | tee "$OUT_DIR/build-$STAMP.md"
import glob, json, os, re, statistics, sys
out, stamp, w, runs, big_mb, versions, equiv, load0, load1 = sys.argv[1:10]
loads = dict(a.split("=", 1) for a in sys.argv[10:15])
ncpu, kernel = sys.argv[15:17]
def hf(name):
    p = f"{out}/build-{stamp}-{name}.json"
    return {r["command"]: r for r in json.load(open(p))["results"]} if os.path.exists(p) else {}
def s(r): return f"{r['median']:.2f} s" if r else "—"
def rng(r): return f"{r['min']:.2f}–{r['max']:.2f}" if r else "—"
def ms(r): return f"{r['median']*1000:.1f} ms ({r['min']*1000:.1f}–{r['max']*1000:.1f})"
def rss(files):
    v = []
    for f in files:
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(f).read())
        if m: v.append(int(m.group(1)) / 1024)
    return v
extra = {"stamp": stamp, "loads": loads}
print(f"### Build benchmark {stamp}\n")
print(f"Machine: {ncpu} vCPU, {kernel}; load average {load0} at start, {load1} at the end.")
print(f"Versions: {versions}.")
if equiv: print(f"Same resolution check (imagespec --json vs podman's uv output): {equiv}")
print(f"\nhyperfine, {runs} runs per command, medians (min–max); every push to a fresh repository.\n")
rows = []
for key, label, goal in (("np", "numpy+pandas", 3.5), ("fk", "numpy+pandas+flytekit", 4.5)):
    g = hf(key)
    if not g: continue
    print(f"**{label}** (load {loads[key]}):\n")
    print("| command | median | min–max | imagespec RSS (max) |")
    print("| --- | ---: | ---: | ---: |")
    for cmd, r in g.items():
        mode = "cold" if "cold" in cmd else "warm"
        r_rss = rss(glob.glob(f"{w}/rss/{key}-{mode}-*.txt")) if cmd.startswith("imagespec") else []
        print(f"| {cmd} | {s(r)} | {rng(r)} | {f'{max(r_rss):.0f} MB' if r_rss else ''} |")
        if r_rss: extra[f"rss_{key}_{mode}_mb"] = r_rss
    pushed = [json.load(open(f)) for f in glob.glob(f"{w}/json/{key}-warm-*.json")]
    if pushed:
        p0 = pushed[0]["platforms"][0]
        new = [l for l in p0["layers"] if l["kind"] != "base"]
        print(f"\nimagespec image: {len(new)} new layers, {sum(l['size'] for l in new)/1e6:.1f} MB compressed, "
              f"{pushed[0]['bytes_pushed']/1e6:.1f} MB pushed (base layer mounted).\n")
    ic, iw = g.get("imagespec cold"), g.get("imagespec warm")
    for pm, isr, what in (("podman cold", ic, "cold"), ("podman warm", iw, "warm"),
                          ("podman warm, images present, --no-cache", iw, "warm vs podman images present")):
        if g.get(pm) and isr:
            x = g[pm]["median"] / isr["median"]
            rows.append((f"(a) {label}, {what}", f"{x:.2f}× faster", f"≥ {goal}×",
                         "met" if x >= goal else "NOT met"))
    for sop, isr, what in (("sum of parts cold", ic, "cold"), ("sum of parts warm", iw, "warm")):
        if g.get(sop) and isr:
            x = isr["median"] / g[sop]["median"]
            rows.append((f"(b) {label}, {what}: imagespec / sum of parts", f"{x:.2f}×", "≤ 1.2×",
                         "met" if x <= 1.2 else "NOT met"))
g = hf("pin")
if g:
    print(f"**(c) pin change pandas 3.1.0 → 3.1.1** (load {loads['pin']}):\n")
    print("| command | median | min–max |")
    print("| --- | ---: | ---: |")
    for cmd, r in g.items(): print(f"| {cmd} | {s(r)} | {rng(r)} |")
    reports = [json.load(open(f)) for f in sorted(glob.glob(f"{w}/json/pin-*.json"))]
    ok = True
    detail = []
    for rep in reports:
        layers = rep["platforms"][0]["layers"]
        pandas = [l for l in layers if any(p.startswith("pandas==") for p in (l.get("packages") or []))]
        limit = sum(l["size"] for l in pandas) + 10 * 1024
        pushed = [l for l in layers if l["pushed"]]
        ok &= rep["bytes_pushed"] <= limit
        detail.append({"bytes_pushed": rep["bytes_pushed"], "pandas_layer": limit - 10240,
                       "layers_pushed": [(l.get("packages"), l["size"]) for l in pushed]})
    extra["pin"] = detail
    if detail:
        d0 = detail[0]
        print(f"\nBytes pushed (imagespec --json, every run): {sorted(set(d['bytes_pushed'] for d in detail))}; "
              f"pandas 3.1.1 layer {d0['pandas_layer']} B; layers uploaded: {d0['layers_pushed']}.\n")
        rows.append(("(c) bytes pushed ≤ pandas layer + 10 KB",
                     f"{max(d['bytes_pushed'] for d in detail) - d0['pandas_layer']} B over the layer",
                     "≤ 10240 B", "met" if ok else "NOT met"))
    if g.get("podman pin change"):
        x = g["podman pin change"]["median"] / g["imagespec pin change"]["median"]
        rows.append(("(c) pin change vs podman", f"{x:.1f}× faster", "≥ 10×", "met" if x >= 10 else "NOT met"))
g = hf("exists")
if g:
    print(f"**(d) exists short-circuit** (hyperfine -N, load {loads['exists']}):\n")
    print("| command | median (min–max) |")
    print("| --- | ---: |")
    for cmd, r in g.items(): print(f"| {cmd} | {ms(r)} |")
    print()
    r = g["imagespec build (image exists)"]
    rows.append(("(d) exists short-circuit", f"{r['median']*1000:.1f} ms", "≤ 50 ms",
                 "met" if r["median"] <= 0.05 else "NOT met"))
g = hf("big")
if g:
    r = next(iter(g.values()))
    v = rss(glob.glob(f"{w}/rss/big-*.txt"))
    extra["rss_big_mb"] = v
    reps = [json.load(open(f)) for f in glob.glob(f"{w}/json/big-*.json")]
    size = max(l["size"] for l in reps[0]["platforms"][0]["layers"] if l["kind"] == "files") if reps else 0
    print(f"**(e) {big_mb} MiB layer** (load {loads['big']}): wall {s(r)} ({rng(r)}), layer {size/1e6:.0f} MB "
          f"compressed; peak RSS per run: {', '.join(f'{x:.0f} MB' for x in v)}.\n")
    rows.append((f"(e) peak RSS, {big_mb} MiB layer", f"{max(v):.0f} MB (max of {len(v)})", "≤ 200 MB",
                 "met" if max(v) <= 200 else "NOT met"))
print("**Goals:**\n")
print("| measurement | result | goal | |")
print("| --- | ---: | ---: | --- |")
for row in rows: print("| " + " | ".join(row) + " |")
json.dump(extra, open(f"{out}/build-{stamp}-extra.json", "w"), indent=1)
EOF
