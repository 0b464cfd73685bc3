// RUN: aicc-opt %s -aicc-conv-to-gemm | FileCheck %s

// A 3x3 conv: the input windows are copied into [N, C, KH, KW, OH, OW] by
// a generic whose input map is affine in its loops (no div/mod), viewed as
// [N, C*KH*KW, OH*OW]; the conv becomes a contraction with the filter viewed
// as [F, C*KH*KW].

// CHECK-DAG: #[[WINDOW:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d4, d3 + d5)>
// CHECK-DAG: #[[STRIDED:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4 * 2 + d2, d5 * 2 + d3)>
// CHECK-DAG: #[[NHWC_WINDOW:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 * 2 + d3, d2 * 8 + d4)>
// CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[RHS:.*]] = affine_map<(d0, d1, d2, d3) -> (d3, d2)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
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

// A depthwise conv channels last (the graph lowering's generic over
// (n, oh, ow, c, kh, kw), filter [KH, KW, 1, C]): the same sum of taps, each
// a strided [N, OH, OW, C] slice of the input times a [C] slice of the
// filter, so it vectorizes along the channels; no reshape.

#in_nhwc = affine_map<(n, oh, ow, c, kh, kw) -> (n, oh * 2 + kh, ow * 2 + kw, c)>
#flt_nhwc = affine_map<(n, oh, ow, c, kh, kw) -> (kh, kw, 0, c)>
#out_nhwc = affine_map<(n, oh, ow, c, kh, kw) -> (n, oh, ow, c)>
// CHECK-LABEL: func.func @depthwise_nhwc
// CHECK-SAME: (%[[X:.*]]: tensor<1x7x7x16xf32>, %[[W:.*]]: tensor<2x2x1x16xf32>)
// CHECK: %[[S00:.*]] = tensor.extract_slice %[[X]][0, 0, 0, 0] [1, 3, 3, 16] [1, 2, 2, 1] : tensor<1x7x7x16xf32> to tensor<1x3x3x16xf32>
// CHECK: %[[W00:.*]] = tensor.extract_slice %[[W]][0, 0, 0, 0] [1, 1, 1, 16] [1, 1, 1, 1] : tensor<2x2x1x16xf32> to tensor<16xf32>
// CHECK: tensor.extract_slice %[[X]][0, 0, 1, 0]
// CHECK: tensor.extract_slice %[[X]][0, 1, 0, 0]
// CHECK: tensor.extract_slice %[[X]][0, 1, 1, 0]
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[S00]], %[[W00]],
// CHECK-COUNT-4: arith.addf
// CHECK: return %[[SUM]]
func.func @depthwise_nhwc(%x: tensor<1x7x7x16xf32>, %w: tensor<2x2x1x16xf32>) -> tensor<1x3x3x16xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<1x3x3x16xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x3x3x16xf32>) -> tensor<1x3x3x16xf32>
  %0 = linalg.generic {indexing_maps = [#in_nhwc, #flt_nhwc, #out_nhwc],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %w : tensor<1x7x7x16xf32>, tensor<2x2x1x16xf32>) outs(%init : tensor<1x3x3x16xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x3x3x16xf32>
  return %0 : tensor<1x3x3x16xf32>
}

// Channels last (aicc-channels-last): a strided 3x3 NHWC conv copies its
// windows into [N, OH, OW, KH, KW*C]: each window row's KW taps of C
// channels are KW*C contiguous elements of the input viewed as [N, H, W*C]
// (x * stride * C + t). It becomes out[n, p, f] += cols[n, p, k] *
// filter[k, f]: the filter, viewed as [KH*KW*C, F], is the right operand.

// CHECK-LABEL: func.func @conv_nhwc
// CHECK: %[[ROWS:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] : tensor<1x7x7x4xf32> into tensor<1x7x28xf32>
// CHECK: %[[COPY:.*]] = linalg.generic {indexing_maps = [#[[NHWC_WINDOW]], #{{.*}}], {{.*}} ins(%[[ROWS]] : tensor<1x7x28xf32>) outs(%{{.*}} : tensor<1x3x3x3x12xf32>)
// CHECK: %[[COL:.*]] = tensor.collapse_shape %[[COPY]] {{\[\[}}0], [1, 2], [3, 4]] : tensor<1x3x3x3x12xf32> into tensor<1x9x36xf32>
// CHECK: %[[W:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1, 2], [3]] : tensor<3x3x4x32xf32> into tensor<36x32xf32>
// CHECK: %[[MM:.*]] = linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[COL]], %[[W]] : tensor<1x9x36xf32>, tensor<36x32xf32>)
// CHECK: tensor.expand_shape %[[MM]] {{\[\[}}0], [1, 2], [3]] output_shape [1, 3, 3, 32]
// CHECK-NOT: linalg.conv_2d_nhwc_hwcf
func.func @conv_nhwc(%x: tensor<1x7x7x4xf32>, %w: tensor<3x3x4x32xf32>, %init: tensor<1x3x3x32xf32>) -> tensor<1x3x3x32xf32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%x, %w : tensor<1x7x7x4xf32>, tensor<3x3x4x32xf32>) outs(%init : tensor<1x3x3x32xf32>) -> tensor<1x3x3x32xf32>
  return %0 : tensor<1x3x3x32xf32>
}

// A 1x1 unit-stride NHWC conv reads its input viewed as [N, H*W, C].

// CHECK-LABEL: func.func @pointwise_nhwc
// CHECK: %[[COL:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2], [3]] : tensor<1x4x4x8xf32> into tensor<1x16x8xf32>
// CHECK: linalg.generic {{.*}} ins(%[[COL]], %{{.*}} : tensor<1x16x8xf32>, tensor<8x32xf32>)
// CHECK-NOT: linalg.conv_2d_nhwc_hwcf
func.func @pointwise_nhwc(%x: tensor<1x4x4x8xf32>, %w: tensor<1x1x8x32xf32>, %init: tensor<1x4x4x32xf32>) -> tensor<1x4x4x32xf32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%x, %w : tensor<1x4x4x8xf32>, tensor<1x1x8x32xf32>) outs(%init : tensor<1x4x4x32xf32>) -> tensor<1x4x4x32xf32>
  return %0 : tensor<1x4x4x32xf32>
}

// A channels-last 3x3 stride-2 max pool as the graph lowering writes it
// becomes an elementwise generic over the result whose 9 operands are the
// window's taps (strided slices at offsets (i, j)), combined in the window's
// order starting from the init.

#pool_in = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 * 2 + d4, d2 * 2 + d5, d3)>
#pool_win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#pool_out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @max_pool_nhwc
// CHECK: %[[T0:.*]] = tensor.extract_slice %[[X:.*]][0, 0, 0, 0] [1, 3, 3, 16] [1, 2, 2, 1] : tensor<1x7x7x16xf32> to tensor<1x3x3x16xf32>
// CHECK: %[[T1:.*]] = tensor.extract_slice %[[X]][0, 0, 1, 0] [1, 3, 3, 16] [1, 2, 2, 1]
// CHECK: %[[T8:.*]] = tensor.extract_slice %[[X]][0, 2, 2, 0] [1, 3, 3, 16] [1, 2, 2, 1]
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[T0]], %[[T1]], {{.*}}, %[[T8]] : {{.*}}) outs(%{{.*}} : tensor<1x3x3x16xf32>)
// CHECK-NEXT: ^bb0(%[[A0:[^:]*]]: f32, %[[A1:[^:]*]]: f32,
// CHECK: %[[M0:.*]] = arith.maximumf %[[A0]], %{{.*}} : f32
// CHECK-NEXT: %[[M1:.*]] = arith.maximumf %[[A1]], %[[M0]] : f32
func.func @max_pool_nhwc(%x: tensor<1x7x7x16xf32>, %init: tensor<1x3x3x16xf32>) -> tensor<1x3x3x16xf32> {
  %win = tensor.empty() : tensor<3x3xf32>
  %0 = linalg.generic {indexing_maps = [#pool_in, #pool_win, #pool_out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %win : tensor<1x7x7x16xf32>, tensor<3x3xf32>) outs(%init : tensor<1x3x3x16xf32>) {
    ^bb0(%in: f32, %w: f32, %out: f32):
      %m = arith.maximumf %in, %out : f32
      linalg.yield %m : f32
  } -> tensor<1x3x3x16xf32>
  return %0 : tensor<1x3x3x16xf32>
}
