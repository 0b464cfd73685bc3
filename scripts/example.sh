#!/usr/bin/env bash
# The one command that sets up a fresh machine, builds aicc and runs its main job.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
build/bin/aicc --version
