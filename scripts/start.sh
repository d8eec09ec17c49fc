#!/usr/bin/env bash
# `npm start`: a working n8n editor with both nodes, on a fresh clone.
#  - installs the package's dev dependencies if missing and builds it
#  - installs the pinned runtime (Node 24 + n8n 2.41.1) into ~/.cache the first time (minutes, progress shown)
#  - starts the OCCTO and NTT Anpi simulators, imports credentials pointing at them and the example workflows
#    re-pointed at them (the files in examples/ use the Sandbox credentials, which are imported too)
#  - creates the owner account and starts n8n on 127.0.0.1:5678; Ctrl-C stops everything
# Extra arguments go to the n8n CLI instead of `start`, with the simulators running (npm start -- execute --id=…).
# Queue mode (Postgres, Redis, workers): `npm run start:queue` (scripts/queue.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/start-common.sh
export N8N_USER_FOLDER="${N8N_USER_FOLDER:-$ROOT/.n8n-home}"
export N8N_PORT="${N8N_PORT:-5678}"

prepare_package
start_simulators "$N8N_PORT"

step "Importing credentials and example workflows"
stamp="$(import_stamp)"
if [ "$(cat "$N8N_USER_FOLDER/.imported" 2>/dev/null)" != "$stamp" ]; then
  N8N_RUNNERS_BROKER_PORT=5691 bash scripts/n8n.sh import:credentials --input="$RUNTIME_DIR/n8n-credentials.json" 2>&1 | grep -E "^Successfully|Error:" || true
  N8N_RUNNERS_BROKER_PORT=5691 bash scripts/n8n.sh import:workflow --separate --input="$RUNTIME_DIR/examples" 2>&1 | grep -E "^Successfully|Error:" || true
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
setup_owner "$N8N_PORT"
print_ready "$N8N_PORT" "n8n log: .runtime/n8n.log"
wait $n8n_pid
