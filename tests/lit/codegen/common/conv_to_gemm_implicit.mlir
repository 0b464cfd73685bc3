// RUN: aicc-opt %s -split-input-file -aicc-conv-to-gemm="taps=false implicit=true" | FileCheck %s

// A padded 3x3 conv as an implicit GEMM: a gather contraction over
// (n, f, p, k) with the filter [F, C*KH*KW] as its one input; the body
// takes k apart into (c, kh, kw) and p into (oh, ow), reads the unpadded
// image where the window is inside it and zero where it is on the pad. No
// window copy, no padded copy.

// CHECK-LABEL: func.func @padded
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x6x6xf32>, %[[W:.*]]: tensor<6x4x3x3xf32>
// CHECK-NOT: tensor.pad
// CHECK: %[[WV:.*]] = tensor.collapse_shape %[[W]] {{\[\[}}0], [1, 2, 3]] : tensor<6x4x3x3xf32> into tensor<6x36xf32>
// CHECK: %[[MM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[WV]] : tensor<6x36xf32>) outs(%{{.*}} : tensor<1x6x36xf32>)
// CHECK: ^bb0(%[[A:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-DAG: %[[N:.*]] = linalg.index 0
// CHECK-DAG: %[[P:.*]] = linalg.index 2
// CHECK-DAG: %[[K:.*]] = linalg.index 3
// CHECK: %[[C:.*]] = arith.divui %[[K]], %{{.*}}
// CHECK: %[[TAP:.*]] = arith.remui %[[K]], %{{.*}}
// CHECK: arith.divui %[[TAP]]
// CHECK: arith.remui %[[TAP]]
// CHECK: arith.divui %[[P]]
// CHECK: arith.remui %[[P]]
// CHECK-COUNT-2: arith.cmpi sge
// CHECK: %[[ROW:.*]] = arith.select %[[IN:.*]], %{{.*}}, %{{.*}} : index
// CHECK: %[[COL:.*]] = arith.select %[[IN]], %{{.*}}, %{{.*}} : index
// CHECK: %[[V:.*]] = tensor.extract %[[X]][%[[N]], %[[C]], %[[ROW]], %[[COL]]] : tensor<1x4x6x6xf32>
// CHECK: %[[B:.*]] = arith.select %[[IN]], %[[V]], %{{.*}} : f32
// CHECK: %[[PROD:.*]] = arith.mulf %[[A]], %[[B]]
// CHECK: arith.addf %[[PROD]], %[[ACC]]
// CHECK: tensor.expand_shape %[[MM]] {{\[\[}}0], [1], [2, 3]] output_shape [1, 6, 6, 6]
func.func @padded(%x: tensor<1x4x6x6xf32>, %w: tensor<6x4x3x3xf32>, %init: tensor<1x6x6x6xf32>) -> tensor<1x6x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x6x6xf32> to tensor<1x4x8x8xf32>
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%padded, %w : tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>) outs(%init : tensor<1x6x6x6xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

// Unpadded and strided: no bounds checks (every window is inside the
// image); rows oh*2 + kh*2 (dilation 2).
// CHECK-LABEL: func.func @strided_dilated
// CHECK-NOT: arith.cmpi
// CHECK-NOT: arith.select
// CHECK: tensor.extract
// CHECK-NOT: tensor.extract
func.func @strided_dilated(%x: tensor<2x3x9x9xf32>, %w: tensor<8x3x3x3xf32>, %init: tensor<2x8x3x3xf32>) -> tensor<2x8x3x3xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<2> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%x, %w : tensor<2x3x9x9xf32>, tensor<8x3x3x3xf32>) outs(%init : tensor<2x8x3x3xf32>) -> tensor<2x8x3x3xf32>
  return %0 : tensor<2x8x3x3xf32>
}

// -----

// A 1x1 unit-stride conv keeps the GEMM on views (its input already is the
// im2col matrix): two inputs, no gather.
// CHECK-LABEL: func.func @pointwise
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<6x4xf32>, tensor<1x4x25xf32>)
// CHECK-NOT: tensor.extract
func.func @pointwise(%x: tensor<1x4x5x5xf32>, %w: tensor<6x4x1x1xf32>, %init: tensor<1x6x5x5xf32>) -> tensor<1x6x5x5xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%x, %w : tensor<1x4x5x5xf32>, tensor<6x4x1x1xf32>) outs(%init : tensor<1x6x5x5xf32>) -> tensor<1x6x5x5xf32>
  return %0 : tensor<1x6x5x5xf32>
}

// -----

// f16: the factors extended, the sum in f32 from the widened init, one
// truncation after.
// CHECK-LABEL: func.func @half
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<8x27xf16>) outs(%{{.*}} : tensor<1x8x16xf32>)
// CHECK: %[[V:.*]] = tensor.extract %{{.*}} : tensor<1x3x6x6xf16>
// CHECK-DAG: arith.extf %{{.*}} : f16 to f32
// CHECK-DAG: arith.extf %[[V]] : f16 to f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @half(%x: tensor<1x3x6x6xf16>, %w: tensor<8x3x3x3xf16>) -> tensor<1x8x4x4xf16> {
  %zero = arith.constant 0.0 : f16
  %empty = tensor.empty() : tensor<1x8x4x4xf16>
  %init = linalg.fill ins(%zero : f16) outs(%empty : tensor<1x8x4x4xf16>) -> tensor<1x8x4x4xf16>
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%x, %w : tensor<1x3x6x6xf16>, tensor<8x3x3x3xf16>) outs(%init : tensor<1x8x4x4xf16>) -> tensor<1x8x4x4xf16>
  return %0 : tensor<1x8x4x4xf16>
}
