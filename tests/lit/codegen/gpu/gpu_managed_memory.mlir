// RUN: aicc-opt %s -aicc-gpu-managed-memory | FileCheck %s

// Host buffers become CUDA managed memory freed through the runtime;
// constants come from the runtime's cached managed copy; a per-thread
// scratch buffer inside a parallel loop becomes private memory.

// CHECK-LABEL: func.func @main
// CHECK: %[[G:.*]] = memref.get_global @w : memref<4xf32>
// CHECK: %[[ADDR:.*]] = memref.extract_aligned_pointer_as_index %[[G]]
// CHECK: %[[A64:.*]] = arith.index_cast %[[ADDR]] : index to i64
// CHECK: %[[BYTES:.*]] = arith.constant 16 : i64
// CHECK: %[[RAW:.*]] = call @aicc_cuda_constant(%[[A64]], %[[BYTES]]) : (i64, i64) -> memref<?xi8>
// CHECK: %[[W:.*]] = memref.view %[[RAW]][%{{.*}}][] : memref<?xi8> to memref<4xf32>
// CHECK: %[[T:.*]] = gpu.alloc host_shared () : memref<4xf32>
// CHECK: scf.forall
// CHECK: memref.alloca() : memref<2xf32>
// CHECK-NOT: memref.dealloc
// CHECK: memref.load %[[W]]
// CHECK: } {mapping
// CHECK: %[[P:.*]] = memref.extract_aligned_pointer_as_index %[[T]]
// CHECK: %[[P64:.*]] = arith.index_cast %[[P]] : index to i64
// CHECK: call @aicc_cuda_free(%[[P64]]) : (i64) -> ()
// CHECK: func.func private @aicc_cuda_free(i64)
// CHECK: func.func private @aicc_cuda_constant(i64, i64) -> memref<?xi8> attributes {llvm.emit_c_interface}
memref.global "private" constant @w : memref<4xf32> = dense<1.0>
func.func @main(%out: memref<4xf32>) {
  %g = memref.get_global @w : memref<4xf32>
  %t = memref.alloc() : memref<4xf32>
  scf.forall (%i) in (4) {
    %s = memref.alloc() : memref<2xf32>
    %v = memref.load %g[%i] : memref<4xf32>
    memref.store %v, %s[%i] : memref<2xf32>
    memref.store %v, %t[%i] : memref<4xf32>
    memref.dealloc %s : memref<2xf32>
  } {mapping = [#gpu.thread<x>]}
  memref.copy %t, %out : memref<4xf32> to memref<4xf32>
  memref.dealloc %t : memref<4xf32>
  return
}
