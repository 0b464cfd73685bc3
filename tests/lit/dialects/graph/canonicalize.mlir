// RUN: aicc-opt %s -canonicalize -split-input-file | FileCheck %s

// CHECK-LABEL: func @transpose_identity
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]]
func.func @transpose_identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = graph.transpose %x [0, 1] : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @reshape_of_reshape
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: %[[R:.*]] = graph.reshape %[[X]] : tensor<2x3xf32> -> tensor<3x2xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_of_reshape(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %0 = graph.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
  %1 = graph.reshape %0 : tensor<6xf32> -> tensor<3x2xf32>
  return %1 : tensor<3x2xf32>
}

// -----

// CHECK-LABEL: func @reshape_constant
// CHECK-NEXT: %[[C:.*]] = graph.constant dense<{{\[\[}}1, 2], [3, 4]]> : tensor<2x2xi32>
// CHECK-NEXT: return %[[C]]
func.func @reshape_constant() -> tensor<2x2xi32> {
  %0 = graph.constant dense<[1, 2, 3, 4]> : tensor<4xi32>
  %1 = graph.reshape %0 : tensor<4xi32> -> tensor<2x2xi32>
  return %1 : tensor<2x2xi32>
}

// -----

// CHECK-LABEL: func @no_fold_reshape_when_shape_changes
// CHECK: graph.reshape
func.func @no_fold_reshape_when_shape_changes(%x: tensor<2x3xf32>) -> tensor<6xf32> {
  %0 = graph.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// -----

// CHECK-LABEL: func @cast_int_constant
// CHECK-NEXT: %[[C:.*]] = graph.constant dense<[1, -2]> : tensor<2xi32>
// CHECK-NEXT: return %[[C]]
func.func @cast_int_constant() -> tensor<2xi32> {
  %0 = graph.constant dense<[1, -2]> : tensor<2xi64>
  %1 = graph.cast %0 : tensor<2xi64> -> tensor<2xi32>
  return %1 : tensor<2xi32>
}

// -----

// CHECK-LABEL: func @cast_same_type
// CHECK-SAME: (%[[X:.*]]: tensor<2xf32>)
// CHECK-NEXT: return %[[X]]
func.func @cast_same_type(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = graph.cast %x : tensor<2xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Shape arithmetic on constants folds away: gather, concat, slice, mul.
// CHECK-LABEL: func @shape_computation
// CHECK-NEXT: %[[C:.*]] = graph.constant dense<[6, 3, 2]> : tensor<3xi64>
// CHECK-NEXT: return %[[C]]
func.func @shape_computation() -> tensor<3xi64> {
  %shape = graph.constant dense<[2, 3, 4]> : tensor<3xi64>
  %idx = graph.constant dense<[1]> : tensor<1xi64>
  %two = graph.constant dense<[2]> : tensor<1xi64>
  %d1 = graph.gather %shape, %idx {axis = 0} : (tensor<3xi64>, tensor<1xi64>) -> tensor<1xi64>
  %m = graph.mul %d1, %two : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  %rev = graph.slice %shape starts [1] steps [-1] : tensor<3xi64> -> tensor<2xi64>
  %0 = graph.concat %m, %rev {axis = 0} : (tensor<1xi64>, tensor<2xi64>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

// CHECK-LABEL: func @expand_splat
// CHECK-NEXT: graph.constant dense<7> : tensor<2x3xi32>
func.func @expand_splat() -> tensor<2x3xi32> {
  %c = graph.constant dense<7> : tensor<1xi32>
  %0 = graph.expand %c : tensor<1xi32> -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

// CHECK-LABEL: func @no_fold_div_when_by_zero
// CHECK: graph.div
func.func @no_fold_div_when_by_zero() -> tensor<1xi64> {
  %a = graph.constant dense<[4]> : tensor<1xi64>
  %z = graph.constant dense<[0]> : tensor<1xi64>
  %0 = graph.div %a, %z : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  return %0 : tensor<1xi64>
}

// -----

// Integer folds broadcast: rank (a scalar) minus a 1-element axis list.
// CHECK-LABEL: func @sub_broadcast_fold
// CHECK-NEXT: %[[C:.*]] = graph.constant dense<2> : tensor<1xi64>
// CHECK-NEXT: return %[[C]]
func.func @sub_broadcast_fold() -> tensor<1xi64> {
  %rank = graph.constant dense<3> : tensor<i64>
  %axis = graph.constant dense<[1]> : tensor<1xi64>
  %0 = graph.sub %rank, %axis : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  return %0 : tensor<1xi64>
}

// -----

// CHECK-LABEL: func @neg_int_fold
// CHECK-NEXT: graph.constant dense<[-1, 2]> : tensor<2xi64>
func.func @neg_int_fold() -> tensor<2xi64> {
  %c = graph.constant dense<[1, -2]> : tensor<2xi64>
  %0 = graph.neg %c : tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// An empty constant is still a constant: concat folds.
// CHECK-LABEL: func @concat_with_empty
// CHECK-NEXT: graph.constant dense<[1, 2]> : tensor<2xi64>
func.func @concat_with_empty() -> tensor<2xi64> {
  %e = graph.constant dense<> : tensor<0xi64>
  %c = graph.constant dense<[1, 2]> : tensor<2xi64>
  %0 = graph.concat %e, %c {axis = 0} : (tensor<0xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// A transpose of a transpose is one transpose, or nothing.
// CHECK-LABEL: func @transpose_transpose
// CHECK: %[[T:.*]] = graph.transpose %arg0 [0, 2, 3, 1] : tensor<1x2x3x4xf32> -> tensor<1x3x4x2xf32>
// CHECK: return %arg0, %[[T]]
func.func @transpose_transpose(%x: tensor<1x2x3x4xf32>) -> (tensor<1x2x3x4xf32>, tensor<1x3x4x2xf32>) {
  %0 = graph.transpose %x [0, 2, 3, 1] : tensor<1x2x3x4xf32> -> tensor<1x3x4x2xf32>
  %1 = graph.transpose %0 [0, 3, 1, 2] : tensor<1x3x4x2xf32> -> tensor<1x2x3x4xf32>
  %2 = graph.transpose %x [0, 1, 3, 2] : tensor<1x2x3x4xf32> -> tensor<1x2x4x3xf32>
  %3 = graph.transpose %2 [0, 3, 2, 1] : tensor<1x2x4x3xf32> -> tensor<1x3x4x2xf32>
  return %1, %3 : tensor<1x2x3x4xf32>, tensor<1x3x4x2xf32>
}

// -----

// A transpose of a constant is the permuted constant.
// CHECK-LABEL: func @transpose_constant
// CHECK: %[[C:.*]] = graph.constant dense<{{\[\[}}1, 4], [2, 5], [3, 6]]> : tensor<3x2xi32>
// CHECK: return %[[C]]
func.func @transpose_constant() -> tensor<3x2xi32> {
  %c = graph.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>
  %0 = graph.transpose %c [1, 0] : tensor<2x3xi32> -> tensor<3x2xi32>
  return %0 : tensor<3x2xi32>
}
