// RUN: aicc-opt %s -split-input-file -aicc-gpu-default-schedule | FileCheck %s --check-prefix=SCHED
// RUN: aicc-opt %s -split-input-file -aicc-gpu-default-schedule -aicc-gpu-tile-and-distribute -one-shot-bufferize='bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map' -aicc-gpu-managed-memory -aicc-gpu-warp-reduce | FileCheck %s

// A softmax row kernel (aicc-form-kernels fuse-rows: max, exp(x - max),
// sum, divide) on 16 rows of 100: a warp per row for every op, 8 rows per
// block.
// SCHED-LABEL: func.func private @softmax_rows
// SCHED: thread_tile = [8, 0], vector_tile = [1, 0], {{.*}} lanes = 32>
//
// One forall over rows and lanes runs the whole row: lane l takes columns
// l, l + 32, ... of each op (x read with stride 32: neighbouring lanes,
// neighbouring addresses); the max and the sum combine across the warp
// with five xor shuffles, so every lane holds them (private, no lane reads
// another's memory); exp(x - max) keeps only the lane's 4 columns
// (ceil(100 / 32)) in a private buffer.
// CHECK-LABEL: func.func private @softmax_rows
// CHECK: scf.forall (%[[ROW:.*]], %[[LANE:.*]]) in (16, 32)
// CHECK: memref.subview %{{.*}}[0, %[[LANE]]] [1, %{{.*}}] [1, 32]
// CHECK: arith.maximumf
// CHECK-COUNT-5: gpu.shuffle  xor
// CHECK: %[[EXP:.*]] = memref.alloca() : memref<1x4xf32>
// CHECK: memref.subview %[[EXP]][0, 0] [1, %{{.*}}] [1, 1]
// CHECK: math.exp
// CHECK: arith.addf
// CHECK-COUNT-5: gpu.shuffle  xor
// CHECK: linalg.generic {{.*}}aicc.gpu_block = array<i64: 8, 32>
// CHECK: arith.divf
// The tile's copy into the output (onto the same view) is gone: a lane
// copying the whole row could overwrite another lane's columns.
// CHECK-NOT: memref.copy
// CHECK-NOT: memref.alloc(
// CHECK: return
#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d0)>
func.func private @softmax_rows(%arg0: tensor<16x100xf32>) -> tensor<16x100xf32> attributes {aicc.kernel, aicc.row_kernel} {
  %cst = arith.constant 0xFF800000 : f32
  %0 = tensor.empty() : tensor<16xf32>
  %1 = tensor.empty() : tensor<16x100xf32>
  %cst_0 = arith.constant 0.000000e+00 : f32
  %2 = linalg.fill ins(%cst : f32) outs(%0 : tensor<16xf32>) -> tensor<16xf32>
  %3 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "reduction"]} ins(%arg0 : tensor<16x100xf32>) outs(%2 : tensor<16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %8 = arith.maximumf %in, %out : f32
    linalg.yield %8 : f32
  } -> tensor<16xf32>
  %4 = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel"]} ins(%arg0, %3 : tensor<16x100xf32>, tensor<16xf32>) outs(%1 : tensor<16x100xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %8 = arith.subf %in, %in_1 : f32
    %9 = math.exp %8 : f32
    linalg.yield %9 : f32
  } -> tensor<16x100xf32>
  %5 = linalg.fill ins(%cst_0 : f32) outs(%0 : tensor<16xf32>) -> tensor<16xf32>
  %6 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "reduction"]} ins(%4 : tensor<16x100xf32>) outs(%5 : tensor<16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %8 = arith.addf %in, %out : f32
    linalg.yield %8 : f32
  } -> tensor<16xf32>
  %7 = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel"]} ins(%4, %6 : tensor<16x100xf32>, tensor<16xf32>) outs(%1 : tensor<16x100xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %8 = arith.divf %in, %in_1 : f32
    linalg.yield %8 : f32
  } -> tensor<16x100xf32>
  return %7 : tensor<16x100xf32>
}

// -----

// A row kernel whose reduction a warp cannot split (a product of i32) keeps
// the heuristic's one-thread-per-output schedule.
// SCHED-LABEL: func.func private @int_rows
// SCHED-NOT: lanes = 32
#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d0)>
func.func private @int_rows(%arg0: tensor<16x100xi32>) -> tensor<16x100xi32> attributes {aicc.kernel, aicc.row_kernel} {
  %c1 = arith.constant 1 : i32
  %0 = tensor.empty() : tensor<16xi32>
  %1 = tensor.empty() : tensor<16x100xi32>
  %2 = linalg.fill ins(%c1 : i32) outs(%0 : tensor<16xi32>) -> tensor<16xi32>
  %3 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "reduction"]} ins(%arg0 : tensor<16x100xi32>) outs(%2 : tensor<16xi32>) {
  ^bb0(%in: i32, %out: i32):
    %8 = arith.muli %in, %out : i32
    linalg.yield %8 : i32
  } -> tensor<16xi32>
  %4 = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel"]} ins(%arg0, %3 : tensor<16x100xi32>, tensor<16xi32>) outs(%1 : tensor<16x100xi32>) {
  ^bb0(%in: i32, %in_1: i32, %out: i32):
    %8 = arith.subi %in, %in_1 : i32
    linalg.yield %8 : i32
  } -> tensor<16x100xi32>
  return %4 : tensor<16x100xi32>
}
