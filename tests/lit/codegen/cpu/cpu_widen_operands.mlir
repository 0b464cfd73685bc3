// RUN: aicc-opt %s -split-input-file -aicc-cpu-widen-operands | FileCheck %s

// An f16 MatMul as graph-to-linalg lowers it (factors extended to f32 in the
// body): the constant weight is widened at compile time, the activation by
// an elementwise generic before the contraction, which becomes an f32 GEMM.
// CHECK-LABEL: func.func @f16_matmul
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[}}[1.000000e+00, 2.000000e+00], [5.000000e-01, -3.000000e+00]]> : tensor<2x2xf32>
// CHECK: %[[X:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<4x2xf16>) outs(%{{.*}} : tensor<4x2xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.*]]: f16, %{{.*}}: f32):
// CHECK-NEXT: arith.extf %[[IN]] : f16 to f32
// CHECK: linalg.generic {{.*}} ins(%[[X]], %[[W]] : tensor<4x2xf32>, tensor<2x2xf32>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %[[B:.*]]: f32, %[[O:.*]]: f32):
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[A]], %[[B]] : f32
// CHECK-NEXT: arith.addf %[[O]], %[[P]] : f32
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#b = affine_map<(d0, d1, d2) -> (d2, d1)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @f16_matmul(%x: tensor<4x2xf16>) -> tensor<4x2xf32> {
  %w = arith.constant dense<[[1.0, 2.0], [0.5, -3.0]]> : tensor<2x2xf16>
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x2xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %mm = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x2xf16>, tensor<2x2xf16>) outs(%f : tensor<4x2xf32>) {
    ^bb0(%in: f16, %in2: f16, %out: f32):
      %l = arith.extf %in : f16 to f32
      %r = arith.extf %in2 : f16 to f32
      %p = arith.mulf %l, %r : f32
      %s = arith.addf %out, %p : f32
      linalg.yield %s : f32
  } -> tensor<4x2xf32>
  return %mm : tensor<4x2xf32>
}

// -----

// bf16 operands that are both activations: two conversions.
// CHECK-LABEL: func.func @bf16_batch
// CHECK-COUNT-2: arith.extf %{{.*}} : bf16 to f32
// CHECK: ins(%{{.*}}, %{{.*}} : tensor<2x8x4xf32>, tensor<2x4x8xf32>)
// CHECK-NOT: extf
#a3 = affine_map<(b, m, n, k) -> (b, m, k)>
#b3 = affine_map<(b, m, n, k) -> (b, k, n)>
#c3 = affine_map<(b, m, n, k) -> (b, m, n)>
func.func @bf16_batch(%x: tensor<2x8x4xbf16>, %y: tensor<2x4x8xbf16>, %init: tensor<2x8x8xf32>) -> tensor<2x8x8xf32> {
  %mm = linalg.generic {indexing_maps = [#a3, #b3, #c3], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %y : tensor<2x8x4xbf16>, tensor<2x4x8xbf16>) outs(%init : tensor<2x8x8xf32>) {
    ^bb0(%in: bf16, %in2: bf16, %out: f32):
      %l = arith.extf %in : bf16 to f32
      %r = arith.extf %in2 : bf16 to f32
      %p = arith.mulf %l, %r : f32
      %s = arith.addf %out, %p : f32
      linalg.yield %s : f32
  } -> tensor<2x8x8xf32>
  return %mm : tensor<2x8x8xf32>
}

// -----

// An operand the body also uses unextended, and a sum that is not a
// multiply-accumulate, are left alone.
// CHECK-LABEL: func.func @mixed_use
// CHECK: ins(%arg0, %arg1 : tensor<4x2xf16>, tensor<2x4xf16>)
// CHECK-LABEL: func.func @not_a_gemm
// CHECK: ins(%arg0 : tensor<4x2xf16>)
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#b = affine_map<(d0, d1, d2) -> (d2, d1)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @mixed_use(%x: tensor<4x2xf16>, %w: tensor<2x4xf16>, %init: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %mm = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x2xf16>, tensor<2x4xf16>) outs(%init : tensor<4x4xf32>) {
    ^bb0(%in: f16, %in2: f16, %out: f32):
      %h = arith.mulf %in, %in2 : f16
      %p = arith.extf %h : f16 to f32
      %q = arith.mulf %p, %p : f32
      %s = arith.addf %out, %q : f32
      linalg.yield %s : f32
  } -> tensor<4x4xf32>
  return %mm : tensor<4x4xf32>
}
#r = affine_map<(d0, d1) -> (d0, d1)>
#o = affine_map<(d0, d1) -> (d0)>
func.func @not_a_gemm(%x: tensor<4x2xf16>, %init: tensor<4xf32>) -> tensor<4xf32> {
  %sum = linalg.generic {indexing_maps = [#r, #o], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<4x2xf16>) outs(%init : tensor<4xf32>) {
    ^bb0(%in: f16, %out: f32):
      %e = arith.extf %in : f16 to f32
      %s = arith.addf %out, %e : f32
      linalg.yield %s : f32
  } -> tensor<4xf32>
  return %sum : tensor<4xf32>
}
