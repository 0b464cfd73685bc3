#!/usr/bin/env bash
# The one command that sets up a fresh machine, builds aicc and runs its main
# job: compile and run an example model (examples/small_cnn) and print its outputs
# next to onnxruntime's.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
build/bin/aicc --version
.venv/bin/python examples/small_cnn/run_example.py build/bin/aicc build/example
