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

// -----

// bf16 values that are only moved (a loop-carried vector, a constant,
// elements taken out and put in, a select) become i16 throughout, constants
// keeping their bits (1.0 is 0x3F80), so LLVM has no bf16 vector to
// legalize through f32.
// CHECK-LABEL: llvm.func @moves
// CHECK-SAME: (%{{.*}}: !llvm.ptr, %{{.*}}: i1) -> i16
// CHECK-NOT: bf16
// CHECK: llvm.mlir.constant(dense<16256> : vector<25xi16>) : vector<25xi16>
// CHECK: llvm.mlir.poison : vector<1xi16>
// CHECK: ^bb1(%{{.*}}: vector<25xi16>):
// CHECK: llvm.extractelement %{{.*}} : vector<25xi16>
// CHECK: llvm.insertelement %{{.*}} : vector<1xi16>
// CHECK: llvm.select %{{.*}}, %{{.*}}, %{{.*}} : i1, vector<25xi16>
// CHECK: llvm.getelementptr %{{.*}}[1] : (!llvm.ptr) -> !llvm.ptr, i16
// CHECK-NOT: llvm.bitcast
// CHECK: llvm.return %{{.*}} : i16
llvm.func @moves(%p: !llvm.ptr, %c: i1) -> bf16 {
  %one = llvm.mlir.constant(dense<1.0> : vector<25xbf16>) : vector<25xbf16>
  %i = llvm.mlir.constant(3 : i64) : i64
  %poison = llvm.mlir.poison : vector<1xbf16>
  llvm.br ^bb1(%one : vector<25xbf16>)
^bb1(%v: vector<25xbf16>):
  %e = llvm.extractelement %v[%i : i64] : vector<25xbf16>
  %w = llvm.insertelement %e, %poison[%i : i64] : vector<1xbf16>
  %l = llvm.load %p : !llvm.ptr -> vector<25xbf16>
  %s = llvm.select %c, %l, %v : i1, vector<25xbf16>
  %q = llvm.getelementptr %p[1] : (!llvm.ptr) -> !llvm.ptr, bf16
  llvm.store %s, %q : vector<25xbf16>, !llvm.ptr
  llvm.store %w, %p : vector<1xbf16>, !llvm.ptr
  llvm.cond_br %c, ^bb1(%s : vector<25xbf16>), ^bb2
^bb2:
  llvm.return %e : bf16
}

// -----

// Arithmetic on bf16 left in a function (none is after the f32 emulation):
// its types stay.
// CHECK-LABEL: llvm.func @arithmetic
// CHECK: llvm.fadd %{{.*}}, %{{.*}} : vector<4xbf16>
llvm.func @arithmetic(%a: vector<4xbf16>) -> vector<4xbf16> {
  %0 = llvm.fadd %a, %a : vector<4xbf16>
  llvm.return %0 : vector<4xbf16>
}
