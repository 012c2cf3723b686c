#!/usr/bin/env bash
# Debian packages the tests and benchmarks need: Chromium for the browser tests, the PostgreSQL
# server for `make test-postgres`, gettext for the catalogue checks, wrk for the load of the FHIR
# benchmark. Installs only what is missing.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v xgettext >/dev/null 2>&1 || missing+=(gettext)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "Missing Debian packages: ${missing[*]}; install them with:" >&2
  echo "  sudo apt-get install ${missing[*]}" >&2
  [ "${CI:-}" = "true" ] && exit 1
  exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
