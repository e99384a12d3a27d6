#!/usr/bin/env bash
# Debian packages the app needs at run time (WeasyPrint's pango and the fonts exports use, the
# British English word list that tells proper nouns in titles), and
# with --dev the ones the tests need (pdftoppm, LibreOffice Writer and Impress, which render
# exports to PNG for review). Installs only what is missing; nothing is fetched when all is there.
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-liberation fonts-dejavu-core wbritish)
if [ "${1:-}" = "--dev" ]; then
  packages+=(poppler-utils libreoffice-writer-nogui libreoffice-impress-nogui)
fi
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
