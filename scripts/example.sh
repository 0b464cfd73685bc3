#!/usr/bin/env bash
# The one command that sets up a fresh machine, builds aicc and runs its main
# job: compile and run an example model (examples/mlp) and print its outputs
# next to numpy's reference.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
build/bin/aicc --version
.venv/bin/python examples/mlp/run_example.py build/bin/aicc build/example
