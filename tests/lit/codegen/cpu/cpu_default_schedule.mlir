// RUN: aicc-opt %s -split-input-file -aicc-cpu-default-schedule='vector-bits=512' | FileCheck %s
// RUN: aicc-opt %s -split-input-file -aicc-cpu-default-schedule='vector-bits=256 vector-registers=16' | FileCheck %s --check-prefix=AVX2

// A matmul: an 8 x (2 vectors) register tile, unit reduction step, thread
// tiles that are multiples of it and divide the loops, walked columns
// (loop 1) outside rows (loop 0), so each thread reads its own share of B.

// CHECK-LABEL: func.func private @matmul_kernel
// CHECK: linalg.matmul {aicc.schedule = #aicc.schedule<thread_tile = [64, 256, 0], vector_tile = [8, 32, 1], order = [1, 0, 2], parallel = [0, 1], unroll = 4, source = "heuristic">}
// AVX2 (16 registers): 4 rows of 2 vectors, 8 accumulators (8 rows
// spilled: 54 GFLOP/s; 6 rows ran 72-80 where 4 run 90-95), thread tiles
// of 16 register tiles.
// AVX2-LABEL: func.func private @matmul_kernel
// AVX2: thread_tile = [64, 256, 0], vector_tile = [4, 16, 1]
func.func private @matmul_kernel(%a: tensor<128x64xf32>, %b: tensor<64x512xf32>, %c: tensor<128x512xf32>) -> tensor<128x512xf32> attributes {aicc.kernel} {
  %0 = linalg.matmul ins(%a, %b : tensor<128x64xf32>, tensor<64x512xf32>) outs(%c : tensor<128x512xf32>) -> tensor<128x512xf32>
  return %0 : tensor<128x512xf32>
}

// -----

// 197 rows (ViT's tokens): no multiple of 8 up to 64 divides them, so the
// rows split into an even number of near-equal thread tiles (56, 56, 56,
// 29; in tiles of 64 two threads got 128 and 69 rows).

// CHECK-LABEL: func.func private @ragged_rows_kernel
// CHECK: thread_tile = [56, 256, 0], vector_tile = [8, 32, 1]
func.func private @ragged_rows_kernel(%a: tensor<197x64xf32>, %b: tensor<64x512xf32>, %c: tensor<197x512xf32>) -> tensor<197x512xf32> attributes {aicc.kernel} {
  %0 = linalg.matmul ins(%a, %b : tensor<197x64xf32>, tensor<64x512xf32>) outs(%c : tensor<197x512xf32>) -> tensor<197x512xf32>
  return %0 : tensor<197x512xf32>
}

// -----

// An elementwise op: vectorized along its innermost loop (a divisor of 1000
// close to 32 lanes), every other loop tile is 1; the thread tile grows from
// the vector tile to about 4096 elements, innermost loop first (here the
// whole op).

#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func private @elementwise_kernel
// CHECK: thread_tile = [3, 1000], vector_tile = [1, 25], order = [0, 1], parallel = [0, 1], unroll = 1
func.func private @elementwise_kernel(%x: tensor<3x1000xf32>) -> tensor<3x1000xf32> attributes {aicc.kernel} {
  %e = tensor.empty() : tensor<3x1000xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<3x1000xf32>) outs(%e : tensor<3x1000xf32>) {
    ^bb0(%a: f32, %o: f32):
      %s = math.exp %a : f32
      linalg.yield %s : f32
  } -> tensor<3x1000xf32>
  return %0 : tensor<3x1000xf32>
}

// -----

// Thread tiles of about 4096 elements: 1000 columns, then 4 rows.

#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func private @big_elementwise_kernel
// CHECK: thread_tile = [4, 1000], vector_tile = [1, 25]
func.func private @big_elementwise_kernel(%x: tensor<64x1000xf32>) -> tensor<64x1000xf32> attributes {aicc.kernel} {
  %e = tensor.empty() : tensor<64x1000xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<64x1000xf32>) outs(%e : tensor<64x1000xf32>) {
    ^bb0(%a: f32, %o: f32):
      %s = math.exp %a : f32
      linalg.yield %s : f32
  } -> tensor<64x1000xf32>
  return %0 : tensor<64x1000xf32>
}

// -----

// A depthwise conv's tap sum (channels last, two taps here): the filter
// slices read only the channel loop, so a thread tile takes one vector of
// channels (16, one register per tap's filter) and grows over the
// positions (4096 / 16 = 256: 4 rows of 56), instead of 24-channel steps
// in thread tiles grown along the channels (thread_tile = [1, 1, 28, 144]:
// the filter vectors reloaded for every output vector).

#tap = affine_map<(n, h, w, c) -> (n, h, w, c)>
#filter = affine_map<(n, h, w, c) -> (c)>
// CHECK-LABEL: func.func private @tap_sum_kernel
// CHECK: thread_tile = [1, 4, 56, 16], vector_tile = [1, 1, 1, 16]
// AVX2-LABEL: func.func private @tap_sum_kernel
// AVX2: thread_tile = [1, 8, 56, 8], vector_tile = [1, 1, 1, 8]
func.func private @tap_sum_kernel(%t0: tensor<1x56x56x144xf32>, %f0: tensor<144xf32>, %t1: tensor<1x56x56x144xf32>, %f1: tensor<144xf32>) -> tensor<1x56x56x144xf32> attributes {aicc.kernel} {
  %e = tensor.empty() : tensor<1x56x56x144xf32>
  %0 = linalg.generic {indexing_maps = [#tap, #filter, #tap, #filter, #tap], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%t0, %f0, %t1, %f1 : tensor<1x56x56x144xf32>, tensor<144xf32>, tensor<1x56x56x144xf32>, tensor<144xf32>) outs(%e : tensor<1x56x56x144xf32>) {
    ^bb0(%a: f32, %b: f32, %c: f32, %d: f32, %o: f32):
      %p = arith.mulf %a, %b : f32
      %q = arith.mulf %c, %d : f32
      %s = arith.addf %p, %q : f32
      linalg.yield %s : f32
  } -> tensor<1x56x56x144xf32>
  return %0 : tensor<1x56x56x144xf32>
}

// -----

// A transpose to NHWC with 3 channels: the output's contiguous loop (3) is
// shorter than a vector, so the tile also takes 16 of the loop the input
// reads contiguously (w): 16x3 tiles instead of gathers of 3 elements.

#in = affine_map<(d0, d1, d2, d3) -> (d0, d3, d1, d2)>
#out = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func private @to_nhwc_kernel
// CHECK: vector_tile = [1, 1, 16, 3]
func.func private @to_nhwc_kernel(%x: tensor<1x3x32x32xf32>) -> tensor<1x32x32x3xf32> attributes {aicc.kernel} {
  %e = tensor.empty() : tensor<1x32x32x3xf32>
  %0 = linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x3x32x32xf32>) outs(%e : tensor<1x32x32x3xf32>) {
    ^bb0(%a: f32, %o: f32):
      linalg.yield %a : f32
  } -> tensor<1x32x32x3xf32>
  return %0 : tensor<1x32x32x3xf32>
}

// -----

// A row reduction over the contiguous loop: vectorized along the reduction.
// Thread tiles count the reduction's work: 32 rows of 128 (BERT's softmax
// rows; counting outputs alone gave one thread tile of all 1536 rows).

#id = affine_map<(d0, d1) -> (d0, d1)>
#rows = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func private @row_sum_kernel
// CHECK: thread_tile = [32, 0], vector_tile = [1, 32], order = [0, 1], parallel = [0], unroll = 1
func.func private @row_sum_kernel(%x: tensor<1536x128xf32>, %init: tensor<1536xf32>) -> tensor<1536xf32> attributes {aicc.kernel} {
  %0 = linalg.generic {indexing_maps = [#id, #rows], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<1536x128xf32>) outs(%init : tensor<1536xf32>) {
    ^bb0(%a: f32, %acc: f32):
      %s = arith.addf %a, %acc : f32
      linalg.yield %s : f32
  } -> tensor<1536xf32>
  return %0 : tensor<1536xf32>
}

// -----

// A schedule that is already there (explicit or tuned) is left as it is.

// CHECK-LABEL: func.func private @explicit_kernel
// CHECK: thread_tile = [4, 4, 0], vector_tile = [2, 4, 1], order = [1, 0, 2], parallel = [1], unroll = 1, source = "explicit"
func.func private @explicit_kernel(%a: tensor<8x8xf32>, %b: tensor<8x8xf32>, %c: tensor<8x8xf32>) -> tensor<8x8xf32> attributes {aicc.kernel} {
  %0 = linalg.matmul {aicc.schedule = #aicc.schedule<thread_tile = [4, 4, 0], vector_tile = [2, 4, 1], order = [1, 0, 2], parallel = [1], unroll = 1, source = "explicit">}
      ins(%a, %b : tensor<8x8xf32>, tensor<8x8xf32>) outs(%c : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

// A reversing access (negative coefficient) cannot be tiled by slices; no
// schedule, so the kernel lowers to plain loops.

#rev = affine_map<(d0) -> (15 - d0)>
#id1 = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func private @no_schedule_when_map_reverses
// CHECK-NOT: aicc.schedule
func.func private @no_schedule_when_map_reverses(%x: tensor<16xf32>) -> tensor<16xf32> attributes {aicc.kernel} {
  %e = tensor.empty() : tensor<16xf32>
  %0 = linalg.generic {indexing_maps = [#rev, #id1], iterator_types = ["parallel"]}
      ins(%x : tensor<16xf32>) outs(%e : tensor<16xf32>) {
    ^bb0(%a: f32, %o: f32):
      linalg.yield %a : f32
  } -> tensor<16xf32>
  return %0 : tensor<16xf32>
}

// -----

// A contraction on packed weight panels (aicc-cpu-pack-weights): rows are
// m (the loop the panels do not read), the register tile is 8 rows x one
// 32-column panel, and a thread tile spans 8 panels (256 columns). The
// panels' slab a thread tile reads (768 x 256 floats, 768 KiB) overflows
// half of the 1 MiB L2, but packed panels are not blocked (they stream).

#a = affine_map<(b, m, p, j, k) -> (b, m, k)>
#w = affine_map<(b, m, p, j, k) -> (p, k, j)>
#o = affine_map<(b, m, p, j, k) -> (b, m, p, j)>
// CHECK-LABEL: func.func private @packed_kernel
// CHECK: thread_tile = [1, 64, 8, 32, 0], vector_tile = [1, 8, 1, 32, 1], order = [0, 2, 3, 1, 4]
func.func private @packed_kernel(%a: tensor<1x128x768xf32>, %w: tensor<96x768x32xf32>, %c: tensor<1x128x96x32xf32>) -> tensor<1x128x96x32xf32> attributes {aicc.kernel} {
  %0 = linalg.generic {indexing_maps = [#a, #w, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %w : tensor<1x128x768xf32>, tensor<96x768x32xf32>) outs(%c : tensor<1x128x96x32xf32>) {
    ^bb0(%x: f32, %y: f32, %acc: f32):
      %p = arith.mulf %x, %y : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
  } -> tensor<1x128x96x32xf32>
  return %0 : tensor<1x128x96x32xf32>
}

// -----

// 49 rows (ResNet-50's 7x7 positions): 8 does not divide them, 7 does, so
// the register tile takes 7 rows (no one-row remainder). The slab of the
// right operand (64 x 256 floats) fits in L2: no reduction blocks.

// CHECK-LABEL: func.func private @seven_rows_kernel
// CHECK: thread_tile = [49, 256, 0], vector_tile = [7, 32, 1]
func.func private @seven_rows_kernel(%a: tensor<49x64xf32>, %b: tensor<64x512xf32>, %c: tensor<49x512xf32>) -> tensor<49x512xf32> attributes {aicc.kernel} {
  %0 = linalg.matmul ins(%a, %b : tensor<49x64xf32>, tensor<64x512xf32>) outs(%c : tensor<49x512xf32>) -> tensor<49x512xf32>
  return %0 : tensor<49x512xf32>
}
