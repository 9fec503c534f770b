#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests when it is missing (CHROMIUM_PATH, default /usr/bin/chromium).
# Called by .ci/run (CI machines are fresh) and by tests/run-all.sh (so the README's test command works on its own).
# No browser is a failure, never a silent skip.
set -euo pipefail

CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM_PATH" ]; then
  echo "Chromium not found at $CHROMIUM_PATH: installing Debian's chromium package..."
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  if ! { $SUDO apt-get update -q && $SUDO apt-get install -y -q chromium; }; then
    echo "ERROR: could not install chromium; the browser tests cannot run. Install it or set CHROMIUM_PATH." >&2
    exit 1
  fi
fi
"$CHROMIUM_PATH" --version
