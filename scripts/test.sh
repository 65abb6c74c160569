#!/usr/bin/env bash
# Installs what is missing, then configures, builds and runs every test (host unit tests,
# simulator tests of the real firmware image) through the workflow preset.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cmake --workflow --preset default
