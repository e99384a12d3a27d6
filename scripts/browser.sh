#!/usr/bin/env bash
# Debian's Chromium for the browser tests. Playwright never downloads a browser of its own.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  echo "==> installing Debian's chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
# axe-core for the accessibility checks, pinned by package-lock.json. Once installed nothing here
# needs the network: the tests read node_modules/axe-core/axe.min.js from disk.
if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "==> installing Debian's nodejs and npm"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq nodejs npm >/dev/null
  fi
  echo "==> installing axe-core (npm ci)"
  npm ci --no-audit --no-fund --silent
fi
