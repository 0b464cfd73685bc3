// RUN: aicc-opt %s -aicc-cpu-prefetch='distance=16 min-bytes=0' | FileCheck %s
// RUN: aicc-opt %s -aicc-cpu-prefetch | FileCheck %s --check-prefix=CACHED

// With the default threshold (1 MiB, the L2), these panels stay in cache
// and get no prefetch in the loop; the epilogue's load still gets its one.
// CACHED-LABEL: func.func private @panel_kernel
// CACHED-NOT: memref.prefetch
// CACHED-LABEL: func.func private @residual_kernel
// CACHED-COUNT-2: memref.prefetch %arg1
// CACHED-NOT: memref.prefetch

// A register tile's reduction loop after lowering: a broadcast scalar of the
// left operand and a 32-float vector of a packed panel per step. The panel
// load gets a prefetch of each of its two cache lines 16 steps ahead,
// clamped to the last step (127); the scalar load gets none.

// CHECK-LABEL: func.func private @panel_kernel
// CHECK: scf.for %[[K:.*]] = %c0 to %c128 step %c1
// CHECK: %[[AHEAD:.*]] = arith.addi %[[K]], %c16
// CHECK: %[[STEP:.*]] = arith.minsi %[[AHEAD]], %c127
// CHECK: memref.prefetch %{{.*}}[%{{.*}}, %[[STEP]], %c0], read, locality<3>, data : memref<4x128x32xf32>
// CHECK: %[[SECOND:.*]] = arith.addi %c0{{.*}}, %c16
// CHECK: memref.prefetch %{{.*}}[%{{.*}}, %[[STEP]], %[[SECOND]]], read, locality<3>, data : memref<4x128x32xf32>
// CHECK-NEXT: vector.load %{{.*}} : memref<4x128x32xf32>, vector<32xf32>
// CHECK-NOT: memref.prefetch
// CHECK: vector.fma
func.func private @panel_kernel(%a: memref<8x128xf32>, %w: memref<4x128x32xf32>, %p: index, %row: index) -> vector<32xf32> attributes {aicc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  %zero = arith.constant dense<0.0> : vector<32xf32>
  %r = scf.for %k = %c0 to %c128 step %c1 iter_args(%acc = %zero) -> (vector<32xf32>) {
    %s = vector.load %a[%row, %k] : memref<8x128xf32>, vector<1xf32>
    %b = vector.load %w[%p, %k, %c0] : memref<4x128x32xf32>, vector<32xf32>
    %e = vector.extract %s[0] : f32 from vector<1xf32>
    %x = vector.broadcast %e : f32 to vector<32xf32>
    %f = vector.fma %x, %b, %acc : vector<32xf32>
    scf.yield %f : vector<32xf32>
  }
  return %r : vector<32xf32>
}

// The same reduction loop inside a loop over register tiles (7 tiles of 7
// rows reuse one panel from cache): each panel load prefetches the next
// panel (p + 1, clamped to 3) at step (r * 128 + k) / 7 in tile r, instead
// of steps ahead in its own panel.

// CHECK-LABEL: func.func private @next_panel_kernel
// CHECK: scf.for %[[ROW:.*]] = %c0 to %c49 step %c7
// CHECK: scf.for %[[K:.*]] = %c0 to %c128 step %c1
// CHECK: %[[NEXT:.*]] = arith.addi %arg2, %c1
// CHECK: %[[P:.*]] = arith.minsi %[[NEXT]], %c3
// CHECK: %[[TILE:.*]] = arith.divui %[[ROW]], %c7
// CHECK: %[[BASE:.*]] = arith.muli %[[TILE]], %c128
// CHECK: %[[AT:.*]] = arith.addi %[[BASE]], %[[K]]
// CHECK: %[[STEP:.*]] = arith.divui %[[AT]], %c7
// CHECK: memref.prefetch %arg1[%[[P]], %[[STEP]], %c0], read, locality<3>, data : memref<4x128x32xf32>
// CHECK: memref.prefetch %arg1[%[[P]], %[[STEP]], %{{.*}}], read, locality<3>, data : memref<4x128x32xf32>
// CHECK-NEXT: vector.load %arg1[%arg2, %[[K]], %c0]
// CHECK-NOT: memref.prefetch
// CHECK: vector.fma
func.func private @next_panel_kernel(%a: memref<49x128xf32>, %w: memref<4x128x32xf32>, %p: index) attributes {aicc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c7 = arith.constant 7 : index
  %c49 = arith.constant 49 : index
  %c128 = arith.constant 128 : index
  %zero = arith.constant dense<0.0> : vector<32xf32>
  scf.for %row = %c0 to %c49 step %c7 {
    %r = scf.for %k = %c0 to %c128 step %c1 iter_args(%acc = %zero) -> (vector<32xf32>) {
      %s = vector.load %a[%row, %k] : memref<49x128xf32>, vector<1xf32>
      %b = vector.load %w[%p, %k, %c0] : memref<4x128x32xf32>, vector<32xf32>
      %e = vector.extract %s[0] : f32 from vector<1xf32>
      %x = vector.broadcast %e : f32 to vector<32xf32>
      %f = vector.fma %x, %b, %acc : vector<32xf32>
      scf.yield %f : vector<32xf32>
    }
    vector.store %r, %a[%row, %c0] : memref<49x128xf32>, vector<32xf32>
  }
  return
}

// A loop without FMAs (a copy) gets no prefetch.

// CHECK-LABEL: func.func private @copy_kernel
// CHECK-NOT: memref.prefetch
func.func private @copy_kernel(%w: memref<4x128x32xf32>, %out: memref<4x128x32xf32>) attributes {aicc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  scf.for %k = %c0 to %c128 step %c1 {
    %b = vector.load %w[%c0, %k, %c0] : memref<4x128x32xf32>, vector<32xf32>
    vector.store %b, %out[%c0, %k, %c0] : memref<4x128x32xf32>, vector<32xf32>
  }
  return
}

// An epilogue load of a kernel argument after the reduction loop (a
// residual tile) is prefetched before the loop, its index computed there.

// CHECK-LABEL: func.func private @residual_kernel
// CHECK: %[[ROW:.*]] = affine.apply #{{.*}}()[%arg2]
// CHECK: memref.prefetch %arg1[%[[ROW]], %c0], read, locality<3>, data : memref<64x32xf32>
// CHECK: memref.prefetch %arg1[%[[ROW]], %{{.*}}], read, locality<3>, data : memref<64x32xf32>
// CHECK: scf.for
// CHECK: vector.fma
// CHECK: scf.yield
// CHECK: vector.load %arg1
func.func private @residual_kernel(%w: memref<4x128x32xf32>, %res: memref<64x32xf32>, %tile: index) -> vector<32xf32> attributes {aicc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  %zero = arith.constant dense<0.0> : vector<32xf32>
  %r = scf.for %k = %c0 to %c128 step %c1 iter_args(%acc = %zero) -> (vector<32xf32>) {
    %b = vector.load %w[%c0, %k, %c0] : memref<4x128x32xf32>, vector<32xf32>
    %f = vector.fma %b, %b, %acc : vector<32xf32>
    scf.yield %f : vector<32xf32>
  }
  %row = affine.apply affine_map<()[s0] -> (s0 + 3)>()[%tile]
  %x = vector.load %res[%row, %c0] : memref<64x32xf32>, vector<32xf32>
  %s = arith.addf %r, %x : vector<32xf32>
  return %s : vector<32xf32>
}
