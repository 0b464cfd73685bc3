#!/usr/bin/env bash
# Checks `pip install .` (pyproject.toml, scikit-build-core): installs the
# package into a scratch folder and runs the Python test suite against the
# installed copy, not the build tree's. To stay cheap it reuses the build
# folder (so only the install step runs after scripts/build.sh) and .venv's
# scikit-build-core and nanobind (no build isolation); a user's plain
# `pip install .` builds in build/pip/ instead.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
target=$(mktemp -d)
trap 'rm -rf "$target"' EXIT
echo "check_pip_install: pip install . (build folder $BUILD_DIR) into $target"
.venv/bin/python -m pip install --disable-pip-version-check --no-build-isolation \
  --no-deps -q --target "$target" -C build-dir="$BUILD_DIR" .
installed=$(PYTHONPATH="$target" .venv/bin/python -c 'import aicc; print(aicc.__file__)')
case "$installed" in
  "$target"/*) ;;
  *) echo "check_pip_install: imported aicc from $installed, not the install" >&2; exit 1 ;;
esac
PYTHONPATH="$target" .venv/bin/python -m pytest -q -p no:cacheprovider python/tests
