// RUN: aicc-opt %s -split-input-file -verify-diagnostics

func.func @add_not_broadcastable(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{operands are not broadcast-compatible: 'tensor<2x3xf32>' and 'tensor<4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @add_wrong_result_shape(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<3x3xf32> {
  // expected-error @+2 {{inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<3x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @add_mixed_element_types(%a: tensor<3xf32>, %b: tensor<3xf16>) -> tensor<3xf32> {
  // expected-error @+1 {{requires the same element type for all operands}}
  %0 = graph.add %a, %b : (tensor<3xf32>, tensor<3xf16>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @exp_of_integers(%a: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = graph.exp %a : tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @matmul_contracting_mismatch(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+2 {{contracting dimensions differ: lhs has 3, rhs has 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @matmul_batch_mismatch(%a: tensor<2x2x3xf32>, %b: tensor<4x3x5xf32>) -> tensor<4x2x5xf32> {
  // expected-error @+2 {{batch dimensions are not broadcast-compatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.matmul %a, %b : (tensor<2x2x3xf32>, tensor<4x3x5xf32>) -> tensor<4x2x5xf32>
  return %0 : tensor<4x2x5xf32>
}

// -----

func.func @matmul_scalar(%a: tensor<f32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+2 {{operands must have rank >= 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.matmul %a, %b : (tensor<f32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @transpose_not_a_permutation(%a: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{perm must be a permutation of [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.transpose %a [1, 1] : tensor<2x3xf32> -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @transpose_wrong_rank(%a: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{perm must be a permutation of [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.transpose %a [1, 0, 2] : tensor<2x3xf32> -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @reshape_element_count(%a: tensor<2x3xf32>) -> tensor<7xf32> {
  // expected-error @+1 {{input has 6 elements but the result has 7}}
  %0 = graph.reshape %a : tensor<2x3xf32> -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----

func.func @reshape_dynamic(%a: tensor<?x3xf32>) -> tensor<6xf32> {
  // expected-error @+1 {{requires static shapes}}
  %0 = graph.reshape %a : tensor<?x3xf32> -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// -----

func.func @constant_type_mismatch() -> tensor<3xf32> {
  // expected-error @+1 {{failed to verify that all of {value, result} have same type}}
  %0 = "graph.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<3xf32>
  return %0 : tensor<3xf32>
}


// -----

func.func @compare_result_not_bool(%a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+2 {{inferred type(s) 'tensor<3xi1>' are incompatible with return type(s) of operation 'tensor<3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.less %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @select_condition_not_bool(%c: tensor<3xi32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of 1-bit signless integer values}}
  %0 = graph.select %c, %b, %b : (tensor<3xi32>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @select_mixed_types(%c: tensor<3xi1>, %a: tensor<3xf32>, %b: tensor<3xf16>) -> tensor<3xf32> {
  // expected-error @+1 {{failed to verify that all of {lhs, rhs, result} have same element type}}
  %0 = graph.select %c, %a, %b : (tensor<3xi1>, tensor<3xf32>, tensor<3xf16>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @and_of_floats(%a: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of integer values}}
  %0 = graph.and %a, %a : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @cast_changes_shape(%a: tensor<3xf32>) -> tensor<4xi32> {
  // expected-error @+1 {{requires the same shape for all operands and results}}
  %0 = graph.cast %a : tensor<3xf32> -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @concat_sizes_differ(%a: tensor<2x3xf32>, %b: tensor<3x1xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{input #1 has size 3 in dimension 0, the result has 2}}
  %0 = graph.concat %a, %b {axis = 1} : (tensor<2x3xf32>, tensor<3x1xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @concat_wrong_sum(%a: tensor<2x3xf32>, %b: tensor<2x1xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{inputs add up to 4 along axis 1, the result has 5}}
  %0 = graph.concat %a, %b {axis = 1} : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @slice_out_of_bounds(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{dimension 1 reads [1, 3], outside the input's size 3}}
  %0 = graph.slice %a starts [0, 1] steps [1, 1] : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @slice_zero_step(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{step of dimension 0 is zero}}
  %0 = graph.slice %a starts [0, 0] steps [0, 1] : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @gather_axis_out_of_range(%a: tensor<2x3xf32>, %i: tensor<2xi64>) -> tensor<2x2xf32> {
  // expected-error @+2 {{axis 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.gather %a, %i {axis = 2} : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @expand_incompatible(%a: tensor<2x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{cannot broadcast 'tensor<2x3xf32>' to 'tensor<4x3xf32>'}}
  %0 = graph.expand %a : tensor<2x3xf32> -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @tile_not_multiple(%a: tensor<2x3xf32>) -> tensor<5x3xf32> {
  // expected-error @+1 {{result size 5 of dimension 0 is not a multiple of the input's 2}}
  %0 = graph.tile %a : tensor<2x3xf32> -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// -----

func.func @reduce_axes_unsorted(%x: tensor<2x3xf32>) -> tensor<f32> {
  // expected-error @+2 {{axes must be sorted, distinct and in [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.reduce_sum %x [1, 0] : tensor<2x3xf32> -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @arg_max_not_i64(%x: tensor<2x3xf32>) -> tensor<2xi32> {
  // expected-error @+1 {{result #0 must be ranked tensor of 64-bit signless integer values}}
  %0 = graph.arg_max %x {axis = 1 : i64} : tensor<2x3xf32> -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

func.func @gather_elements_rank(%x: tensor<2x3xf32>, %i: tensor<2xi64>) -> tensor<2xf32> {
  // expected-error @+1 {{indices need the input's rank 2}}
  %0 = graph.gather_elements %x, %i {axis = 1} : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @cumsum_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = graph.cumsum %x {axis = 2 : i64} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @conv_wrong_output(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>) -> tensor<1x6x8x8xf32> {
  // expected-error @+1 {{spatial dimension 0 of the result is 8, expected 6}}
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1} : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x8x8xf32>
  return %0 : tensor<1x6x8x8xf32>
}

// -----

func.func @conv_group_channels(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+1 {{filter has 4 input channels per group, expected 2}}
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 2} : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

func.func @pool_missing_pads(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+1 {{needs 2 kernel sizes, strides and dilations and 4 pads for 2 spatial dimensions}}
  %0 = graph.max_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0>} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

func.func @pad_unknown_mode(%x: tensor<2xf32>, %v: tensor<f32>) -> tensor<4xf32> {
  // expected-error @+1 {{unknown mode 'mirror'}}
  %0 = graph.pad %x, %v {mode = "mirror", pads = array<i64: 1, 1>} : (tensor<2xf32>, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @pad_wrong_size(%x: tensor<2xf32>, %v: tensor<f32>) -> tensor<5xf32> {
  // expected-error @+1 {{dimension 0 of the result is 5, expected 4}}
  %0 = graph.pad %x, %v {mode = "constant", pads = array<i64: 1, 1>} : (tensor<2xf32>, tensor<f32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @batch_norm_param_shape(%x: tensor<1x2x4xf32>, %p: tensor<3xf32>) -> tensor<1x2x4xf32> {
  // expected-error @+1 {{scale, bias, mean and variance must be [2], got 'tensor<3xf32>'}}
  %0 = graph.batch_norm %x, %p, %p, %p, %p {epsilon = 1.0e-5 : f32} : (tensor<1x2x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x2x4xf32>
  return %0 : tensor<1x2x4xf32>
}

// -----

func.func @sub_mixed_element_types(%a: tensor<3xf32>, %b: tensor<3xf16>) -> tensor<3xf32> {
  // expected-error @+1 {{requires the same element type for all operands}}
  %0 = graph.sub %a, %b : (tensor<3xf32>, tensor<3xf16>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @mul_mixed_element_types(%a: tensor<3xf32>, %b: tensor<3xf16>) -> tensor<3xf32> {
  // expected-error @+1 {{requires the same element type for all operands}}
  %0 = graph.mul %a, %b : (tensor<3xf32>, tensor<3xf16>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @div_mixed_element_types(%a: tensor<3xf32>, %b: tensor<3xf16>) -> tensor<3xf32> {
  // expected-error @+1 {{requires the same element type for all operands}}
  %0 = graph.div %a, %b : (tensor<3xf32>, tensor<3xf16>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @pow_mixed_element_types(%a: tensor<3xf32>, %b: tensor<3xf16>) -> tensor<3xf32> {
  // expected-error @+1 {{requires the same element type for all operands}}
  %0 = graph.pow %a, %b : (tensor<3xf32>, tensor<3xf16>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @max_mixed_element_types(%a: tensor<3xf32>, %b: tensor<3xf16>) -> tensor<3xf32> {
  // expected-error @+1 {{requires the same element type for all operands}}
  %0 = graph.max %a, %b : (tensor<3xf32>, tensor<3xf16>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @min_mixed_element_types(%a: tensor<3xf32>, %b: tensor<3xf16>) -> tensor<3xf32> {
  // expected-error @+1 {{requires the same element type for all operands}}
  %0 = graph.min %a, %b : (tensor<3xf32>, tensor<3xf16>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @mod_mixed_element_types(%a: tensor<3xf32>, %b: tensor<3xf16>) -> tensor<3xf32> {
  // expected-error @+1 {{requires the same element type for all operands}}
  %0 = graph.mod %a, %b : (tensor<3xf32>, tensor<3xf16>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @or_of_floats(%a: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of integer values}}
  %0 = graph.or %a, %a : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @xor_of_floats(%a: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of integer values}}
  %0 = graph.xor %a, %a : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @shl_of_floats(%a: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of integer values}}
  %0 = graph.shl %a, %a : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @shr_of_floats(%a: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of integer values}}
  %0 = graph.shr %a, %a : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @equal_mixed_element_types(%a: tensor<3xf32>, %b: tensor<3xi32>) -> tensor<3xi1> {
  // expected-error @+1 {{requires the same element type for all operands}}
  %0 = graph.equal %a, %b : (tensor<3xf32>, tensor<3xi32>) -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

func.func @less_equal_mixed_element_types(%a: tensor<3xf32>, %b: tensor<3xi32>) -> tensor<3xi1> {
  // expected-error @+1 {{requires the same element type for all operands}}
  %0 = graph.less_equal %a, %b : (tensor<3xf32>, tensor<3xi32>) -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

func.func @greater_mixed_element_types(%a: tensor<3xf32>, %b: tensor<3xi32>) -> tensor<3xi1> {
  // expected-error @+1 {{requires the same element type for all operands}}
  %0 = graph.greater %a, %b : (tensor<3xf32>, tensor<3xi32>) -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

func.func @greater_equal_mixed_element_types(%a: tensor<3xf32>, %b: tensor<3xi32>) -> tensor<3xi1> {
  // expected-error @+1 {{requires the same element type for all operands}}
  %0 = graph.greater_equal %a, %b : (tensor<3xf32>, tensor<3xi32>) -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

func.func @tanh_of_integers(%a: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = graph.tanh %a : tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @sigmoid_of_integers(%a: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = graph.sigmoid %a : tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @sqrt_of_integers(%a: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = graph.sqrt %a : tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @erf_of_integers(%a: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = graph.erf %a : tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @log_of_integers(%a: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = graph.log %a : tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @ceil_of_integers(%a: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = graph.ceil %a : tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @floor_of_integers(%a: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = graph.floor %a : tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @round_of_integers(%a: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = graph.round %a : tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @sin_of_integers(%a: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = graph.sin %a : tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @cos_of_integers(%a: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = graph.cos %a : tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @tan_of_integers(%a: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = graph.tan %a : tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @asin_of_integers(%a: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = graph.asin %a : tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @acos_of_integers(%a: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = graph.acos %a : tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @atan_of_integers(%a: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = graph.atan %a : tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @sinh_of_integers(%a: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = graph.sinh %a : tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @cosh_of_integers(%a: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = graph.cosh %a : tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @asinh_of_integers(%a: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = graph.asinh %a : tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @acosh_of_integers(%a: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = graph.acosh %a : tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @atanh_of_integers(%a: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = graph.atanh %a : tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @relu_changes_type(%a: tensor<3xf32>) -> tensor<3xf16> {
  // expected-error @+1 {{requires the same type for all operands and results}}
  %0 = "graph.relu"(%a) : (tensor<3xf32>) -> tensor<3xf16>
  return %0 : tensor<3xf16>
}

// -----

func.func @neg_changes_type(%a: tensor<3xf32>) -> tensor<3xf16> {
  // expected-error @+1 {{requires the same type for all operands and results}}
  %0 = "graph.neg"(%a) : (tensor<3xf32>) -> tensor<3xf16>
  return %0 : tensor<3xf16>
}

// -----

func.func @abs_changes_type(%a: tensor<3xf32>) -> tensor<3xf16> {
  // expected-error @+1 {{requires the same type for all operands and results}}
  %0 = "graph.abs"(%a) : (tensor<3xf32>) -> tensor<3xf16>
  return %0 : tensor<3xf16>
}

// -----

func.func @not_of_floats(%a: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of 1-bit signless integer values}}
  %0 = graph.not %a : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @is_nan_of_integers(%a: tensor<3xi32>) -> tensor<3xi1> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = graph.is_nan %a : tensor<3xi32> -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

func.func @sum_pool_wrong_output(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x2xf32> {
  // expected-error @+1 {{spatial dimension 0 of the result is 4, expected 2}}
  %0 = graph.sum_pool %x {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x1x4x4xf32> -> tensor<1x1x4x2xf32>
  return %0 : tensor<1x1x4x2xf32>
}

// -----

func.func @reduce_max_axis_out_of_range(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{axes must be sorted, distinct and in [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.reduce_max %x [2] : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @reduce_min_axis_out_of_range(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{axes must be sorted, distinct and in [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.reduce_min %x [2] : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @reduce_prod_axis_out_of_range(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{axes must be sorted, distinct and in [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.reduce_prod %x [2] : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @arg_min_axis_out_of_range(%x: tensor<2x3xf32>) -> tensor<2xi64> {
  // expected-error @+2 {{axes must be sorted, distinct and in [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.arg_min %x {axis = 5 : i64} : tensor<2x3xf32> -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

func.func @conv_channels_last_groups(%x: tensor<1x4x4x4xf32>, %w: tensor<3x3x2x4xf32>) -> tensor<1x2x2x4xf32> {
  // expected-error @+1 {{a channels_last convolution has one group}}
  %0 = graph.conv %x, %w {channels_last, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 2} : (tensor<1x4x4x4xf32>, tensor<3x3x2x4xf32>) -> tensor<1x2x2x4xf32>
  return %0 : tensor<1x2x2x4xf32>
}

// -----

func.func @conv_channels_last_wrong_channels(%x: tensor<1x4x4x3xf32>, %w: tensor<3x3x4x8xf32>) -> tensor<1x2x2x8xf32> {
  // expected-error @+1 {{filter has 4 input channels per group, expected 3}}
  %0 = graph.conv %x, %w {channels_last, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1} : (tensor<1x4x4x3xf32>, tensor<3x3x4x8xf32>) -> tensor<1x2x2x8xf32>
  return %0 : tensor<1x2x2x8xf32>
}

// -----

func.func @max_pool_channels_last_wrong_size(%x: tensor<1x7x7x16xf32>) -> tensor<1x4x4x16xf32> {
  // expected-error @+1 {{spatial dimension 0 of the result is 4, expected 3}}
  %0 = graph.max_pool %x {channels_last, kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x7x7x16xf32> -> tensor<1x4x4x16xf32>
  return %0 : tensor<1x4x4x16xf32>
}
