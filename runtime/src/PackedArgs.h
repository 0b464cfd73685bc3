//===- PackedArgs.h - arguments of a compiled @main, packed -----*- C++ -*-===//
//
// Header-only and dependency-free: the JIT (compiler/jit) and the artifact
// runtime call the compiled model the same way. @main takes each input, then
// each output, as a memref descriptor expanded into allocated pointer,
// aligned pointer, offset, sizes and strides; MLIR's packed convention passes
// a pointer to each of those fields.
//
//===----------------------------------------------------------------------===//

#ifndef AICC_RUNTIME_PACKEDARGS_H
#define AICC_RUNTIME_PACKEDARGS_H

#include <cstdint>
#include <deque>
#include <vector>

namespace aicc::abi {

class PackedMemrefArgs {
public:
  /// Appends a dense row-major buffer of `rank` dims `shape`.
  void add(const void *data, const int64_t *shape, size_t rank) {
    std::vector<int64_t> &d = descriptors.emplace_back();
    auto ptr = reinterpret_cast<int64_t>(data);
    d.assign({ptr, ptr, 0});
    d.insert(d.end(), shape, shape + rank);
    std::vector<int64_t> strides(rank, 1);
    for (size_t i = rank; i-- > 1;)
      strides[i - 1] = strides[i] * shape[i];
    d.insert(d.end(), strides.begin(), strides.end());
  }

  /// One pointer per field, valid while this object lives.
  std::vector<void *> pointers() {
    std::vector<void *> args;
    for (std::vector<int64_t> &d : descriptors)
      for (int64_t &field : d)
        args.push_back(&field);
    return args;
  }

private:
  std::deque<std::vector<int64_t>> descriptors; // stable element addresses
};

} // namespace aicc::abi

#endif // AICC_RUNTIME_PACKEDARGS_H
