#!/usr/bin/env bash
# The console's browser tests run in Debian's chromium, driven by playwright-core (which downloads no browser).
# Installs it when it is missing, as root with apt-get (CI runs on a clean machine); otherwise says how, in one line.
set -euo pipefail
CHROMIUM="${KG_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the console's browser tests (apt-get install -y chromium)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "the console's browser tests need chromium at $CHROMIUM: run 'sudo apt-get install -y chromium', or set KG_CHROMIUM to a chromium binary" >&2
exit 1
