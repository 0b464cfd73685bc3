#!/usr/bin/env bash
# The one command that sets up a fresh machine, builds aicc and runs every test
# suite (lit, unit, conformance, e2e, Python), then checks `pip install .`.
# CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
(cd "${BUILD_DIR:-build}" && ctest --output-on-failure -j "$(nproc)")
scripts/check_pip_install.sh
