// RUN: aicc-opt %s -aicc-channels-last -split-input-file | FileCheck %s

// A conv runs NHWC with its constant filter permuted to [KH, KW, C, OC]; the
// bias (permuted) and relu follow it channels last. The residual add with
// the NCHW argument is where the region ends: its other operand is neither
// from NHWC nor a constant, so it reads a transpose back. The max pool and
// pad stay NCHW (their input is not from NHWC), the second conv transposes
// its input, and the reduction over H, W takes the NHWC result directly.
// CHECK-LABEL: func @block
// CHECK-DAG: %[[W2:.*]] = graph.constant dense<1.000000e+00> : tensor<3x3x2x2xf32>
// CHECK-DAG: %[[B:.*]] = graph.constant dense<{{\[\[\[\[}}5.000000e-01, -5.000000e-01]]]]> : tensor<1x1x1x2xf32>
// CHECK-DAG: %[[W:.*]] = graph.constant dense<{{\[\[\[\[}}1.000000e+00, 3.000000e+00], [2.000000e+00, 4.000000e+00]]]]> : tensor<1x1x2x2xf32>
// CHECK: %[[X:.*]] = graph.transpose %arg0 [0, 2, 3, 1] : tensor<1x2x4x4xf32> -> tensor<1x4x4x2xf32>
// CHECK: %[[C:.*]] = graph.conv %[[X]], %[[W]] {channels_last,{{.*}}} : (tensor<1x4x4x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x4x4x2xf32>
// CHECK: %[[CB:.*]] = graph.add %[[C]], %[[B]] : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x4x4x2xf32>
// CHECK: %[[R:.*]] = graph.relu %[[CB]] : tensor<1x4x4x2xf32>
// CHECK: %[[RT:.*]] = graph.transpose %[[R]] [0, 3, 1, 2]
// CHECK: %[[S:.*]] = graph.add %[[RT]], %arg0 : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>)
// CHECK: %[[P:.*]] = graph.max_pool %[[S]] {
// CHECK-SAME: tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
// CHECK: %[[Q:.*]] = graph.pad %[[P]]
// CHECK: %[[QT:.*]] = graph.transpose %[[Q]] [0, 2, 3, 1]
// CHECK: %[[C2:.*]] = graph.conv %[[QT]], %[[W2]] {channels_last,
// CHECK: %[[M:.*]] = graph.reduce_sum %[[C2]] [1, 2] : tensor<1x3x3x2xf32> -> tensor<1x2xf32>
// CHECK: return %[[M]]
func.func @block(%x: tensor<1x2x4x4xf32>) -> tensor<1x2xf32> {
  %w = graph.constant dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]]]> : tensor<2x2x1x1xf32>
  %b = graph.constant dense<[[[0.5]], [[-0.5]]]> : tensor<2x1x1xf32>
  %c = graph.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %cb = graph.add %c, %b : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %r = graph.relu %cb : tensor<1x2x4x4xf32>
  %s = graph.add %r, %x : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %p = graph.max_pool %s {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  %z = graph.constant dense<0.0> : tensor<f32>
  %q = graph.pad %p, %z {mode = "constant", pads = array<i64: 0, 0, 1, 0, 0, 0, 0, 1>} : (tensor<1x2x2x2xf32>, tensor<f32>) -> tensor<1x2x3x3xf32>
  %w2 = graph.constant dense<1.0> : tensor<2x2x3x3xf32>
  %c2 = graph.conv %q, %w2 {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1} : (tensor<1x2x3x3xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %m = graph.reduce_sum %c2 [2, 3] : tensor<1x2x3x3xf32> -> tensor<1x2xf32>
  return %m : tensor<1x2xf32>
}

// -----

// Within one region everything stays NHWC: the add of two values from NHWC,
// the max pool and the pad (pads permuted: H by 1 before, W by 1 after); the
// next conv's transpose to NHWC cancels against the transpose back. Only the
// function's input and result transpose.
// CHECK-LABEL: func @region
// CHECK: graph.transpose %arg0 [0, 2, 3, 1]
// CHECK: %[[C:.*]] = graph.conv {{.*}}channels_last
// CHECK: %[[R:.*]] = graph.relu %[[C]] : tensor<1x4x4x2xf32>
// CHECK: %[[S:.*]] = graph.add %[[R]], %[[R]] : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
// CHECK: %[[P:.*]] = graph.max_pool %[[S]] {channels_last,{{.*}}} : tensor<1x4x4x2xf32> -> tensor<1x2x2x2xf32>
// CHECK: %[[Q:.*]] = graph.pad %[[P]], %{{.*}} {mode = "constant", pads = array<i64: 0, 1, 0, 0, 0, 0, 1, 0>} : (tensor<1x2x2x2xf32>, tensor<f32>) -> tensor<1x3x3x2xf32>
// CHECK-NOT: graph.transpose
// CHECK: %[[C2:.*]] = graph.conv %[[Q]], %{{.*}} {channels_last,
// CHECK: %[[T:.*]] = graph.transpose %[[C2]] [0, 3, 1, 2] : tensor<1x3x3x2xf32> -> tensor<1x2x3x3xf32>
// CHECK: return %[[T]]
func.func @region(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x3x3xf32> {
  %w = graph.constant dense<1.0> : tensor<2x2x1x1xf32>
  %c = graph.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %r = graph.relu %c : tensor<1x2x4x4xf32>
  %s = graph.add %r, %r : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %p = graph.max_pool %s {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  %z = graph.constant dense<0.0> : tensor<f32>
  %q = graph.pad %p, %z {mode = "constant", pads = array<i64: 0, 0, 1, 0, 0, 0, 0, 1>} : (tensor<1x2x2x2xf32>, tensor<f32>) -> tensor<1x2x3x3xf32>
  %w2 = graph.constant dense<1.0> : tensor<2x2x3x3xf32>
  %c2 = graph.conv %q, %w2 {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1} : (tensor<1x2x3x3xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  return %c2 : tensor<1x2x3x3xf32>
}

// -----

// A depthwise conv (one channel per group) has a channels-last form too
// (filter [KH, KW, 1, C]): the chain stays NHWC between one transpose in
// and one out.
// CHECK-LABEL: func @depthwise
// CHECK: graph.transpose %arg0 [0, 2, 3, 1]
// CHECK: graph.conv {{.*}}channels_last{{.*}}group = 1
// CHECK-NOT: graph.transpose %{{.*}} [0, 3, 1, 2]
// CHECK: graph.conv {{.*}}channels_last{{.*}}group = 2 : i64{{.*}} : (tensor<1x4x4x2xf32>, tensor<3x3x1x2xf32>) -> tensor<1x4x4x2xf32>
// CHECK: graph.transpose %{{.*}} [0, 3, 1, 2]
// CHECK-NEXT: return
func.func @depthwise(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = graph.constant dense<1.0> : tensor<2x2x1x1xf32>
  %c = graph.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %dw = graph.constant dense<1.0> : tensor<2x1x3x3xf32>
  %d = graph.conv %c, %dw {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 2} : (tensor<1x2x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x4x4xf32>
  return %d : tensor<1x2x4x4xf32>
}

// -----

// A model with a grouped conv that is not depthwise (two channels per
// group) stays channels first.
// CHECK-LABEL: func @grouped
// CHECK-NOT: graph.transpose
// CHECK-NOT: channels_last
// CHECK: return
func.func @grouped(%x: tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> {
  %w = graph.constant dense<1.0> : tensor<4x4x1x1xf32>
  %c = graph.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1} : (tensor<1x4x4x4xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x4x4xf32>
  %gw = graph.constant dense<1.0> : tensor<4x2x3x3xf32>
  %d = graph.conv %c, %gw {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 2} : (tensor<1x4x4x4xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x4x4xf32>
  return %d : tensor<1x4x4x4xf32>
}
