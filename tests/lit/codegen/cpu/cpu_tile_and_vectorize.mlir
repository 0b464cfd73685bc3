// RUN: aicc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(aicc-cpu-tile-and-vectorize,canonicalize))' | FileCheck %s

// matmul + relu epilogue, explicit schedule: thread tiles 8x32 (scf.forall),
// register tiles 4x16 (scf.for; columns outside rows, so a column panel of
// B is reused by every row tile), a unit-step reduction loop unrolled by 2
// whose accumulator stays a vector (iter_arg), FMAs, and the epilogue
// applied to the register tile before it is written once.

#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func private @matmul_relu
// CHECK: scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (16, 64) step (8, 32)
// CHECK: scf.for %{{.*}} = %c0 to %c32 step %c16 iter_args
// CHECK: scf.for %{{.*}} = %c0 to %c8 step %c4 iter_args
// CHECK: %[[ACC:.*]] = scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C2:.*]] iter_args(%{{.*}} = %{{.*}}) -> (vector<4x16xf32>)
// CHECK-COUNT-8: vector.fma {{.*}} : vector<16xf32>
// CHECK: scf.yield %{{.*}} : vector<4x16xf32>
// CHECK: arith.maximumf %[[ACC]], %{{.*}} : vector<4x16xf32>
// CHECK: vector.transfer_write
// CHECK: scf.forall.in_parallel
func.func private @matmul_relu(%a: tensor<16x32xf32>, %b: tensor<32x64xf32>) -> tensor<16x64xf32> attributes {aicc.kernel} {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<16x64xf32>) -> tensor<16x64xf32>
  %m = linalg.matmul {aicc.schedule = #aicc.schedule<thread_tile = [8, 32, 0], vector_tile = [4, 16, 1], order = [0, 1, 2], parallel = [0, 1], unroll = 2, source = "explicit">}
      ins(%a, %b : tensor<16x32xf32>, tensor<32x64xf32>) outs(%f : tensor<16x64xf32>) -> tensor<16x64xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m : tensor<16x64xf32>) outs(%e : tensor<16x64xf32>) {
    ^bb0(%x: f32, %o: f32):
      %t = arith.maximumf %x, %zero : f32
      linalg.yield %t : f32
  } -> tensor<16x64xf32>
  return %r : tensor<16x64xf32>
}

// -----

// Tiles that do not divide the loops have dynamic shapes: each is padded
// to the full (static) tile, so it vectorizes; reads of the partial operand
// are out-of-bounds transfers (padded with zeros), the result is written
// back through the partial slice.

// CHECK-LABEL: func.func private @partial_tiles_are_padded
// CHECK: scf.forall
// CHECK: vector.transfer_read %{{.*}}, %{{.*}} : tensor<5x?xf32>, vector<1x4xf32>
// CHECK: vector.fma {{.*}} : vector<4xf32>
// CHECK-NOT: linalg.matmul
func.func private @partial_tiles_are_padded(%a: tensor<7x5xf32>, %b: tensor<5x9xf32>, %c: tensor<7x9xf32>) -> tensor<7x9xf32> attributes {aicc.kernel} {
  %m = linalg.matmul {aicc.schedule = #aicc.schedule<thread_tile = [4, 4, 0], vector_tile = [2, 4, 1], order = [0, 1, 2], parallel = [0, 1], unroll = 1, source = "explicit">}
      ins(%a, %b : tensor<7x5xf32>, tensor<5x9xf32>) outs(%c : tensor<7x9xf32>) -> tensor<7x9xf32>
  return %m : tensor<7x9xf32>
}

// -----

// -----

// Integer ops are not padded (a padded division by zero would trap): their
// partial tiles stay scalar and lower to loops.

// CHECK-LABEL: func.func private @integer_partial_tiles_stay_scalar
// CHECK: scf.forall
// CHECK: linalg.matmul
// CHECK-NOT: vector.fma
func.func private @integer_partial_tiles_stay_scalar(%a: tensor<7x5xi32>, %b: tensor<5x9xi32>, %c: tensor<7x9xi32>) -> tensor<7x9xi32> attributes {aicc.kernel} {
  %m = linalg.matmul {aicc.schedule = #aicc.schedule<thread_tile = [4, 4, 0], vector_tile = [2, 4, 1], order = [0, 1, 2], parallel = [0, 1], unroll = 1, source = "explicit">}
      ins(%a, %b : tensor<7x5xi32>, tensor<5x9xi32>) outs(%c : tensor<7x9xi32>) -> tensor<7x9xi32>
  return %m : tensor<7x9xi32>
}

// -----

// Functions that are not kernels, and kernels without a schedule, are left
// alone.

// CHECK-LABEL: func.func @not_a_kernel
// CHECK-NOT: scf.forall
// CHECK: linalg.matmul
// CHECK-LABEL: func.func private @no_schedule
// CHECK-NOT: scf.forall
// CHECK: linalg.matmul
func.func @not_a_kernel(%a: tensor<8x8xf32>, %b: tensor<8x8xf32>, %c: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %m = linalg.matmul {aicc.schedule = #aicc.schedule<thread_tile = [4, 4, 0], vector_tile = [2, 4, 1], order = [0, 1, 2], parallel = [0, 1], unroll = 1, source = "explicit">}
      ins(%a, %b : tensor<8x8xf32>, tensor<8x8xf32>) outs(%c : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %m : tensor<8x8xf32>
}
func.func private @no_schedule(%a: tensor<8x8xf32>, %b: tensor<8x8xf32>, %c: tensor<8x8xf32>) -> tensor<8x8xf32> attributes {aicc.kernel} {
  %m = linalg.matmul ins(%a, %b : tensor<8x8xf32>, tensor<8x8xf32>) outs(%c : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %m : tensor<8x8xf32>
}

// -----

// A partial thread tile (20 rows in tiles of 16) has a dynamic size in every
// thread tile: the vector-level loop is peeled into full 8-row steps, whose
// reads are static and in bounds, and a remainder padded to the next power
// of two of its bound (7 rows -> 8).

// CHECK-LABEL: func.func private @partial_thread_tiles_are_peeled
// CHECK: scf.forall
// CHECK: scf.for %{{.*}} = %c0 to %[[FULL:.*]] step %c8
// CHECK: vector.transfer_read %arg0{{.*}} {in_bounds = [true, true]} : tensor<20x8xf32>, vector<8x1xf32>
// CHECK: scf.for %{{.*}} = %[[FULL]] to %{{.*}} step %c8
// CHECK: tensor.pad
// CHECK: } : tensor<?x32xf32> to tensor<8x32xf32>
// CHECK: vector.transfer_read {{.*}}, %{{.*}} : tensor<?x8xf32>, vector<8x1xf32>
func.func private @partial_thread_tiles_are_peeled(%a: tensor<20x8xf32>, %b: tensor<8x32xf32>, %c: tensor<20x32xf32>) -> tensor<20x32xf32> attributes {aicc.kernel} {
  %m = linalg.matmul {aicc.schedule = #aicc.schedule<thread_tile = [16, 32, 0], vector_tile = [8, 32, 1], order = [0, 1, 2], parallel = [0, 1], unroll = 1, source = "explicit">}
      ins(%a, %b : tensor<20x8xf32>, tensor<8x32xf32>) outs(%c : tensor<20x32xf32>) -> tensor<20x32xf32>
  return %m : tensor<20x32xf32>
}

// -----

// An im2col window copy (input map strided in the loops): each tile, one
// output row, is a strided slice of the input read as one vector.

#win = affine_map<(n, c, i, j, y, x) -> (n, c, y * 2 + i, x * 2 + j)>
#id6 = affine_map<(n, c, i, j, y, x) -> (n, c, i, j, y, x)>
// CHECK-LABEL: func.func private @window_copy
// CHECK: scf.forall
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 0, 0] [1, 1, 1, 4] [1, 1, 1, 2] : tensor<1x1x1x7xf32> to tensor<4xf32>
// CHECK: vector.transfer_read %{{.*}} {in_bounds = [true]} : tensor<4xf32>, vector<4xf32>
// CHECK: vector.shape_cast %{{.*}} : vector<4xf32> to vector<1x1x1x1x1x4xf32>
// CHECK-NOT: linalg.generic
func.func private @window_copy(%x: tensor<1x2x9x9xf32>) -> tensor<1x2x3x3x4x4xf32> attributes {aicc.kernel} {
  %e = tensor.empty() : tensor<1x2x3x3x4x4xf32>
  %0 = linalg.generic {indexing_maps = [#win, #id6], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x2x9x9xf32>) outs(%e : tensor<1x2x3x3x4x4xf32>)
      attrs = {aicc.schedule = #aicc.schedule<thread_tile = [1, 1, 1, 1, 1, 4], vector_tile = [1, 1, 1, 1, 1, 4], order = [0, 1, 2, 3, 4, 5], parallel = [0, 1, 2, 3, 4, 5], unroll = 1, source = "explicit">} {
    ^bb0(%a: f32, %o: f32):
      linalg.yield %a : f32
  } -> tensor<1x2x3x3x4x4xf32>
  return %0 : tensor<1x2x3x3x4x4xf32>
}

// -----

// A reduction along its vector step keeps a partial result per lane: the
// loop carries a vector accumulator combined elementwise, and the lanes are
// reduced once per row after it (not once per step).

#id2 = affine_map<(d0, d1) -> (d0, d1)>
#rows = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func private @row_max
// CHECK: scf.forall
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}) -> (tensor<4xf32>)
// CHECK: %[[ACC:.*]] = scf.for {{.*}} step %c32 iter_args(%[[A:.*]] = %{{.*}}) -> (vector<1x32xf32>)
// CHECK: %[[V:.*]] = vector.transfer_read {{.*}} : tensor<8x128xf32>, vector<1x32xf32>
// CHECK: arith.maximumf %[[V]], %[[A]] : vector<1x32xf32>
// CHECK: vector.multi_reduction <maximumf>, %[[ACC]], %{{.*}} [1] : vector<1x32xf32> to vector<1xf32>
func.func private @row_max(%x: tensor<8x128xf32>) -> tensor<8xf32> attributes {aicc.kernel} {
  %ninf = arith.constant 0xFF800000 : f32
  %e = tensor.empty() : tensor<8xf32>
  %init = linalg.fill ins(%ninf : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %0 = linalg.generic {indexing_maps = [#id2, #rows], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<8x128xf32>) outs(%init : tensor<8xf32>)
      attrs = {aicc.schedule = #aicc.schedule<thread_tile = [4, 0], vector_tile = [1, 32], order = [0, 1], parallel = [0], unroll = 1, source = "explicit">} {
    ^bb0(%a: f32, %acc: f32):
      %m = arith.maximumf %a, %acc : f32
      linalg.yield %m : f32
  } -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// A row kernel (softmax) is tiled along its rows by the root's thread tile,
// then row by row with every op fused (exp computed once: CSE merges the
// copies that the sum and the divide each fused); then each op of a row
// walks the columns in the root's vector step, reductions with a vector
// accumulator. A row's exp is a one-row scratch tensor.

#id3 = affine_map<(d0, d1) -> (d0, d1)>
#row3 = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func private @softmax_rows
// CHECK: scf.forall (%{{.*}}) = (0) to (16) step (8)
// CHECK: scf.for %{{.*}} = %c0 to %c8 step %c1
// CHECK: scf.for {{.*}} step %c32 iter_args(%{{.*}} = %{{.*}}) -> (vector<1x32xf32>)
// CHECK: arith.maximumf {{.*}} : vector<1x32xf32>
// CHECK: vector.multi_reduction <maximumf>
// CHECK: tensor.empty() : tensor<1x128xf32>
// CHECK: math.exp {{.*}} : vector<1x32xf32>
// CHECK-NOT: math.exp
// CHECK: vector.multi_reduction <add>
// CHECK: arith.divf {{.*}} : vector<1x32xf32>
// CHECK: tensor.insert_slice {{.*}} : tensor<1x128xf32> into tensor<8x128xf32>
func.func private @softmax_rows(%x: tensor<16x128xf32>) -> tensor<16x128xf32> attributes {aicc.kernel, aicc.row_kernel} {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %e0 = tensor.empty() : tensor<16xf32>
  %f0 = linalg.fill ins(%ninf : f32) outs(%e0 : tensor<16xf32>) -> tensor<16xf32>
  %max = linalg.generic {indexing_maps = [#id3, #row3], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<16x128xf32>) outs(%f0 : tensor<16xf32>)
      attrs = {aicc.schedule = #aicc.schedule<thread_tile = [8, 0], vector_tile = [1, 32], order = [0, 1], parallel = [0], unroll = 1, source = "explicit">} {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %out : f32
    linalg.yield %m : f32
  } -> tensor<16xf32>
  %e1 = tensor.empty() : tensor<16x128xf32>
  %exp = linalg.generic {indexing_maps = [#id3, #row3, #id3], iterator_types = ["parallel", "parallel"]} ins(%x, %max : tensor<16x128xf32>, tensor<16xf32>) outs(%e1 : tensor<16x128xf32>) {
  ^bb0(%in: f32, %m: f32, %out: f32):
    %d = arith.subf %in, %m : f32
    %e = math.exp %d : f32
    linalg.yield %e : f32
  } -> tensor<16x128xf32>
  %e2 = tensor.empty() : tensor<16xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<16xf32>) -> tensor<16xf32>
  %sum = linalg.generic {indexing_maps = [#id3, #row3], iterator_types = ["parallel", "reduction"]} ins(%exp : tensor<16x128xf32>) outs(%f2 : tensor<16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %in, %out : f32
    linalg.yield %a : f32
  } -> tensor<16xf32>
  %e3 = tensor.empty() : tensor<16x128xf32>
  %y = linalg.generic {indexing_maps = [#id3, #row3, #id3], iterator_types = ["parallel", "parallel"]} ins(%exp, %sum : tensor<16x128xf32>, tensor<16xf32>) outs(%e3 : tensor<16x128xf32>) {
  ^bb0(%in: f32, %s: f32, %out: f32):
    %q = arith.divf %in, %s : f32
    linalg.yield %q : f32
  } -> tensor<16x128xf32>
  return %y : tensor<16x128xf32>
}

// -----

// Reduction blocks (thread_tile 128 on k): inside each thread tile the fill
// is tiled on its own, then an scf.for walks k in blocks of 128 carrying the
// thread tile's accumulator; inside a block the register tiles walk columns
// (step 32) outside rows (step 8), each accumulating in registers over the
// block; the relu epilogue reads the finished accumulator after the blocks.

// CHECK-LABEL: func.func @blocked_kernel
// CHECK: scf.forall ({{.*}}) = (0, 0) to (32, 128) step (16, 64)
// CHECK: scf.for
// CHECK: scf.for
// CHECK: vector.transfer_write %{{.*}} : vector<8x32xf32>, tensor<16x64xf32>
// CHECK: %[[BLOCKS:.*]] = scf.for %{{.*}} = %c0 to %c256 step %c128 iter_args
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %c64 step %c32
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %c16 step %c8
// CHECK: scf.for %{{.*}} = %c0 to %c128 step %c1 iter_args(%{{.*}} = %{{.*}}) -> (vector<8x32xf32>)
// CHECK: vector.fma
// CHECK: vector.transfer_read %[[BLOCKS]]
// CHECK: arith.maximumf %{{.*}} : vector<8x32xf32>
// CHECK: scf.forall.in_parallel
func.func @blocked_kernel(%a: tensor<32x256xf32>, %b: tensor<256x128xf32>) -> tensor<32x128xf32> attributes {aicc.kernel} {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<32x128xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<32x128xf32>) -> tensor<32x128xf32>
  %0 = linalg.matmul {aicc.schedule = #aicc.schedule<thread_tile = [16, 64, 128], vector_tile = [8, 32, 1], order = [0, 1, 2], parallel = [0, 1], unroll = 1, source = "explicit">}
      ins(%a, %b : tensor<32x256xf32>, tensor<256x128xf32>) outs(%c : tensor<32x128xf32>) -> tensor<32x128xf32>
  %e2 = tensor.empty() : tensor<32x128xf32>
  %1 = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%0 : tensor<32x128xf32>) outs(%e2 : tensor<32x128xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.maximumf %x, %zero : f32
    linalg.yield %r : f32
  } -> tensor<32x128xf32>
  return %1 : tensor<32x128xf32>
}
