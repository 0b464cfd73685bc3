//===- HostTensor.h - tensors in host memory and their files ----*- C++ -*-===//
//
// A dense row-major tensor in host memory, typed with the graph dialect's
// element types (ui8 is unsigned, i1 is bool stored as one byte), and its
// .npy / ONNX .pb file formats.
//
//===----------------------------------------------------------------------===//

#ifndef AICC_COMPILER_JIT_HOSTTENSOR_H
#define AICC_COMPILER_JIT_HOSTTENSOR_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Types.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace aicc {

struct HostTensor {
  mlir::Type elementType;
  llvm::SmallVector<int64_t> shape;
  std::vector<char> bytes;

  int64_t numElements() const;
  /// Bytes per element (bool takes one byte).
  static unsigned elementSize(mlir::Type elementType);
  /// "tensor<2x3xf32>"-style description for messages.
  std::string describe() const;
  /// Whether this tensor can be passed where `elementType` and `shape` are
  /// expected (ONNX and numpy, which has no bfloat16, carry bf16 as uint16).
  bool matches(mlir::Type elementType, llvm::ArrayRef<int64_t> shape) const;
};

/// The tensor as a constant attribute (bf16 given as uint16 bits becomes
/// bf16 when `type` says so).
mlir::DenseElementsAttr toElementsAttr(const HostTensor &tensor,
                                       mlir::RankedTensorType type);

/// Reads a .npy file (numpy's format, C order, little-endian).
llvm::Expected<HostTensor> readNpy(mlir::MLIRContext &ctx,
                                   llvm::StringRef path);
/// Reads a serialized ONNX TensorProto (.pb), as the ONNX test data stores.
llvm::Expected<HostTensor> readTensorPb(mlir::MLIRContext &ctx,
                                        llvm::StringRef path);
/// Reads .npy or .pb, by extension.
llvm::Expected<HostTensor> readTensorFile(mlir::MLIRContext &ctx,
                                          llvm::StringRef path);
/// Writes `tensor` as .npy, atomically (temporary file, then rename). bf16
/// is written as its uint16 bit patterns (ONNX's convention for numpy).
llvm::Error writeNpy(const HostTensor &tensor, llvm::StringRef path);

/// Reads `name=file` pairs (.npy or .pb files) into a map by name; the error
/// names the bad pair or the input.
llvm::Expected<llvm::StringMap<HostTensor>>
readNamedTensors(mlir::MLIRContext &ctx, llvm::ArrayRef<std::string> specs);

/// `<name>.npy` with every character that could leave a folder or confuse a
/// shell replaced by '_' (output names come from the model).
std::string npyFileNameFor(llvm::StringRef name);

} // namespace aicc

#endif // AICC_COMPILER_JIT_HOSTTENSOR_H
