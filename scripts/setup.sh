#!/usr/bin/env bash
# Installs everything aicc needs on Debian 12: LLVM/MLIR 22 and the other
# libraries from apt, Python packages (pinned in requirements.txt) into .venv.
# Idempotent: a second run installs nothing and takes a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # compiler toolchain and build
  cmake ninja-build ccache g++ pkg-config
  # LLVM/MLIR 22: headers, shared libraries, mlir-tblgen, FileCheck/lit
  llvm-22 llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  # LLVM's OpenMP runtime: the thread pool compiled kernels run their tiles on
  libomp-22-dev
  # ONNX format (onnx.proto), its backend test data, protobuf
  libonnx-dev libonnx-testdata libprotobuf-dev protobuf-compiler
  # autotuner: cost model and tuning records
  libxgboost-dev libsqlite3-dev
  # tests and benchmarks, and the peers measured beside aicc
  libgtest-dev libbenchmark-dev libopenblas-dev libdnnl-dev
  # Python for the tools, the tests and the bindings (headers for nanobind)
  python3 python3-venv python3-dev
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${#missing[@]} apt packages: ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup: apt packages already installed"
fi

# Python: a virtual environment inside the checkout, so no system packages are touched.
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
if ! .venv/bin/python -m pip install --disable-pip-version-check -q -r requirements.txt \
    --dry-run --report - 2>/dev/null | grep -q '"install": \[\]'; then
  echo "setup: installing Python packages from requirements.txt"
  .venv/bin/python -m pip install --disable-pip-version-check -q -r requirements.txt
else
  echo "setup: Python packages already installed"
fi
