// RUN: aicc-opt %s -aicc-convert-graph-to-linalg -split-input-file | FileCheck %s

// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func @add_broadcast
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: outs(%[[E]] : tensor<2x3xf32>)
// CHECK: arith.addf
func.func @add_broadcast(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = graph.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// A size-1 dimension broadcast against a larger one is collapsed away, so
// the map stays a projected permutation.
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func @sub_size_one_dim
// CHECK: %[[B:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<4x1xi32> into tensor<4xi32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[COL]], #{{.*}}]{{.*}} ins(%{{.*}}, %[[B]] :
// CHECK: arith.subi
func.func @sub_size_one_dim(%a: tensor<4x5xi32>, %b: tensor<4x1xi32>) -> tensor<4x5xi32> {
  %0 = graph.sub %a, %b : (tensor<4x5xi32>, tensor<4x1xi32>) -> tensor<4x5xi32>
  return %0 : tensor<4x5xi32>
}

// -----

// Leading broadcast dims join the first kept dim; all-broadcast operands
// become rank 0.
// CHECK-DAG: #[[MID:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-DAG: #[[NONE:.*]] = affine_map<(d0, d1, d2) -> ()>
// CHECK-LABEL: func @bias_and_scalar
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1, 2]] : tensor<1x8x1xf32> into tensor<8xf32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[MID]], #{{.*}}]
// CHECK: tensor.collapse_shape %{{.*}} [] : tensor<1x1x1xf32> into tensor<f32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[NONE]], #{{.*}}]
func.func @bias_and_scalar(%a: tensor<2x8x5xf32>, %b: tensor<1x8x1xf32>, %c: tensor<1x1x1xf32>) -> tensor<2x8x5xf32> {
  %0 = graph.add %a, %b : (tensor<2x8x5xf32>, tensor<1x8x1xf32>) -> tensor<2x8x5xf32>
  %1 = graph.mul %0, %c : (tensor<2x8x5xf32>, tensor<1x1x1xf32>) -> tensor<2x8x5xf32>
  return %1 : tensor<2x8x5xf32>
}

// -----

// Unsigned types become signless; division stays unsigned.
// CHECK-LABEL: func @div_unsigned
// CHECK-SAME: (%{{.*}}: tensor<4xi8>, %{{.*}}: tensor<4xi8>) -> tensor<4xi8>
// CHECK: arith.divui
func.func @div_unsigned(%a: tensor<4xui8>, %b: tensor<4xui8>) -> tensor<4xui8> {
  %0 = graph.div %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// CHECK-LABEL: func @div_signed
// CHECK: arith.divsi
func.func @div_signed(%a: tensor<4xi8>, %b: tensor<4xi8>) -> tensor<4xi8> {
  %0 = graph.div %a, %b : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// CHECK-LABEL: func @unary
// CHECK: arith.maximumf
// CHECK: arith.negf
// CHECK: math.exp
// CHECK: math.tanh
// CHECK: arith.negf
// CHECK-NEXT: math.exp
// CHECK-NEXT: arith.addf
// CHECK-NEXT: arith.divf
func.func @unary(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.relu %x : tensor<4xf32>
  %1 = graph.neg %0 : tensor<4xf32>
  %2 = graph.exp %1 : tensor<4xf32>
  %3 = graph.tanh %2 : tensor<4xf32>
  %4 = graph.sigmoid %3 : tensor<4xf32>
  return %4 : tensor<4xf32>
}

// -----

// Batched matmul with a broadcast rhs: loops (b, m, n, k), k reduced.
// CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[RHS:.*]] = affine_map<(d0, d1, d2, d3) -> (d3, d2)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func @matmul_batched
// CHECK: %[[FILL:.*]] = linalg.fill
// CHECK: linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK-SAME: outs(%[[FILL]] : tensor<8x2x4xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @matmul_batched(%a: tensor<8x2x3xf32>, %b: tensor<3x4xf32>) -> tensor<8x2x4xf32> {
  %0 = graph.matmul %a, %b : (tensor<8x2x3xf32>, tensor<3x4xf32>) -> tensor<8x2x4xf32>
  return %0 : tensor<8x2x4xf32>
}

// -----

// Vector times matrix: no m loop.
// CHECK-DAG: #[[V:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[M:.*]] = affine_map<(d0, d1) -> (d1, d0)>
// CHECK-DAG: #[[O:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func @matmul_vector_lhs
// CHECK: linalg.generic {indexing_maps = [#[[V]], #[[M]], #[[O]]], iterator_types = ["parallel", "reduction"]}
func.func @matmul_vector_lhs(%v: tensor<3xf32>, %b: tensor<3x4xf32>) -> tensor<4xf32> {
  %0 = graph.matmul %v, %b : (tensor<3xf32>, tensor<3x4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Reshapes that merge or split neighbouring dims are collapse_shape /
// expand_shape (fusion moves those through elementwise ops); others stay
// tensor.reshape.
// CHECK-LABEL: func @shapes
// CHECK: %[[T:.*]] = linalg.transpose ins(%{{.*}} : tensor<2x3xf32>) outs(%{{.*}} : tensor<3x2xf32>) permutation = [1, 0]
// CHECK: tensor.collapse_shape %[[T]] {{\[}}[0, 1]] : tensor<3x2xf32> into tensor<6xf32>
// CHECK: tensor.expand_shape %arg1 {{\[}}[0, 1, 2]] output_shape [1, 6, 1] : tensor<6xf32> into tensor<1x6x1xf32>
// CHECK: %[[S:.*]] = arith.constant dense<[2, 3]> : tensor<2xi64>
// CHECK: tensor.reshape %[[T]](%[[S]]) : (tensor<3x2xf32>, tensor<2xi64>) -> tensor<2x3xf32>
func.func @shapes(%x: tensor<2x3xf32>, %y: tensor<6xf32>) -> (tensor<6xf32>, tensor<1x6x1xf32>, tensor<2x3xf32>) {
  %0 = graph.transpose %x [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  %1 = graph.reshape %0 : tensor<3x2xf32> -> tensor<6xf32>
  %2 = graph.reshape %y : tensor<6xf32> -> tensor<1x6x1xf32>
  %3 = graph.reshape %0 : tensor<3x2xf32> -> tensor<2x3xf32>
  return %1, %2, %3 : tensor<6xf32>, tensor<1x6x1xf32>, tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @constant_unsigned
// CHECK: arith.constant dense<[1, -1]> : tensor<2xi8>
func.func @constant_unsigned() -> tensor<2xui8> {
  %0 = graph.constant dense<[1, 255]> : tensor<2xui8>
  return %0 : tensor<2xui8>
}

// -----

// Floored integer modulo: remainder, then add the divisor where signs differ.
// CHECK-LABEL: func @mod_floored
// CHECK: %[[R:.*]] = arith.remsi
// CHECK: arith.cmpi ne, %[[R]]
// CHECK: arith.xori
// CHECK: %[[SUM:.*]] = arith.addi %[[R]]
// CHECK: arith.select %{{.*}}, %[[SUM]], %[[R]]
func.func @mod_floored(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %0 = graph.mod %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func @mod_fmod
// CHECK: arith.remsi
// CHECK-NOT: arith.select
func.func @mod_fmod(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %0 = graph.mod %a, %b {fmod} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func @compare_unsigned_select
// CHECK: arith.cmpi ult
// CHECK: arith.select
func.func @compare_unsigned_select(%a: tensor<4xui8>, %b: tensor<4xui8>) -> tensor<4xui8> {
  %c = graph.less %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xi1>
  %0 = graph.select %c, %a, %b : (tensor<4xi1>, tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// CHECK-LABEL: func @casts
// CHECK: arith.fptosi %{{.*}} : f32 to i32
// CHECK: arith.uitofp %{{.*}} : i8 to f32
// CHECK: arith.cmpf une
// CHECK: arith.extui %{{.*}} : i8 to i32
func.func @casts(%f: tensor<4xf32>, %u: tensor<4xui8>) -> (tensor<4xi32>, tensor<4xf32>, tensor<4xi1>, tensor<4xi32>) {
  %0 = graph.cast %f : tensor<4xf32> -> tensor<4xi32>
  %1 = graph.cast %u : tensor<4xui8> -> tensor<4xf32>
  %2 = graph.cast %f : tensor<4xf32> -> tensor<4xi1>
  %3 = graph.cast %u : tensor<4xui8> -> tensor<4xi32>
  return %0, %1, %2, %3 : tensor<4xi32>, tensor<4xf32>, tensor<4xi1>, tensor<4xi32>
}

// -----

// CHECK-LABEL: func @concat
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x4xf32>
// CHECK: %[[A:.*]] = tensor.insert_slice %{{.*}} into %[[E]][0, 0] [2, 3] [1, 1]
// CHECK: tensor.insert_slice %{{.*}} into %[[A]][0, 3] [2, 1] [1, 1]
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x1xf32>) -> tensor<2x4xf32> {
  %0 = graph.concat %a, %b {axis = 1} : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// CHECK-LABEL: func @slice_forward
// CHECK: tensor.extract_slice %{{.*}}[0, 1] [2, 1] [1, 2]
func.func @slice_forward(%a: tensor<2x3xf32>) -> tensor<2x1xf32> {
  %0 = graph.slice %a starts [0, 1] steps [1, 2] : tensor<2x3xf32> -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

// CHECK-DAG: #[[REV:.*]] = affine_map<(d0, d1) -> (d0, -d1 + 2)>
// CHECK-LABEL: func @slice_backward
// CHECK: linalg.generic {indexing_maps = [#[[REV]], #{{.*}}]
func.func @slice_backward(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = graph.slice %a starts [0, 2] steps [1, -1] : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @gather
// CHECK: linalg.generic
// CHECK: arith.index_cast
// CHECK: arith.select
// CHECK: %[[I0:.*]] = linalg.index 0
// CHECK: tensor.extract %{{.*}}[%[[I0]], %{{.*}}]
func.func @gather(%a: tensor<2x3xf32>, %i: tensor<4xi64>) -> tensor<2x4xf32> {
  %0 = graph.gather %a, %i {axis = 1} : (tensor<2x3xf32>, tensor<4xi64>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// CHECK-DAG: #[[MOD:.*]] = affine_map<(d0, d1) -> (d0 mod 2, 0)>
// CHECK-LABEL: func @tile
// CHECK: linalg.generic {indexing_maps = [#[[MOD]], #{{.*}}]
func.func @tile(%a: tensor<2x1xf32>) -> tensor<4x3xf32> {
  %0 = graph.tile %a : tensor<2x1xf32> -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func @reduce_max
// CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[NEGINF]] : f32)
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["reduction", "parallel", "reduction"]}
// CHECK-SAME: outs(%[[INIT]] : tensor<3xf32>)
// CHECK: arith.maximumf
func.func @reduce_max(%x: tensor<2x3x4xf32>) -> tensor<3xf32> {
  %0 = graph.reduce_max %x [0, 2] : tensor<2x3x4xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// CHECK-LABEL: func @reduce_min_unsigned
// CHECK: arith.constant -1 : i8
// CHECK: arith.minui
func.func @reduce_min_unsigned(%x: tensor<4xui8>) -> tensor<ui8> {
  %0 = graph.reduce_min %x [0] : tensor<4xui8> -> tensor<ui8>
  return %0 : tensor<ui8>
}

// -----

// Two outputs: the best value so far and its index.
// CHECK-LABEL: func @arg_max
// CHECK: %[[R:.*]]:2 = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: arith.cmpf ogt
// CHECK: return %[[R]]#1
func.func @arg_max(%x: tensor<2x3xf32>) -> tensor<2xi64> {
  %0 = graph.arg_max %x {axis = 1 : i64} : tensor<2x3xf32> -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// CHECK-LABEL: func @gather_elements
// CHECK: linalg.generic
// CHECK: %[[I0:.*]] = linalg.index 0
// CHECK: tensor.extract %{{.*}}[%[[I0]], %{{.*}}]
func.func @gather_elements(%x: tensor<2x3xf32>, %i: tensor<2x2xi64>) -> tensor<2x2xf32> {
  %0 = graph.gather_elements %x, %i {axis = 1} : (tensor<2x3xf32>, tensor<2x2xi64>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// A running sum is a reduction over j, masked to j <= i.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func @cumsum
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #{{.*}}], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK: arith.cmpi ule
// CHECK: arith.select
func.func @cumsum(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = graph.cumsum %x {axis = 1 : i64} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Grouped, strided, padded conv: pad, split channels into groups, one
// generic over (n, g, oc, oh, ow, c, kh, kw), merge the groups back.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d5, d3 * 2 + d6, d4 * 2 + d7)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d2, d5, d6, d7)>
// CHECK-LABEL: func @conv
// CHECK: %[[P:.*]] = tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: %[[X:.*]] = tensor.expand_shape %[[P]] {{\[\[}}0], [1, 2], [3], [4]] {{.*}} : tensor<1x4x10x10xf32> into tensor<1x2x2x10x10xf32>
// CHECK: %[[F:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2], [3], [4]] {{.*}} : tensor<6x2x3x3xf32> into tensor<2x3x2x3x3xf32>
// CHECK: %[[C:.*]] = linalg.generic {indexing_maps = [#[[IN]], #[[W]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
// CHECK-SAME: ins(%[[X]], %[[F]]
// CHECK: tensor.collapse_shape %[[C]] {{\[\[}}0], [1, 2], [3], [4]] : tensor<1x2x3x4x4xf32> into tensor<1x6x4x4xf32>
func.func @conv(%x: tensor<1x4x8x8xf32>, %w: tensor<6x2x3x3xf32>) -> tensor<1x6x4x4xf32> {
  %0 = graph.conv %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 2} : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>) -> tensor<1x6x4x4xf32>
  return %0 : tensor<1x6x4x4xf32>
}

// -----

// CHECK-LABEL: func @max_pool
// CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[NEGINF]]
// CHECK: %[[WIN:.*]] = tensor.empty() : tensor<3x3xf32>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK-SAME: ins(%{{.*}}, %[[WIN]]
// CHECK: arith.maximumf
func.func @max_pool(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %0 = graph.max_pool %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

// CHECK-LABEL: func @pad_constant_crop
// CHECK: tensor.extract_slice %{{.*}}[1] [3] [1]
// CHECK: tensor.pad %{{.*}} low[0] high[2]
func.func @pad_constant_crop(%x: tensor<4xf32>, %v: tensor<f32>) -> tensor<5xf32> {
  %0 = graph.pad %x, %v {mode = "constant", pads = array<i64: -1, 2>} : (tensor<4xf32>, tensor<f32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// CHECK-LABEL: func @pad_edge
// CHECK: linalg.generic
// CHECK: arith.minsi
// CHECK: arith.maxsi
// CHECK: tensor.extract
func.func @pad_edge(%x: tensor<4xf32>, %v: tensor<f32>) -> tensor<7xf32> {
  %0 = graph.pad %x, %v {mode = "edge", pads = array<i64: 1, 2>} : (tensor<4xf32>, tensor<f32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----

// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func @batch_norm
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[CH]], #[[CH]], #[[CH]], #[[CH]], #{{.*}}]
// CHECK: math.sqrt
// CHECK: arith.divf
func.func @batch_norm(%x: tensor<1x2x4xf32>, %p: tensor<2xf32>) -> tensor<1x2x4xf32> {
  %0 = graph.batch_norm %x, %p, %p, %p, %p {epsilon = 1.0e-5 : f32} : (tensor<1x2x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4xf32>
  return %0 : tensor<1x2x4xf32>
}

// -----

// CHECK-LABEL: func @lower_mul
// CHECK: linalg.generic
// CHECK: arith.mulf
func.func @lower_mul(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.mul %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @lower_pow
// CHECK: linalg.generic
// CHECK: math.powf
func.func @lower_pow(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.pow %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @lower_max
// CHECK: linalg.generic
// CHECK: arith.maximumf
func.func @lower_max(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.max %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @lower_min
// CHECK: linalg.generic
// CHECK: arith.minimumf
func.func @lower_min(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.min %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @lower_equal
// CHECK: linalg.generic
// CHECK: arith.cmpf oeq
func.func @lower_equal(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xi1> {
  %0 = graph.equal %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

// CHECK-LABEL: func @lower_greater
// CHECK: linalg.generic
// CHECK: arith.cmpf ogt
func.func @lower_greater(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xi1> {
  %0 = graph.greater %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

// CHECK-LABEL: func @lower_and
// CHECK: linalg.generic
// CHECK: arith.andi
func.func @lower_and(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %0 = graph.and %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func @lower_or
// CHECK: linalg.generic
// CHECK: arith.ori
func.func @lower_or(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %0 = graph.or %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func @lower_xor
// CHECK: linalg.generic
// CHECK: arith.xori
func.func @lower_xor(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %0 = graph.xor %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func @lower_shl
// CHECK: linalg.generic
// CHECK: arith.shli
func.func @lower_shl(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %0 = graph.shl %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func @lower_shr
// CHECK: linalg.generic
// CHECK: arith.shrsi
func.func @lower_shr(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %0 = graph.shr %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func @lower_less_equal
// CHECK: linalg.generic
// CHECK: arith.cmpi sle
func.func @lower_less_equal(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi1> {
  %0 = graph.less_equal %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

// CHECK-LABEL: func @lower_pow_int
// CHECK: math.ipowi
func.func @lower_pow_int(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %0 = graph.pow %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func @lower_shr_unsigned
// CHECK: arith.shrui
func.func @lower_shr_unsigned(%a: tensor<4xui8>, %b: tensor<4xui8>) -> tensor<4xui8> {
  %0 = graph.shr %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// CHECK-LABEL: func @lower_greater_equal_unsigned
// CHECK: arith.cmpi uge
func.func @lower_greater_equal_unsigned(%a: tensor<4xui16>, %b: tensor<4xui16>) -> tensor<4xi1> {
  %0 = graph.greater_equal %a, %b : (tensor<4xui16>, tensor<4xui16>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

// CHECK-LABEL: func @lower_log
// CHECK: linalg.generic
// CHECK: math.log
func.func @lower_log(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.log %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @lower_ceil
// CHECK: linalg.generic
// CHECK: math.ceil
func.func @lower_ceil(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.ceil %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @lower_floor
// CHECK: linalg.generic
// CHECK: math.floor
func.func @lower_floor(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.floor %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @lower_round
// CHECK: linalg.generic
// CHECK: math.roundeven
func.func @lower_round(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.round %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @lower_sin
// CHECK: linalg.generic
// CHECK: math.sin
func.func @lower_sin(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.sin %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @lower_cos
// CHECK: linalg.generic
// CHECK: math.cos
func.func @lower_cos(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.cos %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @lower_tan
// CHECK: linalg.generic
// CHECK: math.tan
func.func @lower_tan(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.tan %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @lower_asin
// CHECK: linalg.generic
// CHECK: math.asin
func.func @lower_asin(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.asin %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @lower_acos
// CHECK: linalg.generic
// CHECK: math.acos
func.func @lower_acos(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.acos %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @lower_atan
// CHECK: linalg.generic
// CHECK: math.atan
func.func @lower_atan(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.atan %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @lower_sinh
// CHECK: linalg.generic
// CHECK: math.sinh
func.func @lower_sinh(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.sinh %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @lower_cosh
// CHECK: linalg.generic
// CHECK: math.cosh
func.func @lower_cosh(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.cosh %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @lower_asinh
// CHECK: linalg.generic
// CHECK: math.asinh
func.func @lower_asinh(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.asinh %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @lower_acosh
// CHECK: linalg.generic
// CHECK: math.acosh
func.func @lower_acosh(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.acosh %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @lower_atanh
// CHECK: linalg.generic
// CHECK: math.atanh
func.func @lower_atanh(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.atanh %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @lower_sqrt
// CHECK: linalg.generic
// CHECK: math.sqrt
func.func @lower_sqrt(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.sqrt %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @lower_erf
// CHECK: linalg.generic
// CHECK: math.erf
func.func @lower_erf(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.erf %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @lower_abs
// CHECK: linalg.generic
// CHECK: math.absf
func.func @lower_abs(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.abs %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @lower_abs_int
// CHECK: math.absi
func.func @lower_abs_int(%a: tensor<4xi32>) -> tensor<4xi32> {
  %0 = graph.abs %a : tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func @lower_not
// CHECK: %[[TRUE:.*]] = arith.constant true
// CHECK: arith.xori %{{.*}}, %[[TRUE]]
func.func @lower_not(%a: tensor<4xi1>) -> tensor<4xi1> {
  %0 = graph.not %a : tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

// CHECK-LABEL: func @lower_is_nan
// CHECK: arith.cmpf uno
func.func @lower_is_nan(%a: tensor<4xf32>) -> tensor<4xi1> {
  %0 = graph.is_nan %a : tensor<4xf32> -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

// CHECK-LABEL: func @lower_expand
// CHECK: tensor.empty() : tensor<2x3x4xf32>
// CHECK: linalg.generic
// CHECK: linalg.yield %{{.*}} : f32
func.func @lower_expand(%a: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %0 = graph.expand %a : tensor<3x1xf32> -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func @lower_sum_pool
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[WIN:.*]] = tensor.empty() : tensor<2x2xf32>
// CHECK: linalg.fill ins(%[[ZERO]]
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[WIN]]
// CHECK: arith.addf
func.func @lower_sum_pool(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %0 = graph.sum_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x1x4x4xf32> -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

// CHECK-LABEL: func @lower_reduce_sum
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK: linalg.fill ins(%[[ZERO]]
// CHECK: arith.addi
func.func @lower_reduce_sum(%x: tensor<2x3xi32>) -> tensor<2xi32> {
  %0 = graph.reduce_sum %x [1] : tensor<2x3xi32> -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

// CHECK-LABEL: func @lower_reduce_prod
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: linalg.fill ins(%[[ONE]]
// CHECK: arith.mulf
func.func @lower_reduce_prod(%x: tensor<2x3xf32>) -> tensor<3xf32> {
  %0 = graph.reduce_prod %x [0] : tensor<2x3xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// CHECK-LABEL: func @lower_arg_min
// CHECK: linalg.generic
// CHECK: arith.cmpi sle
func.func @lower_arg_min(%x: tensor<2x3xi32>) -> tensor<2xi64> {
  %0 = graph.arg_min %x {axis = 1 : i64, select_last_index} : tensor<2x3xi32> -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// A float 2-D conv with one group is the named op (after padding).
// CHECK-LABEL: func @conv_named
// CHECK: %[[P:.*]] = tensor.pad
// CHECK: %[[F:.*]] = linalg.fill
// CHECK: linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%[[P]], %{{.*}} : tensor<1x4x10x10xf32>, tensor<6x4x3x3xf32>) outs(%[[F]] : tensor<1x6x4x4xf32>)
func.func @conv_named(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>) -> tensor<1x6x4x4xf32> {
  %0 = graph.conv %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1} : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x4x4xf32>
  return %0 : tensor<1x6x4x4xf32>
}

// -----

// Channels last: the pad goes on H and W (dims 1, 2), and a float 2-D conv
// is the named NHWC/HWCF op.
// CHECK-LABEL: func @conv_channels_last
// CHECK: tensor.pad %{{.*}} low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%{{.*}}, %{{.*}} : tensor<1x10x10x3xf32>, tensor<3x3x3x8xf32>) outs(%{{.*}} : tensor<1x4x4x8xf32>)
func.func @conv_channels_last(%x: tensor<1x8x8x3xf32>, %w: tensor<3x3x3x8xf32>) -> tensor<1x4x4x8xf32> {
  %y = graph.conv %x, %w {channels_last, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1} : (tensor<1x8x8x3xf32>, tensor<3x3x3x8xf32>) -> tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}

// -----

// A channels-last integer 1-D conv: a generic over (n, o, oc, c, k) reading
// input[n, o + k, c] and filter[k, c, oc].
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 + d4, d3)>
// CHECK-DAG: #[[F:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d4, d3, d2)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>
// CHECK-LABEL: func @conv1d_channels_last_int
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[F]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK: arith.muli
// CHECK: arith.addi
func.func @conv1d_channels_last_int(%x: tensor<1x5x2xi32>, %w: tensor<3x2x4xi32>) -> tensor<1x3x4xi32> {
  %y = graph.conv %x, %w {channels_last, strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>, group = 1} : (tensor<1x5x2xi32>, tensor<3x2x4xi32>) -> tensor<1x3x4xi32>
  return %y : tensor<1x3x4xi32>
}

// -----

// A channels-last depthwise conv (one channel per group, filter
// [KH, KW, 1, C]): a generic over (n, oh, ow, c, kh, kw) reading
// input[n, oh*2 + kh, ow*2 + kw, c] and filter[kh, kw, 0, c].
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 * 2 + d4, d2 * 2 + d5, d3)>
// CHECK-DAG: #[[F:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5, 0, d3)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func @depthwise_channels_last
// CHECK: tensor.pad %{{.*}} low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[F]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME: outs(%{{.*}} : tensor<1x4x4x16xf32>)
func.func @depthwise_channels_last(%x: tensor<1x8x8x16xf32>, %w: tensor<3x3x1x16xf32>) -> tensor<1x4x4x16xf32> {
  %y = graph.conv %x, %w {channels_last, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 16} : (tensor<1x8x8x16xf32>, tensor<3x3x1x16xf32>) -> tensor<1x4x4x16xf32>
  return %y : tensor<1x4x4x16xf32>
}

// -----

// A channels-last max pool reads input[n, oh*2 + kh, ow*2 + kw, c].
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 * 2 + d4, d2 * 2 + d5, d3)>
// CHECK-LABEL: func @max_pool_channels_last
// CHECK: linalg.generic {indexing_maps = [#[[IN]], {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME: outs(%{{.*}} : tensor<1x3x3x16xf32>)
func.func @max_pool_channels_last(%x: tensor<1x7x7x16xf32>) -> tensor<1x3x3x16xf32> {
  %y = graph.max_pool %x {channels_last, kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x7x7x16xf32> -> tensor<1x3x3x16xf32>
  return %y : tensor<1x3x3x16xf32>
}
