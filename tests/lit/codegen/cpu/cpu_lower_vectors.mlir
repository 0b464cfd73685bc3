// RUN: aicc-opt %s --pass-pipeline='builtin.module(func.func(aicc-cpu-lower-vectors))' | FileCheck %s

// Transcendentals on f32 vectors become polynomial approximations (vector
// FMAs), which LLVM keeps as vectors; libm would be called once per lane.
// CHECK-LABEL: func.func @gelu_tail
// CHECK-NOT: math.erf
// CHECK-NOT: math.exp
// CHECK-NOT: math.tanh
// CHECK: math.fma {{.*}} : vector<8x32xf32>
func.func @gelu_tail(%x: vector<8x32xf32>) -> (vector<8x32xf32>, vector<8x32xf32>, vector<8x32xf32>) {
  %e = math.erf %x : vector<8x32xf32>
  %x2 = math.exp %x : vector<8x32xf32>
  %t = math.tanh %x : vector<8x32xf32>
  return %e, %x2, %t : vector<8x32xf32>, vector<8x32xf32>, vector<8x32xf32>
}

// Scalars keep calling libm (exact to the last bit), and so do f64 vectors.
// CHECK-LABEL: func.func @kept
// CHECK: math.erf {{.*}} : f32
// CHECK: math.exp {{.*}} : vector<4xf64>
func.func @kept(%s: f32, %d: vector<4xf64>) -> (f32, vector<4xf64>) {
  %e = math.erf %s : f32
  %x = math.exp %d : vector<4xf64>
  return %e, %x : f32, vector<4xf64>
}
