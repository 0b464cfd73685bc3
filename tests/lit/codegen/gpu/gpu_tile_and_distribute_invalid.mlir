// RUN: aicc-opt %s -aicc-gpu-tile-and-distribute -verify-diagnostics

// A reduction block at thread level (CPU cache blocking) is an error for GPU
// codegen, not silently ignored.
func.func @blocked(%a: tensor<64x512xf32>, %b: tensor<512x64xf32>) -> tensor<64x64xf32> attributes {aicc.kernel} {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x64xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<64x64xf32>) -> tensor<64x64xf32>
  // expected-error @+1 {{schedule blocks reduction loop 2 at thread level, which GPU codegen does not do (0 there)}}
  %0 = linalg.matmul {aicc.schedule = #aicc.schedule<thread_tile = [16, 16, 128], vector_tile = [1, 1, 1], order = [0, 1, 2], parallel = [0, 1], unroll = 1, source = "explicit">}
      ins(%a, %b : tensor<64x512xf32>, tensor<512x64xf32>) outs(%c : tensor<64x64xf32>) -> tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}
