//===- GraphOps.td - aicc graph dialect operations ---------*- tablegen -*-===//
//
// Tensor operations of the graph dialect. Each op states its semantics, its
// verifier and how its result shape follows from its operands.
//
//===----------------------------------------------------------------------===//

#ifndef AICC_DIALECT_GRAPH_OPS
#define AICC_DIALECT_GRAPH_OPS

include "dialects/graph/IR/GraphBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Graph_FloatTensor : RankedTensorOf<[AnyFloat]>;
def Graph_IntTensor : RankedTensorOf<[AnyInteger]>;
def Graph_BoolTensor : RankedTensorOf<[I1]>;
def Graph_Tensor : RankedTensorOf<[AnyFloat, AnyInteger]>;

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

def Graph_ConstantOp : Graph_Op<"constant",
    [ConstantLike, Pure, AllTypesMatch<["value", "result"]>]> {
  let summary = "a constant tensor (weights, folded values)";
  let description = [{
    Produces the tensor held in `value`. ONNX initializers and Constant nodes
    import as this op; constant folding produces it too.

    ```mlir
    %w = graph.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise binary ops (numpy-style multidirectional broadcasting)
//===----------------------------------------------------------------------===//

class Graph_BinaryOp<string mnemonic, list<Trait> traits = [],
                     Type operandType = Graph_Tensor, bit isCompare = 0>
    : Graph_Op<mnemonic, !listconcat(traits,
        [Pure, SameOperandsElementType, InferTypeOpAdaptor,
         Graph_Elementwise])> {
  let arguments = (ins operandType:$lhs, operandType:$rhs);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *context, std::optional<::mlir::Location> loc,
        Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &inferredReturnTypes) {
      return inferBroadcastType(loc, {adaptor.getLhs().getType(),
                                adaptor.getRhs().getType()},
                                }] # !if(isCompare, "true", "false") # [{,
                                inferredReturnTypes);
    }
  }];
}

def Graph_AddOp : Graph_BinaryOp<"add", [Commutative]> {
  let hasFolder = 1;
  let summary = "elementwise addition with broadcasting";
  let description = [{
    `result = lhs + rhs`, broadcasting the operands numpy-style: shapes are
    aligned on the right and each dimension pair must be equal or contain a 1.

    ```mlir
    %r = graph.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    ```
  }];
}

def Graph_SubOp : Graph_BinaryOp<"sub"> {
  let hasFolder = 1;
  let summary = "elementwise subtraction with broadcasting";
  let description = [{ `result = lhs - rhs`, broadcasting as `graph.add`. }];
}

def Graph_MulOp : Graph_BinaryOp<"mul", [Commutative]> {
  let hasFolder = 1;
  let summary = "elementwise multiplication with broadcasting";
  let description = [{ `result = lhs * rhs`, broadcasting as `graph.add`. }];
}

def Graph_DivOp : Graph_BinaryOp<"div"> {
  let hasFolder = 1;
  let summary = "elementwise division with broadcasting";
  let description = [{
    `result = lhs / rhs`, broadcasting as `graph.add`. Integer division
    truncates toward zero (signed) as ONNX's Div does.
  }];
}


def Graph_PowOp : Graph_BinaryOp<"pow"> {
  let summary = "elementwise power with broadcasting";
  let description = [{ `result = lhs ^ rhs`; both operands have one type (the
    importer casts ONNX's mixed-type exponent to the base's type). }];
}

def Graph_MaxOp : Graph_BinaryOp<"max", [Commutative]> {
  let summary = "elementwise maximum with broadcasting";
  let description = [{ `result = max(lhs, rhs)`; a NaN operand gives NaN. }];
}

def Graph_MinOp : Graph_BinaryOp<"min", [Commutative]> {
  let summary = "elementwise minimum with broadcasting";
  let description = [{ `result = min(lhs, rhs)`; a NaN operand gives NaN. }];
}

def Graph_ModOp : Graph_BinaryOp<"mod"> {
  let summary = "elementwise remainder with broadcasting";
  let description = [{
    With `fmod` the remainder has the sign of `lhs` (C's fmod, truncated
    division); without it, the sign of `rhs` (Python's %, floored division),
    which ONNX requires for integers.
  }];
  let arguments = (ins Graph_Tensor:$lhs, Graph_Tensor:$rhs, UnitAttr:$fmod);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

def Graph_AndOp : Graph_BinaryOp<"and", [Commutative], Graph_IntTensor> {
  let summary = "elementwise bitwise/logical and with broadcasting";
  let description = [{ `result = lhs & rhs`; on `i1` it is logical and. }];
}

def Graph_OrOp : Graph_BinaryOp<"or", [Commutative], Graph_IntTensor> {
  let summary = "elementwise bitwise/logical or with broadcasting";
  let description = [{ `result = lhs | rhs`. }];
}

def Graph_XorOp : Graph_BinaryOp<"xor", [Commutative], Graph_IntTensor> {
  let summary = "elementwise bitwise/logical xor with broadcasting";
  let description = [{ `result = lhs ^ rhs`. }];
}

def Graph_ShiftLeftOp : Graph_BinaryOp<"shl", [], Graph_IntTensor> {
  let summary = "elementwise left shift with broadcasting";
  let description = [{ `result = lhs << rhs`. }];
}

def Graph_ShiftRightOp : Graph_BinaryOp<"shr", [], Graph_IntTensor> {
  let summary = "elementwise right shift with broadcasting";
  let description = [{ `result = lhs >> rhs`; logical for unsigned types,
    arithmetic for signed ones. }];
}

class Graph_CompareOp<string mnemonic, string math, list<Trait> traits = []>
    : Graph_BinaryOp<mnemonic, traits, Graph_Tensor, 1> {
  let summary = "elementwise comparison with broadcasting";
  let description = "`result = lhs " # math # " rhs` as `i1`; comparisons "
                    # "with NaN are false except `!=`.";
}

def Graph_EqualOp : Graph_CompareOp<"equal", "==", [Commutative]>;
def Graph_LessOp : Graph_CompareOp<"less", "<">;
def Graph_LessEqualOp : Graph_CompareOp<"less_equal", "<=">;
def Graph_GreaterOp : Graph_CompareOp<"greater", ">">;
def Graph_GreaterEqualOp : Graph_CompareOp<"greater_equal", ">=">;

def Graph_SelectOp : Graph_Op<"select", [Pure, InferTypeOpAdaptor,
    AllElementTypesMatch<["lhs", "rhs", "result"]>]> {
  let summary = "elementwise choice between two tensors";
  let description = [{
    `result = condition ? lhs : rhs`, all three broadcast numpy-style (ONNX
    Where).

    ```mlir
    %r = graph.select %c, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins Graph_BoolTensor:$condition, Graph_Tensor:$lhs,
                   Graph_Tensor:$rhs);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$condition `,` $lhs `,` $rhs attr-dict `:` "
                       "functional-type(operands, results)";
}

def Graph_CastOp : Graph_Op<"cast", [Pure, SameOperandsAndResultShape,
    Graph_Elementwise]> {
  let summary = "converts each element to another type";
  let description = [{
    Float to integer truncates toward zero; integer to float rounds to
    nearest; to `i1` is `x != 0`; from `i1` gives 0 or 1. Signedness comes
    from the types (`ui8` converts as unsigned).

    ```mlir
    %r = graph.cast %x : tensor<4xf32> -> tensor<4xi32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise unary ops
//===----------------------------------------------------------------------===//

class Graph_UnaryOp<string mnemonic, Type type, list<Trait> traits = []>
    : Graph_Op<mnemonic, !listconcat(traits, [Pure, SameOperandsAndResultType,
                                              Graph_Elementwise])> {
  let arguments = (ins type:$input);
  let results = (outs type:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Graph_ReluOp : Graph_UnaryOp<"relu", Graph_Tensor> {
  let summary = "rectified linear unit";
  let description = [{
    `result = max(input, 0)` elementwise.

    ```mlir
    %r = graph.relu %x : tensor<4xf32>
    ```
  }];
}

def Graph_NegOp : Graph_UnaryOp<"neg", Graph_Tensor> {
  let hasFolder = 1;
  let summary = "elementwise negation";
  let description = [{ `result = -input`. }];
}

def Graph_ExpOp : Graph_UnaryOp<"exp", Graph_FloatTensor> {
  let summary = "elementwise exponential";
  let description = [{ `result = e^input`. }];
}

def Graph_TanhOp : Graph_UnaryOp<"tanh", Graph_FloatTensor> {
  let summary = "elementwise hyperbolic tangent";
  let description = [{ `result = tanh(input)`. }];
}

def Graph_SigmoidOp : Graph_UnaryOp<"sigmoid", Graph_FloatTensor> {
  let summary = "elementwise logistic sigmoid";
  let description = [{ `result = 1 / (1 + e^-input)`. }];
}


def Graph_AbsOp : Graph_UnaryOp<"abs", Graph_Tensor> {
  let summary = "elementwise absolute value";
  let description = [{ `result = |input|`. }];
}

def Graph_NotOp : Graph_UnaryOp<"not", Graph_BoolTensor> {
  let summary = "elementwise logical not";
  let description = [{ `result = !input` on `i1`. }];
}

class Graph_FloatUnaryOp<string mnemonic, string math>
    : Graph_UnaryOp<mnemonic, Graph_FloatTensor> {
  let summary = "elementwise " # math;
  let description = "`result = " # math # "(input)` elementwise.";
}

def Graph_SqrtOp : Graph_FloatUnaryOp<"sqrt", "sqrt">;
def Graph_LogOp : Graph_FloatUnaryOp<"log", "log">;
def Graph_CeilOp : Graph_FloatUnaryOp<"ceil", "ceil">;
def Graph_FloorOp : Graph_FloatUnaryOp<"floor", "floor">;
def Graph_RoundOp : Graph_FloatUnaryOp<"round", "round-half-to-even">;
def Graph_ErfOp : Graph_FloatUnaryOp<"erf", "erf">;
def Graph_SinOp : Graph_FloatUnaryOp<"sin", "sin">;
def Graph_CosOp : Graph_FloatUnaryOp<"cos", "cos">;
def Graph_TanOp : Graph_FloatUnaryOp<"tan", "tan">;
def Graph_AsinOp : Graph_FloatUnaryOp<"asin", "asin">;
def Graph_AcosOp : Graph_FloatUnaryOp<"acos", "acos">;
def Graph_AtanOp : Graph_FloatUnaryOp<"atan", "atan">;
def Graph_SinhOp : Graph_FloatUnaryOp<"sinh", "sinh">;
def Graph_CoshOp : Graph_FloatUnaryOp<"cosh", "cosh">;
def Graph_AsinhOp : Graph_FloatUnaryOp<"asinh", "asinh">;
def Graph_AcoshOp : Graph_FloatUnaryOp<"acosh", "acosh">;
def Graph_AtanhOp : Graph_FloatUnaryOp<"atanh", "atanh">;

def Graph_IsNanOp : Graph_Op<"is_nan", [Pure, SameOperandsAndResultShape,
    Graph_Elementwise]> {
  let summary = "elementwise NaN test";
  let description = [{ `result = isnan(input)` as `i1`. }];
  let arguments = (ins Graph_FloatTensor:$input);
  let results = (outs Graph_BoolTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

//===----------------------------------------------------------------------===//
// MatMulOp
//===----------------------------------------------------------------------===//

def Graph_MatMulOp : Graph_Op<"matmul",
    [Pure, SameOperandsElementType, InferTypeOpAdaptor]> {
  let summary = "matrix product with numpy semantics";
  let description = [{
    The product of the last two dimensions of each operand; leading (batch)
    dimensions broadcast numpy-style. A rank-1 `lhs` is treated as a row
    vector and a rank-1 `rhs` as a column vector, and the added dimension is
    removed from the result, as numpy.matmul and ONNX MatMul define.

    ```mlir
    %c = graph.matmul %a, %b : (tensor<8x2x3xf32>, tensor<3x4xf32>) -> tensor<8x2x4xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$lhs, Graph_Tensor:$rhs);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

def Graph_TransposeOp : Graph_Op<"transpose", [Pure, InferTypeOpAdaptor]> {
  let summary = "permutes the dimensions of a tensor";
  let description = [{
    Result dimension `i` is input dimension `perm[i]`. `perm` must be a
    permutation of `[0, rank)`.

    ```mlir
    %t = graph.transpose %x [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat =
      "$input $perm attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

def Graph_ReshapeOp : Graph_Op<"reshape", [Pure, SameOperandsAndResultElementType]> {
  let summary = "reinterprets a tensor with a new static shape";
  let description = [{
    Returns the elements of `input`, in row-major order, with the result's
    shape. Both shapes must be static and hold the same number of elements;
    ONNX's `0` and `-1` entries are resolved by the importer.

    ```mlir
    %r = graph.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}


def Graph_ConcatOp : Graph_Op<"concat", [Pure, SameOperandsAndResultElementType]> {
  let summary = "joins tensors along one dimension";
  let description = [{
    All inputs have the result's rank and its sizes except along `axis`,
    where the result's size is the sum of theirs.

    ```mlir
    %c = graph.concat %a, %b {axis = 1} : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
    ```
  }];
  let arguments = (ins Variadic<Graph_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat =
      "$inputs attr-dict `:` functional-type($inputs, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_SliceOp : Graph_Op<"slice", [Pure, SameOperandsAndResultElementType]> {
  let summary = "a strided window of a tensor";
  let description = [{
    Result element `i` (per dimension `d`) is input element
    `starts[d] + i * steps[d]`; the result's shape gives the window's size.
    Steps may be negative (walking backwards) but not zero. ONNX's Slice,
    with its clamping and negative indices, is resolved by the importer.

    ```mlir
    %s = graph.slice %x starts [0, 3] steps [1, -1] : tensor<2x4xf32> -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$starts,
                   DenseI64ArrayAttr:$steps);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input `starts` $starts `steps` $steps attr-dict `:` "
                       "type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_GatherOp : Graph_Op<"gather", [Pure, InferTypeOpAdaptor]> {
  let summary = "selects slices of a tensor by index along one axis";
  let description = [{
    `result[i..., j..., k...] = input[i..., indices[j...], k...]` where the
    `i` range over the dimensions before `axis` and `k` over those after.
    Negative indices count from the end; an index out of range is undefined
    behaviour, as in ONNX.

    ```mlir
    %g = graph.gather %x, %idx {axis = 0} : (tensor<5x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_IntTensor:$indices,
                   I64Attr:$axis);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input `,` $indices attr-dict `:` "
                       "functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_ExpandOp : Graph_Op<"expand", [Pure, SameOperandsAndResultElementType]> {
  let summary = "broadcasts a tensor to a larger shape";
  let description = [{
    The input broadcast numpy-style to the result's shape (which must be
    the broadcast of both).

    ```mlir
    %e = graph.expand %x : tensor<3x1xf32> -> tensor<2x3x4xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_TileOp : Graph_Op<"tile", [Pure, SameOperandsAndResultElementType]> {
  let summary = "repeats a tensor along each dimension";
  let description = [{
    `result[i] = input[i mod shape(input)]` per dimension; each result size
    is a multiple of the input's.

    ```mlir
    %t = graph.tile %x : tensor<2x3xf32> -> tensor<4x3xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}



def Graph_GatherElementsOp : Graph_Op<"gather_elements", [Pure,
    AllShapesMatch<["indices", "result"]>,
    AllElementTypesMatch<["input", "result"]>]> {
  let summary = "selects elements by index along one axis";
  let description = [{
    `result[i] = input[i with i[axis] replaced by indices[i]]`; the result
    has the indices' shape. Negative indices count from the end.

    ```mlir
    %g = graph.gather_elements %x, %idx {axis = 1} : (tensor<2x3xf32>, tensor<2x2xi64>) -> tensor<2x2xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_IntTensor:$indices,
                   I64Attr:$axis);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input `,` $indices attr-dict `:` "
                       "functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_CumSumOp : Graph_Op<"cumsum", [Pure, SameOperandsAndResultType]> {
  let summary = "running sum along one axis";
  let description = [{
    `result[..., i, ...] = sum of input[..., j, ...]` over `j <= i` (`j < i`
    when `exclusive`; `j >= i` / `j > i` when `reverse`).
  }];
  let arguments = (ins Graph_Tensor:$input, I64Attr:$axis,
                   UnitAttr:$exclusive, UnitAttr:$reverse);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}



def Graph_BatchNormOp : Graph_Op<"batch_norm", [Pure,
    AllTypesMatch<["input", "result"]>,
    AllElementTypesMatch<["input", "scale", "bias", "mean", "variance"]>]> {
  let summary = "batch normalization with fixed statistics (inference)";
  let description = [{
    Per channel `c` (dimension 1):
    `result = (input - mean[c]) / sqrt(variance[c] + epsilon) * scale[c] + bias[c]`.
    `aicc-fold-batch-norm` folds it into a preceding convolution or matrix
    product with constant weights.

    ```mlir
    %y = graph.batch_norm %x, %scale, %bias, %mean, %var {epsilon = 1.0e-05 : f32}
        : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$scale,
                   Graph_FloatTensor:$bias, Graph_FloatTensor:$mean,
                   Graph_FloatTensor:$variance, F32Attr:$epsilon);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = "$input `,` $scale `,` $bias `,` $mean `,` $variance "
                       "attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Convolution, pooling, padding
//===----------------------------------------------------------------------===//

def Graph_ConvOp : Graph_Op<"conv", [Pure, SameOperandsAndResultElementType]> {
  let summary = "N-d grouped convolution (NC... or N...C layout)";
  let description = [{
    `input` is `[N, C, D1..Dk]`, `filter` is `[OC, C/group, K1..Kk]`, the
    result `[N, OC, O1..Ok]` with
    `Oi = (Di + pads[i] + pads[k+i] - dilations[i]*(Ki-1) - 1) / strides[i] + 1`.
    Padding is with zeros; `pads` holds the k begin pads, then the k end
    pads. A bias is a separate `graph.add`.

    With `channels_last` (set by `aicc-graph-channels-last`, one group
    only) the channels are the last dimension: `input` is `[N, D1..Dk, C]`,
    `filter` `[K1..Kk, C, OC]` and the result `[N, O1..Ok, OC]`.

    ```mlir
    %y = graph.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
                            pads = array<i64: 1, 1, 1, 1>, group = 1}
        : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>) -> tensor<1x16x8x8xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_Tensor:$filter,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                   DenseI64ArrayAttr:$pads, I64Attr:$group,
                   UnitAttr:$channels_last);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input `,` $filter attr-dict `:` "
                       "functional-type(operands, results)";
  let hasVerifier = 1;
}

class Graph_PoolOp<string mnemonic, string math, string padding>
    : Graph_Op<mnemonic, [Pure, SameOperandsAndResultElementType]> {
  let summary = "sliding-window " # math # " over the spatial dimensions";
  let description = "Over `[N, C, D1..Dk]`, each output element is the "
    # math # " of a `kernel`-sized window moved by `strides`, with "
    # "`dilations`; `pads` (k begin pads, then k end pads) extend the input "
    # "with " # padding # ". Output sizes follow as for `graph.conv`. With "
    # "`channels_last` the layout is `[N, D1..Dk, C]`.";
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$kernel,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                   DenseI64ArrayAttr:$pads, UnitAttr:$channels_last);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Graph_MaxPoolOp : Graph_PoolOp<"max_pool", "maximum", "-infinity (the "
    "type's lowest value for integers)">;
def Graph_SumPoolOp : Graph_PoolOp<"sum_pool", "sum", "zeros">;

def Graph_PadOp : Graph_Op<"pad", [Pure, SameOperandsAndResultElementType]> {
  let summary = "pads a tensor";
  let description = [{
    Adds `pads[i]` elements before and `pads[rank+i]` after dimension `i`
    (negative values crop). `mode` is `constant` (the scalar `value`),
    `reflect` (mirror without repeating the edge), `edge` (repeat the edge)
    or `wrap` (periodic).

    ```mlir
    %p = graph.pad %x, %zero {mode = "constant", pads = array<i64: 0, 1, 0, 1>}
        : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x5xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_Tensor:$value,
                   StrAttr:$mode, DenseI64ArrayAttr:$pads);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input `,` $value attr-dict `:` "
                       "functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

class Graph_ReduceOp<string mnemonic, string math>
    : Graph_Op<mnemonic, [Pure, InferTypeOpAdaptor]> {
  let summary = "reduces a tensor over some axes with " # math;
  let description = "Combines the elements along `axes` (sorted, distinct, "
    # "in `[0, rank)`) with " # math # "; those dimensions are removed from "
    # "the result (the importer reshapes for ONNX's keepdims). Max and min "
    # "propagate NaN.";
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$axes);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat =
      "$input $axes attr-dict `:` type($input) `->` type($result)";
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *context, std::optional<::mlir::Location> loc,
        Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &inferredReturnTypes) {
      return inferReducedType(loc, adaptor.getInput().getType(),
                              adaptor.getAxes(), std::nullopt,
                              inferredReturnTypes);
    }
  }];
}

def Graph_ReduceSumOp : Graph_ReduceOp<"reduce_sum", "addition">;
def Graph_ReduceMaxOp : Graph_ReduceOp<"reduce_max", "maximum">;
def Graph_ReduceMinOp : Graph_ReduceOp<"reduce_min", "minimum">;
def Graph_ReduceProdOp : Graph_ReduceOp<"reduce_prod", "multiplication">;

class Graph_ArgReduceOp<string mnemonic, string which>
    : Graph_Op<mnemonic, [Pure, InferTypeOpAdaptor]> {
  let summary = "index of the " # which # " element along an axis";
  let description = "The `i64` index along `axis` of the " # which
    # " element (the first one, or the last with `select_last_index`); "
    # "`axis` is removed from the result.";
  let arguments = (ins Graph_Tensor:$input, I64Attr:$axis,
                   UnitAttr:$select_last_index);
  let results = (outs RankedTensorOf<[I64]>:$result);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($result)";
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *context, std::optional<::mlir::Location> loc,
        Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &inferredReturnTypes) {
      return inferReducedType(loc, adaptor.getInput().getType(),
                              {adaptor.getAxis()},
                              ::mlir::IntegerType::get(context, 64),
                              inferredReturnTypes);
    }
  }];
}

def Graph_ArgMaxOp : Graph_ArgReduceOp<"arg_max", "largest">;
def Graph_ArgMinOp : Graph_ArgReduceOp<"arg_min", "smallest">;

#endif // AICC_DIALECT_GRAPH_OPS
