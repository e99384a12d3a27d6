#!/usr/bin/env bash
# Create the virtualenv and install the pinned requirements; re-install only when they change.
# Usage: scripts/bootstrap.sh [requirements file]   (default: requirements.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
req="${1:-requirements.txt}"
python="${PYTHON:-python3}"

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv with $($python --version)"
  "$python" -m venv .venv
fi
stamp=".venv/.installed-$(basename "$req")"
digest=$(cat requirements*.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
  echo "==> installing $req"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$req" 2>&1 | grep -v '^WARNING: Location' || true
  .venv/bin/python -m pip check >/dev/null
  echo "$digest" > "$stamp"
fi
