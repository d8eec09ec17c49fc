# Sourced by scripts/start.sh (`npm start`) and scripts/queue.sh start (`npm run start:queue`): what both
# need before n8n starts (dependencies, build, runtime, simulators, credentials) and after (owner account).
# Expects ROOT to be set and `set -euo pipefail` in the caller.
RUNTIME_DIR="$ROOT/.runtime"
OWNER_EMAIL="${N8N_OWNER_EMAIL:-owner@example.com}"
OWNER_PASSWORD="${N8N_OWNER_PASSWORD:-LocalOnly-Passw0rd}" # local demo login, never exposed beyond 127.0.0.1
OCCTO_PORT=8443 OCCTO_ADMIN_PORT=8444 ANPI_PORT=8480
mkdir -p "$RUNTIME_DIR"

step() { printf '\n\033[1m▶ %s\033[0m\n' "$*"; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() { # file-or-port, description
  for _ in $(seq 1 60); do
    if [ -f "$1" ] || { [[ "$1" =~ ^[0-9]+$ ]] && port_busy "$1"; }; then return 0; fi
    sleep 0.5
  done
  echo "Timed out waiting for $2" >&2; exit 1
}

# Background children started here are stopped on exit and Ctrl-C; a caller may define on_stop for more.
pids=()
cleanup() {
  trap - EXIT INT TERM
  if declare -F on_stop >/dev/null; then on_stop || true; fi
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

prepare_package() {
  [ -x node_modules/.bin/tsc ] || { step "Installing the package's dependencies"; npm install --no-audit --no-fund --loglevel=error; }
  step "Building the package"
  npm run --silent build
  step "n8n runtime (n8n 2.41.1, Node 24)"
  bash scripts/n8n.sh install
}

# Starts both simulators on their fixed ports and writes $RUNTIME_DIR/n8n-credentials.json for them, and the
# examples on them into $RUNTIME_DIR/examples.
# Extra arguments are more ports that must be free (n8n's).
start_simulators() {
  step "Starting the simulators"
  for port in $OCCTO_PORT $OCCTO_ADMIN_PORT $ANPI_PORT "$@"; do
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
  # the examples use the Sandbox credentials; npm start imports copies re-pointed at the simulators
  rm -rf "$RUNTIME_DIR/examples"
  node scripts/n8n-credentials.mjs "$RUNTIME_DIR/occto-certs/credentials.json" "http://127.0.0.1:$ANPI_PORT" "$RUNTIME_DIR/n8n-credentials.json" "$RUNTIME_DIR/examples"
}

# Fingerprint of what gets imported, so an unchanged set is not imported again on every start.
import_stamp() { cat "$RUNTIME_DIR/n8n-credentials.json" "$ROOT"/examples/*.json | sha256sum | cut -c1-16; }

setup_owner() { # n8n port
  curl -s -o /dev/null -X POST "http://127.0.0.1:$1/rest/owner/setup" -H 'content-type: application/json' \
    -d "{\"email\":\"$OWNER_EMAIL\",\"firstName\":\"Local\",\"lastName\":\"Owner\",\"password\":\"$OWNER_PASSWORD\"}" || true
}

print_ready() { # n8n port, log description
  cat <<TXT

  n8n is ready:  http://127.0.0.1:$1
  Log in with:   $OWNER_EMAIL / $OWNER_PASSWORD   (local demo account)

  Open first:    Workflows → "OCCTO: daily outage-plan sync" → Execute workflow
                 then "OCCTO: submit outage plans and follow them" and "NTT Anpi: earthquake drill round".
  The examples use "OCCTO simulator" and "NTT Anpi simulator", which point at the simulators started above;
  "OCCTO Sandbox" and "NTT Sandbox" need nothing running (Environment: Sandbox, README "Try it without accounts").
  $2        Stop everything: Ctrl-C

TXT
}
