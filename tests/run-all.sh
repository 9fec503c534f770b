#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine: installs Debian's Chromium for the browser tests when it is
# missing, restores exactly the locked package versions, builds with warnings as errors, and runs the unit,
# integration (real Kestrel + mock Gemini) and browser (headless Chromium via Playwright) tests.
# No browser is a failure, never a silent skip.
set -euo pipefail
cd "$(dirname "$0")/.."

export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
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

dotnet restore GeminiLiveRelay.sln --locked-mode
dotnet build GeminiLiveRelay.sln --no-restore -c Release
dotnet test GeminiLiveRelay.sln --no-build -c Release --logger "console;verbosity=normal"
