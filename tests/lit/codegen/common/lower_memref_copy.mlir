// RUN: aicc-opt %s -aicc-lower-memref-copy='vectorize=true' | FileCheck %s
// RUN: aicc-opt %s -aicc-lower-memref-copy | FileCheck %s --check-prefix=SCALAR

// A bufferized pad: the buffer is filled only outside the copied box (the
// rows above and below it, then the columns left and right of it within its
// rows), and the interior rows are copied with vector transfers.

// CHECK-LABEL: func.func @pad
// CHECK-DAG: %[[TOP:.*]] = memref.subview %arg1[0, 0] [1, 8] [1, 1]
// CHECK-DAG: linalg.fill ins(%{{.*}} : f32) outs(%[[TOP]]
// CHECK-DAG: %[[BOTTOM:.*]] = memref.subview %arg1[5, 0] [1, 8] [1, 1]
// CHECK-DAG: %[[LEFT:.*]] = memref.subview %arg1[1, 0] [4, 2] [1, 1]
// CHECK-DAG: %[[RIGHT:.*]] = memref.subview %arg1[1, 7] [4, 1] [1, 1]
// CHECK-NOT: linalg.map
// CHECK: scf.for
// CHECK: vector.transfer_read %arg0[%{{.*}}, %{{.*}}], %{{.*}} {in_bounds = [true]} : memref<4x5xf32>, vector<5xf32>
// CHECK: vector.transfer_write
// SCALAR-LABEL: func.func @pad
// SCALAR: linalg.map
// SCALAR: linalg.copy
func.func @pad(%src: memref<4x5xf32>, %dst: memref<6x8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.map outs(%dst : memref<6x8xf32>)
    (%init: f32) {
      linalg.yield %zero : f32
    }
  %box = memref.subview %dst[1, 2] [4, 5] [1, 1] : memref<6x8xf32> to memref<4x5xf32, strided<[8, 1], offset: 10>>
  memref.copy %src, %box : memref<4x5xf32> to memref<4x5xf32, strided<[8, 1], offset: 10>>
  return
}

// A large copy in a function's body (a padded image's interior) runs its
// outer loops as an scf.parallel (the threads take rows); inside a loop it
// stays serial (the enclosing loop is already distributed).
// CHECK-LABEL: func.func @big_copy
// CHECK: scf.parallel (%[[C:.*]], %[[Y:.*]]) = (%c0, %c0) to (%c64, %c56) step (%c1, %c1)
// CHECK: scf.for %[[X:.*]] = %c0 to %c56 step %c56
// CHECK: vector.transfer_read %arg0[%[[C]], %[[Y]], %[[X]]]{{.*}} : memref<64x56x56xf32>, vector<56xf32>
// CHECK-LABEL: func.func @copy_in_loop
// CHECK-NOT: scf.parallel
func.func @big_copy(%src: memref<64x56x56xf32>, %dst: memref<64x58x58xf32>) {
  %box = memref.subview %dst[0, 1, 1] [64, 56, 56] [1, 1, 1] : memref<64x58x58xf32> to memref<64x56x56xf32, strided<[3364, 58, 1], offset: 59>>
  memref.copy %src, %box : memref<64x56x56xf32> to memref<64x56x56xf32, strided<[3364, 58, 1], offset: 59>>
  return
}
func.func @copy_in_loop(%src: memref<64x56x56xf32>, %dst: memref<64x56x56xf32>) {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %c2 step %c1 {
    memref.copy %src, %dst : memref<64x56x56xf32> to memref<64x56x56xf32>
  }
  return
}
