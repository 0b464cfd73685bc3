// RUN: aicc-opt %s -split-input-file -aicc-gpu-default-schedule='tensor-cores=true' | FileCheck %s --check-prefix=SCHED
// RUN: aicc-opt %s -split-input-file -aicc-gpu-default-schedule='tensor-cores=true' -aicc-gpu-tile-and-distribute -one-shot-bufferize='bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map' -aicc-gpu-mma | FileCheck %s --check-prefix=MMA
// RUN: aicc-opt %s -split-input-file -aicc-gpu-default-schedule='tensor-cores=true stages=2' -aicc-gpu-tile-and-distribute -one-shot-bufferize='bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map' -aicc-gpu-mma | FileCheck %s --check-prefix=STAGED

// An implicit-GEMM conv (aicc-conv-to-gemm implicit=true: a 3x3 conv with
// padding 1 of a [1, 16, 64, 64] image into 128 channels) is a gather
// contraction: the filter [128, 144] is its one input, the body reads B from
// the image. The heuristic gives it a tensor-core schedule as it would the
// im2col GEMM: m = f (loop 1), n = p (loop 2), k (loop 3).
// SCHED-LABEL: func.func private @implicit_conv_kernel
// SCHED: mma = "m16n8k8_tf32"

// Unstaged: each lane computes the image position of each B element it
// needs with a clone of the body's arithmetic (k into channel and tap, the
// tile's column plus its offset into row and column) and loads it from the
// image, zero outside it; A comes from the filter as for any GEMM. No
// im2col buffer exists.
// MMA-LABEL: func.func private @implicit_conv_kernel
// MMA-SAME: (%[[W:.*]]: memref<128x144xf32>, %[[X:.*]]: memref<1x16x64x64xf32>)
// MMA: scf.for %{{.*}} = %c0{{.*}} to %c144 step %c16 iter_args
// MMA: vector.load %{{.*}} : memref<16x144xf32, {{.*}}>, vector<2xf32>
// MMA: arith.divui %{{.*}}, %c9
// MMA: arith.remui %{{.*}}, %c9
// MMA: arith.divui %{{.*}}, %c64
// MMA: arith.remui %{{.*}}, %c64
// MMA: arith.cmpi sge
// MMA: memref.load %[[X]][%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : memref<1x16x64x64xf32>
// MMA: arith.select %{{.*}}, %{{.*}}, %{{.*}} : f32
// MMA: nvgpu.mma.sync
// MMA-NOT: linalg.generic {{.*}}"reduction"

// Staged (a 64x64 block from 2 stages): the filter's slices go to shared
// memory by cp.async, the image's by computed loads and stores (the
// gathered elements are not contiguous); fragments then come from shared
// memory.
// STAGED-LABEL: func.func private @implicit_conv_kernel
// STAGED: memref.alloc() : memref<2x64x20xf32, #gpu.address_space<workgroup>>
// STAGED: memref.alloc() : memref<2x16x68xf32, #gpu.address_space<workgroup>>
// STAGED: nvgpu.device_async_copy %[[W:.*]][
// STAGED: memref.load %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : memref<1x16x64x64xf32>
// STAGED: memref.store %{{.*}}, %{{.*}} : memref<2x16x68xf32, #gpu.address_space<workgroup>>
// STAGED: scf.for
// STAGED: gpu.barrier
// STAGED: nvgpu.mma.sync
#a = affine_map<(d0, d1, d2, d3) -> (d1, d3)>
#c = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
func.func private @implicit_conv_kernel(%w: tensor<128x144xf32>, %x: tensor<1x16x64x64xf32>) -> tensor<1x128x4096xf32> attributes {aicc.kernel} {
  %cst = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c9 = arith.constant 9 : index
  %c64 = arith.constant 64 : index
  %e = tensor.empty() : tensor<1x128x4096xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x128x4096xf32>) -> tensor<1x128x4096xf32>
  %0 = linalg.generic {indexing_maps = [#a, #c], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%w : tensor<128x144xf32>) outs(%f : tensor<1x128x4096xf32>) {
  ^bb0(%in: f32, %out: f32):
    %p = linalg.index 2 : index
    %k = linalg.index 3 : index
    %ch = arith.divui %k, %c9 : index
    %tap = arith.remui %k, %c9 : index
    %i = arith.divui %tap, %c3 : index
    %j = arith.remui %tap, %c3 : index
    %y = arith.divui %p, %c64 : index
    %x0 = arith.remui %p, %c64 : index
    %r0 = arith.addi %y, %i : index
    %s0 = arith.addi %x0, %j : index
    %r = arith.subi %r0, %c1 : index
    %s = arith.subi %s0, %c1 : index
    %t0 = arith.cmpi sge, %r, %c0 : index
    %t1 = arith.cmpi slt, %r, %c64 : index
    %t2 = arith.cmpi sge, %s, %c0 : index
    %t3 = arith.cmpi slt, %s, %c64 : index
    %a0 = arith.andi %t0, %t1 : i1
    %a1 = arith.andi %a0, %t2 : i1
    %inside = arith.andi %a1, %t3 : i1
    %rc = arith.select %inside, %r, %c0 : index
    %sc = arith.select %inside, %s, %c0 : index
    %v = tensor.extract %x[%c0, %ch, %rc, %sc] : tensor<1x16x64x64xf32>
    %b = arith.select %inside, %v, %cst : f32
    %m = arith.mulf %in, %b : f32
    %sum = arith.addf %m, %out : f32
    linalg.yield %sum : f32
  } -> tensor<1x128x4096xf32>
  return %0 : tensor<1x128x4096xf32>
}
