// RUN: aicc-opt %s -split-input-file -aicc-gpu-map-loops | FileCheck %s

// A kernel's thread-tile loop is split into blocks of the recorded shape
// (2 x 128 tiles): the outer loop goes to the grid, the inner one to the
// block's threads, innermost on x.

// CHECK-LABEL: func.func private @matmul_kernel
// CHECK: scf.parallel
// CHECK: scf.parallel
// CHECK: linalg.matmul
// CHECK-NOT: aicc.gpu_block
// CHECK: mapping = [#gpu.loop_dim_map<processor = thread_y, {{.*}}>, #gpu.loop_dim_map<processor = thread_x, {{.*}}>]
// CHECK: mapping = [#gpu.loop_dim_map<processor = block_y, {{.*}}>, #gpu.loop_dim_map<processor = block_x, {{.*}}>]
func.func private @matmul_kernel(%a: memref<128x64xf32>, %b: memref<64x512xf32>, %c: memref<128x512xf32>) attributes {aicc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  %c512 = arith.constant 512 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c128, %c512) step (%c1, %c1) {
    %sa = memref.subview %a[%i, 0] [1, 64] [1, 1] : memref<128x64xf32> to memref<1x64xf32, strided<[64, 1], offset: ?>>
    %sb = memref.subview %b[0, %j] [64, 1] [1, 1] : memref<64x512xf32> to memref<64x1xf32, strided<[512, 1], offset: ?>>
    %sc = memref.subview %c[%i, %j] [1, 1] [1, 1] : memref<128x512xf32> to memref<1x1xf32, strided<[512, 1], offset: ?>>
    linalg.matmul {aicc.gpu_block = array<i64: 2, 128>, aicc.gpu_trips = array<i64: 128, 512>}
        ins(%sa, %sb : memref<1x64xf32, strided<[64, 1], offset: ?>>, memref<64x1xf32, strided<[512, 1], offset: ?>>)
        outs(%sc : memref<1x1xf32, strided<[512, 1], offset: ?>>)
    scf.reduce
  }
  return
}

// -----

// A copy between buffers on the host becomes a parallel loop on the GPU; a
// copy out of a constant global stays on the host.

// CHECK-LABEL: func.func @main
// CHECK: memref.copy %[[G:.*]], %{{.*}} : memref<4xf32> to memref<4xf32>
// CHECK: scf.parallel
// CHECK: memref.load %arg0
// CHECK: memref.store %{{.*}}, %arg1
// CHECK: mapping = [#gpu.loop_dim_map<processor = thread_y, {{.*}}>, #gpu.loop_dim_map<processor = thread_x, {{.*}}>]
// CHECK-NOT: memref.copy
memref.global "private" constant @w : memref<4xf32> = dense<1.0>
func.func @main(%x: memref<3x5xf32>, %y: memref<3x5xf32>, %z: memref<4xf32>) {
  %g = memref.get_global @w : memref<4xf32>
  memref.copy %g, %z : memref<4xf32> to memref<4xf32>
  memref.copy %x, %y : memref<3x5xf32> to memref<3x5xf32>
  return
}
