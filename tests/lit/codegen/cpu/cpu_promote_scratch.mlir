// RUN: aicc-opt %s -aicc-cpu-promote-scratch | FileCheck %s

// A kernel's per-tile scratch buffer inside an OpenMP parallel region moves
// to the start of the region (one per thread) as a stack allocation; its
// dealloc goes.

// CHECK-LABEL: func.func private @tile_scratch
// CHECK: omp.parallel {
// CHECK-NEXT: %[[BUF:.*]] = memref.alloca() {alignment = 64 : i64} : memref<8x32xf32>
// CHECK: omp.wsloop
// CHECK: memref.alloca_scope
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[BUF]] : memref<8x32xf32>)
// CHECK-NOT: memref.alloc()
// CHECK-NOT: memref.dealloc
func.func private @tile_scratch(%out: memref<64x32xf32>) attributes {aicc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%c8) step (%c1) {
        memref.alloca_scope {
          %buf = memref.alloc() {alignment = 64 : i64} : memref<8x32xf32>
          linalg.fill ins(%zero : f32) outs(%buf : memref<8x32xf32>)
          %row = arith.muli %i, %c8 : index
          %dst = memref.subview %out[%row, 0] [8, 32] [1, 1] : memref<64x32xf32> to memref<8x32xf32, strided<[32, 1], offset: ?>>
          memref.copy %buf, %dst : memref<8x32xf32> to memref<8x32xf32, strided<[32, 1], offset: ?>>
          memref.dealloc %buf : memref<8x32xf32>
        }
        omp.yield
      }
    }
    omp.terminator
  }
  return
}

// Left on the heap: too large (above max-bytes), or returned.

// CHECK-LABEL: func.func private @kept
// CHECK: memref.alloc() : memref<128x1024xf32>
// CHECK: memref.dealloc
// CHECK: memref.alloc() : memref<4xf32>
// CHECK-NOT: memref.alloca
func.func private @kept(%x: f32) -> memref<4xf32> attributes {aicc.kernel} {
  %big = memref.alloc() : memref<128x1024xf32>
  linalg.fill ins(%x : f32) outs(%big : memref<128x1024xf32>)
  memref.dealloc %big : memref<128x1024xf32>
  %r = memref.alloc() : memref<4xf32>
  linalg.fill ins(%x : f32) outs(%r : memref<4xf32>)
  return %r : memref<4xf32>
}
