#!/usr/bin/env bash
# Builds build/gpu/, what runs on a GPU machine (which has no MLIR/LLVM):
# aicc-run, the runtime, the device-side scripts and, per part asked for,
#   conformance  every CPU-passing node test compiled for sm_90 + its data
#                (needs build/conformance/cpu-O2.json: ctest -R conformance-cpu-O2)
#   models       MobileNetV2 and BERT-base artifacts, input, onnxruntime output
#                (needs build/models: .venv/bin/python bench/models/build_models.py)
#   gemm         single-MatMul artifacts for bench/gpu/gemm_bench.py
# Each part is under 64 MiB, the most one device run can carry.
#   bench/gpu/make_bundle.sh conformance models gemm
set -euo pipefail
cd "$(dirname "$0")/../.."
B=build/gpu
PY=.venv/bin/python
AICC=build/bin/aicc
mkdir -p "$B/bin" "$B/lib"
cp build/bin/aicc-run "$B/bin/"
cp build/lib/libaicc_runtime.so "$B/lib/"
cp tests/conformance/cuda.py tests/conformance/compare.py bench/gpu/device_run.py \
   bench/gpu/gemm_bench.py "$B/"
for part in "$@"; do
  case "$part" in
    conformance)
      rm -rf "$B/conformance"
      "$PY" tests/conformance/cuda.py compile --aicc "$AICC" \
        --cpu-results build/conformance/cpu-O2.json --bundle "$B/conformance" ;;
    models)
      mkdir -p "$B/models"
      for m in mobilenetv2 bert_base; do
        "$AICC" "build/models/$m.onnx" -target=cuda -o "$B/models/$m.aicc"
      done
      "$PY" - "$B/models" <<'PYEOF'
import sys
import numpy as np
import onnxruntime as ort
out = sys.argv[1]
rng = np.random.default_rng(0)
for m in ("mobilenetv2", "bert_base"):
    s = ort.InferenceSession(f"build/models/{m}.onnx")
    i = s.get_inputs()[0]
    x = rng.standard_normal(i.shape).astype(np.float32)
    np.save(f"{out}/{m}_in.npy", x)
    np.save(f"{out}/{m}_ref.npy", s.run(None, {i.name: x})[0])
PYEOF
      ;;
    gemm)
      rm -rf "$B/gemm" && mkdir -p "$B/gemm"
      "$PY" bench/gpu/make_gemm_models.py build/gpu-gemm-src
      for f in build/gpu-gemm-src/*.onnx; do
        n=$(basename "$f" .onnx)
        case "$n" in gemm_2048*) continue ;; esac  # 16 MiB of weights: over the carry limit with the rest
        "$AICC" "$f" -target=cuda -o "$B/gemm/$n.aicc"
        cp "build/gpu-gemm-src/${n}_a.npy" "$B/gemm/"
      done ;;
    *) echo "unknown part '$part' (conformance, models, gemm)" >&2; exit 1 ;;
  esac
done
du -sh "$B"/* | sort -h | tail -5
