#!/usr/bin/env bash
# Debian's Chromium for the browser tests. Playwright never downloads a browser of its own.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  echo "==> installing Debian's chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
