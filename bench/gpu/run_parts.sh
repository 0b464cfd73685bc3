#!/usr/bin/env bash
# Runs the parts of a GPU bundle (bench/gpu/make_bundle.sh) on the GPU
# machine, from the bundle's root, each into its own file under $OUT
# (default ./results); a part that fails does not stop the others. One
# device call carries at most 64 MiB, so carry the parts in separate calls
# and name the ones present:
#   bash run_parts.sh mma gemm        # sweep, then GEMM and row benches
#   bash run_parts.sh conformance     # node tests
#   bash run_parts.sh models          # MobileNetV2, BERT-base vs PyTorch
#   bash run_parts.sh large           # ResNet-50, ViT-B/16 or the batch32
#                                     # part's models (pieces joined)
# Prints each part's last lines; exits non-zero if any part failed.
set -uo pipefail
cd "$(dirname "$0")"
OUT=${OUT:-results}
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader > "$OUT/gpu.txt" 2>&1
status=0
run() { # name, command...
  local name=$1; shift
  echo "== $name: $*"
  if ! "$@" > "$OUT/$name.log" 2>&1; then status=1; echo "   FAILED"; fi
  tail -3 "$OUT/$name.log"
}
for part in "$@"; do
  case "$part" in
    mma) run mma_sweep python3 mma_sweep.py run --bundle mma --aicc-run bin/aicc-run ;;
    gemm)
      run gemm_bench python3 gemm_bench.py --out "$OUT/gemm.json"
      run rows_bench python3 rows_bench.py --out "$OUT/rows.json" ;;
    conformance)
      run conformance python3 cuda.py run --bundle conformance --aicc-run bin/aicc-run \
        --out "$OUT/conformance.json" ;;
    models)
      run models python3 device_run.py --out "$OUT/models.json" --no-conformance \
        --torch-compile ;;
    large)
      if bash join_pieces.sh; then
        run large python3 device_run.py --out "$OUT/large.json" --no-conformance \
          --torch-compile
      else
        status=1
      fi ;;
    *) echo "unknown part '$part' (mma, gemm, conformance, models, large)"; status=1 ;;
  esac
done
exit $status
