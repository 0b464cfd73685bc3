// RUN: aicc-opt %s -split-input-file -aicc-gpu-tile-and-distribute | FileCheck %s

// One forall over thread tiles (one output element each) with the fill
// fused into a fresh tensor (a private accumulator, not the output's
// memory); the tiled matmul records the block shape (2 x 128 thread tiles,
// from thread_tile / vector_tile) and the tiles per dimension.

// CHECK-LABEL: func.func private @matmul_kernel
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (128, 512)
// CHECK: %[[ACC:.*]] = tensor.empty() : tensor<1x1xf32>
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[ACC]] : tensor<1x1xf32>) -> tensor<1x1xf32>
// CHECK: linalg.matmul {aicc.gpu_block = array<i64: 2, 128>, aicc.gpu_trips = array<i64: 128, 512>
// CHECK-SAME: -> tensor<1x1xf32>
// CHECK-NOT: linalg.matmul
func.func private @matmul_kernel(%a: tensor<128x64xf32>, %b: tensor<64x512xf32>) -> tensor<128x512xf32> attributes {aicc.kernel} {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<128x512xf32>
  %c = linalg.fill ins(%cst : f32) outs(%e : tensor<128x512xf32>) -> tensor<128x512xf32>
  %0 = linalg.matmul {aicc.schedule = #aicc.schedule<thread_tile = [2, 128, 0], vector_tile = [1, 1, 0], order = [0, 1, 2], parallel = [0, 1], unroll = 1, source = "explicit">}
      ins(%a, %b : tensor<128x64xf32>, tensor<64x512xf32>) outs(%c : tensor<128x512xf32>) -> tensor<128x512xf32>
  return %0 : tensor<128x512xf32>
}

// -----

// A constant pad becomes an elementwise gather fused into each thread's
// tile: a thread pads only its 1x3x3x3 window.

// CHECK-LABEL: func.func private @conv_kernel
// CHECK-NOT: tensor.pad
// CHECK: scf.forall (%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) in (1, 8, 16, 16)
// CHECK: linalg.generic
// CHECK: arith.cmpi sge
// CHECK: %[[V:.*]] = tensor.extract %{{.*}} : tensor<1x3x16x16xf32>
// CHECK: arith.select %{{.*}}, %[[V]], %cst : f32
// CHECK: } -> tensor<1x3x3x3xf32>
// CHECK: linalg.conv_2d_nchw_fchw {aicc.gpu_block = array<i64: 1, 1, 16, 16>, aicc.gpu_trips = array<i64: 1, 8, 16, 16>
func.func private @conv_kernel(%x: tensor<1x3x16x16xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<1x8x16x16xf32> attributes {aicc.kernel} {
  %cst = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %cst : f32
  } : tensor<1x3x16x16xf32> to tensor<1x3x18x18xf32>
  %e = tensor.empty() : tensor<1x8x16x16xf32>
  %c = linalg.fill ins(%cst : f32) outs(%e : tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
  %0 = linalg.conv_2d_nchw_fchw {aicc.schedule = #aicc.schedule<thread_tile = [1, 1, 16, 16, 0, 0, 0], vector_tile = [1, 1, 1, 1, 0, 0, 0], order = [0, 1, 2, 3, 4, 5, 6], parallel = [0, 1, 2, 3], unroll = 1, source = "explicit">, dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%p, %w : tensor<1x3x18x18xf32>, tensor<8x3x3x3xf32>) outs(%c : tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
  return %0 : tensor<1x8x16x16xf32>
}

// -----

// A linalg op the root does not reach (here a second, independent output)
// is distributed by the heuristic's schedule too, not left to the host.

#id = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func private @two_outputs_kernel
// CHECK-COUNT-2: scf.forall
// CHECK-NOT: linalg.generic {{.*}}tensor<1000xf32>)
func.func private @two_outputs_kernel(%x: tensor<1000xf32>) -> (tensor<1000xf32>, tensor<1000xf32>) attributes {aicc.kernel} {
  %e = tensor.empty() : tensor<1000xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : tensor<1000xf32>) outs(%e : tensor<1000xf32>) {
    ^bb0(%v: f32, %o: f32):
      %s = math.exp %v : f32
      linalg.yield %s : f32
  } -> tensor<1000xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : tensor<1000xf32>) outs(%e : tensor<1000xf32>) {
    ^bb0(%v: f32, %o: f32):
      %s = math.sqrt %v : f32
      linalg.yield %s : f32
  } -> tensor<1000xf32>
  return %a, %b : tensor<1000xf32>, tensor<1000xf32>
}
