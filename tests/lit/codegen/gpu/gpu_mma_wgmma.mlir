// RUN: aicc-opt %s -split-input-file -aicc-gpu-default-schedule='tensor-cores=true stages=3 wgmma=true' | FileCheck %s --check-prefix=SCHED
// RUN: aicc-opt %s -split-input-file -aicc-gpu-default-schedule='tensor-cores=true stages=3 wgmma=true' -aicc-gpu-tile-and-distribute | FileCheck %s --check-prefix=TILE
// RUN: aicc-opt %s -split-input-file -aicc-gpu-default-schedule='tensor-cores=true stages=3 wgmma=true' -aicc-gpu-tile-and-distribute -one-shot-bufferize='bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map' -aicc-gpu-mma -canonicalize -cse | FileCheck %s --check-prefix=MMA

// sm_90a (wgmma=true): a 2048x1024x256 f16 matmul gets 128x128 blocks of
// two warpgroups of 64x128, k 32 at a time; the buffers have no padding,
// so three stages fit 48 KiB.
// SCHED-LABEL: func.func private @f16_kernel
// SCHED: thread_tile = [128, 128, 32], vector_tile = [64, 128, 16], {{.*}} mma = "wgmma_f16", stages = 3>
// TILE-LABEL: func.func private @f16_kernel
// TILE: scf.forall ({{.*}}) = (0, 0) to (2048, 1024) step (128, 128)
// TILE: aicc.gpu_mma = array<i64: 64, 128, 0, 1, 2, 128, 128, 32, 3, 1>

// aicc-gpu-mma: 128 threads per warpgroup on x (two warpgroups on z), the
// warp's 16 rows from its warpgroup's; buffers of 8x8-half core matrices
// ([stage][row/8][k/8][row%8][k%8]). A's rows are k-contiguous: 16-byte
// cp.async into one core-matrix row; B's are n-contiguous, so it goes one
// element at a time (loads and stores: cp.async copies 4 bytes at least),
// its columns permuted (column c of the tile at 8 (c mod 16) + c / 16).
// Per slice: wait, proxy fence, barrier, two m64n128k16 steps from
// descriptors (LBO 128 bytes, SBO 512: bits 16 and 32 set to 8 and 32),
// commit, wait, barrier. Accumulator d[4j + 2h + e] is row g + 8h, column
// 2t + e of n-tile j: the lane's column e * 16 + j.
// MMA-LABEL: func.func private @f16_kernel
// MMA: scf.parallel (%[[WR:.*]], %[[X:.*]]) = (%c0, %c0) to (%c2, %c128) step (%c1, %c1)
// MMA: %[[LANE:.*]] = arith.remui %[[X]], %c32
// MMA: %[[WARP:.*]] = arith.divui %[[X]], %c32
// MMA: arith.muli %[[WARP]], %c16
// MMA: %[[A:.*]] = memref.alloc() : memref<3x16x4x8x8xf16, #gpu.address_space<workgroup>>
// MMA: %[[B:.*]] = memref.alloc() : memref<3x16x4x8x8xf16, #gpu.address_space<workgroup>>
// MMA: nvgpu.device_async_copy %{{.*}}, %[[A]][%c0, {{.*}}], 8 {bypassL1}
// MMA: memref.store %{{.*}}, %[[B]][%c0, {{.*}}] : memref<3x16x4x8x8xf16, #gpu.address_space<workgroup>>
// MMA: %[[LOOP:.*]] = scf.for %{{.*}} = %c0 to %c8 step %c1 iter_args(%[[ACC:.*]] = %{{.*}}) -> (!llvm.struct<(f32,
// MMA: nvgpu.device_async_wait %{{.*}} {numGroups = 2 : i32}
// MMA-NEXT: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// MMA-NEXT: gpu.barrier
// MMA: nvvm.wgmma.fence.aligned
// MMA: memref.extract_aligned_pointer_as_index %[[A]]
// MMA: arith.andi %{{.*}}, %c262143_i64
// MMA: arith.ori %{{.*}}, %c137439477760_i64
// MMA: %[[D0:.*]] = nvvm.wgmma.mma_async %{{.*}}, %{{.*}}, %[[ACC]], <m = 64, n = 128, k = 16>, D[<f32>, <one>], A[<f16>, <one>, <row>], B[<f16>, <one>, <col>]
// MMA: nvvm.wgmma.mma_async %{{.*}}, %{{.*}}, %[[D0]], <m = 64, n = 128, k = 16>
// MMA-NEXT: nvvm.wgmma.commit.group.sync.aligned
// MMA-NEXT: nvvm.wgmma.wait.group.sync.aligned 0
// MMA-NEXT: gpu.barrier
// MMA: %[[FRAG:.*]] = memref.alloca() : memref<2x32xf32>
// MMA: %[[D1:.*]] = llvm.extractvalue %[[LOOP]][1]
// MMA: memref.store %[[D1]], %[[FRAG]][%c0, %c16]
// MMA: %[[D2:.*]] = llvm.extractvalue %[[LOOP]][2]
// MMA: memref.store %[[D2]], %[[FRAG]][%c1, %c0]
// MMA: %[[D4:.*]] = llvm.extractvalue %[[LOOP]][4]
// MMA: memref.store %[[D4]], %[[FRAG]][%c0, %c1]
// MMA: linalg.copy ins(%[[FRAG]] : memref<2x32xf32>)
func.func private @f16_kernel(%x: tensor<2048x256xf16>, %w: tensor<256x1024xf16>) -> tensor<2048x1024xf32> attributes {aicc.kernel} {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2048x1024xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<2048x1024xf32>) -> tensor<2048x1024xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<2048x256xf16>, tensor<256x1024xf16>) outs(%f : tensor<2048x1024xf32>) -> tensor<2048x1024xf32>
  return %mm : tensor<2048x1024xf32>
}

// -----

// tf32 with a transposed weight: k 16 at a time (64 bytes per row), both
// operands k-contiguous, so both go by 16-byte cp.async; m64n128k8 steps.
// SCHED-LABEL: func.func private @tf32_transb_kernel
// SCHED: thread_tile = [128, 128, 16], vector_tile = [64, 128, 8], {{.*}} mma = "wgmma_tf32", stages = 3>
// MMA-LABEL: func.func private @tf32_transb_kernel
// MMA: %[[A:.*]] = memref.alloc() : memref<3x16x4x8x4xf32, #gpu.address_space<workgroup>>
// MMA: %[[B:.*]] = memref.alloc() : memref<3x16x4x8x4xf32, #gpu.address_space<workgroup>>
// MMA: nvgpu.device_async_copy %{{.*}}, %[[A]]{{.*}}, 4 {bypassL1}
// MMA: nvgpu.device_async_copy %{{.*}}, %[[B]]{{.*}}, 4 {bypassL1}
// MMA: scf.for
// MMA-COUNT-2: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 8>, D[<f32>, <one>], A[<tf32>, <one>, <row>], B[<tf32>, <one>, <col>]
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#bt = affine_map<(d0, d1, d2) -> (d1, d2)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func private @tf32_transb_kernel(%x: tensor<2048x64xf32>, %w: tensor<1024x64xf32>) -> tensor<2048x1024xf32> attributes {aicc.kernel} {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2048x1024xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<2048x1024xf32>) -> tensor<2048x1024xf32>
  %mm = linalg.generic {indexing_maps = [#a, #bt, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<2048x64xf32>, tensor<1024x64xf32>) outs(%f : tensor<2048x1024xf32>) {
    ^bb0(%in: f32, %in2: f32, %out: f32):
      %p = arith.mulf %in, %in2 : f32
      %s = arith.addf %out, %p : f32
      linalg.yield %s : f32
  } -> tensor<2048x1024xf32>
  return %mm : tensor<2048x1024xf32>
}

// -----

// Too few 128x128 blocks (8 of them): the matmul keeps mma.sync warp tiles,
// unstaged.
// SCHED-LABEL: func.func private @small_kernel
// SCHED: mma = "m16n8k16_bf16"
// SCHED-NOT: stages
func.func private @small_kernel(%x: tensor<256x64xbf16>, %w: tensor<64x512xbf16>) -> tensor<256x512xf32> attributes {aicc.kernel} {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<256x512xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<256x512xf32>) -> tensor<256x512xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<256x64xbf16>, tensor<64x512xbf16>) outs(%f : tensor<256x512xf32>) -> tensor<256x512xf32>
  return %mm : tensor<256x512xf32>
}
