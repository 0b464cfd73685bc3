// RUN: aicc-opt %s -split-input-file -aicc-gpu-default-schedule='tensor-cores=true stages=3' | FileCheck %s --check-prefix=SCHED
// RUN: aicc-opt %s -split-input-file -aicc-gpu-default-schedule='tensor-cores=true' | FileCheck %s --check-prefix=UNSTAGED
// RUN: aicc-opt %s -split-input-file -aicc-gpu-default-schedule='tensor-cores=true stages=3' -aicc-gpu-tile-and-distribute | FileCheck %s --check-prefix=TILE
// RUN: aicc-opt %s -split-input-file -aicc-gpu-default-schedule='tensor-cores=true stages=3' -aicc-gpu-tile-and-distribute -one-shot-bufferize='bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map' -aicc-gpu-mma | FileCheck %s --check-prefix=MMA
// RUN: aicc-opt %s -split-input-file -aicc-gpu-default-schedule='tensor-cores=true stages=3' -aicc-gpu-tile-and-distribute -one-shot-bufferize='bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map' -aicc-gpu-mma -scf-forall-to-parallel -aicc-gpu-map-loops | FileCheck %s --check-prefix=MAP

// A 2048x1024x256 f16 matmul gives 128 blocks of 128x128: 2x4 warps of
// 64x32, k 32 at a time; three stages of both operands would take more
// than 48 KiB, two fit.
// SCHED-LABEL: func.func private @f16_kernel
// SCHED: thread_tile = [128, 128, 32], vector_tile = [64, 32, 16], {{.*}} mma = "m16n8k16_f16", stages = 2>
// UNSTAGED-LABEL: func.func private @f16_kernel
// UNSTAGED-NOT: stages =

// The forall goes over block tiles; the contraction records warp tile,
// loops, block tile, k step and stages.
// TILE-LABEL: func.func private @f16_kernel
// TILE: scf.forall ({{.*}}) = (0, 0) to (2048, 1024) step (128, 128)
// TILE: linalg.fill {{.*}} -> tensor<128x128xf32>
// TILE: aicc.gpu_mma = array<i64: 64, 32, 0, 1, 2, 128, 128, 32, 2>

// aicc-gpu-mma: the block's 256 threads as a mapped loop (lane on x), two
// buffers per operand in workgroup memory, rows padded by 8 halves. Each
// thread starts one slice (two 16-byte cp.async per operand: 512 copies of
// 8 halves over 256 threads), then per slice: start the next, wait until
// one group is left in flight, barrier, four mma steps per 16x8 tile from
// shared memory (8-byte loads of A, 8-byte loads of 4 B columns), barrier.
// MMA-LABEL: func.func private @f16_kernel
// MMA: scf.forall
// MMA: scf.parallel (%[[WR:.*]], %[[WC:.*]], %[[LANE:.*]]) = (%c0, %c0, %c0) to (%c2, %c4, %c32) step (%c1, %c1, %c1)
// MMA: memref.alloc() : memref<2x128x40xf16, #gpu.address_space<workgroup>>
// MMA: memref.alloc() : memref<2x32x136xf16, #gpu.address_space<workgroup>>
// MMA-COUNT-4: nvgpu.device_async_copy {{.*}}, 8 {bypassL1}
// MMA: nvgpu.device_async_create_group
// MMA: scf.for %{{.*}} = %c0{{.*}} to %c8{{.*}} step %c1{{.*}} iter_args
// MMA-COUNT-4: nvgpu.device_async_copy
// MMA: %[[GROUP:.*]] = nvgpu.device_async_create_group
// MMA: nvgpu.device_async_wait %[[GROUP]] {numGroups = 1 : i32}
// MMA: gpu.barrier
// MMA: vector.load {{.*}} : memref<64x32xf16, strided<[40, 1], offset: ?>, #gpu.address_space<workgroup>>, vector<4xf16>
// MMA: vector.load {{.*}} : memref<32x32xf16, strided<[136, 1], offset: ?>, #gpu.address_space<workgroup>>, vector<4xf16>
// MMA: nvvm.mma.sync
// MMA: gpu.barrier
// MMA-NEXT: scf.yield
// MMA: } {mapping = [#gpu.loop_dim_map<processor = thread_z, map = (d0) -> (d0), bound = (d0) -> (d0)>, #gpu.loop_dim_map<processor = thread_y, map = (d0) -> (d0), bound = (d0) -> (d0)>, #gpu.loop_dim_map<processor = thread_x, map = (d0) -> (d0), bound = (d0) -> (d0)>]}
// MMA-NOT: "reduction"

// aicc-gpu-map-loops: the loop around the threads is the grid, unsplit.
// MAP-LABEL: func.func private @f16_kernel
// MAP: scf.parallel {{.*}} = (%c0{{.*}}, %c0{{.*}}) to (%c2048, %c1024) step (%c128{{.*}}, %c128{{.*}})
// MAP: scf.parallel {{.*}} to (%c2{{.*}}, %c4{{.*}}, %c32{{.*}})
// MAP: {mapping = [#gpu.loop_dim_map<processor = thread_z
// MAP: {mapping = [#gpu.loop_dim_map<processor = block_y, {{.*}}>, #gpu.loop_dim_map<processor = block_x, {{.*}}>]}
func.func private @f16_kernel(%x: tensor<2048x256xf16>, %w: tensor<256x1024xf16>) -> tensor<2048x1024xf32> attributes {aicc.kernel} {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2048x1024xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<2048x1024xf32>) -> tensor<2048x1024xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<2048x256xf16>, tensor<256x1024xf16>) outs(%f : tensor<2048x1024xf32>) -> tensor<2048x1024xf32>
  return %mm : tensor<2048x1024xf32>
}

// -----

// 1000x1030x72 bf16 with a transposed weight and a bias: 64x64 blocks of
// 2x2 warps of 32x32 (128x128 ones would be too few), three stages. The
// last blocks are partial (40 rows, 6 columns): a warp's extent is what is
// left of the block after its offset, 0 to 32. The weight's rows (k) are
// 72 long, so copies of A and B are 16 bytes along k, the last slice
// (72 = 2 x 32 + 8) zero-filled past k = 72, rows past the edges by
// reading no elements (srcElements 0).
// SCHED-LABEL: func.func private @bf16_ragged_kernel
// SCHED: thread_tile = [64, 64, 32], vector_tile = [32, 32, 16], {{.*}} mma = "m16n8k16_bf16", stages = 3>
// UNSTAGED-LABEL: func.func private @bf16_ragged_kernel
// UNSTAGED-NOT: stages =
// MMA-LABEL: func.func private @bf16_ragged_kernel
// MMA: scf.parallel {{.*}} to (%c2{{.*}}, %c2{{.*}}, %c32)
// MMA: memref.alloc() : memref<3x64x40xbf16, #gpu.address_space<workgroup>>
// MMA: memref.alloc() : memref<3x64x40xbf16, #gpu.address_space<workgroup>>
// MMA: arith.minsi
// MMA: nvgpu.device_async_copy {{.*}}, 8, %{{.*}} {bypassL1}
// MMA: scf.for %{{.*}} = %c0{{.*}} to %c3{{.*}} step %c1{{.*}} iter_args
// MMA: nvgpu.device_async_wait %{{.*}} {numGroups = 2 : i32}
// MMA: nvvm.mma.sync
// MMA: linalg.generic {{.*}} outs(%{{.*}} : memref<?x?xf32, strided<[8240, 1], offset: ?>>)
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#bt = affine_map<(d0, d1, d2) -> (d1, d2)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
#bias = affine_map<(d0, d1) -> (d1)>
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func private @bf16_ragged_kernel(%x: tensor<1000x72xbf16>, %w: tensor<1030x72xbf16>, %b: tensor<1030xf32>) -> tensor<1000x1030xf32> attributes {aicc.kernel} {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1000x1030xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1000x1030xf32>) -> tensor<1000x1030xf32>
  %mm = linalg.generic {indexing_maps = [#a, #bt, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<1000x72xbf16>, tensor<1030x72xbf16>) outs(%f : tensor<1000x1030xf32>) {
    ^bb0(%in: bf16, %in2: bf16, %out: f32):
      %x32 = arith.extf %in : bf16 to f32
      %w32 = arith.extf %in2 : bf16 to f32
      %p = arith.mulf %x32, %w32 : f32
      %s = arith.addf %out, %p : f32
      linalg.yield %s : f32
  } -> tensor<1000x1030xf32>
  %y = linalg.generic {indexing_maps = [#id, #bias, #id], iterator_types = ["parallel", "parallel"]}
      ins(%mm, %b : tensor<1000x1030xf32>, tensor<1030xf32>) outs(%e : tensor<1000x1030xf32>) {
    ^bb0(%v: f32, %bv: f32, %o: f32):
      %r = arith.addf %v, %bv : f32
      linalg.yield %r : f32
  } -> tensor<1000x1030xf32>
  return %y : tensor<1000x1030xf32>
}

// -----

// An explicit schedule on a K of 45 halves: A's rows are not 4-byte
// aligned, so its slices go by loads and stores (zero where k >= 45); B's
// rows of 1024 halves still take cp.async. 64 x 32 = 2048 elements of A
// over 128 threads: 16 rounds.
// UNSTAGED-LABEL: func.func private @odd_k_kernel
// UNSTAGED: source = "explicit", mma = "m16n8k16_f16", stages = 1>
// MMA-LABEL: func.func private @odd_k_kernel
// MMA: memref.alloc() : memref<1x64x40xf16, #gpu.address_space<workgroup>>
// MMA: scf.for %{{.*}} = %c0{{.*}} to %c2{{.*}} step %c1{{.*}} iter_args
// MMA: memref.store {{.*}} : memref<1x64x40xf16, #gpu.address_space<workgroup>>
// MMA: nvgpu.device_async_copy
// MMA: nvgpu.device_async_wait %{{.*}} {numGroups = 0 : i32}
func.func private @odd_k_kernel(%x: tensor<256x45xf16>, %w: tensor<45x1024xf16>) -> tensor<256x1024xf32> attributes {aicc.kernel} {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<256x1024xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<256x1024xf32>) -> tensor<256x1024xf32>
  %mm = linalg.matmul {aicc.schedule = #aicc.schedule<thread_tile = [64, 64, 32], vector_tile = [32, 32, 16], order = [0, 1, 2], parallel = [0, 1], unroll = 1, source = "explicit", mma = "m16n8k16_f16", stages = 1>}
      ins(%x, %w : tensor<256x45xf16>, tensor<45x1024xf16>) outs(%f : tensor<256x1024xf32>) -> tensor<256x1024xf32>
  return %mm : tensor<256x1024xf32>
}
