#!/usr/bin/env bash
# Builds build/gpu/, what runs on a GPU machine (which has no MLIR/LLVM):
# aicc-run, the runtime, the device-side scripts and, per part asked for,
#   conformance  every CPU-passing node test compiled for sm_90 + its data
#                (needs build/conformance/cpu-O2.json: ctest -R conformance-cpu-O2)
#   models       MobileNetV2 and BERT-base artifacts, tf32 and (BERT) strict;
#                the GPU machine rebuilds the ONNX models (same seeds) for the
#                onnxruntime reference and the PyTorch peers
#                (needs build/models: .venv/bin/python bench/models/build_models.py)
#   gemm         single-MatMul artifacts (f32: tf32 and strict; f16; bf16;
#                each also with --gpu-stages=3 where that stages it, the
#                same on sm_90a's wgmma (`_wgmma`), and
#                with --gpu-split-k where that splits it) for
#                gemm_bench.py,
#                softmax/layer-norm artifacts (default and --gpu-fuse-rows)
#                for rows_bench.py; inputs are
#                drawn on the GPU machine
#   mma          the tensor-core sweep (tests/e2e/mma_sweep.py) with its data
#   large        ResNet-50 and ViT-B/16 artifacts (tf32; ~140 MB, more than a
#                device call carries): split into pieces of at most 56 MiB,
#                one per folder $B-piece1, $B-piece2, ...
#   batch32      the same for ResNet-50 and BERT-base at batch 32 (~130 MB);
#                use another bundle folder than `large`'s
#   implicit     ResNet-50 with --gpu-implicit-gemm (convs read their windows
#                from the image: no im2col kernels), in pieces like `large`,
#                to time against `large`'s default ResNet-50
# One device run carries at most 64 MiB: `models` alone is ~60 MiB. On the
# GPU machine, `bash run_parts.sh <parts>` runs what was carried.
#   bench/gpu/make_bundle.sh gemm mma
#   AICC_GPU_BUNDLE=build/gpu-models bench/gpu/make_bundle.sh models
#   AICC_GPU_BUNDLE=build/gpu-large bench/gpu/make_bundle.sh large
#     carry build/gpu-large and build/gpu-large-piece1 in one call, each
#     other piece folder in a call of its own, then there
#     `cd build/gpu-large && bash run_parts.sh large` joins and runs them
#     (AICC_GPU_BUNDLE=build/gpu-b32 ... batch32: the same with gpu-b32;
#     AICC_GPU_BUNDLE=build/gpu-implicit ... implicit: with gpu-implicit).
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${AICC_GPU_BUNDLE:-build/gpu}  # where to build it
PY=.venv/bin/python
AICC=build/bin/aicc
mkdir -p "$B/bin" "$B/lib"
# Artifacts of the bench models named, split into pieces of at most 56 MiB,
# one piece per folder $B-piece1, $B-piece2, ... (run_parts.sh's `large`
# joins them on the GPU machine). A name ending in _implicit is that model
# compiled with --gpu-implicit-gemm.
pieces() {
  rm -rf "$B/models" "$B"-piece* && mkdir -p "$B/models"
  local bases=()
  for m in "$@"; do bases+=("${m%_implicit}"); done
  "$PY" bench/models/build_models.py build/models --only "$(IFS=,; echo "${bases[*]}")"
  for m in "$@"; do
    local flags=()
    [ "$m" != "${m%_implicit}" ] && flags=(--gpu-implicit-gemm)
    "$AICC" "build/models/${m%_implicit}.onnx" -target=cuda "${flags[@]}" \
      -o "$B/models/$m.aicc"
    split -b 56m -d "$B/models/$m.aicc" "$B/models/$m.aicc.piece"
    rm "$B/models/$m.aicc"
  done
  local i=0 piece
  for piece in "$B"/models/*.piece*; do
    i=$((i + 1))
    mkdir -p "$B-piece$i/models" && mv "$piece" "$B-piece$i/models/"
  done
  du -sh "$B"-piece*
}
cp build/bin/aicc-run "$B/bin/"
cp build/lib/libaicc_runtime.so "$B/lib/"
cp tests/conformance/cuda.py tests/conformance/compare.py tests/e2e/mma_sweep.py \
   bench/gpu/device_run.py bench/gpu/gemm_bench.py bench/gpu/torch_peer.py \
   bench/gpu/rows_bench.py bench/gpu/run_parts.sh bench/gpu/join_pieces.sh \
   bench/models/build_models.py "$B/"
for part in "$@"; do
  case "$part" in
    conformance)
      rm -rf "$B/conformance"
      "$PY" tests/conformance/cuda.py compile --aicc "$AICC" \
        --cpu-results build/conformance/cpu-O2.json --bundle "$B/conformance" ;;
    models)
      rm -rf "$B/models" && mkdir -p "$B/models"
      for m in mobilenetv2 bert_base; do
        "$AICC" "build/models/$m.onnx" -target=cuda -o "$B/models/$m.aicc"
      done
      "$AICC" build/models/bert_base.onnx -target=cuda --gpu-precision=strict \
        -o "$B/models/bert_base_strict.aicc" ;;
    gemm)
      rm -rf "$B/gemm" && mkdir -p "$B/gemm"
      "$PY" bench/gpu/make_gemm_models.py build/gpu-gemm-src
      for f in build/gpu-gemm-src/*.onnx; do
        n=$(basename "$f" .onnx)
        "$AICC" "$f" -target=cuda -o "$B/gemm/$n.aicc"
        # Operands staged in shared memory (--gpu-stages), where the
        # heuristic stages this shape, to time against the default.
        if "$AICC" "$f" -target=cuda --gpu-stages=3 --emit=kernels | grep -q "stages = "; then
          "$AICC" "$f" -target=cuda --gpu-stages=3 -o "$B/gemm/${n}_staged.aicc"
        fi
        # The same staged on sm_90a's wgmma (H100/H200 only).
        if "$AICC" "$f" -target=cuda --gpu-arch=sm_90a --gpu-stages=3 --emit=kernels |
            grep -q 'mma = "wgmma_'; then
          "$AICC" "$f" -target=cuda --gpu-arch=sm_90a --gpu-stages=3 \
            -o "$B/gemm/${n}_wgmma.aicc"
        fi
        # The reduction split (--gpu-split-k), where this shape splits.
        if "$AICC" "$f" -target=cuda --gpu-split-k --emit=kernels |
            grep -q 'iterator_types = \["reduction", "parallel"'; then
          "$AICC" "$f" -target=cuda --gpu-split-k -o "$B/gemm/${n}_splitk.aicc"
        fi
        case "$n" in
          *_f16|*_bf16) ;; # 16-bit matmuls run on tensor cores either way
          *) "$AICC" "$f" -target=cuda --gpu-precision=strict -o "$B/gemm/${n}_strict.aicc" ;;
        esac
      done
      rm -rf "$B/rows" && mkdir -p "$B/rows"
      "$PY" bench/gpu/make_row_models.py build/gpu-rows-src
      for f in build/gpu-rows-src/*.onnx; do
        "$AICC" "$f" -target=cuda -o "$B/rows/$(basename "$f" .onnx).aicc"
        "$AICC" "$f" -target=cuda --gpu-fuse-rows \
          -o "$B/rows/$(basename "$f" .onnx)_fused.aicc"
      done ;;
    mma)
      "$PY" tests/e2e/mma_sweep.py compile --aicc "$AICC" --bundle "$B/mma" ;;
    large) pieces resnet50 vit_b16 ;;
    batch32) pieces resnet50_b32 bert_base_b32 ;;
    implicit) pieces resnet50_implicit ;;
    *) echo "unknown part '$part' (conformance, models, gemm, mma, large, batch32, implicit)" >&2; exit 1 ;;
  esac
done
du -sh "$B"/* | sort -h | tail -6
