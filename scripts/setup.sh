#!/usr/bin/env bash
# Sets up a fresh machine that has only node and npm: pnpm, the workspace's dependencies (with
# better-sqlite3 built against the local Node headers) and, with --test, Debian's Chromium,
# redis-server and postgresql for the browser, multi-node and PostgreSQL store tests (which start
# their own throwaway servers; no system service or default cluster is used). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test_tools=0
[[ "${1:-}" == "--test" ]] && want_test_tools=1

if ! command -v pnpm >/dev/null 2>&1 || [[ "$(pnpm --version 2>/dev/null)" != "12.4.2" ]]; then
  echo "setup: installing pnpm 12.4.2"
  npm install -g pnpm@12.4.2 >/dev/null
fi

if [[ $want_test_tools == 1 ]]; then
  missing=()
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || missing+=(postgresql)
  if (( ${#missing[@]} )); then
    echo "setup: installing ${missing[*]} from Debian"
    sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    if [[ " ${missing[*]} " == *" postgresql "* ]]; then
      # The tests run initdb in a temporary folder; the package's default cluster (a service on
      # port 5432) is not needed, so it is not created.
      $sudo mkdir -p /etc/postgresql-common/createcluster.d
      echo 'create_main_cluster = false' | $sudo tee /etc/postgresql-common/createcluster.d/causelane.conf >/dev/null
    fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# node-gyp must use the machine's Node headers (there is no download); browsers come from Debian.
export npm_config_nodedir=/usr PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
pnpm install --frozen-lockfile
