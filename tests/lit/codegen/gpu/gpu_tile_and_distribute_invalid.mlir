// RUN: aicc-opt %s -split-input-file -aicc-gpu-tile-and-distribute -verify-diagnostics

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

// -----

// A staged mma schedule's block must be whole warp tiles, and its reduction
// step a multiple of the instruction's k.
func.func @ragged_block(%a: tensor<256x64xf16>, %b: tensor<64x256xf16>) -> tensor<256x256xf32> attributes {aicc.kernel} {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<256x256xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<256x256xf32>) -> tensor<256x256xf32>
  // expected-error @+1 {{staged mma schedule: the block tile 96x64 must be whole warp tiles of 64x32}}
  %0 = linalg.matmul {aicc.schedule = #aicc.schedule<thread_tile = [96, 64, 32], vector_tile = [64, 32, 16], order = [0, 1, 2], parallel = [0, 1], unroll = 1, source = "explicit", mma = "m16n8k16_f16", stages = 2>}
      ins(%a, %b : tensor<256x64xf16>, tensor<64x256xf16>) outs(%c : tensor<256x256xf32>) -> tensor<256x256xf32>
  return %0 : tensor<256x256xf32>
}

// -----

func.func @short_step(%a: tensor<256x64xf16>, %b: tensor<64x256xf16>) -> tensor<256x256xf32> attributes {aicc.kernel} {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<256x256xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<256x256xf32>) -> tensor<256x256xf32>
  // expected-error @+1 {{staged mma schedule: the block's reduction step 8 must be a positive multiple of the instruction's k (16)}}
  %0 = linalg.matmul {aicc.schedule = #aicc.schedule<thread_tile = [64, 64, 8], vector_tile = [32, 32, 16], order = [0, 1, 2], parallel = [0, 1], unroll = 1, source = "explicit", mma = "m16n8k16_f16", stages = 2>}
      ins(%a, %b : tensor<256x64xf16>, tensor<64x256xf16>) outs(%c : tensor<256x256xf32>) -> tensor<256x256xf32>
  return %0 : tensor<256x256xf32>
}

// -----

// A wgmma schedule's warp tile is a warpgroup's: 64 rows.
func.func @wgmma_rows(%a: tensor<256x64xf16>, %b: tensor<64x256xf16>) -> tensor<256x256xf32> attributes {aicc.kernel} {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<256x256xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<256x256xf32>) -> tensor<256x256xf32>
  // expected-error @+1 {{wgmma schedule: the warpgroup tile 32x128 must be 64 x a multiple of 8 up to 256}}
  %0 = linalg.matmul {aicc.schedule = #aicc.schedule<thread_tile = [64, 128, 32], vector_tile = [32, 128, 16], order = [0, 1, 2], parallel = [0, 1], unroll = 1, source = "explicit", mma = "wgmma_f16", stages = 2>}
      ins(%a, %b : tensor<256x64xf16>, tensor<64x256xf16>) outs(%c : tensor<256x256xf32>) -> tensor<256x256xf32>
  return %0 : tensor<256x256xf32>
}
