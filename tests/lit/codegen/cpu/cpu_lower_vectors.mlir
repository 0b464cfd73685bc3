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

// A reduction of the innermost dimension (a partial reduction's merge) is
// halved with elementwise ops, all rows at once, and the accumulator
// combined last; LLVM would expand one reduction per row lane by lane.
// CHECK-LABEL: func.func @lanes_tree
// CHECK-NOT: vector.multi_reduction
// CHECK-NOT: vector.reduction
// CHECK: vector.extract_strided_slice %{{.*}} {offsets = [0, 16], sizes = [4, 16], strides = [1, 1]} : vector<4x32xf32> to vector<4x16xf32>
// CHECK: arith.maximumf {{.*}} : vector<4x16xf32>
// CHECK: arith.maximumf {{.*}} : vector<4x8xf32>
// CHECK: arith.maximumf {{.*}} : vector<4x1xf32>
// CHECK: vector.insert {{.*}} [3] : f32 into vector<4xf32>
// CHECK: arith.maximumf %{{.*}}, %arg1 : vector<4xf32>
// CHECK: arith.addf {{.*}} : vector<8xf32>
// CHECK: vector.extract %{{.*}}[0] : f32 from vector<1xf32>
// CHECK: arith.addf %{{.*}}, %arg3 : f32
func.func @lanes_tree(%v: vector<4x32xf32>, %acc: vector<4xf32>, %w: vector<16xf32>, %s: f32) -> (vector<4xf32>, f32) {
  %0 = vector.multi_reduction <maximumf>, %v, %acc [1] : vector<4x32xf32> to vector<4xf32>
  %1 = vector.multi_reduction <add>, %w, %s [0] : vector<16xf32> to f32
  return %0, %1 : vector<4xf32>, f32
}

// A clamp by constants that are not NaN (ReLU6) becomes compare + select
// (one maxps/minps each on x86; a NaN x still comes out); a max of two
// variables, or by a NaN constant, keeps maximumf's NaN rule.
// CHECK-LABEL: func.func @relu6
// CHECK-DAG: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// CHECK-DAG: %[[SIX:.*]] = arith.constant dense<6.000000e+00> : vector<16xf32>
// CHECK: %[[LOW:.*]] = arith.cmpf olt, %arg0, %[[ZERO]] : vector<16xf32>
// CHECK: %[[UP:.*]] = arith.select %[[LOW]], %[[ZERO]], %arg0
// CHECK: %[[HIGH:.*]] = arith.cmpf ogt, %[[UP]], %[[SIX]] : vector<16xf32>
// CHECK: %[[OUT:.*]] = arith.select %[[HIGH]], %[[SIX]], %[[UP]]
// CHECK: arith.maximumf %[[OUT]], %arg1
// CHECK: arith.maximumf %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK-NOT: arith.minimumf
func.func @relu6(%x: vector<16xf32>, %y: vector<16xf32>) -> vector<16xf32> {
  %zero = arith.constant dense<0.0> : vector<16xf32>
  %six = arith.constant dense<6.0> : vector<16xf32>
  %nan = arith.constant dense<0x7FC00000> : vector<16xf32>
  %0 = arith.maximumf %x, %zero : vector<16xf32>
  %1 = arith.minimumf %0, %six : vector<16xf32>
  %2 = arith.maximumf %1, %y : vector<16xf32>
  %3 = arith.maximumf %2, %nan : vector<16xf32>
  return %3 : vector<16xf32>
}
