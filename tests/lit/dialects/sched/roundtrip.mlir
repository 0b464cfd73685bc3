// RUN: aicc-opt %s | aicc-opt | FileCheck %s

#id1 = affine_map<(d0) -> (d0)>
#scalar = affine_map<(d0) -> ()>

// CHECK-LABEL: func.func @matmul
func.func @matmul(%a: tensor<16x8xf32>, %b: tensor<8x32xf32>, %c: tensor<16x32xf32>) -> tensor<16x32xf32> {
  // CHECK: aicc.schedule = #aicc.schedule<thread_tile = [8, 32, 0], vector_tile = [4, 16, 2], order = [1, 0, 2], parallel = [0, 1], unroll = 2, source = "explicit">
  %0 = linalg.matmul {aicc.schedule = #aicc.schedule<thread_tile = [8, 32, 0], vector_tile = [4, 16, 2], order = [1, 0, 2], parallel = [0, 1], unroll = 2, source = "explicit">}
      ins(%a, %b : tensor<16x8xf32>, tensor<8x32xf32>) outs(%c : tensor<16x32xf32>) -> tensor<16x32xf32>
  return %0 : tensor<16x32xf32>
}

// GPU fields print only when set.
// CHECK-LABEL: func.func private @gpu_fields
// CHECK-SAME: a = #aicc.schedule<{{.*}}source = "explicit", mma = "m16n8k8_tf32">
// CHECK-SAME: b = #aicc.schedule<{{.*}}source = "heuristic", lanes = 32>
// CHECK-SAME: c = #aicc.schedule<{{.*}}mma = "m16n8k16_f16">
// CHECK-SAME: d = #aicc.schedule<{{.*}}mma = "m16n8k16_bf16">
// CHECK-SAME: e = #aicc.schedule<thread_tile = [128, 128, 32], {{.*}}mma = "m16n8k16_f16", stages = 3>
func.func private @gpu_fields() attributes {a = #aicc.schedule<thread_tile = [32, 32, 0], vector_tile = [16, 16, 8], order = [0, 1, 2], parallel = [0, 1], unroll = 1, source = "explicit", mma = "m16n8k8_tf32">, b = #aicc.schedule<thread_tile = [8, 0], vector_tile = [1, 0], order = [0, 1], parallel = [0], unroll = 1, source = "heuristic", lanes = 32>, c = #aicc.schedule<thread_tile = [32, 32, 0], vector_tile = [16, 16, 16], order = [0, 1, 2], parallel = [0, 1], unroll = 1, source = "explicit", mma = "m16n8k16_f16">, d = #aicc.schedule<thread_tile = [32, 32, 0], vector_tile = [16, 16, 16], order = [0, 1, 2], parallel = [0, 1], unroll = 1, source = "explicit", mma = "m16n8k16_bf16">, e = #aicc.schedule<thread_tile = [128, 128, 32], vector_tile = [64, 32, 16], order = [0, 1, 2], parallel = [0, 1], unroll = 1, source = "explicit", mma = "m16n8k16_f16", stages = 3>}

// CHECK-LABEL: func.func private @kernel
// CHECK-SAME: aicc.kernel
// CHECK-SAME: aicc.kernel_hash = "00112233aabbccdd"
func.func private @kernel() attributes {aicc.kernel, aicc.kernel_hash = "00112233aabbccdd"} {
  return
}

// An empty parallel list: a full reduction runs on one thread.
// CHECK-LABEL: func.func @reduce_all
// CHECK: parallel = []
func.func @reduce_all(%x: tensor<64xf32>, %init: tensor<f32>) -> tensor<f32> {
  %0 = linalg.generic {indexing_maps = [#id1, #scalar], iterator_types = ["reduction"]}
      ins(%x : tensor<64xf32>) outs(%init : tensor<f32>)
      attrs = {aicc.schedule = #aicc.schedule<thread_tile = [0], vector_tile = [16], order = [0], parallel = [], unroll = 1, source = "heuristic">} {
    ^bb0(%in: f32, %acc: f32):
      %s = arith.addf %in, %acc : f32
      linalg.yield %s : f32
  } -> tensor<f32>
  return %0 : tensor<f32>
}
