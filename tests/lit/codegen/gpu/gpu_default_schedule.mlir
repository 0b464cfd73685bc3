// RUN: aicc-opt %s -split-input-file -aicc-gpu-default-schedule | FileCheck %s
// RUN: aicc-opt %s -split-input-file -aicc-gpu-default-schedule='max-threads=64' | FileCheck %s --check-prefix=SMALL

// A matmul: one output element per thread, a block of 256 threads along the
// output's innermost loop (threadIdx.x walks consecutive columns); the
// reduction stays whole inside each thread.

// CHECK-LABEL: func.func private @matmul_kernel
// CHECK: linalg.matmul {aicc.schedule = #aicc.schedule<thread_tile = [1, 256, 0], vector_tile = [1, 1, 0], order = [0, 1, 2], parallel = [0, 1], unroll = 1, source = "heuristic">}
// SMALL-LABEL: func.func private @matmul_kernel
// SMALL: thread_tile = [1, 64, 0], vector_tile = [1, 1, 0]
func.func private @matmul_kernel(%a: tensor<128x64xf32>, %b: tensor<64x512xf32>, %c: tensor<128x512xf32>) -> tensor<128x512xf32> attributes {aicc.kernel} {
  %0 = linalg.matmul ins(%a, %b : tensor<128x64xf32>, tensor<64x512xf32>) outs(%c : tensor<128x512xf32>) -> tensor<128x512xf32>
  return %0 : tensor<128x512xf32>
}

// -----

// A short innermost loop: the block grows into the next loop out.

#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func private @elementwise_kernel
// CHECK: thread_tile = [25, 10], vector_tile = [1, 1], order = [0, 1], parallel = [0, 1], unroll = 1
func.func private @elementwise_kernel(%x: tensor<30x10xf32>) -> tensor<30x10xf32> attributes {aicc.kernel} {
  %e = tensor.empty() : tensor<30x10xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<30x10xf32>) outs(%e : tensor<30x10xf32>) {
    ^bb0(%a: f32, %o: f32):
      %s = math.exp %a : f32
      linalg.yield %s : f32
  } -> tensor<30x10xf32>
  return %0 : tensor<30x10xf32>
}

// -----

// A reduction of short rows (under 64; longer ones get a warp each, see
// gpu_warp_reduce.mlir): a thread per row, the row's loop inside it.

#in = affine_map<(d0, d1) -> (d0, d1)>
#out = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func private @rowsum_kernel
// CHECK: thread_tile = [64, 0], vector_tile = [1, 0], order = [0, 1], parallel = [0]
func.func private @rowsum_kernel(%x: tensor<64x40xf32>, %init: tensor<64xf32>) -> tensor<64xf32> attributes {aicc.kernel} {
  %0 = linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<64x40xf32>) outs(%init : tensor<64xf32>) {
    ^bb0(%a: f32, %o: f32):
      %s = arith.addf %a, %o : f32
      linalg.yield %s : f32
  } -> tensor<64xf32>
  return %0 : tensor<64xf32>
}

// -----

// An explicit schedule is honoured; an empty iteration space gets none.

// CHECK-LABEL: func.func private @explicit_kernel
// CHECK: thread_tile = [2, 32, 0], vector_tile = [1, 4, 0], order = [0, 1, 2], parallel = [0, 1], unroll = 1, source = "explicit"
// CHECK-LABEL: func.func private @empty_kernel
// CHECK-NOT: aicc.schedule
func.func private @explicit_kernel(%a: tensor<128x64xf32>, %b: tensor<64x512xf32>, %c: tensor<128x512xf32>) -> tensor<128x512xf32> attributes {aicc.kernel} {
  %0 = linalg.matmul {aicc.schedule = #aicc.schedule<thread_tile = [2, 32, 0], vector_tile = [1, 4, 0], order = [0, 1, 2], parallel = [0, 1], unroll = 1, source = "explicit">}
      ins(%a, %b : tensor<128x64xf32>, tensor<64x512xf32>) outs(%c : tensor<128x512xf32>) -> tensor<128x512xf32>
  return %0 : tensor<128x512xf32>
}
func.func private @empty_kernel(%a: tensor<0x4xf32>, %b: tensor<4x5xf32>, %c: tensor<0x5xf32>) -> tensor<0x5xf32> attributes {aicc.kernel} {
  %0 = linalg.matmul ins(%a, %b : tensor<0x4xf32>, tensor<4x5xf32>) outs(%c : tensor<0x5xf32>) -> tensor<0x5xf32>
  return %0 : tensor<0x5xf32>
}

// -----

// A large matmul: each thread computes a 4x4 tile, one reduction step at a
// time; 16x16 threads make a 64x64 block.

// CHECK-LABEL: func.func private @large_matmul_kernel
// CHECK: thread_tile = [64, 64, 0], vector_tile = [4, 4, 1], order = [0, 1, 2], parallel = [0, 1], unroll = 1
func.func private @large_matmul_kernel(%a: tensor<1024x256xf32>, %b: tensor<256x1024xf32>, %c: tensor<1024x1024xf32>) -> tensor<1024x1024xf32> attributes {aicc.kernel} {
  %0 = linalg.matmul ins(%a, %b : tensor<1024x256xf32>, tensor<256x1024xf32>) outs(%c : tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
  return %0 : tensor<1024x1024xf32>
}
