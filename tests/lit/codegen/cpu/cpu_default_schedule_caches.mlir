// RUN: aicc-opt %s -aicc-cpu-default-schedule='vector-bits=512 l1-kb=48 l2-kb=1024' | FileCheck %s --check-prefix=ZEN5
// RUN: aicc-opt %s -aicc-cpu-default-schedule='vector-bits=512 l1-kb=48 l2-kb=8192' | FileCheck %s --check-prefix=BIGL2

// Reduction blocks follow the caches: with a 1 MiB L2 the 2304 x 256 slab
// (2.25 MiB) is walked in blocks of 256 (a 256 x 32 panel is two thirds of
// a 48 KiB L1); with an 8 MiB L2 the slab fits and k stays whole.

// ZEN5: thread_tile = [64, 256, 256], vector_tile = [8, 32, 1]
// BIGL2: thread_tile = [64, 256, 0], vector_tile = [8, 32, 1]
func.func private @deep_kernel(%a: tensor<128x2304xf32>, %b: tensor<2304x512xf32>, %c: tensor<128x512xf32>) -> tensor<128x512xf32> attributes {aicc.kernel} {
  %0 = linalg.matmul ins(%a, %b : tensor<128x2304xf32>, tensor<2304x512xf32>) outs(%c : tensor<128x512xf32>) -> tensor<128x512xf32>
  return %0 : tensor<128x512xf32>
}
