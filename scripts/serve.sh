#!/usr/bin/env bash
# Serve nnviz to a class: N Streamlit processes on loopback behind nginx.
#
#   scripts/serve.sh                 # N = number of cores, students open http://<this machine>:8501
#   NNVIZ_WORKERS=4 NNVIZ_PORT=80 scripts/serve.sh
#
# Environment:
#   NNVIZ_WORKERS     Streamlit processes (default: number of cores)
#   NNVIZ_LISTEN      address nginx listens on (default 0.0.0.0, the whole network)
#   NNVIZ_PORT        port nginx listens on (default 8501)
#   NNVIZ_BASE_PORT   first loopback port of the Streamlit processes (default 8601)
#   NNVIZ_SERVE_DIR   folder for nginx's config, pid, logs (default /tmp/nnviz-serve-<port>)
#   NNVIZ_PYTHON      Python with nnviz's requirements (default .venv/bin/python)
#   NNVIZ_WORKER_ADDRESS  address the Streamlit processes listen on (default 127.0.0.1; set the
#                     host's address when nginx runs on another machine)
#   NNVIZ_NGINX       0 to run only the Streamlit processes (a back-end host behind a shared nginx)
#   NNVIZ_ACCESS_LOG  a file for nginx's access log: per request, the Streamlit process that answered
#                     and the browser's sticky key (default: no access log)
# nginx comes from Debian's package and is installed when missing (needs root).
# Ctrl-C (or SIGTERM) stops nginx and every Streamlit process. A Streamlit process
# that dies is restarted after a second.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WORKERS="${NNVIZ_WORKERS:-$(nproc)}"
LISTEN="${NNVIZ_LISTEN:-0.0.0.0}"
PORT="${NNVIZ_PORT:-8501}"
BASE_PORT="${NNVIZ_BASE_PORT:-8601}"
SERVE_DIR="${NNVIZ_SERVE_DIR:-${TMPDIR:-/tmp}/nnviz-serve-$PORT}"
DIR="$(mkdir -p "$SERVE_DIR" && cd "$SERVE_DIR" && pwd)"
WORKER_ADDRESS="${NNVIZ_WORKER_ADDRESS:-127.0.0.1}"
USE_NGINX="${NNVIZ_NGINX:-1}"
ACCESS_LOG="${NNVIZ_ACCESS_LOG:-}"
PY="${NNVIZ_PYTHON:-$ROOT/.venv/bin/python}"

if [ "$USE_NGINX" = 1 ] && ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    echo "nginx is missing: installing Debian's package" >&2
    apt-get install -y nginx >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y nginx >/dev/null; }
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

mkdir -p "$DIR/tmp" "$DIR/logs"
# Started as root, nginx's workers run as "nobody" and must reach their temp folders.
chmod 755 "$DIR" "$DIR/tmp"
rm -f "$DIR"/ready-*
upstreams=""
for ((i = 0; i < WORKERS; i++)); do
    upstreams+="        server $WORKER_ADDRESS:$((BASE_PORT + i)) max_fails=0;"$'\n'
done
template="$(cat "$ROOT/deploy/nginx.conf.template")"
template="${template//@PREFIX@/$DIR}"
template="${template//@LISTEN@/$LISTEN:$PORT}"
template="${template//@UPSTREAMS@/$upstreams}"
if [ -n "$ACCESS_LOG" ]; then
    template="${template//@ACCESS_LOG@/access_log \"$ACCESS_LOG\" nnviz;}"
else
    template="${template//@ACCESS_LOG@/access_log off;}"
fi
printf '%s\n' "$template" >"$DIR/nginx.conf"

pids=()
stop() {
    trap - INT TERM EXIT
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

# Wait for the process on port $1 (pid $2) to answer, then open its home page once,
# so that the first student does not wait for the imports and the course-map thumbnails.
warm_up() {
    local port=$1 child=$2
    for _ in $(seq 1 600); do
        kill -0 "$child" 2>/dev/null || return 0
        if "$PY" -m bench.load warm "http://$WORKER_ADDRESS:$port" 2>/dev/null; then
            touch "$DIR/ready-$port"
            return 0
        fi
        sleep 0.2
    done
    echo "streamlit on port $port did not come up" >&2
}

# One Streamlit process on port $1, restarted if it dies.
worker() {
    local port=$1 child=""
    trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; wait 2>/dev/null; exit 0' TERM INT
    while true; do
        # Small matrices: one BLAS thread per process, the processes share the cores.
        OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}" OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" \
            "$PY" -m streamlit run app.py --server.address "$WORKER_ADDRESS" --server.port "$port" \
            --server.headless true --server.fileWatcherType none \
            >>"$DIR/logs/streamlit-$port.log" 2>&1 &
        child=$!
        warm_up "$port" "$child"
        wait "$child" || true
        rm -f "$DIR/ready-$port"
        echo "streamlit on port $port exited; restarting (log: $DIR/logs/streamlit-$port.log)" >&2
        sleep 1
    done
}

for ((i = 0; i < WORKERS; i++)); do
    worker $((BASE_PORT + i)) &
    pids+=($!)
done

# Wait until every process is up and warmed up.
for ((i = 0; i < WORKERS; i++)); do
    for _ in $(seq 1 900); do
        [ -e "$DIR/ready-$((BASE_PORT + i))" ] && break
        sleep 0.1
    done
done

if [ "$USE_NGINX" = 1 ]; then
    "$NGINX" -p "$DIR" -c "$DIR/nginx.conf" -e "$DIR/error.log" -g "daemon off;" &
    pids+=($!)
    echo "nnviz: $WORKERS Streamlit processes behind nginx on http://$LISTEN:$PORT (Ctrl-C stops)" >&2
else
    echo "nnviz: $WORKERS Streamlit processes on $WORKER_ADDRESS:$BASE_PORT.. (no nginx; Ctrl-C stops)" >&2
fi
wait -n || true
