// RUN: aicc-opt %s -aicc-cpu-conv-to-im2col | FileCheck %s

// A 3x3 conv: the input windows are copied into [N, C, KH, KW, OH, OW] by
// a generic whose input map is affine in its loops (no div/mod), viewed as
// [N, C*KH*KW, OH*OW]; the conv becomes a contraction with the filter viewed
// as [F, C*KH*KW].

// CHECK-DAG: #[[WINDOW:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d4, d3 + d5)>
// CHECK-DAG: #[[STRIDED:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4 * 2 + d2, d5 * 2 + d3)>
// CHECK-LABEL: func.func @conv
// CHECK: %[[COPY:.*]] = linalg.generic {indexing_maps = [#[[WINDOW]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%{{.*}} : tensor<1x4x6x6xf32>) outs(%{{.*}} : tensor<1x4x3x3x4x4xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: linalg.yield %[[IN]] : f32
// CHECK: %[[COL:.*]] = tensor.collapse_shape %[[COPY]] {{\[\[}}0], [1, 2, 3], [4, 5]] : tensor<1x4x3x3x4x4xf32> into tensor<1x36x16xf32>
// CHECK: %[[W:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2, 3]] : tensor<6x4x3x3xf32> into tensor<6x36xf32>
// CHECK: %[[MM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[W]], %[[COL]] : tensor<6x36xf32>, tensor<1x36x16xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: tensor.expand_shape %[[MM]] {{\[\[}}0], [1], [2, 3]] output_shape [1, 6, 4, 4]
// CHECK-NOT: linalg.conv_2d_nchw_fchw
func.func @conv(%x: tensor<1x4x6x6xf32>, %w: tensor<6x4x3x3xf32>, %init: tensor<1x6x4x4xf32>) -> tensor<1x6x4x4xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%x, %w : tensor<1x4x6x6xf32>, tensor<6x4x3x3xf32>) outs(%init : tensor<1x6x4x4xf32>) -> tensor<1x6x4x4xf32>
  return %0 : tensor<1x6x4x4xf32>
}

// A 1x1 conv with unit strides: the input viewed as [N, C, H*W] is the
// im2col matrix already, so the contraction reads views and nothing is
// copied.

// CHECK-LABEL: func.func @pointwise
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x5x5xf32>, %[[W:.*]]: tensor<6x4x1x1xf32>, %[[INIT:.*]]: tensor<1x6x5x5xf32>)
// CHECK-DAG: %[[XV:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0], [1], [2, 3]] : tensor<1x4x5x5xf32> into tensor<1x4x25xf32>
// CHECK-DAG: %[[WV:.*]] = tensor.collapse_shape %[[W]] {{\[\[}}0], [1, 2, 3]] : tensor<6x4x1x1xf32> into tensor<6x4xf32>
// CHECK-DAG: %[[IV:.*]] = tensor.collapse_shape %[[INIT]] {{\[\[}}0], [1], [2, 3]] : tensor<1x6x5x5xf32> into tensor<1x6x25xf32>
// CHECK: %[[MM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[WV]], %[[XV]] : tensor<6x4xf32>, tensor<1x4x25xf32>) outs(%[[IV]] : tensor<1x6x25xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: tensor.expand_shape %[[MM]] {{\[\[}}0], [1], [2, 3]] output_shape [1, 6, 5, 5]
// CHECK-NOT: linalg.conv_2d_nchw_fchw
func.func @pointwise(%x: tensor<1x4x5x5xf32>, %w: tensor<6x4x1x1xf32>, %init: tensor<1x6x5x5xf32>) -> tensor<1x6x5x5xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%x, %w : tensor<1x4x5x5xf32>, tensor<6x4x1x1xf32>) outs(%init : tensor<1x6x5x5xf32>) -> tensor<1x6x5x5xf32>
  return %0 : tensor<1x6x5x5xf32>
}

// A strided 1x1 conv still copies its input (one tap, every other pixel).
// CHECK-LABEL: func.func @pointwise_strided
// CHECK: linalg.generic {indexing_maps = [#[[STRIDED]], #{{.*}}]{{.*}} outs(%{{.*}} : tensor<1x4x1x1x3x3xf32>)
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2, 3], [4, 5]] : tensor<1x4x1x1x3x3xf32> into tensor<1x4x9xf32>
func.func @pointwise_strided(%x: tensor<1x4x5x5xf32>, %w: tensor<6x4x1x1xf32>, %init: tensor<1x6x3x3xf32>) -> tensor<1x6x3x3xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%x, %w : tensor<1x4x5x5xf32>, tensor<6x4x1x1xf32>) outs(%init : tensor<1x6x3x3xf32>) -> tensor<1x6x3x3xf32>
  return %0 : tensor<1x6x3x3xf32>
}

// A depthwise conv (the graph lowering's window generic, one channel per
// group) becomes a sum over its taps of strided input slices times the tap's
// per-channel weight: an elementwise generic, which vectorizes.

#in = affine_map<(n, g, oc, oh, ow, c, kh, kw) -> (n, g, c, oh * 2 + kh, ow * 2 + kw)>
#flt = affine_map<(n, g, oc, oh, ow, c, kh, kw) -> (g, oc, c, kh, kw)>
#out = affine_map<(n, g, oc, oh, ow, c, kh, kw) -> (n, g, oc, oh, ow)>
// CHECK-LABEL: func.func @depthwise
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x1x7x7xf32>, %[[W:.*]]: tensor<4x1x1x2x2xf32>)
// CHECK: %[[S00:.*]] = tensor.extract_slice %[[X]][0, 0, 0, 0, 0] [1, 4, 1, 3, 3] [1, 1, 1, 2, 2] : tensor<1x4x1x7x7xf32> to tensor<1x4x3x3xf32>
// CHECK: %[[W00:.*]] = tensor.extract_slice %[[W]][0, 0, 0, 0, 0] [4, 1, 1, 1, 1] [1, 1, 1, 1, 1] : tensor<4x1x1x2x2xf32> to tensor<4xf32>
// CHECK: tensor.extract_slice %[[X]][0, 0, 0, 0, 1]
// CHECK: tensor.extract_slice %[[X]][0, 0, 0, 1, 0]
// CHECK: tensor.extract_slice %[[X]][0, 0, 0, 1, 1]
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[S00]], %[[W00]],
// CHECK-COUNT-4: arith.addf
// CHECK: tensor.expand_shape %[[SUM]] {{\[\[}}0], [1, 2], [3], [4]] output_shape [1, 4, 1, 3, 3]
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
