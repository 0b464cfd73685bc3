// RUN: aicc-opt %s -split-input-file -aicc-expand-bf16 | FileCheck %s

// A truncation to bf16 becomes integer arithmetic on the bits (round to
// nearest even: + 0x7FFF + the kept part's lowest bit).
// CHECK-LABEL: func.func @trunc
// CHECK-NOT: arith.truncf
// CHECK: arith.constant dense<32767> : vector<8xi32>
// CHECK: arith.shrui
// CHECK: arith.bitcast {{.*}} : vector<8xi16> to vector<8xbf16>
func.func @trunc(%x: vector<8xf32>) -> vector<8xbf16> {
  %0 = arith.truncf %x : vector<8xf32> to vector<8xbf16>
  return %0 : vector<8xbf16>
}

// -----

// Loads and stores of bf16 data (plain and masked, scalars and vectors)
// move i16 bits; here nothing in between reads the values as bf16, so the
// bitcasts there and back fold away.
// CHECK-LABEL: llvm.func @memory
// CHECK: %[[V:.*]] = llvm.load %{{.*}} {alignment = 2 : i64} : !llvm.ptr -> vector<16xi16>
// CHECK: %[[S:.*]] = llvm.load %{{.*}} : !llvm.ptr -> i16
// CHECK: %[[M:.*]] = llvm.intr.masked.load %{{.*}}, %{{.*}}, %{{.*}} {alignment = 2 : i32} : (!llvm.ptr, vector<16xi1>, vector<16xi16>) -> vector<16xi16>
// CHECK: llvm.store %[[V]], %{{.*}} {alignment = 2 : i64} : vector<16xi16>, !llvm.ptr
// CHECK: llvm.store %[[S]], %{{.*}} : i16, !llvm.ptr
// CHECK: llvm.intr.masked.store %[[M]], %{{.*}}, %{{.*}} {alignment = 2 : i32} : vector<16xi16>, vector<16xi1> into !llvm.ptr
llvm.func @memory(%p: !llvm.ptr, %q: !llvm.ptr, %mask: vector<16xi1>, %pass: vector<16xbf16>) {
  %v = llvm.load %p {alignment = 2 : i64} : !llvm.ptr -> vector<16xbf16>
  %s = llvm.load %p : !llvm.ptr -> bf16
  %m = llvm.intr.masked.load %p, %mask, %pass {alignment = 2 : i32} : (!llvm.ptr, vector<16xi1>, vector<16xbf16>) -> vector<16xbf16>
  llvm.store %v, %q {alignment = 2 : i64} : vector<16xbf16>, !llvm.ptr
  llvm.store %s, %q : bf16, !llvm.ptr
  llvm.intr.masked.store %m, %q, %mask {alignment = 2 : i32} : vector<16xbf16>, vector<16xi1> into !llvm.ptr
  llvm.return
}
