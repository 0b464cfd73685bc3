//===- ImportTensor.cpp - ONNX TensorProto → DenseElementsAttr ------------===//

#include "compiler/frontend/onnx/ImportTensor.h"

#include "onnx/onnx.pb.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cstring>

using namespace mlir;
using llvm::Expected;
using llvm::StringRef;

namespace aicc::onnx_import {

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

StringRef dataTypeName(int dataType) {
  if (onnx::TensorProto::DataType_IsValid(dataType))
    return onnx::TensorProto::DataType_Name(
        static_cast<onnx::TensorProto::DataType>(dataType));
  return "<unknown data type>";
}

Expected<Type> convertElementType(MLIRContext &ctx, int dataType) {
  Builder b(&ctx);
  auto unsignedInt = [&](unsigned width) {
    return IntegerType::get(&ctx, width, IntegerType::Unsigned);
  };
  switch (dataType) {
  case onnx::TensorProto::FLOAT:
    return b.getF32Type();
  case onnx::TensorProto::DOUBLE:
    return b.getF64Type();
  case onnx::TensorProto::FLOAT16:
    return b.getF16Type();
  case onnx::TensorProto::BFLOAT16:
    return b.getBF16Type();
  case onnx::TensorProto::INT8:
    return b.getIntegerType(8);
  case onnx::TensorProto::INT16:
    return b.getIntegerType(16);
  case onnx::TensorProto::INT32:
    return b.getIntegerType(32);
  case onnx::TensorProto::INT64:
    return b.getIntegerType(64);
  case onnx::TensorProto::UINT8:
    return unsignedInt(8);
  case onnx::TensorProto::UINT16:
    return unsignedInt(16);
  case onnx::TensorProto::UINT32:
    return unsignedInt(32);
  case onnx::TensorProto::UINT64:
    return unsignedInt(64);
  case onnx::TensorProto::BOOL:
    return b.getI1Type();
  default:
    return makeError("data type " + dataTypeName(dataType) + " (" +
                     llvm::Twine(dataType) + ") is not supported");
  }
}

/// Appends `values`, narrowed to `byteWidth` bytes each, to `bytes`
/// (little-endian host, which is also ONNX's raw_data order).
template <typename T>
static void appendNarrowed(const T &values, unsigned byteWidth,
                           std::vector<char> &bytes) {
  for (auto v : values) {
    uint64_t word = static_cast<uint64_t>(v);
    const char *p = reinterpret_cast<const char *>(&word);
    bytes.insert(bytes.end(), p, p + byteWidth);
  }
}

/// Reads an external data file for `tensor`, refusing any location that
/// leaves `modelDir`.
static Expected<std::string> readExternalData(const onnx::TensorProto &tensor,
                                              StringRef modelDir) {
  std::string location;
  uint64_t offset = 0, length = 0;
  bool hasLength = false;
  for (const auto &entry : tensor.external_data()) {
    if (entry.key() == "location")
      location = entry.value();
    else if (entry.key() == "offset" || entry.key() == "length") {
      uint64_t value;
      if (StringRef(entry.value()).getAsInteger(10, value))
        return makeError("external data " + entry.key() + " '" + entry.value() +
                         "' is not a number");
      (entry.key() == "offset" ? offset : length) = value;
      hasLength |= entry.key() == "length";
    }
  }
  if (location.empty())
    return makeError("external data has no 'location'");
  if (modelDir.empty())
    return makeError("external data '" + location +
                     "' cannot be read: a model given in memory has no "
                     "folder (load it with its external data, or compile "
                     "the file)");
  if (llvm::sys::path::is_absolute(location))
    return makeError("external data location '" + location +
                     "' is an absolute path; it must be relative to the "
                     "model's folder");
  for (StringRef component : llvm::make_range(llvm::sys::path::begin(location),
                                              llvm::sys::path::end(location)))
    if (component == "..")
      return makeError("external data location '" + location +
                       "' escapes the model's folder");

  SmallString<256> path(modelDir);
  llvm::sys::path::append(path, location);
  SmallString<256> realDir, realFile;
  if (llvm::sys::fs::real_path(modelDir, realDir) ||
      llvm::sys::fs::real_path(path, realFile))
    return makeError("cannot open external data file '" + location + "'");
  if (!StringRef(realFile).starts_with(realDir.str().str() + "/"))
    return makeError("external data location '" + location +
                     "' resolves outside the model's folder");

  auto buffer = llvm::MemoryBuffer::getFile(realFile, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeError("cannot read external data file '" + location +
                     "': " + buffer.getError().message());
  uint64_t size = (*buffer)->getBufferSize();
  if (offset > size || (hasLength && length > size - offset))
    return makeError("external data range [" + llvm::Twine(offset) + ", +" +
                     llvm::Twine(length) + ") is beyond the end of '" +
                     location + "' (" + llvm::Twine(size) + " bytes)");
  if (!hasLength)
    length = size - offset;
  return std::string((*buffer)->getBufferStart() + offset, length);
}

Expected<DenseElementsAttr> importTensor(MLIRContext &ctx,
                                         const onnx::TensorProto &tensor,
                                         StringRef modelDir) {
  Expected<Type> elementType = convertElementType(ctx, tensor.data_type());
  if (!elementType)
    return elementType.takeError();

  // Shape and element count, guarding against overflow in hostile files.
  SmallVector<int64_t> shape;
  int64_t numElements = 1;
  for (int64_t dim : tensor.dims()) {
    if (dim < 0)
      return makeError("has a negative dimension " + llvm::Twine(dim));
    if (dim != 0 && numElements > (int64_t(1) << 40) / dim)
      return makeError("is too large");
    numElements *= dim;
    shape.push_back(dim);
  }
  auto type = RankedTensorType::get(shape, *elementType);
  unsigned bitWidth = elementType->getIntOrFloatBitWidth();
  unsigned byteWidth = bitWidth == 1 ? 1 : bitWidth / 8;

  // Gather the elements in their native little-endian layout.
  std::vector<char> bytes;
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    Expected<std::string> data = readExternalData(tensor, modelDir);
    if (!data)
      return data.takeError();
    bytes.assign(data->begin(), data->end());
  } else if (tensor.has_raw_data()) {
    bytes.assign(tensor.raw_data().begin(), tensor.raw_data().end());
  } else {
    switch (tensor.data_type()) {
    case onnx::TensorProto::FLOAT:
      bytes.resize(tensor.float_data_size() * sizeof(float));
      if (!bytes.empty())
        std::memcpy(bytes.data(), tensor.float_data().data(), bytes.size());
      break;
    case onnx::TensorProto::DOUBLE:
      bytes.resize(tensor.double_data_size() * sizeof(double));
      if (!bytes.empty())
        std::memcpy(bytes.data(), tensor.double_data().data(), bytes.size());
      break;
    case onnx::TensorProto::INT64:
      appendNarrowed(tensor.int64_data(), 8, bytes);
      break;
    case onnx::TensorProto::UINT32:
    case onnx::TensorProto::UINT64:
      appendNarrowed(tensor.uint64_data(), byteWidth, bytes);
      break;
    default: // int8/16/32, uint8/16, bool, float16, bfloat16: int32_data
      appendNarrowed(tensor.int32_data(), byteWidth, bytes);
      break;
    }
  }

  if (bytes.size() != static_cast<uint64_t>(numElements) * byteWidth)
    return makeError("holds " + llvm::Twine(bytes.size() / byteWidth) +
                     " values but its shape needs " + llvm::Twine(numElements));

  if (elementType->isInteger(1)) {
    SmallVector<bool> bools;
    for (char c : bytes)
      bools.push_back(c != 0);
    return DenseElementsAttr::get(type, ArrayRef<bool>(bools));
  }
  return DenseElementsAttr::getFromRawBuffer(type, bytes);
}

} // namespace aicc::onnx_import
