#!/usr/bin/env bash
# scripts/registry.sh — start/stop a real distribution registry (Debian's docker-registry) on 127.0.0.1.
#
#   out=$(scripts/registry.sh up [-a none|htpasswd|token] [-p PORT] [-d DIR] [-q]) && eval "$out"
#   scripts/registry.sh down [DIR]          # default: $REGISTRY_DIR; KEEP=1 keeps the directory
#
# `up` prints `export …` lines on stdout (progress goes to stderr):
#   all modes:  REGISTRY=127.0.0.1:PORT REGISTRY_PID REGISTRY_DIR REGISTRY_LOG REGISTRY_AUTH
#   htpasswd:   REG_USER REG_PASS
#   token:      REG_USER REG_PASS TOKEN_SERVER_PID TOKEN_REALM TOKEN_SERVICE TOKEN_CONFIG TOKEN_LOG
#               GAR_PROJECT GAR_ACCESS_TOKEN (oauth2accesstoken:GAR_ACCESS_TOKEN may pull/push GAR_PROJECT/REPO/…
#               for each REPO listed in TOKEN_CONFIG's "projects"; see scripts/token-server.py)
# Knobs (environment): REG_USER, REG_PASS, GAR_PROJECT (test-project), GAR_REPOS (created-repo, comma list),
# GAR_ACCESS_TOKEN, TOKEN_SIGNER=openssl (sign with the openssl CLI instead of python cryptography).
# `down` kills only the PIDs recorded in DIR/pids, after checking /proc/PID/cmdline, then removes DIR.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MARKER=.imagespec-registry

say() { echo "registry.sh: $*" >&2; }
fail() { echo "registry.sh: error: $*" >&2; exit 1; }
usage() {
    sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# True when /proc/PID/cmdline exists and contains both strings.
pid_matches() {
    local pid=$1 what=$2 where=$3 cmdline
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    cmdline=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1
    [[ "$cmdline" == *"$what"* && "$cmdline" == *"$where"* ]]
}

stop_pid() {
    local pid=$1 what=$2 where=$3 i
    pid_matches "$pid" "$what" "$where" || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for i in $(seq 1 50); do
        pid_matches "$pid" "$what" "$where" || return 0
        sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null || true
}

cmd_down() {
    local dir=${1:-${REGISTRY_DIR:-}}
    [ -n "$dir" ] || fail "down: no directory given and \$REGISTRY_DIR is not set (usage: registry.sh down DIR)"
    [ -d "$dir" ] || { say "down: $dir does not exist (already stopped)"; return 0; }
    [ -f "$dir/$MARKER" ] || fail "down: $dir was not created by registry.sh up (no $MARKER); refusing to touch it"
    if [ -f "$dir/pids" ]; then
        while read -r pid what; do
            [ -n "$pid" ] && stop_pid "$pid" "$what" "$dir"
        done <"$dir/pids"
    fi
    if [ "${KEEP:-0}" = 1 ]; then
        say "down: stopped; kept $dir"
    else
        rm -rf "$dir"
        say "down: stopped and removed $dir"
    fi
}

write_config() {
    local dir=$1 port=$2 auth=$3 quiet=$4 level=info access=false
    if [ "$quiet" = 1 ]; then level=warn; access=true; fi
    {
        cat <<EOF
version: 0.1
log:
  level: $level
  accesslog:
    disabled: $access
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
  secret: $(openssl rand -hex 16)
  headers:
    X-Content-Type-Options: [nosniff]
EOF
        case $auth in
        htpasswd)
            cat <<EOF
auth:
  htpasswd:
    realm: basic-realm
    path: $dir/htpasswd
EOF
            ;;
        token)
            cat <<EOF
auth:
  token:
    realm: $TOKEN_REALM
    service: $TOKEN_SERVICE
    issuer: imagespec-token-server
    rootcertbundle: $dir/token.crt
EOF
            ;;
        esac
    } >"$dir/config.yml"
}

# Wait until our registry logged that it bound the port (so the answer is really from it) and /v2/ answers
# (200 or 401). Returns 1 if the process died, 2 on timeout.
# With -q (log level warn) there is no "listening on" line: then a registry still alive 0.3 s after answering counts
# (one that lost the port to another server exits at once).
wait_ready() {
    local pid=$1 port=$2 log=$3 quiet=$4 code i
    for i in $(seq 1 200); do
        if [ "$quiet" = 1 ] || grep -qF "listening on 127.0.0.1:$port" "$log" 2>/dev/null; then
            code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port/v2/" 2>/dev/null || true)
            case $code in
            200 | 401)
                [ "$quiet" = 1 ] && sleep 0.3
                kill -0 "$pid" 2>/dev/null && return 0
                ;;
            esac
        fi
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.05
    done
    return 2
}

start_token_server() {
    local dir=$1 python=python3 i
    [ -x "$REPO_ROOT/.venv/bin/python" ] && python="$REPO_ROOT/.venv/bin/python"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/token.key" -out "$dir/token.crt" -days 7 \
        -subj "/CN=imagespec-token-server" >/dev/null 2>&1 || fail "openssl could not create the token signing key"
    REG_USER=${REG_USER:-testuser}
    REG_PASS=${REG_PASS:-testpassword}
    GAR_PROJECT=${GAR_PROJECT:-test-project}
    GAR_ACCESS_TOKEN=${GAR_ACCESS_TOKEN:-ya29.test-access-token}
    TOKEN_CONFIG="$dir/token-config.json"
    TOKEN_LOG="$dir/token.log"
    TOKEN_SERVICE=registry.test
    python3 - "$TOKEN_CONFIG" "$REG_USER" "$REG_PASS" "$GAR_PROJECT" "$GAR_ACCESS_TOKEN" \
        "${GAR_REPOS:-created-repo}" <<'EOF'
import json, sys
path, user, password, project, access_token, repos = sys.argv[1:]
config = {
    "accounts": [
        {"username": user, "password": password,
         "grants": [{"repository": "*", "actions": ["pull", "push", "delete"]}]},
        {"username": "oauth2accesstoken", "password": access_token,
         "grants": [{"project": project, "actions": ["pull", "push"]}]},
    ],
    "projects": {project: [r for r in repos.split(",") if r]},
    "anonymous_grants": [],
}
with open(path, "w") as f:
    json.dump(config, f, indent=2)
EOF
    "$python" "$REPO_ROOT/scripts/token-server.py" --config "$TOKEN_CONFIG" --key "$dir/token.key" \
        --cert "$dir/token.crt" --port-file "$dir/token.port" --log "$TOKEN_LOG" \
        </dev/null >"$dir/token-server.out" 2>&1 &
    TOKEN_SERVER_PID=$!
    echo "$TOKEN_SERVER_PID token-server.py" >>"$dir/pids"
    for i in $(seq 1 200); do
        [ -s "$dir/token.port" ] && break
        kill -0 "$TOKEN_SERVER_PID" 2>/dev/null || { cat "$dir/token-server.out" >&2; cmd_down "$dir";
            fail "token-server.py exited at start (see above)"; }
        sleep 0.05
    done
    [ -s "$dir/token.port" ] || { cmd_down "$dir"; fail "token-server.py did not start listening within 10 s"; }
    TOKEN_REALM="http://127.0.0.1:$(cat "$dir/token.port")/token"
}

cmd_up() {
    local auth=none port="" dir="" quiet=0 opt
    OPTIND=1
    while getopts "a:p:d:qh" opt; do
        case $opt in
        a) auth=$OPTARG ;;
        p) port=$OPTARG ;;
        d) dir=$OPTARG ;;
        q) quiet=1 ;;
        *) usage ;;
        esac
    done
    case $auth in
    none | htpasswd | token) ;;
    basic) auth=htpasswd ;;
    *) fail "unknown auth mode '$auth': use -a none, -a htpasswd or -a token" ;;
    esac
    local tool
    for tool in docker-registry openssl curl python3; do
        command -v "$tool" >/dev/null 2>&1 || fail "$tool not found: run scripts/setup.sh"
    done
    if [ -z "$dir" ]; then
        dir=$(mktemp -d "${TMPDIR:-/tmp}/registry.XXXXXX")
    else
        mkdir -p "$dir"
        [ -z "$(ls -A "$dir")" ] || fail "-d $dir is not empty: pass a new or empty directory"
    fi
    touch "$dir/$MARKER"
    mkdir -p "$dir/storage"
    : >"$dir/pids"

    local exports=()
    if [ "$auth" = htpasswd ]; then
        command -v htpasswd >/dev/null 2>&1 || fail "htpasswd not found: apt-get install apache2-utils"
        REG_USER=${REG_USER:-testuser}
        REG_PASS=${REG_PASS:-testpassword}
        htpasswd -Bbn "$REG_USER" "$REG_PASS" >"$dir/htpasswd" 2>/dev/null || fail "htpasswd -Bbn failed"
        exports+=("REG_USER=$REG_USER" "REG_PASS=$REG_PASS")
    elif [ "$auth" = token ]; then
        start_token_server "$dir"
        exports+=("REG_USER=$REG_USER" "REG_PASS=$REG_PASS" "TOKEN_SERVER_PID=$TOKEN_SERVER_PID"
            "TOKEN_REALM=$TOKEN_REALM" "TOKEN_SERVICE=$TOKEN_SERVICE" "TOKEN_CONFIG=$TOKEN_CONFIG"
            "TOKEN_LOG=$TOKEN_LOG" "GAR_PROJECT=$GAR_PROJECT" "GAR_ACCESS_TOKEN=$GAR_ACCESS_TOKEN")
    fi

    local attempt fixed_port=$port pid status
    for attempt in 1 2 3 4 5; do
        [ -n "$fixed_port" ] || port=$(free_port)
        write_config "$dir" "$port" "$auth" "$quiet"
        # distribution reads every REGISTRY_* environment variable as a config override (REGISTRY_LOG=/path
        # would replace the whole log section), and our own exports use that prefix: start it without them.
        env $(compgen -e | grep '^REGISTRY_' | sed 's/^/-u /') docker-registry serve "$dir/config.yml" \
            </dev/null >"$dir/registry.log" 2>&1 &
        pid=$!
        echo "$pid docker-registry" >>"$dir/pids"
        status=0
        wait_ready "$pid" "$port" "$dir/registry.log" "$quiet" || status=$?
        [ "$status" = 0 ] && break
        stop_pid "$pid" docker-registry "$dir"
        if [ "$status" = 1 ] && grep -q "address already in use" "$dir/registry.log" && [ -z "$fixed_port" ]; then
            say "port $port was taken; retrying"
            continue
        fi
        tail -n 5 "$dir/registry.log" >&2 || true
        cmd_down "$dir"
        fail "docker-registry did not answer on 127.0.0.1:$port/v2/ (see log lines above)"
    done
    [ "$status" = 0 ] || { cmd_down "$dir"; fail "no free port for docker-registry after 5 attempts"; }

    say "docker-registry ($auth) on 127.0.0.1:$port, pid $pid, dir $dir"
    local line
    for line in "REGISTRY=127.0.0.1:$port" "REGISTRY_PID=$pid" "REGISTRY_DIR=$dir" "REGISTRY_LOG=$dir/registry.log" \
        "REGISTRY_AUTH=$auth" ${exports[@]+"${exports[@]}"}; do
        printf 'export %s=%q\n' "${line%%=*}" "${line#*=}"
    done
}

case ${1:-} in
up) shift; cmd_up "$@" ;;
down) shift; cmd_down "$@" ;;
*) usage ;;
esac
