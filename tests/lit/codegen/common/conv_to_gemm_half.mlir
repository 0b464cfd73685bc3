// RUN: aicc-opt %s -aicc-conv-to-gemm="taps=false" | FileCheck %s
// RUN: aicc-opt %s -aicc-conv-to-gemm | FileCheck %s --check-prefix=TAPS

// 16-bit convs, and the GPU's option (taps=false). An f16 conv sums in f32:
// a zero fill of f32 (the same constant as the conv's f16 fill), both
// factors extended in the contraction's body, and one elementwise
// truncation to f16 before the result is viewed as [N, F, OH, OW].

// CHECK-LABEL: func.func @conv_f16
// CHECK: %[[COL:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2, 3], [4, 5]] : tensor<1x8x3x3x4x4xf16> into tensor<1x72x16xf16>
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[EMPTY:.*]] = tensor.empty() : tensor<1x16x4x4xf32>
// CHECK: %[[ACC:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[EMPTY]] : tensor<1x16x4x4xf32>)
// CHECK: %[[INIT:.*]] = tensor.collapse_shape %[[ACC]] {{\[\[}}0], [1], [2, 3]] : tensor<1x16x4x4xf32> into tensor<1x16x16xf32>
// CHECK: %[[W:.*]] = tensor.collapse_shape %{{.*}} : tensor<16x8x3x3xf16> into tensor<16x72xf16>
// CHECK: %[[MM:.*]] = linalg.generic {{.*}} ins(%[[W]], %[[COL]] : tensor<16x72xf16>, tensor<1x72x16xf16>) outs(%[[INIT]] : tensor<1x16x16xf32>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f16, %[[B:.*]]: f16, %[[C:.*]]: f32):
// CHECK-NEXT: %[[EA:.*]] = arith.extf %[[A]] : f16 to f32
// CHECK-NEXT: %[[EB:.*]] = arith.extf %[[B]] : f16 to f32
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[EA]], %[[EB]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[P]], %[[C]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK: %[[T:.*]] = linalg.generic {{.*}} ins(%[[MM]] : tensor<1x16x16xf32>) outs(%{{.*}} : tensor<1x16x16xf16>)
// CHECK-NEXT: ^bb0(%[[V:.*]]: f32, %{{.*}}: f16):
// CHECK-NEXT: arith.truncf %[[V]] : f32 to f16
// CHECK: tensor.expand_shape %[[T]] {{\[\[}}0], [1], [2, 3]] output_shape [1, 16, 4, 4] : tensor<1x16x16xf16> into tensor<1x16x4x4xf16>

func.func @conv_f16(%x: tensor<1x8x6x6xf16>, %w: tensor<16x8x3x3xf16>) -> tensor<1x16x4x4xf16> {
  %zero = arith.constant 0.0 : f16
  %empty = tensor.empty() : tensor<1x16x4x4xf16>
  %init = linalg.fill ins(%zero : f16) outs(%empty : tensor<1x16x4x4xf16>) -> tensor<1x16x4x4xf16>
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%x, %w : tensor<1x8x6x6xf16>, tensor<16x8x3x3xf16>) outs(%init : tensor<1x16x4x4xf16>) -> tensor<1x16x4x4xf16>
  return %0 : tensor<1x16x4x4xf16>
}

// A 1x1 bf16 conv accumulating into a given tensor: the input is the im2col
// matrix (no copy), the init is extended to f32 elementwise.

// CHECK-LABEL: func.func @pointwise_bf16_init
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x5x5xbf16>, %[[W:.*]]: tensor<16x8x1x1xbf16>, %[[I:.*]]: tensor<1x16x5x5xbf16>)
// CHECK: %[[COL:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0], [1], [2, 3]] : tensor<1x8x5x5xbf16> into tensor<1x8x25xbf16>
// CHECK: %[[WIDE:.*]] = linalg.generic {{.*}} ins(%[[I]] : tensor<1x16x5x5xbf16>) outs(%{{.*}} : tensor<1x16x5x5xf32>)
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x16x25xf32>)
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK-NOT: linalg.conv_2d_nchw_fchw
func.func @pointwise_bf16_init(%x: tensor<1x8x5x5xbf16>, %w: tensor<16x8x1x1xbf16>, %init: tensor<1x16x5x5xbf16>) -> tensor<1x16x5x5xbf16> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%x, %w : tensor<1x8x5x5xbf16>, tensor<16x8x1x1xbf16>) outs(%init : tensor<1x16x5x5xbf16>) -> tensor<1x16x5x5xbf16>
  return %0 : tensor<1x16x5x5xbf16>
}

// f32 convs sum in f32 with no conversions.

// CHECK-LABEL: func.func @conv_f32
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<6x36xf32>, tensor<1x36x16xf32>) outs(%{{.*}} : tensor<1x6x16xf32>)
// CHECK-NEXT: ^bb0(%{{.*}}: f32, %{{.*}}: f32, %{{.*}}: f32):
// CHECK-NEXT: arith.mulf
// CHECK-NOT: arith.truncf
// CHECK: tensor.expand_shape
func.func @conv_f32(%x: tensor<1x4x6x6xf32>, %w: tensor<6x4x3x3xf32>, %init: tensor<1x6x4x4xf32>) -> tensor<1x6x4x4xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%x, %w : tensor<1x4x6x6xf32>, tensor<6x4x3x3xf32>) outs(%init : tensor<1x6x4x4xf32>) -> tensor<1x6x4x4xf32>
  return %0 : tensor<1x6x4x4xf32>
}

// Without taps, a depthwise conv keeps its window form (the GPU pipeline
// does not absorb the tap slices into the kernel).

#in = affine_map<(n, g, oc, oh, ow, c, kh, kw) -> (n, g, c, oh * 2 + kh, ow * 2 + kw)>
#flt = affine_map<(n, g, oc, oh, ow, c, kh, kw) -> (g, oc, c, kh, kw)>
#out = affine_map<(n, g, oc, oh, ow, c, kh, kw) -> (n, g, oc, oh, ow)>
// CHECK-LABEL: func.func @depthwise
// CHECK-NOT: tensor.extract_slice
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// TAPS-LABEL: func.func @depthwise
// TAPS: tensor.extract_slice
func.func @depthwise(%x: tensor<1x4x1x7x7xf32>, %w: tensor<4x1x1x2x2xf32>) -> tensor<1x4x1x3x3xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<1x4x1x3x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x4x1x3x3xf32>) -> tensor<1x4x1x3x3xf32>
  %0 = linalg.generic {indexing_maps = [#in, #flt, #out],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<1x4x1x7x7xf32>, tensor<4x1x1x2x2xf32>) outs(%init : tensor<1x4x1x3x3xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x4x1x3x3xf32>
  return %0 : tensor<1x4x1x3x3xf32>
}
