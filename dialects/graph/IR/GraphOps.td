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

class Graph_BinaryOp<string mnemonic, list<Trait> traits = []>
    : Graph_Op<mnemonic, !listconcat(traits,
        [Pure, SameOperandsElementType, InferTypeOpAdaptor])> {
  let arguments = (ins Graph_Tensor:$lhs, Graph_Tensor:$rhs);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *context, std::optional<::mlir::Location> loc,
        Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &inferredReturnTypes) {
      return inferBroadcastType(loc, adaptor.getLhs().getType(),
                                adaptor.getRhs().getType(),
                                inferredReturnTypes);
    }
  }];
}

def Graph_AddOp : Graph_BinaryOp<"add", [Commutative]> {
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
  let summary = "elementwise subtraction with broadcasting";
  let description = [{ `result = lhs - rhs`, broadcasting as `graph.add`. }];
}

def Graph_MulOp : Graph_BinaryOp<"mul", [Commutative]> {
  let summary = "elementwise multiplication with broadcasting";
  let description = [{ `result = lhs * rhs`, broadcasting as `graph.add`. }];
}

def Graph_DivOp : Graph_BinaryOp<"div"> {
  let summary = "elementwise division with broadcasting";
  let description = [{
    `result = lhs / rhs`, broadcasting as `graph.add`. Integer division
    truncates toward zero (signed) as ONNX's Div does.
  }];
}

//===----------------------------------------------------------------------===//
// Elementwise unary ops
//===----------------------------------------------------------------------===//

class Graph_UnaryOp<string mnemonic, Type type, list<Trait> traits = []>
    : Graph_Op<mnemonic, !listconcat(traits, [Pure, SameOperandsAndResultType])> {
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

#endif // AICC_DIALECT_GRAPH_OPS
