// RUN: aicc-opt %s -split-input-file -aicc-gpu-tile-and-distribute -one-shot-bufferize='bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map' -aicc-gpu-mma -verify-diagnostics

// Four stages of 128x128 f32 blocks with k 32 would need 138 KiB of shared
// memory: an error naming the sizes, not a kernel that fails to launch.
func.func private @too_much_shared(%a: tensor<256x256xf32>, %b: tensor<256x256xf32>) -> tensor<256x256xf32> attributes {aicc.kernel} {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<256x256xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<256x256xf32>) -> tensor<256x256xf32>
  // expected-error @+1 {{aicc-gpu-mma: 4 stages of a 128x128 block with k 32 need 141312 bytes of shared memory (at most 49152)}}
  %0 = linalg.matmul {aicc.schedule = #aicc.schedule<thread_tile = [128, 128, 32], vector_tile = [64, 32, 8], order = [0, 1, 2], parallel = [0, 1], unroll = 1, source = "explicit", mma = "m16n8k8_tf32", stages = 4>}
      ins(%a, %b : tensor<256x256xf32>, tensor<256x256xf32>) outs(%c : tensor<256x256xf32>) -> tensor<256x256xf32>
  return %0 : tensor<256x256xf32>
}

// -----

// Staged blocks copy their operands before the first mma: the accumulator
// must start from a fill (a warp of a partial block may have no rows of C
// to read).
func.func private @accumulates(%a: tensor<256x64xf16>, %b: tensor<64x256xf16>, %c: tensor<256x256xf32>) -> tensor<256x256xf32> attributes {aicc.kernel} {
  // expected-error @+1 {{aicc-gpu-mma: a staged schedule needs an accumulator that starts from a fill}}
  %0 = linalg.matmul {aicc.schedule = #aicc.schedule<thread_tile = [64, 64, 32], vector_tile = [32, 32, 16], order = [0, 1, 2], parallel = [0, 1], unroll = 1, source = "explicit", mma = "m16n8k16_f16", stages = 2>}
      ins(%a, %b : tensor<256x64xf16>, tensor<64x256xf16>) outs(%c : tensor<256x256xf32>) -> tensor<256x256xf32>
  return %0 : tensor<256x256xf32>
}
