//===- HostTensor.cpp - .npy and .pb tensor files -------------------------===//

#include "compiler/jit/HostTensor.h"
#include "compiler/frontend/onnx/ImportTensor.h"

#include "onnx/onnx.pb.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace mlir;
using llvm::Expected;
using llvm::StringRef;

namespace aicc {

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

int64_t HostTensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

unsigned HostTensor::elementSize(Type elementType) {
  unsigned bits = elementType.getIntOrFloatBitWidth();
  return bits == 1 ? 1 : bits / 8;
}

bool HostTensor::matches(Type expectedType,
                         ArrayRef<int64_t> expectedShape) const {
  bool bf16Bits = expectedType.isBF16() && elementType.isUnsignedInteger(16);
  return (elementType == expectedType || bf16Bits) &&
         ArrayRef<int64_t>(shape) == expectedShape;
}

std::string HostTensor::describe() const {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << RankedTensorType::get(shape, elementType);
  return s;
}

DenseElementsAttr toElementsAttr(const HostTensor &tensor,
                                 RankedTensorType type) {
  if (type.getElementType().isInteger(1)) {
    SmallVector<bool> bools(tensor.bytes.begin(), tensor.bytes.end());
    return DenseElementsAttr::get(type, ArrayRef<bool>(bools));
  }
  return DenseElementsAttr::getFromRawBuffer(type, tensor.bytes);
}

/// numpy's dtype descriptor for an element type, e.g. "<f4"; empty if none.
static std::string npyDescr(Type t) {
  char order = HostTensor::elementSize(t) == 1 ? '|' : '<';
  std::string size = std::to_string(HostTensor::elementSize(t));
  if (t.isInteger(1))
    return "|b1";
  if (t.isBF16()) // numpy has no bfloat16: its uint16 bits, as ONNX does
    return "<u2";
  if (t.isF16() || t.isF32() || t.isF64())
    return order + std::string("f") + size;
  if (t.isUnsignedInteger())
    return order + std::string("u") + size;
  if (t.isSignlessInteger())
    return order + std::string("i") + size;
  return "";
}

static Type typeFromNpyDescr(MLIRContext &ctx, StringRef descr) {
  Builder b(&ctx);
  if (descr == "|b1")
    return b.getI1Type();
  if (descr.size() < 3 || (descr[0] != '<' && descr[0] != '|'))
    return nullptr;
  unsigned size;
  if (descr.drop_front(2).getAsInteger(10, size) || size > 8)
    return nullptr;
  switch (descr[1]) {
  case 'f':
    return size == 2   ? Type(b.getF16Type())
           : size == 4 ? Type(b.getF32Type())
           : size == 8 ? Type(b.getF64Type())
                       : Type();
  case 'i':
    return b.getIntegerType(size * 8);
  case 'u':
    return IntegerType::get(&ctx, size * 8, IntegerType::Unsigned);
  default:
    return nullptr;
  }
}

/// The value of `key` in a numpy header dict, e.g. 'descr': '<f4'.
static StringRef headerField(StringRef header, StringRef key) {
  size_t pos = header.find("'" + key.str() + "'");
  if (pos == StringRef::npos)
    return {};
  StringRef rest = header.drop_front(pos + key.size() + 2).ltrim(" :");
  if (rest.starts_with("'"))
    return rest.drop_front().take_until([](char c) { return c == '\''; });
  if (rest.starts_with("("))
    return rest.drop_front().take_until([](char c) { return c == ')'; });
  return rest.take_until([](char c) { return c == ',' || c == '}'; }).trim();
}

Expected<HostTensor> readNpy(MLIRContext &ctx, StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, false, false);
  if (!buffer)
    return makeError("cannot open '" + path +
                     "': " + buffer.getError().message());
  StringRef data = (*buffer)->getBuffer();
  if (!data.starts_with("\x93NUMPY") || data.size() < 10)
    return makeError("'" + path + "' is not a .npy file");
  uint8_t major = data[6];
  size_t headerLen, headerStart;
  if (major == 1) {
    headerLen = uint8_t(data[8]) | (uint8_t(data[9]) << 8);
    headerStart = 10;
  } else {
    if (data.size() < 12)
      return makeError("'" + path + "' is a truncated .npy file");
    headerLen = uint32_t(uint8_t(data[8])) | (uint32_t(uint8_t(data[9])) << 8) |
                (uint32_t(uint8_t(data[10])) << 16) |
                (uint32_t(uint8_t(data[11])) << 24);
    headerStart = 12;
  }
  if (headerStart + headerLen > data.size())
    return makeError("'" + path + "' is a truncated .npy file");
  StringRef header = data.substr(headerStart, headerLen);

  HostTensor tensor;
  StringRef descr = headerField(header, "descr");
  tensor.elementType = typeFromNpyDescr(ctx, descr);
  if (!tensor.elementType)
    return makeError("'" + path + "': unsupported .npy dtype '" + descr + "'");
  if (headerField(header, "fortran_order") != "False")
    return makeError("'" + path + "': Fortran-order arrays are not supported");
  SmallVector<StringRef> dims;
  headerField(header, "shape").split(dims, ',', -1, /*KeepEmpty=*/false);
  for (StringRef dim : dims) {
    int64_t d;
    if (dim.trim().getAsInteger(10, d) || d < 0)
      return makeError("'" + path + "': bad shape in the .npy header");
    tensor.shape.push_back(d);
  }
  size_t expected =
      tensor.numElements() * HostTensor::elementSize(tensor.elementType);
  StringRef payload = data.drop_front(headerStart + headerLen);
  if (payload.size() != expected)
    return makeError("'" + path + "' holds " + llvm::Twine(payload.size()) +
                     " bytes of data but its header says " +
                     llvm::Twine(expected));
  tensor.bytes.assign(payload.begin(), payload.end());
  return tensor;
}

Expected<HostTensor> readTensorPb(MLIRContext &ctx, StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, false, false);
  if (!buffer)
    return makeError("cannot open '" + path +
                     "': " + buffer.getError().message());
  onnx::TensorProto proto;
  StringRef data = (*buffer)->getBuffer();
  if (!proto.ParseFromArray(data.data(), static_cast<int>(data.size())))
    return makeError("'" + path + "' is not a serialized ONNX TensorProto");
  auto attr =
      onnx_import::importTensor(ctx, proto, llvm::sys::path::parent_path(path));
  if (!attr)
    return makeError("'" + path + "': " + llvm::toString(attr.takeError()));
  HostTensor tensor;
  tensor.elementType = attr->getElementType();
  tensor.shape.assign(attr->getType().getShape().begin(),
                      attr->getType().getShape().end());
  if (tensor.elementType.isInteger(1)) {
    for (bool v : attr->getValues<bool>())
      tensor.bytes.push_back(v);
  } else {
    ArrayRef<char> raw = attr->getRawData();
    size_t size =
        tensor.numElements() * HostTensor::elementSize(tensor.elementType);
    if (attr->isSplat()) {
      for (int64_t i = 0; i < tensor.numElements(); ++i)
        tensor.bytes.insert(tensor.bytes.end(), raw.begin(), raw.end());
    } else {
      tensor.bytes.assign(raw.begin(), raw.begin() + size);
    }
  }
  return tensor;
}

Expected<HostTensor> readTensorFile(MLIRContext &ctx, StringRef path) {
  if (path.ends_with(".pb"))
    return readTensorPb(ctx, path);
  return readNpy(ctx, path);
}

llvm::Error writeNpy(const HostTensor &tensor, StringRef path) {
  std::string descr = npyDescr(tensor.elementType);
  if (descr.empty())
    return makeError("cannot write " + tensor.describe() +
                     " as .npy: numpy has no such dtype");
  std::string shape; // numpy's tuple syntax: (), (3,), (2, 3)
  for (size_t i = 0; i < tensor.shape.size(); ++i)
    shape += (i ? ", " : "") + std::to_string(tensor.shape[i]);
  if (tensor.shape.size() == 1)
    shape += ",";
  std::string header = "{'descr': '" + descr +
                       "', 'fortran_order': False, 'shape': (" + shape + "), }";
  // Pad so that the data starts at a multiple of 64 bytes; end with '\n'.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');

  SmallString<256> tmp(path);
  tmp += ".tmp";
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(tmp, ec, llvm::sys::fs::OF_None);
    if (ec)
      return makeError("cannot write '" + tmp + "': " + ec.message());
    os << "\x93NUMPY" << char(1) << char(0) << char(header.size() & 0xff)
       << char(header.size() >> 8) << header;
    os.write(tensor.bytes.data(), tensor.bytes.size());
    os.close();
    if (os.has_error())
      return makeError("cannot write '" + tmp + "'");
  }
  if (std::error_code ec = llvm::sys::fs::rename(tmp, path))
    return makeError("cannot rename '" + tmp + "' to '" + path +
                     "': " + ec.message());
  return llvm::Error::success();
}

llvm::Expected<llvm::StringMap<HostTensor>>
readNamedTensors(MLIRContext &ctx, llvm::ArrayRef<std::string> specs) {
  llvm::StringMap<HostTensor> given;
  for (llvm::StringRef spec : specs) {
    auto [name, file] = spec.split('=');
    if (name.empty() || file.empty())
      return makeError("bad --input '" + spec + "' (expected name=file.npy)");
    if (given.count(name))
      return makeError("input '" + name + "' is given twice");
    auto tensor = readTensorFile(ctx, file);
    if (!tensor)
      return makeError("input '" + name +
                       "': " + llvm::toString(tensor.takeError()));
    given.try_emplace(name, std::move(*tensor));
  }
  return given;
}

std::string npyFileNameFor(llvm::StringRef name) {
  std::string file;
  for (char c : name)
    file.push_back(llvm::isAlnum(c) || c == '_' || c == '-' || c == '.' ? c
                                                                        : '_');
  if (file.empty() || file[0] == '.')
    file.insert(file.begin(), '_');
  return file + ".npy";
}

} // namespace aicc
