#!/usr/bin/env bash
# `npm start`: a working n8n editor with both nodes, on a fresh clone.
#  - installs the package's dev dependencies if missing and builds it
#  - installs the pinned runtime (Node 24 + n8n 2.41.1) into ~/.cache the first time (minutes, progress shown)
#  - starts the OCCTO and NTT Anpi simulators, imports credentials pointing at them and the example workflows
#  - creates the owner account and starts n8n on 127.0.0.1:5678; Ctrl-C stops everything
# Extra arguments go to the n8n CLI instead of `start`, with the simulators running (npm start -- execute --id=…).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNTIME_DIR="$ROOT/.runtime"
export N8N_USER_FOLDER="${N8N_USER_FOLDER:-$ROOT/.n8n-home}"
export N8N_PORT="${N8N_PORT:-5678}"
OWNER_EMAIL="${N8N_OWNER_EMAIL:-owner@example.com}"
OWNER_PASSWORD="${N8N_OWNER_PASSWORD:-LocalOnly-Passw0rd}" # local demo login, never exposed beyond 127.0.0.1
OCCTO_PORT=8443 OCCTO_ADMIN_PORT=8444 ANPI_PORT=8480
mkdir -p "$RUNTIME_DIR"

step() { printf '\n\033[1m▶ %s\033[0m\n' "$*"; }

[ -x node_modules/.bin/tsc ] || { step "Installing the package's dependencies"; npm install --no-audit --no-fund --loglevel=error; }
step "Building the package"
npm run --silent build
step "n8n runtime (n8n 2.41.1, Node 24)"
bash scripts/n8n.sh install

pids=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() { # file-or-port, description
  for _ in $(seq 1 60); do
    if [ -f "$1" ] || { [[ "$1" =~ ^[0-9]+$ ]] && port_busy "$1"; }; then return 0; fi
    sleep 0.5
  done
  echo "Timed out waiting for $2" >&2; exit 1
}

step "Starting the simulators"
for port in $OCCTO_PORT $OCCTO_ADMIN_PORT $ANPI_PORT $N8N_PORT; do
  if port_busy "$port"; then echo "Port $port is in use (is another npm start running?). Stop it first." >&2; exit 1; fi
done
rm -f "$RUNTIME_DIR/occto-certs/credentials.json"
node dist/simulators/occto/cli.js --port $OCCTO_PORT --admin-port $OCCTO_ADMIN_PORT --cert-dir "$RUNTIME_DIR/occto-certs" > "$RUNTIME_DIR/occto-simulator.log" 2>&1 &
pids+=($!)
node dist/simulators/anpi/cli.js --port $ANPI_PORT > "$RUNTIME_DIR/anpi-simulator.log" 2>&1 &
pids+=($!)
wait_for "$RUNTIME_DIR/occto-certs/credentials.json" "the OCCTO simulator"
wait_for $ANPI_PORT "the NTT Anpi simulator"
echo "  OCCTO simulator  https://127.0.0.1:$OCCTO_PORT (admin http://127.0.0.1:$OCCTO_ADMIN_PORT)  log: .runtime/occto-simulator.log"
echo "  Anpi simulator   http://127.0.0.1:$ANPI_PORT  log: .runtime/anpi-simulator.log"

step "Importing credentials and example workflows"
node scripts/n8n-credentials.mjs "$RUNTIME_DIR/occto-certs/credentials.json" "http://127.0.0.1:$ANPI_PORT" "$RUNTIME_DIR/n8n-credentials.json"
stamp="$(cat "$RUNTIME_DIR/n8n-credentials.json" examples/*.json | sha256sum | cut -c1-16)"
if [ "$(cat "$N8N_USER_FOLDER/.imported" 2>/dev/null)" != "$stamp" ]; then
  N8N_RUNNERS_BROKER_PORT=5691 bash scripts/n8n.sh import:credentials --input="$RUNTIME_DIR/n8n-credentials.json" 2>&1 | grep -E "^Successfully|Error:" || true
  N8N_RUNNERS_BROKER_PORT=5691 bash scripts/n8n.sh import:workflow --separate --input="$ROOT/examples" 2>&1 | grep -E "^Successfully|Error:" || true
  echo "$stamp" > "$N8N_USER_FOLDER/.imported"
else
  echo "  already imported (unchanged)"
fi

if [ $# -gt 0 ]; then
  step "n8n $*"
  N8N_RUNNERS_BROKER_PORT=5691 bash scripts/n8n.sh "$@"
  exit $?
fi

step "Starting n8n on http://127.0.0.1:$N8N_PORT"
bash scripts/n8n.sh start > "$RUNTIME_DIR/n8n.log" 2>&1 &
n8n_pid=$!
pids+=($n8n_pid)
for _ in $(seq 1 120); do
  grep -q "Editor is now accessible" "$RUNTIME_DIR/n8n.log" 2>/dev/null && break
  kill -0 $n8n_pid 2>/dev/null || { tail -20 "$RUNTIME_DIR/n8n.log" >&2; exit 1; }
  sleep 0.5
done
curl -s -o /dev/null -X POST "http://127.0.0.1:$N8N_PORT/rest/owner/setup" -H 'content-type: application/json' \
  -d "{\"email\":\"$OWNER_EMAIL\",\"firstName\":\"Local\",\"lastName\":\"Owner\",\"password\":\"$OWNER_PASSWORD\"}" || true

cat <<TXT

  n8n is ready:  http://127.0.0.1:$N8N_PORT
  Log in with:   $OWNER_EMAIL / $OWNER_PASSWORD   (local demo account)

  Open first:    Workflows → "OCCTO: daily outage-plan sync" → Execute workflow
                 then "OCCTO: submit outage plans and follow them" and "NTT Anpi: earthquake drill round".
  Credentials "OCCTO simulator" and "NTT Anpi simulator" point at the simulators started above.
  n8n log: .runtime/n8n.log        Stop everything: Ctrl-C

TXT
wait $n8n_pid
