#!/usr/bin/env bash
# Several `kb serve` replicas of ONE immutable index version behind nginx, all on 127.0.0.1.
#
# The index is built once (or taken from an existing knowledge base), its version folder is copied into one data
# directory per replica (as rsync would copy it to other machines), CURRENT is switched per replica, every replica
# must answer /healthz before nginx (deploy/nginx.conf.template) sends it traffic.
#
# usage: scripts/replicas.sh [-n REPLICAS] [-w WORKERS] [-p PORT] [--data-dir DIR | --articles PATH]
#                            [--shared] [--check | --bench SECONDS]
#   -n REPLICAS      kb serve processes (default 2), on ports PORT+1, PORT+2, ...
#   -w WORKERS       gunicorn workers per replica (default 1)
#   -p PORT          nginx listens on 127.0.0.1:PORT (default 8100)
#   --data-dir DIR   copy the live version of this knowledge base (default: ingest --articles once)
#   --articles PATH  articles to build the index from (default: samples)
#   --shared         every replica reads one shared copy instead of its own
#   --check          start everything, query through nginx, stop (a smoke test)
#   --bench SECONDS  start everything, load /healthz and searches through nginx with wrk, stop
# Without --check or --bench it runs in the foreground until Ctrl-C. Needs nginx (Debian: apt-get install nginx),
# and wrk for --bench (apt-get install wrk).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
REPLICAS=2
WORKERS=1
PORT=8100
SOURCE=""
ARTICLES="$ROOT/samples"
SHARED=0
MODE=serve
SECONDS_PER_ROUTE=10

while [ $# -gt 0 ]; do
    case "$1" in
        -n) REPLICAS="$2"; shift 2 ;;
        -w) WORKERS="$2"; shift 2 ;;
        -p) PORT="$2"; shift 2 ;;
        --data-dir) SOURCE="$2"; shift 2 ;;
        --articles) ARTICLES="$2"; shift 2 ;;
        --shared) SHARED=1; shift ;;
        --check) MODE=check; shift ;;
        --bench) MODE=bench; SECONDS_PER_ROUTE="$2"; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "replicas.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

KB="${KB:-}"
if [ -z "$KB" ]; then
    if [ -x "$ROOT/.venv/bin/kb" ]; then KB="$ROOT/.venv/bin/kb"; else KB="kb"; fi
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$NGINX" ] || { echo "replicas.sh: nginx is not installed (Debian: apt-get install nginx)" >&2; exit 1; }

WORK="$(mktemp -d -t kb-replicas.XXXXXX)"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    echo "replicas.sh: stopped every process it started and removed $WORK" >&2
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. One immutable index version, built once.
if [ -z "$SOURCE" ]; then
    SOURCE="$WORK/build"
    echo "replicas.sh: building the index once from $ARTICLES" >&2
    "$KB" ingest "$ARTICLES" --data-dir "$SOURCE" --json > "$WORK/ingest.json"
fi
VERSION="$(tr -d '[:space:]' < "$SOURCE/CURRENT")"
[ -f "$SOURCE/versions/$VERSION/manifest.json" ] || { echo "replicas.sh: no usable index in $SOURCE" >&2; exit 1; }
echo "replicas.sh: index version $VERSION" >&2

# 2. Copy the version folder to each replica (rsync -a to another host works the same), then switch CURRENT.
publish() {  # publish DATA_DIR: copy the version in, then point CURRENT at it atomically
    local data="$1"
    mkdir -p "$data/versions"
    if [ ! -d "$data/versions/$VERSION" ]; then
        cp -a "$SOURCE/versions/$VERSION" "$data/versions/.copy-$VERSION"
        mv "$data/versions/.copy-$VERSION" "$data/versions/$VERSION"
    fi
    printf '%s\n' "$VERSION" > "$data/.CURRENT.tmp"
    mv -f "$data/.CURRENT.tmp" "$data/CURRENT"
}

# 3. Start the replicas; each must be healthy before it is put behind nginx.
SERVERS=""
for i in $(seq 1 "$REPLICAS"); do
    if [ "$SHARED" = 1 ]; then DATA="$WORK/shared"; else DATA="$WORK/replica-$i"; fi
    publish "$DATA"
    port=$((PORT + i))
    "$KB" serve --data-dir "$DATA" --host 127.0.0.1 --port "$port" --workers "$WORKERS" \
        > "$WORK/replica-$i.log" 2>&1 &
    PIDS+=("$!")
    SERVERS+="        server 127.0.0.1:$port max_fails=2 fail_timeout=5s;"$'\n'
done
for i in $(seq 1 "$REPLICAS"); do
    port=$((PORT + i))
    for _ in $(seq 1 120); do
        if curl -fsS "http://127.0.0.1:$port/healthz" > /dev/null 2>&1; then break; fi
        sleep 0.5
    done
    curl -fsS "http://127.0.0.1:$port/healthz" > /dev/null || {
        echo "replicas.sh: replica $i (port $port) is not healthy:" >&2; tail -20 "$WORK/replica-$i.log" >&2; exit 1; }
    echo "replicas.sh: replica $i healthy on 127.0.0.1:$port" >&2
done

# 4. nginx from the template, with its pid, logs and temp files in the work folder.
PREFIX="$WORK/nginx"
mkdir -p "$PREFIX/tmp"
awk -v prefix="$PREFIX" -v listen="127.0.0.1:$PORT" -v servers="${SERVERS%$'\n'}" '
    { gsub(/@PREFIX@/, prefix); gsub(/@LISTEN@/, listen) }
    /^@SERVERS@$/ { print servers; next }
    { print }' "$ROOT/deploy/nginx.conf.template" > "$PREFIX/nginx.conf"
"$NGINX" -t -q -p "$PREFIX" -e "$PREFIX/error.log" -c "$PREFIX/nginx.conf"
"$NGINX" -p "$PREFIX" -e "$PREFIX/error.log" -c "$PREFIX/nginx.conf" -g 'daemon off;' &
PIDS+=("$!")
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 40); do
    if curl -fsS "$BASE/healthz" > /dev/null 2>&1; then break; fi
    sleep 0.25
done
echo "replicas.sh: nginx on $BASE in front of $REPLICAS replica(s) of version $VERSION" >&2

case "$MODE" in
    check)
        curl -fsS "$BASE/healthz"; echo
        curl -fsS "$BASE/api/search?q=massage" | head -c 300; echo
        code="$(curl -s -o /dev/null -w '%{http_code}' -X POST "$BASE/api/search")"
        echo "POST through nginx: $code (GET only)"
        echo "requests per replica:"; awk '{print $NF}' "$PREFIX/access.log" | sort | uniq -c
        ;;
    bench)
        command -v wrk > /dev/null || { echo "replicas.sh: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
        printf '%s\n' "/api/search?q=massage" "/api/search?q=sciatica" "/api/search?q=neck+pain" \
            "/api/search?q=headache&kind=condition" "/api/search?q=posture" > "$WORK/paths.txt"
        echo "== /healthz through nginx"
        wrk -t2 -c16 -d"${SECONDS_PER_ROUTE}s" --latency --timeout 10s "$BASE/healthz"
        echo "== searches through nginx"
        wrk -t2 -c16 -d"${SECONDS_PER_ROUTE}s" --latency --timeout 10s -s "$ROOT/bench/rotate.lua" "$BASE" \
            -- "$WORK/paths.txt"
        ;;
    serve)
        echo "replicas.sh: serving until Ctrl-C" >&2
        wait "${PIDS[-1]}"
        ;;
esac
