#!/usr/bin/env bash
# bench/name.sh — `imagespec name` vs flytekit's own ImageSpec(...).image_name() on a 10,000-file source_root.
#
#   bench/name.sh [-f FILES] [-w WARM_RUNS] [-c COLD_RUNS] [-o OUT_DIR] [-B] [-C]
#
#   1. builds the release binary (`swift build -c release --product imagespec`, default .build; -B skips it),
#   2. creates a git repository with FILES files (default 10,000; fixed random seed): mixed sizes (80 % 0.2–4 KB,
#      19 % 4–64 KB, 1 % 64 KB–1 MB), ~40 directories, a .gitignore (build/, logs/, *.tmp), a .dockerignore
#      (docs/drafts, **/*.bak, data/raw) and __pycache__/*.pyc files (flytekit's standard ignores); committed,
#   3. writes spec.yaml with an absolute `source_root` (as pyflyte passes it) and `source_copy_mode: ALL`,
#   4. checks that `imagespec name spec.yaml` and flytekit's `ImageSpec(**yaml.safe_load(…)).image_name()` (the
#      way pyflyte reads `--image spec.yaml`; python: $FLYTEKIT_PYTHON or .venv/bin/python) print the SAME name
#      (the benchmark fails otherwise),
#   5. times both processes with hyperfine -N: warm page cache (WARM_RUNS runs, default 10, + 2 warm-ups) and cold
#      (`sync; echo 3 > /proc/sys/vm/drop_caches` as --prepare, COLD_RUNS runs, default 5; -C skips it; skipped and
#      reported when not permitted). The Python side also records its import time and its image_name() call.
#   6. writes OUT_DIR/name-STAMP.md (summary) and name-STAMP-{warm,cold}.json (hyperfine).
# Dropping the page cache affects the whole machine (every process re-reads its files afterwards).
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FILES=10000
WARM_RUNS=10
COLD_RUNS=5
OUT_DIR="$REPO_ROOT/bench/results"
BUILD=1
COLD=1
while getopts "f:w:c:o:BCh" opt; do
    case $opt in
        f) FILES=$OPTARG ;;
        w) WARM_RUNS=$OPTARG ;;
        c) COLD_RUNS=$OPTARG ;;
        o) OUT_DIR=$OPTARG ;;
        B) BUILD=0 ;;
        C) COLD=0 ;;
        *) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    esac
done

say() { echo "bench: $*" >&2; }
fail() { echo "bench: error: $*" >&2; exit 1; }

for tool in hyperfine git jq python3; do
    command -v "$tool" >/dev/null || fail "$tool not found (run scripts/setup.sh)"
done
PY=${FLYTEKIT_PYTHON:-$REPO_ROOT/.venv/bin/python}
[ -x "$PY" ] || fail "$PY not found (run scripts/setup.sh, or set FLYTEKIT_PYTHON to a python with flytekit)"
FLYTEKIT=$("$PY" -c 'import flytekit; print(flytekit.__version__)' 2>/dev/null) \
    || fail "$PY cannot import flytekit (run scripts/setup.sh)"

BIN=${IMAGESPEC_BINARY:-$REPO_ROOT/.build/release/imagespec}
if [ "$BUILD" = 1 ]; then
    say "building the release binary (swift build -c release --product imagespec)"
    (cd "$REPO_ROOT" && swift build -c release --product imagespec >&2)
fi
[ -x "$BIN" ] || fail "$BIN does not exist (build it, or set IMAGESPEC_BINARY)"

W=$(mktemp -d /tmp/imagespec-bench-name.XXXXXX)
trap 'rm -rf "$W"' EXIT
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# --- the tree -------------------------------------------------------------------------------------------------------
say "creating a $FILES-file source_root in $W/proj"
python3 - "$W/proj" "$FILES" <<'EOF'
import os, random, sys
root, total = sys.argv[1], int(sys.argv[2])
rnd = random.Random(20261126)
os.makedirs(root)
with open(os.path.join(root, ".gitignore"), "w") as f:
    f.write("build/\nlogs/\n*.tmp\n")
with open(os.path.join(root, ".dockerignore"), "w") as f:
    f.write("# not shipped\ndocs/drafts\n**/*.bak\ndata/raw\n")
# (directory, extension, share of the files); the ignored kinds are a few percent of the tree
kinds = [(f"src/pkg{p:02d}" + (f"/sub{s}" if s else ""), ".py", 0.66 / 60) for p in range(20) for s in range(3)]
kinds += [("tests", ".py", 0.06), ("docs", ".md", 0.05), ("data", ".bin", 0.06), ("configs", ".yaml", 0.03),
          ("notebooks", ".ipynb", 0.02),
          ("build/lib", ".py", 0.03), ("logs", ".log", 0.01), ("src/pkg00", ".tmp", 0.005),   # .gitignore
          ("docs/drafts", ".md", 0.01), ("src/pkg01", ".bak", 0.005), ("data/raw", ".bin", 0.01),  # .dockerignore
          ("src/pkg02/__pycache__", ".pyc", 0.02)]                                            # flytekit standard
weights = [k[2] for k in kinds]
def size():
    x = rnd.random()
    if x < 0.80: return rnd.randint(200, 4096)
    if x < 0.99: return rnd.randint(4096, 65536)
    return rnd.randint(65536, 1 << 20)
made = 2
for i in range(total - made):
    d, ext, _ = rnd.choices(kinds, weights)[0]
    os.makedirs(os.path.join(root, d), exist_ok=True)
    with open(os.path.join(root, d, f"f{i:05d}{ext}"), "wb") as f:
        f.write(rnd.randbytes(size()))
EOF
(
    cd "$W/proj"
    git init -q
    git add -A
    GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@localhost GIT_COMMITTER_NAME=bench \
        GIT_COMMITTER_EMAIL=bench@localhost git commit -qm tree
)
TREE_FILES=$(find "$W/proj" -path "$W/proj/.git" -prune -o -type f -print | wc -l)
TREE_BYTES=$(find "$W/proj" -path "$W/proj/.git" -prune -o -type f -printf '%s\n' | awk '{s += $1} END {print s}')
TREE_DIRS=$(find "$W/proj" -path "$W/proj/.git" -prune -o -type d -print | wc -l)

cat >"$W/spec.yaml" <<EOF
name: bench-name
registry: ghcr.io/acme
python_version: "3.11"
packages: [numpy, pandas]
source_root: $W/proj
source_copy_mode: ALL
EOF
# flytekit's way of reading a YAML spec (pyflyte --image spec.yaml): yaml.safe_load + ImageSpec(**mapping).
# It appends "import_seconds image_name_seconds" (time.monotonic) to argv[2].
cat >"$W/flytekit_name.py" <<'EOF'
import time
t0 = time.monotonic()
import sys, yaml
from flytekit.image_spec.image_spec import ImageSpec
t1 = time.monotonic()
with open(sys.argv[1]) as f:
    name = ImageSpec(**yaml.safe_load(f)).image_name()
t2 = time.monotonic()
print(name)
with open(sys.argv[2], "a") as f:
    f.write(f"{t1 - t0:.6f} {t2 - t1:.6f}\n")
EOF
cd "$W"

# --- same name? -----------------------------------------------------------------------------------------------------
ours=$("$BIN" name spec.yaml 2>/dev/null)
theirs=$("$PY" flytekit_name.py spec.yaml /dev/null)
[ "$ours" = "$theirs" ] || fail "names differ: imagespec $ours, flytekit $theirs"
HASHED=$("$BIN" name --explain spec.yaml 2>/dev/null | sed -n 's/^source_root md5: .* (\([0-9]*\) files)$/\1/p')
say "same name $ours ($HASHED of $TREE_FILES files hashed)"

mkdir -p "$OUT_DIR"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
LOAD_WARM0=$(loadavg)
say "warm page cache: $WARM_RUNS runs + 2 warm-ups each"
hyperfine --style basic -N --warmup 2 --runs "$WARM_RUNS" --export-json "$OUT_DIR/name-$STAMP-warm.json" \
    -n "imagespec name" "$BIN name $W/spec.yaml" \
    -n "flytekit image_name()" "$PY $W/flytekit_name.py $W/spec.yaml $W/split-warm.txt" >&2
LOAD_WARM1=$(loadavg)

COLD_NOTE=""
if [ "$COLD" = 1 ]; then
    cat >"$W/drop-caches.sh" <<'EOF'
#!/usr/bin/env bash
sync
echo 3 >/proc/sys/vm/drop_caches
EOF
    chmod +x "$W/drop-caches.sh"
    if "$W/drop-caches.sh" 2>/dev/null; then
        LOAD_COLD0=$(loadavg)
        say "cold page cache (drop_caches before every run): $COLD_RUNS runs each"
        hyperfine --style basic -N --runs "$COLD_RUNS" --prepare "$W/drop-caches.sh" \
            --export-json "$OUT_DIR/name-$STAMP-cold.json" \
            -n "imagespec name" "$BIN name $W/spec.yaml" \
            -n "flytekit image_name()" "$PY $W/flytekit_name.py $W/spec.yaml $W/split-cold.txt" >&2
        COLD_NOTE="load $LOAD_COLD0 → $(loadavg)"
    else
        COLD_NOTE="not measured: writing /proc/sys/vm/drop_caches is not permitted here"
    fi
else
    COLD_NOTE="not measured (-C)"
fi

# --- summary --------------------------------------------------------------------------------------------------------
python3 - "$OUT_DIR" "$STAMP" "$W" "$ours" "$TREE_FILES" "$TREE_BYTES" "$TREE_DIRS" "$HASHED" \
    "imagespec $("$BIN" --version) (git $(git -C "$REPO_ROOT" rev-parse --short HEAD)), flytekit $FLYTEKIT \
($("$PY" -c 'import platform; print("CPython", platform.python_version())')), $(git --version), \
$(hyperfine --version)" \
    "$(nproc) vCPU, $(uname -sr)" "$LOAD_WARM0 → $LOAD_WARM1" "$COLD_NOTE" <<'EOF' | tee "$OUT_DIR/name-$STAMP.md"
import json, os, statistics, sys
out, stamp, w, name, files, nbytes, dirs, hashed, versions, machine, load_warm, cold_note = sys.argv[1:13]
print(f"### Name benchmark {stamp}\n")
print(f"Machine: {machine}. Versions: {versions}.")
print(f"Tree: {int(files):,} files ({int(nbytes)/1e6:.0f} MB) in {int(dirs)} directories, git repository with "
      f".gitignore and .dockerignore; {int(hashed):,} files hashed after the ignore rules. Both print `{name}`.\n")
print("| page cache | `imagespec name` | flytekit `image_name()` process | ratio "
      "| flytekit import / image_name() call |")
print("| --- | ---: | ---: | ---: | ---: |")
for mode, note in (("warm", f"load {load_warm}"), ("cold", cold_note)):
    p = f"{out}/name-{stamp}-{mode}.json"
    if not os.path.exists(p):
        print(f"| {mode} | {note} | | | |")
        continue
    r = {x["command"]: x for x in json.load(open(p))["results"]}
    a, b = r["imagespec name"], r["flytekit image_name()"]
    split = [tuple(map(float, l.split())) for l in open(f"{w}/split-{mode}.txt")]
    imp = statistics.median(s[0] for s in split)
    call = statistics.median(s[1] for s in split)
    print(f"| {mode} ({note}) | {a['median']*1000:.0f} ms ({a['min']*1000:.0f}–{a['max']*1000:.0f}) "
          f"| {b['median']*1000:.0f} ms ({b['min']*1000:.0f}–{b['max']*1000:.0f}) "
          f"| {b['median']/a['median']:.1f}× faster | {imp*1000:.0f} ms / {call*1000:.0f} ms |")
EOF
