// RUN: aicc-opt %s -split-input-file -aicc-cpu-pack-weights='vector-bits=512' --mlir-print-elementsattrs-with-hex-if-larger=1000 | FileCheck %s
// RUN: aicc-opt %s -split-input-file -aicc-cpu-pack-weights='vector-bits=256' --mlir-print-elementsattrs-with-hex-if-larger=1000 | FileCheck %s --check-prefix=AVX2

// A constant [K=2, N=64] weight becomes panels [N/32, K, 32]: panel p holds
// columns 32p..32p+31 of every row, row after row. The contraction runs on
// the output viewed as [4, 2, 32]; the bias epilogue reads that view too,
// and only its result is viewed back as [4, 64].

#a = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (k, n)>
#o = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
#col = affine_map<(m, n) -> (n)>
// CHECK-LABEL: func.func @dense_bias
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[}}{{\[}}[0.000000e+00, 1.000000e+00, {{.*}}, 3.100000e+01], [6.400000e+01, {{.*}}, 9.500000e+01]], {{\[}}[3.200000e+01, {{.*}}, 6.300000e+01], [9.600000e+01, {{.*}}, 1.270000e+02]]]> : tensor<2x2x32xf32>
// CHECK: %[[MM:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]{{.*}} ins(%{{.*}}, %[[W]] : tensor<4x2xf32>, tensor<2x2x32xf32>) outs(%{{.*}} : tensor<4x2x32xf32>)
// CHECK: %[[EPI:.*]] = linalg.generic {{.*}} ins(%[[MM]], %{{.*}} : tensor<4x2x32xf32>, tensor<2x32xf32>) outs(%{{.*}} : tensor<4x2x32xf32>)
// CHECK: %[[OUT:.*]] = tensor.collapse_shape %[[EPI]] {{\[}}[0], [1, 2]] : tensor<4x2x32xf32> into tensor<4x64xf32>
// CHECK: return %[[OUT]]
// AVX2-LABEL: func.func @dense_bias
// AVX2: ins(%{{.*}}, %{{.*}} : tensor<4x2xf32>, tensor<4x2x16xf32>) outs(%{{.*}} : tensor<4x4x16xf32>)
func.func @dense_bias(%x: tensor<4x2xf32>, %bias: tensor<64xf32>) -> tensor<4x64xf32> {
  %w = arith.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0, 33.0, 34.0, 35.0, 36.0, 37.0, 38.0, 39.0, 40.0, 41.0, 42.0, 43.0, 44.0, 45.0, 46.0, 47.0, 48.0, 49.0, 50.0, 51.0, 52.0, 53.0, 54.0, 55.0, 56.0, 57.0, 58.0, 59.0, 60.0, 61.0, 62.0, 63.0],
                              [64.0, 65.0, 66.0, 67.0, 68.0, 69.0, 70.0, 71.0, 72.0, 73.0, 74.0, 75.0, 76.0, 77.0, 78.0, 79.0, 80.0, 81.0, 82.0, 83.0, 84.0, 85.0, 86.0, 87.0, 88.0, 89.0, 90.0, 91.0, 92.0, 93.0, 94.0, 95.0, 96.0, 97.0, 98.0, 99.0, 100.0, 101.0, 102.0, 103.0, 104.0, 105.0, 106.0, 107.0, 108.0, 109.0, 110.0, 111.0, 112.0, 113.0, 114.0, 115.0, 116.0, 117.0, 118.0, 119.0, 120.0, 121.0, 122.0, 123.0, 124.0, 125.0, 126.0, 127.0]]> : tensor<2x64xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x64xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x64xf32>) -> tensor<4x64xf32>
  %mm = linalg.generic {indexing_maps = [#a, #w, #o], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x2xf32>, tensor<2x64xf32>) outs(%init : tensor<4x64xf32>) {
    ^bb0(%p: f32, %q: f32, %acc: f32):
      %m = arith.mulf %p, %q : f32
      %s = arith.addf %acc, %m : f32
      linalg.yield %s : f32
  } -> tensor<4x64xf32>
  %out = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%mm, %bias : tensor<4x64xf32>, tensor<64xf32>) outs(%e : tensor<4x64xf32>) {
    ^bb0(%v: f32, %b: f32, %o: f32):
      %s = arith.addf %v, %b : f32
      linalg.yield %s : f32
  } -> tensor<4x64xf32>
  return %out : tensor<4x64xf32>
}

// -----

// Left alone: a weight that is not a constant (4 rows, 2 KiB: below the
// run-time thresholds), N not a multiple of the
// panel, and N of exactly one panel (already contiguous).

#a = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (k, n)>
#o = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: tensor.collapse_shape
// CHECK: return
func.func @left_alone(%x: tensor<4x8xf32>, %w: tensor<8x64xf32>, %init: tensor<4x64xf32>, %init2: tensor<4x48xf32>, %init3: tensor<4x32xf32>) -> (tensor<4x64xf32>, tensor<4x48xf32>, tensor<4x32xf32>) {
  %mm = linalg.generic {indexing_maps = [#a, #w, #o], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x8xf32>, tensor<8x64xf32>) outs(%init : tensor<4x64xf32>) {
    ^bb0(%p: f32, %q: f32, %acc: f32):
      %m = arith.mulf %p, %q : f32
      %s = arith.addf %acc, %m : f32
      linalg.yield %s : f32
  } -> tensor<4x64xf32>
  %w48 = arith.constant dense<1.0> : tensor<8x48xf32>
  %w48r = arith.addf %w48, %w48 : tensor<8x48xf32>
  %mm2 = linalg.generic {indexing_maps = [#a, #w, #o], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w48r : tensor<4x8xf32>, tensor<8x48xf32>) outs(%init2 : tensor<4x48xf32>) {
    ^bb0(%p: f32, %q: f32, %acc: f32):
      %m = arith.mulf %p, %q : f32
      %s = arith.addf %acc, %m : f32
      linalg.yield %s : f32
  } -> tensor<4x48xf32>
  %w32 = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0]]> : tensor<8x32xf32>
  %mm3 = linalg.generic {indexing_maps = [#a, #w, #o], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w32 : tensor<4x8xf32>, tensor<8x32xf32>) outs(%init3 : tensor<4x32xf32>) {
    ^bb0(%p: f32, %q: f32, %acc: f32):
      %m = arith.mulf %p, %q : f32
      %s = arith.addf %acc, %m : f32
      linalg.yield %s : f32
  } -> tensor<4x32xf32>
  return %mm, %mm2, %mm3 : tensor<4x64xf32>, tensor<4x48xf32>, tensor<4x32xf32>
}

// -----

// A weight computed at run time, 512x256 floats (512 KiB, the default
// threshold) read by 64 rows: packed by a linalg.pack, lowered to its copy
// (expand_shape to [K, N/32, 32], then a transpose to [N/32, K, 32]) before
// the contraction. With 32 rows (fewer than min-rows) the pack would cost
// more than it saves: left alone.

#a = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (k, n)>
#o = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @runtime_pack
// CHECK-NOT: linalg.pack
// CHECK: %[[EXP:.*]] = tensor.expand_shape %arg1 {{\[}}[0], [1, 2]] output_shape [512, 8, 32] : tensor<512x256xf32> into tensor<512x8x32xf32>
// CHECK: %[[PANELS:.*]] = linalg.generic {{.*}} ins(%[[EXP]] : tensor<512x8x32xf32>) outs(%{{.*}} : tensor<8x512x32xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: linalg.yield %[[IN]]
// CHECK: linalg.generic {{.*}} ins(%arg0, %[[PANELS]] : tensor<64x512xf32>, tensor<8x512x32xf32>) outs(%{{.*}} : tensor<64x8x32xf32>)
// CHECK: tensor.collapse_shape
// CHECK: linalg.generic {{.*}} ins(%arg2, %arg1 : tensor<32x512xf32>, tensor<512x256xf32>)
func.func @runtime_pack(%x: tensor<64x512xf32>, %w: tensor<512x256xf32>, %x32: tensor<32x512xf32>) -> (tensor<64x256xf32>, tensor<32x256xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x256xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<64x256xf32>) -> tensor<64x256xf32>
  %mm = linalg.generic {indexing_maps = [#a, #w, #o], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<64x512xf32>, tensor<512x256xf32>) outs(%init : tensor<64x256xf32>) {
    ^bb0(%p: f32, %q: f32, %acc: f32):
      %m = arith.mulf %p, %q : f32
      %s = arith.addf %acc, %m : f32
      linalg.yield %s : f32
  } -> tensor<64x256xf32>
  %e32 = tensor.empty() : tensor<32x256xf32>
  %init32 = linalg.fill ins(%zero : f32) outs(%e32 : tensor<32x256xf32>) -> tensor<32x256xf32>
  %mm32 = linalg.generic {indexing_maps = [#a, #w, #o], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x32, %w : tensor<32x512xf32>, tensor<512x256xf32>) outs(%init32 : tensor<32x256xf32>) {
    ^bb0(%p: f32, %q: f32, %acc: f32):
      %m = arith.mulf %p, %q : f32
      %s = arith.addf %acc, %m : f32
      linalg.yield %s : f32
  } -> tensor<32x256xf32>
  return %mm, %mm32 : tensor<64x256xf32>, tensor<32x256xf32>
}
