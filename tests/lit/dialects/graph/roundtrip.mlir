// RUN: aicc-opt %s | aicc-opt | FileCheck %s
// RUN: aicc-opt %s --mlir-print-op-generic | aicc-opt | FileCheck %s

// CHECK-LABEL: func @constant
func.func @constant() -> tensor<1x2xf32> {
  // CHECK: graph.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00]]> : tensor<1x2xf32>
  %0 = graph.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// CHECK-LABEL: func @binary
func.func @binary(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  // CHECK: %[[ADD:.*]] = graph.add %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %0 = graph.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[SUB:.*]] = graph.sub %[[ADD]], %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = graph.sub %0, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[MUL:.*]] = graph.mul %[[SUB]], %[[ADD]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = graph.mul %1, %0 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: graph.div %[[MUL]], %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %3 = graph.div %2, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %3 : tensor<2x3xf32>
}

// CHECK-LABEL: func @broadcast_both_ways
func.func @broadcast_both_ways(%a: tensor<4x1xi32>, %b: tensor<1x5xi32>) -> tensor<4x5xi32> {
  // CHECK: graph.add {{.*}} -> tensor<4x5xi32>
  %0 = graph.add %a, %b : (tensor<4x1xi32>, tensor<1x5xi32>) -> tensor<4x5xi32>
  return %0 : tensor<4x5xi32>
}

// CHECK-LABEL: func @unary
func.func @unary(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: graph.relu %{{.*}} : tensor<4xf32>
  %0 = graph.relu %x : tensor<4xf32>
  // CHECK: graph.neg
  %1 = graph.neg %0 : tensor<4xf32>
  // CHECK: graph.exp
  %2 = graph.exp %1 : tensor<4xf32>
  // CHECK: graph.tanh
  %3 = graph.tanh %2 : tensor<4xf32>
  // CHECK: graph.sigmoid
  %4 = graph.sigmoid %3 : tensor<4xf32>
  return %4 : tensor<4xf32>
}

// CHECK-LABEL: func @matmul
func.func @matmul(%a: tensor<8x2x3xf32>, %b: tensor<3x4xf32>, %v: tensor<3xf32>) -> (tensor<8x2x4xf32>, tensor<8x2xf32>, tensor<4xf32>) {
  // CHECK: graph.matmul %{{.*}}, %{{.*}} : (tensor<8x2x3xf32>, tensor<3x4xf32>) -> tensor<8x2x4xf32>
  %0 = graph.matmul %a, %b : (tensor<8x2x3xf32>, tensor<3x4xf32>) -> tensor<8x2x4xf32>
  // CHECK: graph.matmul {{.*}} -> tensor<8x2xf32>
  %1 = graph.matmul %a, %v : (tensor<8x2x3xf32>, tensor<3xf32>) -> tensor<8x2xf32>
  // CHECK: graph.matmul {{.*}} -> tensor<4xf32>
  %2 = graph.matmul %v, %b : (tensor<3xf32>, tensor<3x4xf32>) -> tensor<4xf32>
  return %0, %1, %2 : tensor<8x2x4xf32>, tensor<8x2xf32>, tensor<4xf32>
}

// CHECK-LABEL: func @shapes
func.func @shapes(%x: tensor<2x3x4xui8>) -> tensor<24xui8> {
  // CHECK: %[[T:.*]] = graph.transpose %{{.*}} [2, 0, 1] : tensor<2x3x4xui8> -> tensor<4x2x3xui8>
  %0 = graph.transpose %x [2, 0, 1] : tensor<2x3x4xui8> -> tensor<4x2x3xui8>
  // CHECK: graph.reshape %[[T]] : tensor<4x2x3xui8> -> tensor<24xui8>
  %1 = graph.reshape %0 : tensor<4x2x3xui8> -> tensor<24xui8>
  return %1 : tensor<24xui8>
}

// CHECK-LABEL: func @more_binary
func.func @more_binary(%a: tensor<2x3xi32>, %b: tensor<3xi32>, %f: tensor<3xf32>) -> (tensor<2x3xi32>, tensor<2x3xi1>, tensor<3xf32>) {
  // CHECK: graph.pow
  %0 = graph.pow %f, %f : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  // CHECK: graph.max
  %1 = graph.max %a, %b : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  // CHECK: graph.min
  %2 = graph.min %1, %b : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  // CHECK: graph.mod %{{.*}}, %{{.*}} {fmod}
  %3 = graph.mod %2, %b {fmod} : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  // CHECK: graph.and
  %4 = graph.and %3, %b : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  // CHECK: graph.shl
  %5 = graph.shl %4, %b : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  // CHECK: graph.less {{.*}} -> tensor<2x3xi1>
  %6 = graph.less %5, %b : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi1>
  // CHECK: graph.select {{.*}} : (tensor<2x3xi1>, tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  %7 = graph.select %6, %5, %b : (tensor<2x3xi1>, tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  return %7, %6, %0 : tensor<2x3xi32>, tensor<2x3xi1>, tensor<3xf32>
}

// CHECK-LABEL: func @more_unary
func.func @more_unary(%x: tensor<4xf32>, %c: tensor<4xi1>) -> (tensor<4xi32>, tensor<4xi1>) {
  // CHECK: graph.sqrt
  %0 = graph.sqrt %x : tensor<4xf32>
  // CHECK: graph.erf
  %1 = graph.erf %0 : tensor<4xf32>
  // CHECK: graph.abs
  %2 = graph.abs %1 : tensor<4xf32>
  // CHECK: graph.cast %{{.*}} : tensor<4xf32> -> tensor<4xi32>
  %3 = graph.cast %2 : tensor<4xf32> -> tensor<4xi32>
  // CHECK: graph.is_nan %{{.*}} : tensor<4xf32> -> tensor<4xi1>
  %4 = graph.is_nan %x : tensor<4xf32> -> tensor<4xi1>
  // CHECK: graph.not
  %5 = graph.not %4 : tensor<4xi1>
  return %3, %5 : tensor<4xi32>, tensor<4xi1>
}

// CHECK-LABEL: func @data_movement
func.func @data_movement(%a: tensor<2x3xf32>, %b: tensor<2x1xf32>, %i: tensor<2xi64>) -> (tensor<2x4xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<3x2x3xf32>, tensor<4x3xf32>) {
  // CHECK: graph.concat %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  %0 = graph.concat %a, %b {axis = 1} : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  // CHECK: graph.slice %{{.*}} starts [0, 2] steps [1, -1] : tensor<2x3xf32> -> tensor<2x2xf32>
  %1 = graph.slice %a starts [0, 2] steps [1, -1] : tensor<2x3xf32> -> tensor<2x2xf32>
  // CHECK: graph.gather %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x2xf32>
  %2 = graph.gather %a, %i {axis = 1} : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x2xf32>
  // CHECK: graph.expand %{{.*}} : tensor<2x3xf32> -> tensor<3x2x3xf32>
  %3 = graph.expand %a : tensor<2x3xf32> -> tensor<3x2x3xf32>
  // CHECK: graph.tile %{{.*}} : tensor<2x3xf32> -> tensor<4x3xf32>
  %4 = graph.tile %a : tensor<2x3xf32> -> tensor<4x3xf32>
  return %0, %1, %2, %3, %4 : tensor<2x4xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<3x2x3xf32>, tensor<4x3xf32>
}

// CHECK-LABEL: func @reductions
func.func @reductions(%x: tensor<2x3x4xf32>) -> (tensor<3xf32>, tensor<2x4xf32>, tensor<2x4xi64>) {
  // CHECK: graph.reduce_sum %{{.*}} [0, 2] : tensor<2x3x4xf32> -> tensor<3xf32>
  %0 = graph.reduce_sum %x [0, 2] : tensor<2x3x4xf32> -> tensor<3xf32>
  // CHECK: graph.reduce_max %{{.*}} [1] : tensor<2x3x4xf32> -> tensor<2x4xf32>
  %1 = graph.reduce_max %x [1] : tensor<2x3x4xf32> -> tensor<2x4xf32>
  // CHECK: graph.arg_min %{{.*}} {axis = 1 : i64, select_last_index} : tensor<2x3x4xf32> -> tensor<2x4xi64>
  %2 = graph.arg_min %x {axis = 1 : i64, select_last_index} : tensor<2x3x4xf32> -> tensor<2x4xi64>
  return %0, %1, %2 : tensor<3xf32>, tensor<2x4xf32>, tensor<2x4xi64>
}

// CHECK-LABEL: func @gather_elements_cumsum
func.func @gather_elements_cumsum(%x: tensor<2x3xf32>, %i: tensor<2x2xi64>) -> (tensor<2x2xf32>, tensor<2x3xf32>) {
  // CHECK: graph.gather_elements %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x2xi64>) -> tensor<2x2xf32>
  %0 = graph.gather_elements %x, %i {axis = 1} : (tensor<2x3xf32>, tensor<2x2xi64>) -> tensor<2x2xf32>
  // CHECK: graph.cumsum %{{.*}} {axis = 1 : i64, exclusive, reverse} : tensor<2x3xf32>
  %1 = graph.cumsum %x {axis = 1 : i64, exclusive, reverse} : tensor<2x3xf32>
  return %0, %1 : tensor<2x2xf32>, tensor<2x3xf32>
}

// CHECK-LABEL: func @conv_pool_pad
func.func @conv_pool_pad(%x: tensor<1x4x8x8xf32>, %w: tensor<6x2x3x3xf32>, %v: tensor<f32>) -> (tensor<1x6x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x3x3xf32>, tensor<1x4x10x9xf32>) {
  // CHECK: graph.conv %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
  %0 = graph.conv %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 2} : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>) -> tensor<1x6x4x4xf32>
  // CHECK: graph.max_pool
  %1 = graph.max_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  // CHECK: graph.sum_pool
  %2 = graph.sum_pool %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x4x8x8xf32> -> tensor<1x4x3x3xf32>
  // CHECK: graph.pad %{{.*}}, %{{.*}} {mode = "reflect", pads = array<i64: 0, 0, 1, 0, 0, 0, 1, 1>}
  %3 = graph.pad %x, %v {mode = "reflect", pads = array<i64: 0, 0, 1, 0, 0, 0, 1, 1>} : (tensor<1x4x8x8xf32>, tensor<f32>) -> tensor<1x4x10x9xf32>
  return %0, %1, %2, %3 : tensor<1x6x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x3x3xf32>, tensor<1x4x10x9xf32>
}

// CHECK-LABEL: func @remaining_ops
func.func @remaining_ops(%i: tensor<2x3xi32>, %j: tensor<3xi32>, %f: tensor<4xf32>, %x: tensor<1x2x3xf32>, %p: tensor<2xf32>) -> (tensor<2x3xi1>, tensor<4xf32>) {
  // CHECK: graph.or %{{.*}}, %{{.*}} : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  %or = graph.or %i, %j : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  // CHECK: graph.xor %{{.*}}, %{{.*}} : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  %xor = graph.xor %i, %j : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  // CHECK: graph.shr %{{.*}}, %{{.*}} : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  %shr = graph.shr %i, %j : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  // CHECK: graph.equal %{{.*}}, %{{.*}} : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi1>
  %equal = graph.equal %i, %j : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi1>
  // CHECK: graph.less_equal %{{.*}}, %{{.*}} : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi1>
  %less_equal = graph.less_equal %i, %j : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi1>
  // CHECK: graph.greater %{{.*}}, %{{.*}} : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi1>
  %greater = graph.greater %i, %j : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi1>
  // CHECK: graph.greater_equal %{{.*}}, %{{.*}} : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi1>
  %greater_equal = graph.greater_equal %i, %j : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi1>
  // CHECK: graph.log %{{.*}} : tensor<4xf32>
  %log = graph.log %f : tensor<4xf32>
  // CHECK: graph.ceil %{{.*}} : tensor<4xf32>
  %ceil = graph.ceil %log : tensor<4xf32>
  // CHECK: graph.floor %{{.*}} : tensor<4xf32>
  %floor = graph.floor %ceil : tensor<4xf32>
  // CHECK: graph.round %{{.*}} : tensor<4xf32>
  %round = graph.round %floor : tensor<4xf32>
  // CHECK: graph.sin %{{.*}} : tensor<4xf32>
  %sin = graph.sin %round : tensor<4xf32>
  // CHECK: graph.cos %{{.*}} : tensor<4xf32>
  %cos = graph.cos %sin : tensor<4xf32>
  // CHECK: graph.tan %{{.*}} : tensor<4xf32>
  %tan = graph.tan %cos : tensor<4xf32>
  // CHECK: graph.asin %{{.*}} : tensor<4xf32>
  %asin = graph.asin %tan : tensor<4xf32>
  // CHECK: graph.acos %{{.*}} : tensor<4xf32>
  %acos = graph.acos %asin : tensor<4xf32>
  // CHECK: graph.atan %{{.*}} : tensor<4xf32>
  %atan = graph.atan %acos : tensor<4xf32>
  // CHECK: graph.sinh %{{.*}} : tensor<4xf32>
  %sinh = graph.sinh %atan : tensor<4xf32>
  // CHECK: graph.cosh %{{.*}} : tensor<4xf32>
  %cosh = graph.cosh %sinh : tensor<4xf32>
  // CHECK: graph.asinh %{{.*}} : tensor<4xf32>
  %asinh = graph.asinh %cosh : tensor<4xf32>
  // CHECK: graph.acosh %{{.*}} : tensor<4xf32>
  %acosh = graph.acosh %asinh : tensor<4xf32>
  // CHECK: graph.atanh %{{.*}} : tensor<4xf32>
  %atanh = graph.atanh %acosh : tensor<4xf32>
  // CHECK: graph.batch_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 9.99999974E-6 : f32}
  %bn = graph.batch_norm %x, %p, %p, %p, %p {epsilon = 1.0e-5 : f32} : (tensor<1x2x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3xf32>
  // CHECK: graph.reduce_min %{{.*}} [1] : tensor<1x2x3xf32> -> tensor<1x3xf32>
  %rmin = graph.reduce_min %bn [1] : tensor<1x2x3xf32> -> tensor<1x3xf32>
  // CHECK: graph.reduce_prod %{{.*}} [0, 1] : tensor<1x3xf32> -> tensor<f32>
  %rprod = graph.reduce_prod %rmin [0, 1] : tensor<1x3xf32> -> tensor<f32>
  // CHECK: graph.arg_max %{{.*}} {axis = 2 : i64} : tensor<1x2x3xf32> -> tensor<1x2xi64>
  %amax = graph.arg_max %x {axis = 2 : i64} : tensor<1x2x3xf32> -> tensor<1x2xi64>
  return %greater_equal, %atanh : tensor<2x3xi1>, tensor<4xf32>
}
