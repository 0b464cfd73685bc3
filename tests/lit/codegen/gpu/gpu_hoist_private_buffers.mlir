// RUN: aicc-opt %s -aicc-gpu-hoist-private-buffers | FileCheck %s

// A private buffer inside a loop moves to the entry block; a buffer in
// workgroup memory becomes a workgroup attribution (one per block), aligned
// to 16 bytes for cp.async and vector loads.
// CHECK-LABEL: gpu.func @kernel
// CHECK-SAME: workgroup(%[[SHARED:.*]] : memref<2x64x40xf16, #gpu.address_space<workgroup>> {llvm.align = 16 : i64})
// CHECK-NEXT: memref.alloca() : memref<4xf32>
// CHECK-NOT: memref.alloc()
// CHECK: memref.store %{{.*}}, %[[SHARED]]
gpu.module @m {
  gpu.func @kernel(%n: index, %v: f16) kernel {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %s = memref.alloc() : memref<2x64x40xf16, #gpu.address_space<workgroup>>
    scf.for %i = %c0 to %n step %c1 {
      %p = memref.alloca() : memref<4xf32>
      %f = arith.extf %v : f16 to f32
      memref.store %f, %p[%c0] : memref<4xf32>
      memref.store %v, %s[%c0, %i, %c0] : memref<2x64x40xf16, #gpu.address_space<workgroup>>
    }
    gpu.return
  }
}
