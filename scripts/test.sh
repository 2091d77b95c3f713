#!/usr/bin/env bash
# Runs every Konvert test on this machine: installs what is missing, builds,
# then runs ctest, which starts a real Dovecot and Postfix for the integration
# tests, runs the C++ unit and integration suites, the mailbox generator's
# test and the frontend's tests, and stops the mail stack again.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

build=build-test
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)"

# The frontend's own dependencies, pinned by its lock file.
(cd frontend && npm ci --no-audit --no-fund)
# The third-party JMAP client of the jmap_jam_e2e test, pinned likewise.
(cd tests/e2e/jmap-jam && npm ci --no-audit --no-fund)

ctest --test-dir "$build" --output-on-failure -j"$(nproc)"
