// RUN: aicc-opt %s --aicc-plan-memory --split-input-file | FileCheck %s

// Three intermediates of a chain: %a dies when %c is born, so they share
// offset 0; %b overlaps both and goes above the largest. Views of a buffer
// keep it alive; deallocations go; @main takes the workspace last.

func.func private @k(memref<16xf32>, memref<16xf32>)
func.func private @k2(memref<4x4xf32>, memref<8xf32>)

// CHECK: module attributes {aicc.workspace_bytes = 128 : i64}
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[IN:.*]]: memref<16xf32>, %[[OUT:.*]]: memref<2x4xf32>,
// CHECK-SAME: %[[WS:.*]]: memref<?xi8> {aicc.name = "aicc.workspace"})
func.func @main(%in: memref<16xf32>, %out: memref<2x4xf32>) {
  // CHECK: %[[C0:.*]] = arith.constant 0 : index
  // CHECK: %[[A:.*]] = memref.view %[[WS]][%[[C0]]][] : memref<?xi8> to memref<16xf32>
  %a = memref.alloc() : memref<16xf32>
  call @k(%in, %a) : (memref<16xf32>, memref<16xf32>) -> ()
  // CHECK: %[[C64:.*]] = arith.constant 64 : index
  // CHECK: %[[B:.*]] = memref.view %[[WS]][%[[C64]]][] : memref<?xi8> to memref<16xf32>
  %b = memref.alloc() : memref<16xf32>
  call @k(%a, %b) : (memref<16xf32>, memref<16xf32>) -> ()
  %v = memref.expand_shape %b [[0, 1]] output_shape [4, 4] : memref<16xf32> into memref<4x4xf32>
  // CHECK: %[[C0B:.*]] = arith.constant 0 : index
  // CHECK: memref.view %[[WS]][%[[C0B]]][] : memref<?xi8> to memref<8xf32>
  %c = memref.alloc() : memref<8xf32>
  call @k2(%v, %c) : (memref<4x4xf32>, memref<8xf32>) -> ()
  %cv = memref.expand_shape %c [[0, 1]] output_shape [2, 4] : memref<8xf32> into memref<2x4xf32>
  memref.copy %cv, %out : memref<2x4xf32> to memref<2x4xf32>
  // CHECK-NOT: memref.alloc
  // CHECK-NOT: memref.dealloc
  memref.dealloc %a : memref<16xf32>
  memref.dealloc %b : memref<16xf32>
  memref.dealloc %c : memref<8xf32>
  return
}

// -----

// The model's result: a buffer only copied into an output parameter at the
// end is that parameter (the kernel writes the caller's buffer).
func.func private @k(memref<16xf32>, memref<16xf32>)
// CHECK: module attributes {aicc.workspace_bytes = 64 : i64}
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[IN:.*]]: memref<16xf32>, %[[OUT:.*]]: memref<16xf32>,
// CHECK: %[[A:.*]] = memref.view
// CHECK: call @k(%[[IN]], %[[A]])
// CHECK: call @k(%[[A]], %[[OUT]])
// CHECK-NOT: memref.copy
// CHECK: return
func.func @main(%in: memref<16xf32>, %out: memref<16xf32>) {
  %a = memref.alloc() : memref<16xf32>
  call @k(%in, %a) : (memref<16xf32>, memref<16xf32>) -> ()
  %b = memref.alloc() : memref<16xf32>
  call @k(%a, %b) : (memref<16xf32>, memref<16xf32>) -> ()
  memref.copy %b, %out : memref<16xf32> to memref<16xf32>
  memref.dealloc %a : memref<16xf32>
  memref.dealloc %b : memref<16xf32>
  return
}

// -----

// A buffer used after its copy into the output keeps the copy.
func.func private @k(memref<16xf32>, memref<16xf32>)
// CHECK-LABEL: func.func @main(
// CHECK: memref.copy
func.func @main(%in: memref<16xf32>, %out: memref<16xf32>, %out2: memref<16xf32>) {
  %b = memref.alloc() : memref<16xf32>
  call @k(%in, %b) : (memref<16xf32>, memref<16xf32>) -> ()
  memref.copy %b, %out : memref<16xf32> to memref<16xf32>
  call @k(%b, %out2) : (memref<16xf32>, memref<16xf32>) -> ()
  memref.dealloc %b : memref<16xf32>
  return
}

// -----

// A buffer that escapes (returned) stays an allocation; dynamic shapes too.
// CHECK: module attributes {aicc.workspace_bytes = 0 : i64}
// CHECK-LABEL: func.func @main(
// CHECK-SAME: memref<?xi8>
func.func @main(%n: index) -> memref<4xf32> {
  // CHECK: memref.alloc() : memref<4xf32>
  %a = memref.alloc() : memref<4xf32>
  // CHECK: memref.alloc(%{{.*}}) : memref<?xf32>
  %d = memref.alloc(%n) : memref<?xf32>
  memref.dealloc %d : memref<?xf32>
  return %a : memref<4xf32>
}
