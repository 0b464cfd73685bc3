// RUN: aicc-opt %s -aicc-gpu-drop-dead-buffers | FileCheck %s

// A host buffer that only gets freed (a pooling window's shape operand once
// its loads are gone) goes with its free; one a kernel writes stays, and so
// does one whose address has another use.

func.func private @aicc_cuda_free(i64)

// CHECK-LABEL: func.func @kernel
// CHECK-NOT: memref<3x3xf32>
// CHECK: %[[OUT:.*]] = gpu.alloc host_shared () : memref<4xf32>
// CHECK: %[[KEPT:.*]] = gpu.alloc host_shared () : memref<2xf32>
// CHECK: gpu.launch
// CHECK: memref.store %{{.*}}, %[[OUT]]
// CHECK: %[[A:.*]] = memref.extract_aligned_pointer_as_index %[[OUT]]
// CHECK: call @aicc_cuda_free
// CHECK: %[[K:.*]] = memref.extract_aligned_pointer_as_index %[[KEPT]]
// CHECK: call @aicc_cuda_free
// CHECK: return %[[K]]
// CHECK-NOT: call @aicc_cuda_free
func.func @kernel() -> index {
  %window = gpu.alloc host_shared () : memref<3x3xf32>
  %out = gpu.alloc host_shared () : memref<4xf32>
  %kept = gpu.alloc host_shared () : memref<2xf32>
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c4, %sy = %c1, %sz = %c1) {
    memref.store %zero, %out[%tx] : memref<4xf32>
    gpu.terminator
  }
  %w = memref.extract_aligned_pointer_as_index %window : memref<3x3xf32> -> index
  %w64 = arith.index_cast %w : index to i64
  call @aicc_cuda_free(%w64) : (i64) -> ()
  %o = memref.extract_aligned_pointer_as_index %out : memref<4xf32> -> index
  %o64 = arith.index_cast %o : index to i64
  call @aicc_cuda_free(%o64) : (i64) -> ()
  %k = memref.extract_aligned_pointer_as_index %kept : memref<2xf32> -> index
  %k64 = arith.index_cast %k : index to i64
  call @aicc_cuda_free(%k64) : (i64) -> ()
  return %k : index
}
