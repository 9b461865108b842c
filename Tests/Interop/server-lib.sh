# Shared helpers for scripts that start `attest serve` on loopback (sourced, not run).

# A free TCP port on 127.0.0.1.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# A fresh admin API token with the given prefix.
new_token() { echo "$1-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"; }

# Waits until BASE/health answers; fails (printing LOG) if PID exits first or 20 s pass.
wait_healthy() {
    local base=$1 pid=$2 log=$3
    for _ in $(seq 1 100); do
        if python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "$base/health" 2>/dev/null; then
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then cat "$log"; return 1; fi
        sleep 0.2
    done
    cat "$log"
    return 1
}

# A scratch directory in $WORK and an EXIT trap that stops $SERVER_PID (when set) and removes $WORK.
make_workdir() {
    WORK=$(mktemp -d)
    SERVER_PID=""
    trap stop_server_and_clean EXIT
}

stop_server_and_clean() {
    if [ -n "${SERVER_PID:-}" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
