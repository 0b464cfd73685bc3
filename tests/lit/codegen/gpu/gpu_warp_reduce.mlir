// RUN: aicc-opt %s -split-input-file -aicc-gpu-default-schedule | FileCheck %s --check-prefix=SCHED
// RUN: aicc-opt %s -split-input-file -aicc-gpu-default-schedule -aicc-gpu-tile-and-distribute -one-shot-bufferize='bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map' -aicc-gpu-warp-reduce | FileCheck %s

// A row sum over 768 elements: a warp per row, 8 rows per block.
// SCHED-LABEL: func.func private @sum_kernel
// SCHED: thread_tile = [8, 0], vector_tile = [1, 0], {{.*}} lanes = 32>
// Lane l sums elements l, l + 32, ... from 0 (the neutral element of
// addf), five xor shuffles give each lane the row's sum, added to the
// output's initial value (read before the shuffles) and stored.
// CHECK-LABEL: func.func private @sum_kernel
// CHECK: scf.forall (%[[ROW:.*]], %[[LANE:.*]]) in (128, 32)
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[PARTIAL:.*]] = memref.alloca() {aicc.gpu_block = array<i64: 8, 32>, aicc.gpu_trips = array<i64: 128, 32>} : memref<1xf32>
// CHECK: linalg.fill ins(%[[ZERO]] : f32) outs(%[[PARTIAL]] : memref<1xf32>)
// CHECK: %[[INIT:.*]] = memref.load
// CHECK: memref.subview %{{.*}}[0, %[[LANE]]] [1, %{{.*}}] [1, 32]
// CHECK: linalg.generic {{.*}} outs(%[[PARTIAL]] : memref<1xf32>)
// CHECK: gpu.shuffle  xor %{{.*}}, %c16_i32, %c32_i32 : f32
// CHECK: gpu.shuffle  xor %{{.*}}, %c8_i32, %c32_i32 : f32
// CHECK: gpu.shuffle  xor %{{.*}}, %c4_i32, %c32_i32 : f32
// CHECK: gpu.shuffle  xor %{{.*}}, %c2_i32, %c32_i32 : f32
// CHECK: %[[S:.*]], %{{.*}} = gpu.shuffle  xor %{{.*}}, %c1_i32, %c32_i32 : f32
// CHECK: %[[TOTAL:.*]] = arith.addf %{{.*}}, %[[S]] : f32
// CHECK: %[[FINAL:.*]] = arith.addf %[[INIT]], %[[TOTAL]] : f32
// CHECK: memref.store %[[FINAL]]
#in = affine_map<(d0, d1) -> (d0, d1)>
#out = affine_map<(d0, d1) -> (d0)>
func.func private @sum_kernel(%x: tensor<128x768xf32>, %init: tensor<128xf32>) -> tensor<128xf32> attributes {aicc.kernel} {
  %0 = linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<128x768xf32>) outs(%init : tensor<128xf32>) {
    ^bb0(%a: f32, %o: f32):
      %s = arith.addf %a, %o : f32
      linalg.yield %s : f32
  } -> tensor<128xf32>
  return %0 : tensor<128xf32>
}

// -----

// A max over rows with a fused producer (x * x): the producer computes only
// the lane's elements, the partial starts at -inf (maximumf's neutral
// element).
// SCHED-LABEL: func.func private @max_of_squares_kernel
// SCHED: lanes = 32
// CHECK-LABEL: func.func private @max_of_squares_kernel
// CHECK: scf.forall (%{{.*}}, %[[LANE:.*]]) in (16, 32)
// CHECK: memref.subview %{{.*}}[0, %[[LANE]]] [1, %{{.*}}] [1, 32]
// CHECK: arith.mulf
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: arith.maximumf
// CHECK: gpu.shuffle  xor
#in2 = affine_map<(d0, d1) -> (d0, d1)>
#out2 = affine_map<(d0, d1) -> (d0)>
func.func private @max_of_squares_kernel(%x: tensor<16x100xf32>, %init: tensor<16xf32>) -> tensor<16xf32> attributes {aicc.kernel} {
  %e = tensor.empty() : tensor<16x100xf32>
  %sq = linalg.generic {indexing_maps = [#in2, #in2], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<16x100xf32>) outs(%e : tensor<16x100xf32>) {
    ^bb0(%a: f32, %o: f32):
      %m = arith.mulf %a, %a : f32
      linalg.yield %m : f32
  } -> tensor<16x100xf32>
  %0 = linalg.generic {indexing_maps = [#in2, #out2], iterator_types = ["parallel", "reduction"]}
      ins(%sq : tensor<16x100xf32>) outs(%init : tensor<16xf32>) {
    ^bb0(%a: f32, %o: f32):
      %s = arith.maximumf %a, %o : f32
      linalg.yield %s : f32
  } -> tensor<16xf32>
  return %0 : tensor<16xf32>
}

// -----

// Short rows (under 64) stay one per thread.
// SCHED-LABEL: func.func private @short_kernel
// SCHED-NOT: lanes
#in3 = affine_map<(d0, d1) -> (d0, d1)>
#out3 = affine_map<(d0, d1) -> (d0)>
func.func private @short_kernel(%x: tensor<128x16xf32>, %init: tensor<128xf32>) -> tensor<128xf32> attributes {aicc.kernel} {
  %0 = linalg.generic {indexing_maps = [#in3, #out3], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<128x16xf32>) outs(%init : tensor<128xf32>) {
    ^bb0(%a: f32, %o: f32):
      %s = arith.addf %a, %o : f32
      linalg.yield %s : f32
  } -> tensor<128xf32>
  return %0 : tensor<128xf32>
}
