// RUN: aicc-opt %s -split-input-file -aicc-gpu-default-schedule='tensor-cores=true' | FileCheck %s --check-prefix=SCHED
// RUN: aicc-opt %s -split-input-file -aicc-gpu-default-schedule | FileCheck %s --check-prefix=SIMT
// RUN: aicc-opt %s -split-input-file -aicc-gpu-default-schedule='tensor-cores=true tf32=false' | FileCheck %s --check-prefix=STRICT
// RUN: aicc-opt %s -split-input-file -aicc-gpu-default-schedule='tensor-cores=true' -aicc-gpu-tile-and-distribute | FileCheck %s --check-prefix=TILE
// RUN: aicc-opt %s -split-input-file -aicc-gpu-default-schedule='tensor-cores=true' -aicc-gpu-tile-and-distribute -one-shot-bufferize='bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map' -aicc-gpu-mma | FileCheck %s --check-prefix=MMA

// An f32 matmul with a bias epilogue. With tensor cores the heuristic gives
// a warp a 16x16 tile (64x64 leaves too few warps for larger ones) and a
// block 2x2 warps; the reduction goes 8 at a time (mma m16n8k8).
// SCHED-LABEL: func.func private @matmul_bias_kernel
// SCHED: thread_tile = [32, 32, 0], vector_tile = [16, 16, 8], {{.*}} mma = "m16n8k8_tf32">
// SIMT-LABEL: func.func private @matmul_bias_kernel
// SIMT-NOT: mma =
// STRICT-LABEL: func.func private @matmul_bias_kernel
// STRICT-NOT: mma =

// The epilogue is tiled over warp tiles with the contraction (and its fill)
// fused; the contraction records the warp tile and its m, n, k loops, the
// epilogue the block (2 x 2 warps of 32 lanes).
// TILE-LABEL: func.func private @matmul_bias_kernel
// TILE: scf.forall ({{.*}}) = (0, 0) to (64, 64) step (16, 16)
// TILE: linalg.fill {{.*}} -> tensor<16x16xf32>
// TILE: linalg.generic {{.*}}"reduction"{{.*}}aicc.gpu_mma = array<i64: 16, 16, 0, 1, 2>
// TILE: linalg.generic {{.*}}aicc.gpu_block = array<i64: 2, 2, 32>, aicc.gpu_trips = array<i64: 4, 4, 32>

// After bufferization the forall gains 32 lanes; the reduction is a loop of
// 16 (two mma steps) in which each lane loads two adjacent k of A and two
// adjacent columns of B (one 8-byte load each), rounds them to tf32 and
// issues mma.sync per 16x8 tile. The lane's 2x4 accumulators go to a
// private buffer and the epilogue runs on its share of the tile: rows
// g + 8r (stride 8) and 4 adjacent columns from 4t.
// MMA-LABEL: func.func private @matmul_bias_kernel
// MMA: scf.forall (%{{.*}}, %{{.*}}, %[[LANE:.*]]) = (0, 0, 0) to (64, 64, 32) step (16, 16, 1)
// MMA: %[[G:.*]] = arith.divui %[[LANE]], %c4
// MMA: scf.for %{{.*}} = %c0 to %c96 step %c16 iter_args({{.*}}) -> (vector<2x2xf32>, vector<2x2xf32>)
// MMA: vector.load {{.*}} {alignment = 8 : i64} : memref<16x96xf32, {{.*}}>, vector<2xf32>
// MMA: nvvm.convert.float.to.tf32 {{.*}} {rnd = #nvvm.fp_rnd_mode<rna>}
// MMA: nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 8], tf32Enabled} : (vector<4x1xf32>, vector<2x1xf32>, vector<2x2xf32>) -> vector<2x2xf32>
// MMA: memref.alloca() : memref<2x4xf32>
// MMA: memref.subview %{{.*}}[%[[G]], %{{.*}}] [2, 4] [8, 1]
// MMA: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : memref<2x4xf32, strided<[4, 1]>>, memref<4xf32, {{.*}}>) outs(%{{.*}} : memref<2x4xf32, strided<[512, 1], offset: ?>>)
// MMA-NOT: "reduction"
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#b = affine_map<(d0, d1, d2) -> (d2, d1)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
#bias = affine_map<(d0, d1) -> (d1)>
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func private @matmul_bias_kernel(%x: tensor<64x96xf32>, %w: tensor<96x64xf32>, %bias: tensor<64xf32>) -> tensor<64x64xf32> attributes {aicc.kernel} {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x64xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<64x64xf32>) -> tensor<64x64xf32>
  %mm = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<64x96xf32>, tensor<96x64xf32>) outs(%f : tensor<64x64xf32>) {
    ^bb0(%in: f32, %in2: f32, %out: f32):
      %p = arith.mulf %in, %in2 : f32
      %s = arith.addf %out, %p : f32
      linalg.yield %s : f32
  } -> tensor<64x64xf32>
  %y = linalg.generic {indexing_maps = [#id, #bias, #id], iterator_types = ["parallel", "parallel"]}
      ins(%mm, %bias : tensor<64x64xf32>, tensor<64xf32>) outs(%e : tensor<64x64xf32>) {
    ^bb0(%v: f32, %bv: f32, %o: f32):
      %s = arith.addf %v, %bv : f32
      linalg.yield %s : f32
  } -> tensor<64x64xf32>
  return %y : tensor<64x64xf32>
}

// -----

// Sizes no tile divides (20x36, k = 13): partial warp tiles and a k that is
// not a multiple of 8. Loads are scalar, clamped in bounds and zeroed out
// of them; the lane's share of the output has dynamic sizes.
// SCHED-LABEL: func.func private @ragged_kernel
// SCHED: mma = "m16n8k8_tf32"
// MMA-LABEL: func.func private @ragged_kernel
// MMA: scf.for %{{.*}} = %c0 to %c13 step %c8
// MMA-NOT: vector.load
// MMA: arith.cmpi slt
// MMA: arith.select
// MMA: nvgpu.mma.sync
// MMA: arith.ceildivsi
// MMA: linalg.copy ins(%{{.*}} : memref<?x?xf32, strided<[4, 1]>>) outs(%{{.*}} : memref<?x?xf32, strided<[288, 1], offset: ?>>)
func.func private @ragged_kernel(%x: tensor<20x13xf32>, %w: tensor<13x36xf32>) -> tensor<20x36xf32> attributes {aicc.kernel} {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<20x36xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<20x36xf32>) -> tensor<20x36xf32>
  %0 = linalg.matmul ins(%x, %w : tensor<20x13xf32>, tensor<13x36xf32>) outs(%f : tensor<20x36xf32>) -> tensor<20x36xf32>
  return %0 : tensor<20x36xf32>
}

// -----

// Integer and tiny matmuls stay on the CUDA cores.
// SCHED-LABEL: func.func private @int_kernel
// SCHED-NOT: mma =
func.func private @int_kernel(%x: tensor<64x64xi32>, %w: tensor<64x64xi32>, %c: tensor<64x64xi32>) -> tensor<64x64xi32> attributes {aicc.kernel} {
  %0 = linalg.matmul ins(%x, %w : tensor<64x64xi32>, tensor<64x64xi32>) outs(%c : tensor<64x64xi32>) -> tensor<64x64xi32>
  return %0 : tensor<64x64xi32>
}

// -----

// SCHED-LABEL: func.func private @tiny_kernel
// SCHED-NOT: mma =
func.func private @tiny_kernel(%x: tensor<8x64xf32>, %w: tensor<64x64xf32>, %c: tensor<8x64xf32>) -> tensor<8x64xf32> attributes {aicc.kernel} {
  %0 = linalg.matmul ins(%x, %w : tensor<8x64xf32>, tensor<64x64xf32>) outs(%c : tensor<8x64xf32>) -> tensor<8x64xf32>
  return %0 : tensor<8x64xf32>
}

// -----

// f16 operands accumulating in f32 (as graph-to-linalg lowers an f16
// MatMul), rounded to f16 by the epilogue: mma m16n8k16, f16 or not tf32
// (strict f32 math leaves 16-bit matmuls on the tensor cores).
// SCHED-LABEL: func.func private @f16_kernel
// SCHED: thread_tile = [32, 32, 0], vector_tile = [16, 16, 16], {{.*}} mma = "m16n8k16_f16">
// STRICT-LABEL: func.func private @f16_kernel
// STRICT: mma = "m16n8k16_f16"
// SIMT-LABEL: func.func private @f16_kernel
// SIMT-NOT: mma =

// A lane loads four adjacent k of a row of A (one 8-byte load) and four k
// of each of its columns of B; pairs of them form the 32-bit registers of
// nvvm.mma.sync, whose f32 results go back into the accumulators. The
// epilogue rounds the lane's share of the tile to f16.
// MMA-LABEL: func.func private @f16_kernel
// MMA: %[[T:.*]] = arith.remui %{{.*}}, %c4
// MMA: scf.for %[[K:.*]] = %c0 to %c96 step %c32 iter_args({{.*}}) -> (vector<2x2xf32>, vector<2x2xf32>)
// MMA: %[[T4:.*]] = arith.muli %[[T]], %c4
// MMA: %[[K0:.*]] = arith.addi %[[K]], %[[T4]]
// MMA: vector.load %{{.*}}[%{{.*}}, %[[K0]]] {alignment = 8 : i64} : memref<16x96xf16, {{.*}}>, vector<4xf16>
// MMA: vector.from_elements {{.*}} : vector<2xf16>
// MMA: nvvm.mma.sync A[{{.*}}] B[{{.*}}] C[{{.*}}] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (vector<2xf16>, vector<2xf16>, f32) -> !llvm.struct<(f32, f32, f32, f32)>
// MMA: llvm.extractvalue
// MMA: memref.alloca() : memref<2x4xf32>
// MMA: linalg.generic {{.*}} ins(%{{.*}} : memref<2x4xf32, strided<[4, 1]>>) outs(%{{.*}} : memref<2x4xf16, strided<[512, 1], offset: ?>>)
// MMA: arith.truncf %{{.*}} : f32 to f16
// MMA-NOT: "reduction"
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#b = affine_map<(d0, d1, d2) -> (d2, d1)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func private @f16_kernel(%x: tensor<64x96xf16>, %w: tensor<96x64xf16>) -> tensor<64x64xf16> attributes {aicc.kernel} {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x64xf32>
  %e16 = tensor.empty() : tensor<64x64xf16>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<64x64xf32>) -> tensor<64x64xf32>
  %mm = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<64x96xf16>, tensor<96x64xf16>) outs(%f : tensor<64x64xf32>) {
    ^bb0(%in: f16, %in2: f16, %out: f32):
      %l = arith.extf %in : f16 to f32
      %r = arith.extf %in2 : f16 to f32
      %p = arith.mulf %l, %r : f32
      %s = arith.addf %out, %p : f32
      linalg.yield %s : f32
  } -> tensor<64x64xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%mm : tensor<64x64xf32>) outs(%e16 : tensor<64x64xf16>) {
    ^bb0(%v: f32, %o: f16):
      %t = arith.truncf %v : f32 to f16
      linalg.yield %t : f16
  } -> tensor<64x64xf16>
  return %y : tensor<64x64xf16>
}

// -----

// bf16 with a transposed right operand (k innermost in both): four k of a
// column of B are one 8-byte load too; bf16 pairs travel as i32.
// SCHED-LABEL: func.func private @bf16_transposed_kernel
// SCHED: mma = "m16n8k16_bf16"
// MMA-LABEL: func.func private @bf16_transposed_kernel
// MMA: scf.for %{{.*}} = %c0 to %c64 step %c32
// MMA: vector.load {{.*}} {alignment = 8 : i64} : memref<16x64xbf16, {{.*}}>, vector<4xbf16>
// MMA: vector.load {{.*}} {alignment = 8 : i64} : memref<16x64xbf16, {{.*}}>, vector<4xbf16>
// MMA: vector.bitcast %{{.*}} : vector<2xbf16> to vector<1xi32>
// MMA: nvvm.mma.sync {{.*}}multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>, shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (i32, i32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#bt = affine_map<(d0, d1, d2) -> (d1, d2)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func private @bf16_transposed_kernel(%x: tensor<64x64xbf16>, %w: tensor<48x64xbf16>) -> tensor<64x48xf32> attributes {aicc.kernel} {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x48xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<64x48xf32>) -> tensor<64x48xf32>
  %mm = linalg.generic {indexing_maps = [#a, #bt, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<64x64xbf16>, tensor<48x64xbf16>) outs(%f : tensor<64x48xf32>) {
    ^bb0(%in: bf16, %in2: bf16, %out: f32):
      %l = arith.extf %in : bf16 to f32
      %r = arith.extf %in2 : bf16 to f32
      %p = arith.mulf %l, %r : f32
      %s = arith.addf %out, %p : f32
      linalg.yield %s : f32
  } -> tensor<64x48xf32>
  return %mm : tensor<64x48xf32>
}

// -----

// f16 with k = 20 (not a multiple of 16) and partial tiles: scalar loads
// clamped in bounds and zeroed out of them, one step of 16 at a time.
// SCHED-LABEL: func.func private @f16_ragged_kernel
// SCHED: mma = "m16n8k16_f16"
// MMA-LABEL: func.func private @f16_ragged_kernel
// MMA: scf.for %{{.*}} = %c0 to %c20 step %c16
// MMA-NOT: vector.load
// MMA: arith.select %{{.*}}, %{{.*}}, %cst{{.*}} : f16
// MMA: nvvm.mma.sync
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#b = affine_map<(d0, d1, d2) -> (d2, d1)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func private @f16_ragged_kernel(%x: tensor<20x20xf16>, %w: tensor<20x36xf16>) -> tensor<20x36xf32> attributes {aicc.kernel} {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<20x36xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<20x36xf32>) -> tensor<20x36xf32>
  %mm = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<20x20xf16>, tensor<20x36xf16>) outs(%f : tensor<20x36xf32>) {
    ^bb0(%in: f16, %in2: f16, %out: f32):
      %l = arith.extf %in : f16 to f32
      %r = arith.extf %in2 : f16 to f32
      %p = arith.mulf %l, %r : f32
      %s = arith.addf %out, %p : f32
      linalg.yield %s : f32
  } -> tensor<20x36xf32>
  return %mm : tensor<20x36xf32>
}

// -----

// An f16 accumulator (no widening) has no tensor-core instruction here.
// SCHED-LABEL: func.func private @f16_acc_kernel
// SCHED-NOT: mma =
func.func private @f16_acc_kernel(%x: tensor<64x64xf16>, %w: tensor<64x64xf16>, %c: tensor<64x64xf16>) -> tensor<64x64xf16> attributes {aicc.kernel} {
  %0 = linalg.matmul ins(%x, %w : tensor<64x64xf16>, tensor<64x64xf16>) outs(%c : tensor<64x64xf16>) -> tensor<64x64xf16>
  return %0 : tensor<64x64xf16>
}

// -----

// A convolution of 2 images as a GEMM (aicc-conv-to-gemm): the filter
// [F, C*KH*KW] times the windows [N, C*KH*KW, OH*OW]. The images are a
// second n loop; the tile's n loop is the output's innermost (positions),
// its m loop the next (channels), and each tile takes one image, like a
// batch loop.
#conv_lhs = affine_map<(n, f, p, k) -> (f, k)>
#conv_rhs = affine_map<(n, f, p, k) -> (n, k, p)>
#conv_out = affine_map<(n, f, p, k) -> (n, f, p)>
// SCHED-LABEL: func.func private @conv_gemm_kernel
// SCHED: thread_tile = [1, 32, 32, 0], vector_tile = [1, 16, 16, 8], {{.*}} mma = "m16n8k8_tf32">
// TILE-LABEL: func.func private @conv_gemm_kernel
// TILE: scf.forall ({{.*}}) = (0, 0, 0) to (2, 48, 100) step (1, 16, 16)
// TILE: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<16x72xf32>, tensor<1x72x?xf32>) {{.*}}aicc.gpu_mma = array<i64: 16, 16, 1, 2, 3>
// MMA-LABEL: func.func private @conv_gemm_kernel
// MMA: %[[COLS:.*]] = memref.subview %{{.*}}[%{{.*}}, 0, %{{.*}}] [1, 72, %{{.*}}] [1, 1, 1] : memref<2x72x100xf32> to memref<1x72x?xf32, strided<[7200, 100, 1], offset: ?>>
// MMA: memref.load %[[COLS]][%c0, %{{.*}}, %{{.*}}]
// MMA: nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 8], tf32Enabled}
func.func private @conv_gemm_kernel(%w: tensor<48x72xf32>, %cols: tensor<2x72x100xf32>) -> tensor<2x48x100xf32> attributes {aicc.kernel} {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<2x48x100xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<2x48x100xf32>) -> tensor<2x48x100xf32>
  %0 = linalg.generic {indexing_maps = [#conv_lhs, #conv_rhs, #conv_out], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%w, %cols : tensor<48x72xf32>, tensor<2x72x100xf32>) outs(%init : tensor<2x48x100xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %p, %c : f32
    linalg.yield %s : f32
  } -> tensor<2x48x100xf32>
  return %0 : tensor<2x48x100xf32>
}
