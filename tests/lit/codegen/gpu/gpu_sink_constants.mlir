// RUN: aicc-opt %s -aicc-gpu-sink-constants | FileCheck %s

// Constants a launch body uses are cloned into it (outlining would pass
// them as kernel arguments, unknown to the device compiler).

// CHECK-LABEL: func.func @k
// CHECK: gpu.launch
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[F:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: memref.store %[[F]], %{{.*}}[%[[ZERO]]]
func.func @k(%m: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %one = arith.constant 1.0 : f32
  gpu.launch blocks(%bx, %by, %bz) in (%x = %c1, %y = %c1, %z = %c1)
             threads(%tx, %ty, %tz) in (%a = %c1, %b = %c1, %c = %c1) {
    memref.store %one, %m[%c0] : memref<4xf32>
    gpu.terminator
  }
  return
}
