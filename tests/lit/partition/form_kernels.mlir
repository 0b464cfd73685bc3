// RUN: aicc-opt %s -split-input-file -aicc-form-kernels | FileCheck %s

// A matmul with its fill (producer) and its bias+relu (epilogue): one kernel.
// The host keeps only the call.

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @matmul_epilogue
// CHECK-SAME: (%[[A:.*]]: tensor<4x8xf32>, %[[B:.*]]: tensor<8x16xf32>, %[[BIAS:.*]]: tensor<16xf32>)
// CHECK-NEXT: %[[R:.*]] = call @matmul_epilogue_k0_contraction(%[[A]], %[[B]], %[[BIAS]])
// CHECK-NEXT: return %[[R]]
// CHECK: func.func private @matmul_epilogue_k0_contraction
// CHECK-SAME: attributes {aicc.kernel, aicc.kernel_hash = "{{[0-9a-f]+}}"}
// CHECK: linalg.fill
// CHECK: linalg.matmul
// CHECK: linalg.generic
// CHECK: arith.maximumf
// CHECK: return
func.func @matmul_epilogue(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %bias: tensor<16xf32>) -> tensor<4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %m = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  %r = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m, %bias : tensor<4x16xf32>, tensor<16xf32>) outs(%e : tensor<4x16xf32>) {
    ^bb0(%x: f32, %y: f32, %o: f32):
      %s = arith.addf %x, %y : f32
      %t = arith.maximumf %s, %zero : f32
      linalg.yield %t : f32
  } -> tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}

// -----

// The matmul's result is also returned, so the epilogue cannot take it over:
// two kernels, the second reading the first's result.

#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @no_epilogue_when_root_has_two_uses
// CHECK: %[[M:.*]] = call @no_epilogue_when_root_has_two_uses_k0_contraction
// CHECK: %[[E:.*]] = call @no_epilogue_when_root_has_two_uses_k1_elementwise(%[[M]])
// CHECK: return %[[M]], %[[E]]
func.func @no_epilogue_when_root_has_two_uses(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) -> (tensor<4x16xf32>, tensor<4x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %m = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
    ^bb0(%x: f32, %o: f32):
      %t = arith.maximumf %x, %zero : f32
      linalg.yield %t : f32
  } -> tensor<4x16xf32>
  return %m, %r : tensor<4x16xf32>, tensor<4x16xf32>
}

// -----

// An epilogue that reads the root transposed does not map onto the root's
// loops one to one in order... it does (a permutation); but one that
// broadcasts the root's result over a new loop does not, and stays apart.

#in = affine_map<(d0, d1, d2) -> (d0, d1)>
#out = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @no_epilogue_when_consumer_broadcasts
// CHECK: call @no_epilogue_when_consumer_broadcasts_k0_contraction
// CHECK: call @no_epilogue_when_consumer_broadcasts_k1_elementwise
func.func @no_epilogue_when_consumer_broadcasts(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) -> tensor<4x16x3xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %m = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  %e3 = tensor.empty() : tensor<4x16x3xf32>
  %r = linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%m : tensor<4x16xf32>) outs(%e3 : tensor<4x16x3xf32>) {
    ^bb0(%x: f32, %o: f32):
      linalg.yield %x : f32
  } -> tensor<4x16x3xf32>
  return %r : tensor<4x16x3xf32>
}

// -----

// A reduction absorbs the elementwise producer it reads once per element
// (exp, then sum); reshapes stay in the host function; large constants
// become kernel arguments, small ones are cloned into the kernel.

#id2 = affine_map<(d0, d1) -> (d0, d1)>
#rows = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @reduction_with_producer
// CHECK: %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<2x32xf32>
// CHECK: %[[S:.*]] = call @reduction_with_producer_k0_reduction(%{{.*}}, %[[W]])
// CHECK: tensor.expand_shape %[[S]]
// CHECK: func.func private @reduction_with_producer_k0_reduction
// CHECK: math.exp
// CHECK: arith.addf
func.func @reduction_with_producer(%x: tensor<2x32xf32>) -> tensor<2x1xf32> {
  %w = arith.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0], [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0]]> : tensor<2x32xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x32xf32>
  %x2 = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x, %w : tensor<2x32xf32>, tensor<2x32xf32>) outs(%e : tensor<2x32xf32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %s = arith.addf %a, %b : f32
      %t = math.exp %s : f32
      linalg.yield %t : f32
  } -> tensor<2x32xf32>
  %e1 = tensor.empty() : tensor<2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e1 : tensor<2xf32>) -> tensor<2xf32>
  %sum = linalg.generic {indexing_maps = [#id2, #rows], iterator_types = ["parallel", "reduction"]}
      ins(%x2 : tensor<2x32xf32>) outs(%f : tensor<2xf32>) {
    ^bb0(%a: f32, %acc: f32):
      %s = arith.addf %a, %acc : f32
      linalg.yield %s : f32
  } -> tensor<2xf32>
  %r = tensor.expand_shape %sum [[0, 1]] output_shape [2, 1] : tensor<2xf32> into tensor<2x1xf32>
  return %r : tensor<2x1xf32>
}

// -----

// With fuse-rows, a softmax (row max, exp(x - max), row sum, divide) is one
// row kernel: the later groups read the first reduction's results and walk
// the same rows, and only the divide's result leaves. Without it, four.
// RUN: aicc-opt %s -split-input-file -aicc-form-kernels=fuse-rows | FileCheck %s --check-prefix=ROWS

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @softmax
// CHECK-COUNT-4: call @softmax_k
// ROWS-LABEL: func.func @softmax
// ROWS: %[[Y:.*]] = call @softmax_k0_rows(%arg0)
// ROWS-NEXT: %[[S:.*]] = call @softmax_k1_reduction(%[[Y]])
// ROWS: func.func private @softmax_k0_rows{{.*}} attributes {aicc.kernel, aicc.kernel_hash = "{{.*}}", aicc.row_kernel}
// ROWS-COUNT-4: linalg.generic
// ROWS-NOT: linalg.generic
// ROWS: return
func.func @softmax(%x: tensor<16x128xf32>) -> (tensor<16x128xf32>, tensor<16xf32>) {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %e0 = tensor.empty() : tensor<16xf32>
  %f0 = linalg.fill ins(%ninf : f32) outs(%e0 : tensor<16xf32>) -> tensor<16xf32>
  %max = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<16x128xf32>) outs(%f0 : tensor<16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %out : f32
    linalg.yield %m : f32
  } -> tensor<16xf32>
  %e1 = tensor.empty() : tensor<16x128xf32>
  %exp = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %max : tensor<16x128xf32>, tensor<16xf32>) outs(%e1 : tensor<16x128xf32>) {
  ^bb0(%in: f32, %m: f32, %out: f32):
    %d = arith.subf %in, %m : f32
    %e = math.exp %d : f32
    linalg.yield %e : f32
  } -> tensor<16x128xf32>
  %e2 = tensor.empty() : tensor<16xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<16xf32>) -> tensor<16xf32>
  %sum = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%exp : tensor<16x128xf32>) outs(%f2 : tensor<16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %in, %out : f32
    linalg.yield %a : f32
  } -> tensor<16xf32>
  %e3 = tensor.empty() : tensor<16x128xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%exp, %sum : tensor<16x128xf32>, tensor<16xf32>) outs(%e3 : tensor<16x128xf32>) {
  ^bb0(%in: f32, %s: f32, %out: f32):
    %q = arith.divf %in, %s : f32
    linalg.yield %q : f32
  } -> tensor<16x128xf32>
  // A later reduction of the softmax's result is a kernel of its own.
  %e4 = tensor.empty() : tensor<16xf32>
  %f4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<16xf32>) -> tensor<16xf32>
  %total = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%y : tensor<16x128xf32>) outs(%f4 : tensor<16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %in, %out : f32
    linalg.yield %a : f32
  } -> tensor<16xf32>
  return %y, %total : tensor<16x128xf32>, tensor<16xf32>
}
