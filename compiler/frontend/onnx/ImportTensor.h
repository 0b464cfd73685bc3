//===- ImportTensor.h - ONNX TensorProto → MLIR attributes ------*- C++ -*-===//
//
// Converts ONNX element types and tensors (all storage forms, external data)
// into MLIR types and DenseElementsAttr.
//
//===----------------------------------------------------------------------===//

#ifndef AICC_COMPILER_FRONTEND_ONNX_IMPORTTENSOR_H
#define AICC_COMPILER_FRONTEND_ONNX_IMPORTTENSOR_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/Error.h"

namespace onnx {
class TensorProto;
} // namespace onnx

namespace aicc::onnx_import {

/// The MLIR element type of ONNX data type `dataType` (TensorProto::DataType),
/// or an error naming the type when aicc does not support it.
llvm::Expected<mlir::Type> convertElementType(mlir::MLIRContext &ctx,
                                              int dataType);

/// A readable name of an ONNX data type ("FLOAT", "STRING", ...).
llvm::StringRef dataTypeName(int dataType);

/// Reads `tensor` into a DenseElementsAttr. `modelDir` is the folder against
/// which external data locations resolve; a location that escapes it (absolute
/// path, `..`, symlink) is an error.
llvm::Expected<mlir::DenseElementsAttr>
importTensor(mlir::MLIRContext &ctx, const onnx::TensorProto &tensor,
             llvm::StringRef modelDir);

} // namespace aicc::onnx_import

#endif // AICC_COMPILER_FRONTEND_ONNX_IMPORTTENSOR_H
