// RUN: aicc-opt %s -aicc-fold-batch-norm -split-input-file | FileCheck %s

// a = scale / sqrt(var + eps) = [2, 0.5]; W * a per output channel;
// shift = (b - mean) * a + bias = [(1 - 1) * 2 + 3, (0 - 2) * 0.5 + 0].
// CHECK-LABEL: func @conv_bias_bn
// CHECK-DAG: %[[W:.*]] = graph.constant dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}5.000000e-01]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[S:.*]] = graph.constant dense<{{\[\[\[}}3.000000e+00]], {{\[\[}}-1.000000e+00]]]> : tensor<2x1x1xf32>
// CHECK: %[[C:.*]] = graph.conv %{{.*}}, %[[W]]
// CHECK: %[[Y:.*]] = graph.add %[[C]], %[[S]]
// CHECK-NOT: graph.batch_norm
// CHECK: return %[[Y]]
func.func @conv_bias_bn(%x: tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = graph.constant dense<1.0> : tensor<2x1x1x1xf32>
  %b = graph.constant dense<[[[1.0]], [[0.0]]]> : tensor<2x1x1xf32>
  %scale = graph.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %bias = graph.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %mean = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %var = graph.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %c = graph.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %cb = graph.add %c, %b : (tensor<1x2x2x2xf32>, tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32>
  %y = graph.batch_norm %cb, %scale, %bias, %mean, %var {epsilon = 0.0 : f32} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// matmul with W [K, C]: columns scale.
// CHECK-LABEL: func @matmul_bn
// CHECK: %[[W:.*]] = graph.constant dense<{{\[\[}}2.000000e+00, 5.000000e-01]]> : tensor<1x2xf32>
// CHECK: graph.matmul %{{.*}}, %[[W]]
// CHECK-NOT: graph.batch_norm
func.func @matmul_bn(%x: tensor<3x1xf32>) -> tensor<3x2xf32> {
  %w = graph.constant dense<1.0> : tensor<1x2xf32>
  %scale = graph.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %bias = graph.constant dense<0.0> : tensor<2xf32>
  %mean = graph.constant dense<0.0> : tensor<2xf32>
  %var = graph.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %m = graph.matmul %x, %w : (tensor<3x1xf32>, tensor<1x2xf32>) -> tensor<3x2xf32>
  %y = graph.batch_norm %m, %scale, %bias, %mean, %var {epsilon = 0.0 : f32} : (tensor<3x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// CHECK-LABEL: func @no_fold_batch_norm_when_weights_not_constant
// CHECK: graph.batch_norm
func.func @no_fold_batch_norm_when_weights_not_constant(%x: tensor<1x1x2x2xf32>, %w: tensor<2x1x1x1xf32>, %p: tensor<2xf32>) -> tensor<1x2x2x2xf32> {
  %c = graph.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %y = graph.batch_norm %c, %p, %p, %p, %p {epsilon = 1.0e-5 : f32} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// CHECK-LABEL: func @no_fold_batch_norm_when_conv_has_other_users
// CHECK: graph.batch_norm
func.func @no_fold_batch_norm_when_conv_has_other_users(%x: tensor<1x1x2x2xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %w = graph.constant dense<1.0> : tensor<2x1x1x1xf32>
  %p = graph.constant dense<1.0> : tensor<2xf32>
  %c = graph.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %y = graph.batch_norm %c, %p, %p, %p, %p {epsilon = 1.0e-5 : f32} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %y, %c : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}
