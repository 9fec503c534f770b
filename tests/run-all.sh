#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine: installs Debian's Chromium for the browser tests when it is
# missing (tests/install-chromium.sh), restores exactly the locked package versions, builds with warnings as errors,
# and runs the unit, integration (real Kestrel + mock Gemini) and browser (headless Chromium via Playwright) tests.
# No browser is a failure, never a silent skip.
set -euo pipefail
cd "$(dirname "$0")/.."

export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
./tests/install-chromium.sh

dotnet restore GeminiLiveRelay.sln --locked-mode
dotnet build GeminiLiveRelay.sln --no-restore -c Release
# CI keeps only the end of this output, so a failure is repeated after the summary (name, message, top of the stack).
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! dotnet test GeminiLiveRelay.sln --no-build -c Release --logger "console;verbosity=normal" 2>&1 | tee "$log"; then
  echo
  echo "=== Failed tests, repeated from above ==="
  awk '/^  Failed /{p=1; n=0} /^  (Passed|Skipped) /{p=0} p && n++ < 30' "$log"
  echo "=== Failed: $(grep -c '^  Failed ' "$log") test(s) ==="
  grep '^  Failed ' "$log" || true
  grep -E "Test Run Aborted|test host process crashed|Blame" "$log" || true
  exit 1
fi
