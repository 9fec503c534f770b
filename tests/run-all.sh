#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine: restores exactly the locked package versions, builds
# with warnings as errors, and runs the unit, integration (real Kestrel + mock Gemini) tests.
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet restore GeminiLiveRelay.sln --locked-mode
dotnet build GeminiLiveRelay.sln --no-restore -c Release
dotnet test GeminiLiveRelay.sln --no-build -c Release --logger "console;verbosity=normal"
