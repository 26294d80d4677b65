#!/usr/bin/env bash
# scripts/setup.sh — install everything imagespec's tests and quickstart need. Idempotent: re-running it only
# does what is missing. Meant for root on Debian bookworm (the CI and developer machines).
#
#   1. Debian packages (docker-registry, skopeo, umoci, …) — `apt-get update` once, only when something is missing.
#   2. The Swift toolchain must already exist (on PATH or in /opt/swift/usr/bin).
#   3. A Python venv at REPO/.venv with pinned flytekit, uv, pyyaml, cryptography (PyPI only).
#
# Prints one line per step; on failure prints ONE line starting with "setup.sh: error:" and exits non-zero.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOG_DIR=${IMAGESPEC_SETUP_LOG_DIR:-${TMPDIR:-/tmp}/imagespec-setup}
mkdir -p "$LOG_DIR"

APT_PACKAGES=(
    docker-registry skopeo umoci libzstd-dev zlib1g-dev pigz hyperfine jq apache2-utils git runc podman
    debootstrap curl openssl ca-certificates
    # busybox-static: a real, runnable rootfs for the tiny base images the tests build with umoci.
    busybox-static
    # python3-venv: `python3 -m venv` on a Debian python (a pyenv python has it built in).
    python3 python3-venv
    # qemu-user-static: the run engine runs linux/arm64 `commands`/`apt_packages` through a private binfmt_misc
    # instance (the host's global binfmt is never touched).
    qemu-user-static
)
VENV="$REPO/.venv"
REQUIREMENTS="$REPO/scripts/requirements-dev.txt"
CONSTRAINTS="$REPO/scripts/constraints-dev.txt"
SWIFT_FALLBACK=/opt/swift/usr/bin

say() { echo "setup.sh: $*"; }
fail() { echo "setup.sh: error: $*" >&2; exit 1; }
now() { echo "${EPOCHREALTIME/,/.}"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }
# Show the tail of a log on failure, then the one error line.
fail_with_log() {
    local log=$1; shift
    if [ -s "$log" ]; then
        echo "---- last lines of $log ----" >&2
        tail -n 15 "$log" >&2
        echo "----" >&2
    fi
    fail "$*"
}

T_ALL=$(now)

# ---------------------------------------------------------------------------------------------------------------
# 1. Debian packages
# ---------------------------------------------------------------------------------------------------------------
T=$(now)
command -v dpkg-query >/dev/null 2>&1 || fail "dpkg-query not found: this script needs Debian (bookworm); install \
the tools listed in scripts/setup.sh by hand"
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
    say "apt: all ${#APT_PACKAGES[@]} packages already installed ($(elapsed "$T"))"
else
    [ "$(id -u)" = 0 ] || fail "missing Debian packages: ${missing[*]} — re-run as root (sudo bash scripts/setup.sh)"
    say "apt: installing ${missing[*]}"
    # Debian's docker-registry package starts a registry on :5000 (all interfaces) from its postinst unless
    # policy-rc.d forbids it. Keep an existing policy-rc.d as it is; otherwise add a temporary one for this install.
    POLICY=/usr/sbin/policy-rc.d
    POLICY_MARK="# imagespec scripts/setup.sh: temporary"
    if [ ! -e "$POLICY" ]; then
        printf '#!/bin/sh\n%s\nexit 101\n' "$POLICY_MARK" >"$POLICY"
        chmod 755 "$POLICY"
        trap 'grep -qF "$POLICY_MARK" "$POLICY" 2>/dev/null && rm -f "$POLICY"' EXIT
    fi
    APT_LOG="$LOG_DIR/apt.log"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >"$APT_LOG" 2>&1 || fail_with_log "$APT_LOG" "apt-get update failed (network or apt sources); \
see $APT_LOG"
    apt-get install -y --no-install-recommends "${missing[@]}" >>"$APT_LOG" 2>&1 \
        || fail_with_log "$APT_LOG" "apt-get install failed for: ${missing[*]}; see $APT_LOG"
    say "apt: installed ${#missing[@]} package(s) ($(elapsed "$T"))"
fi

# Never leave Debian's own registry service running or enabled: it would listen on :5000 on every interface.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    if systemctl is-enabled --quiet docker-registry 2>/dev/null || systemctl is-active --quiet docker-registry; then
        systemctl disable --now docker-registry >/dev/null 2>&1 || true
        say "apt: stopped and disabled the Debian docker-registry service (it listens on :5000)"
    fi
fi
for pid in $(pgrep -x docker-registry 2>/dev/null || true); do
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q '/etc/docker/registry/config.yml'; then
        echo "setup.sh: warning: the Debian docker-registry service (pid $pid) is running on :5000;" \
            "stop it with: systemctl disable --now docker-registry" >&2
    fi
done

# ---------------------------------------------------------------------------------------------------------------
# 2. Swift toolchain (not installable from apt; it is pre-installed on these machines)
# ---------------------------------------------------------------------------------------------------------------
if command -v swift >/dev/null 2>&1; then
    SWIFT=$(command -v swift)
elif [ -x "$SWIFT_FALLBACK/swift" ]; then
    SWIFT="$SWIFT_FALLBACK/swift"
else
    fail "Swift toolchain not found (no 'swift' on PATH, none in $SWIFT_FALLBACK): install Swift 6.2+ from \
swift.org and put its usr/bin on PATH"
fi
SWIFT_VERSION=$("$SWIFT" --version 2>/dev/null | head -n 1 || true)
[ -n "$SWIFT_VERSION" ] || fail "$SWIFT does not run ('swift --version' failed): reinstall the Swift toolchain"
say "swift: $SWIFT ($SWIFT_VERSION)"

# ---------------------------------------------------------------------------------------------------------------
# 3. Python venv with pinned tools
# ---------------------------------------------------------------------------------------------------------------
T=$(now)
[ -f "$REQUIREMENTS" ] || fail "missing $REQUIREMENTS (part of the repository): restore it with git"
PYTHON=${IMAGESPEC_SETUP_PYTHON:-python3}
command -v "$PYTHON" >/dev/null 2>&1 || fail "python3 not found: apt-get install python3 python3-venv"
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' \
    || fail "$PYTHON is older than 3.9 ($("$PYTHON" --version 2>&1)); flytekit needs 3.9+"
STAMP="$VENV/.imagespec-setup-stamp"
WANT=$( { "$PYTHON" --version 2>&1; cat "$REQUIREMENTS"; cat "$CONSTRAINTS" 2>/dev/null || true; } | sha256sum \
    | cut -d' ' -f1)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ] && [ -x "$VENV/bin/python" ] \
    && "$VENV/bin/python" -c 'import flytekit, yaml, cryptography' >/dev/null 2>&1 && [ -x "$VENV/bin/uv" ]; then
    say "venv: $VENV up to date ($(elapsed "$T"))"
else
    PIP_LOG="$LOG_DIR/pip.log"
    : >"$PIP_LOG"
    if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
        rm -rf "$VENV"
        "$PYTHON" -m venv "$VENV" >>"$PIP_LOG" 2>&1 \
            || fail_with_log "$PIP_LOG" "'$PYTHON -m venv $VENV' failed: apt-get install python3-venv"
    fi
    constraint_args=()
    [ -f "$CONSTRAINTS" ] && constraint_args=(-c "$CONSTRAINTS")
    "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -q \
        -r "$REQUIREMENTS" "${constraint_args[@]}" >>"$PIP_LOG" 2>&1 \
        || fail_with_log "$PIP_LOG" "pip install -r scripts/requirements-dev.txt failed (PyPI reachable?); \
see $PIP_LOG"
    "$VENV/bin/python" -c 'import flytekit, yaml, cryptography' >>"$PIP_LOG" 2>&1 \
        || fail_with_log "$PIP_LOG" "the venv at $VENV cannot import flytekit/yaml/cryptography; delete .venv and \
re-run scripts/setup.sh"
    echo "$WANT" >"$STAMP"
    say "venv: installed $(tr '\n' ' ' <"$REQUIREMENTS" | sed 's/#[^ ]*//g') into $VENV ($(elapsed "$T"))"
fi
say "venv: $("$VENV/bin/python" --version 2>&1), flytekit $("$VENV/bin/python" -c \
    'import importlib.metadata as m; print(m.version("flytekit"))'), $("$VENV/bin/uv" --version 2>/dev/null)"

# ---------------------------------------------------------------------------------------------------------------
# 4. The flytekit/union builder plugin (python/, a regular non-editable install, as users get it) and union
# ---------------------------------------------------------------------------------------------------------------
T=$(now)
PLUGIN_DIR="$REPO/python"
PLUGIN_PINS=(union==0.1.204)
PLUGIN_STAMP="$VENV/.imagespec-plugin-stamp"
# Reinstall when the pins, the constraints or any source file of the plugin change.
PLUGIN_WANT=$( { printf '%s\n' "${PLUGIN_PINS[@]}"; cat "$CONSTRAINTS" 2>/dev/null || true
    find "$PLUGIN_DIR" -type f -not -path '*/build/*' -not -path '*.egg-info/*' -not -path '*/__pycache__/*' \
        -print0 | sort -z | xargs -0 cat; } | sha256sum | cut -d' ' -f1)
if [ -f "$PLUGIN_STAMP" ] && [ "$(cat "$PLUGIN_STAMP")" = "$PLUGIN_WANT" ] \
    && "$VENV/bin/python" -c 'import importlib.metadata as m
for name in ("flytekitplugins-imagespec", "union"): m.version(name)' >/dev/null 2>&1; then
    say "plugin: flytekitplugins-imagespec and ${PLUGIN_PINS[*]} up to date ($(elapsed "$T"))"
else
    PLUGIN_LOG="$LOG_DIR/plugin.log"
    constraint_args=()
    [ -f "$CONSTRAINTS" ] && constraint_args=(-c "$CONSTRAINTS")
    "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -q --force-reinstall --no-deps \
        "$PLUGIN_DIR" >"$PLUGIN_LOG" 2>&1 \
        && "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -q "${PLUGIN_PINS[@]}" \
            "${constraint_args[@]}" >>"$PLUGIN_LOG" 2>&1 \
        || fail_with_log "$PLUGIN_LOG" "pip install of python/ (flytekitplugins-imagespec) or ${PLUGIN_PINS[*]} \
failed (PyPI reachable?); see $PLUGIN_LOG"
    rm -rf "$PLUGIN_DIR/build" "$PLUGIN_DIR"/*.egg-info
    "$VENV/bin/python" -c 'import flytekitplugins.imagespec, union' >>"$PLUGIN_LOG" 2>&1 \
        || fail_with_log "$PLUGIN_LOG" "the venv cannot import flytekitplugins.imagespec/union; see $PLUGIN_LOG"
    echo "$PLUGIN_WANT" >"$PLUGIN_STAMP"
    say "plugin: installed python/ (flytekitplugins-imagespec) and ${PLUGIN_PINS[*]} ($(elapsed "$T"))"
fi

say "done ($(elapsed "$T_ALL")): export IMAGESPEC_PYTHON=$VENV/bin/python; PATH+=:$VENV/bin"
