// RUN: aicc-opt %s -split-input-file -verify-diagnostics

func.func @tile_count(%a: tensor<16x8xf32>, %b: tensor<8x32xf32>, %c: tensor<16x32xf32>) -> tensor<16x32xf32> {
  // expected-error @+1 {{has 3 loops but its schedule has 2 tile sizes per level}}
  %0 = linalg.matmul {aicc.schedule = #aicc.schedule<thread_tile = [8, 32], vector_tile = [4, 16], order = [0, 1], parallel = [0, 1], unroll = 1, source = "explicit">}
      ins(%a, %b : tensor<16x8xf32>, tensor<8x32xf32>) outs(%c : tensor<16x32xf32>) -> tensor<16x32xf32>
  return %0 : tensor<16x32xf32>
}

// -----

func.func @reduction_in_parallel(%a: tensor<16x8xf32>, %b: tensor<8x32xf32>, %c: tensor<16x32xf32>) -> tensor<16x32xf32> {
  // expected-error @+1 {{schedule runs reduction loop 2 in parallel}}
  %0 = linalg.matmul {aicc.schedule = #aicc.schedule<thread_tile = [8, 32, 0], vector_tile = [4, 16, 1], order = [0, 1, 2], parallel = [0, 2], unroll = 1, source = "explicit">}
      ins(%a, %b : tensor<16x8xf32>, tensor<8x32xf32>) outs(%c : tensor<16x32xf32>) -> tensor<16x32xf32>
  return %0 : tensor<16x32xf32>
}

// -----

// expected-error @+1 {{order must be a permutation of [0, 3)}}
func.func private @bad_order() attributes {s = #aicc.schedule<thread_tile = [1, 1, 0], vector_tile = [1, 1, 1], order = [0, 0, 2], parallel = [], unroll = 1, source = "explicit">}

// -----

// expected-error @+1 {{thread_tile, vector_tile and order must have one entry per loop; got 2, 3 and 2}}
func.func private @lengths() attributes {s = #aicc.schedule<thread_tile = [1, 1], vector_tile = [1, 1, 1], order = [0, 1], parallel = [], unroll = 1, source = "explicit">}

// -----

// expected-error @+1 {{tile sizes must be >= 0}}
func.func private @negative() attributes {s = #aicc.schedule<thread_tile = [-1], vector_tile = [1], order = [0], parallel = [], unroll = 1, source = "explicit">}

// -----

// expected-error @+1 {{parallel loop 3 is out of range or repeated}}
func.func private @parallel_range() attributes {s = #aicc.schedule<thread_tile = [1], vector_tile = [1], order = [0], parallel = [3], unroll = 1, source = "explicit">}

// -----

// expected-error @+1 {{unroll must be >= 1}}
func.func private @unroll() attributes {s = #aicc.schedule<thread_tile = [1], vector_tile = [1], order = [0], parallel = [], unroll = 0, source = "explicit">}

// -----

// expected-error @+1 {{source must be "heuristic", "explicit" or "tuned", not "guess"}}
func.func private @source() attributes {s = #aicc.schedule<thread_tile = [1], vector_tile = [1], order = [0], parallel = [], unroll = 1, source = "guess">}

// -----

// expected-error @+1 {{aicc.schedule must be an #aicc.schedule attribute}}
func.func private @not_a_schedule() attributes {aicc.schedule = 3 : i64}

// -----

// expected-error @+1 {{aicc.kernel must be a unit attribute on a function}}
func.func private @kernel_value() attributes {aicc.kernel = 1 : i64}

// -----

// expected-error @+1 {{mma must be "m16n8k8_tf32", "m16n8k16_f16", "m16n8k16_bf16", "wgmma_tf32", "wgmma_f16", "wgmma_bf16" or absent, not "wmma"}}
func.func private @mma() attributes {s = #aicc.schedule<thread_tile = [1], vector_tile = [1], order = [0], parallel = [], unroll = 1, source = "explicit", mma = "wmma">}

// -----

// expected-error @+1 {{lanes must be 32 (a warp) or absent, not 16}}
func.func private @lanes() attributes {s = #aicc.schedule<thread_tile = [1], vector_tile = [1], order = [0], parallel = [], unroll = 1, source = "explicit", lanes = 16>}

// -----

// expected-error @+1 {{a schedule has lanes or mma, not both}}
func.func private @both() attributes {s = #aicc.schedule<thread_tile = [1], vector_tile = [1], order = [0], parallel = [], unroll = 1, source = "explicit", mma = "m16n8k8_tf32", lanes = 32>}

// -----

// An mma schedule must name the instruction for the operands' type.
func.func @mma_type(%x: tensor<32x32xf32>, %w: tensor<32x32xf32>, %c: tensor<32x32xf32>) -> tensor<32x32xf32> {
  // expected-error @+1 {{schedule's mma "m16n8k16_f16" does not take operands of type 'tensor<32x32xf32>'}}
  %0 = linalg.matmul {aicc.schedule = #aicc.schedule<thread_tile = [32, 32, 0], vector_tile = [16, 16, 16], order = [0, 1, 2], parallel = [0, 1], unroll = 1, source = "explicit", mma = "m16n8k16_f16">} ins(%x, %w : tensor<32x32xf32>, tensor<32x32xf32>) outs(%c : tensor<32x32xf32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}

// -----

// expected-error @+1 {{stages must be between 0 and 4, not 5}}
func.func private @stages() attributes {s = #aicc.schedule<thread_tile = [1], vector_tile = [1], order = [0], parallel = [], unroll = 1, source = "explicit", mma = "m16n8k16_f16", stages = 5>}

// -----

// expected-error @+1 {{stages stage an mma schedule's operands in shared memory; this schedule has no mma}}
func.func private @stages_without_mma() attributes {s = #aicc.schedule<thread_tile = [1], vector_tile = [1], order = [0], parallel = [], unroll = 1, source = "explicit", stages = 2>}

// -----

// wgmma reads both operands from shared memory.
// expected-error @+1 {{"wgmma_bf16" reads its operands from shared memory: it needs stages}}
func.func private @wgmma_without_stages() attributes {s = #aicc.schedule<thread_tile = [1], vector_tile = [1], order = [0], parallel = [], unroll = 1, source = "explicit", mma = "wgmma_bf16">}
