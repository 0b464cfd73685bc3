// RUN: aicc-opt %s -split-input-file -aicc-gpu-split-k | FileCheck %s
// RUN: aicc-opt %s -split-input-file -aicc-gpu-split-k='tf32=false' | FileCheck %s --check-prefix=STRICT

// BERT's second FFN matmul at batch 1 (128 x 768, K = 3072): 384 warps of
// 16x16, so the reduction is split 8 ways (3072 warps), 384 of k each: a
// matmul into [8, 1, 128, 768] partials from a zero fill, the splits its
// outermost loop, then a reduction over them into the original
// accumulator, which the epilogue reads.
// CHECK-LABEL: func.func @ffn2
// CHECK-DAG: %[[A:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] output_shape [1, 128, 8, 384]
// CHECK-DAG: %[[B:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2]] output_shape [8, 384, 768]
// CHECK: %[[ZERO:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<8x1x128x768xf32>)
// CHECK: %[[PARTIAL:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[A]], %[[B]] : tensor<1x128x8x384xf32>, tensor<8x384x768xf32>) outs(%[[ZERO]] : tensor<8x1x128x768xf32>)
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["reduction", "parallel", "parallel", "parallel"]} ins(%[[PARTIAL]] : tensor<8x1x128x768xf32>) outs(%{{.*}} : tensor<1x128x768xf32>)
// CHECK: arith.addf
// CHECK: linalg.generic {{.*}} ins(%[[SUM]], %{{.*}} : tensor<1x128x768xf32>, tensor<768xf32>)
// Strict f32 math runs on the CUDA cores: nothing to split.
// STRICT-LABEL: func.func @ffn2
// STRICT-NOT: tensor.expand_shape
#a = affine_map<(b, m, n, k) -> (b, m, k)>
#w = affine_map<(b, m, n, k) -> (k, n)>
#o = affine_map<(b, m, n, k) -> (b, m, n)>
#id = affine_map<(b, m, n) -> (b, m, n)>
#bias = affine_map<(b, m, n) -> (n)>
func.func @ffn2(%x: tensor<1x128x3072xf32>, %w: tensor<3072x768xf32>, %bias: tensor<768xf32>) -> tensor<1x128x768xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<1x128x768xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x128x768xf32>) -> tensor<1x128x768xf32>
  %mm = linalg.generic {indexing_maps = [#a, #w, #o], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<1x128x3072xf32>, tensor<3072x768xf32>) outs(%init : tensor<1x128x768xf32>) {
  ^bb0(%l: f32, %r: f32, %acc: f32):
    %p = arith.mulf %l, %r : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x128x768xf32>
  %y = linalg.generic {indexing_maps = [#id, #bias, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%mm, %bias : tensor<1x128x768xf32>, tensor<768xf32>) outs(%empty : tensor<1x128x768xf32>) {
  ^bb0(%v: f32, %c: f32, %out: f32):
    %s = arith.addf %v, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x128x768xf32>
  return %y : tensor<1x128x768xf32>
}

// -----

// An f16 matmul (summed in f32) of 64 x 64 with K = 4096: 16 warps, split
// the most allowed, 16 ways of 256 (strict f32 math keeps 16-bit matmuls on
// tensor cores, so it splits too).
// CHECK-LABEL: func.func @f16_deep
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<64x16x256xf16>, tensor<16x256x64xf16>) outs(%{{.*}} : tensor<16x64x64xf32>)
// CHECK: arith.extf
// STRICT-LABEL: func.func @f16_deep
// STRICT: tensor<16x64x64xf32>
#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>
func.func @f16_deep(%x: tensor<64x4096xf16>, %w: tensor<4096x64xf16>) -> tensor<64x64xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<64x64xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<64x64xf32>) -> tensor<64x64xf32>
  %mm = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<64x4096xf16>, tensor<4096x64xf16>) outs(%init : tensor<64x64xf32>) {
  ^bb0(%l: f16, %r: f16, %acc: f32):
    %le = arith.extf %l : f16 to f32
    %re = arith.extf %r : f16 to f32
    %p = arith.mulf %le, %re : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<64x64xf32>
  return %mm : tensor<64x64xf32>
}

// -----

// Left whole: a matmul that already gives 2048 warps (1024 x 1024), one
// whose K has too little to split (128 x 768 x 300: no power of two leaves
// 256 per split), and one too small for tensor cores (8 rows).
// CHECK-LABEL: func.func @whole
// CHECK-NOT: tensor.expand_shape
// CHECK: return
func.func @whole(%a: tensor<1024x512xf32>, %b: tensor<512x1024xf32>, %c: tensor<1024x1024xf32>,
                 %d: tensor<128x300xf32>, %e: tensor<300x768xf32>, %f: tensor<128x768xf32>,
                 %g: tensor<8x4096xf32>, %h: tensor<4096x64xf32>, %i: tensor<8x64xf32>)
    -> (tensor<1024x1024xf32>, tensor<128x768xf32>, tensor<8x64xf32>) {
  %0 = linalg.matmul ins(%a, %b : tensor<1024x512xf32>, tensor<512x1024xf32>) outs(%c : tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
  %1 = linalg.matmul ins(%d, %e : tensor<128x300xf32>, tensor<300x768xf32>) outs(%f : tensor<128x768xf32>) -> tensor<128x768xf32>
  %2 = linalg.matmul ins(%g, %h : tensor<8x4096xf32>, tensor<4096x64xf32>) outs(%i : tensor<8x64xf32>) -> tensor<8x64xf32>
  return %0, %1, %2 : tensor<1024x1024xf32>, tensor<128x768xf32>, tensor<8x64xf32>
}
