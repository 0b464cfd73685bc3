//===- ManifestFormat.h - the artifact manifest's text format ---*- C++ -*-===//
//
// Header-only and dependency-free: the compiler writes manifests with it and
// the runtime reads them. One record per line, fields separated by single
// spaces, free-form fields percent-encoded (docs/artifact.md):
//
//   aicc-artifact 2
//   aicc-version 0.1.0
//   model <name> <xxh3 of the ONNX file, 16 hex digits>
//   target <triple> <cpu> <features>
//   input <name> <dtype> <dims joined by 'x', or 'scalar'>
//   output <name> <dtype> <dims>
//   workspace <bytes>         @main takes a workspace of that size last
//   kernel <symbol> <structural hash> <schedule>
//
// Format 2 added `workspace`; format 1 artifacts (none) are still read.
//
//===----------------------------------------------------------------------===//

#ifndef AICC_RUNTIME_MANIFESTFORMAT_H
#define AICC_RUNTIME_MANIFESTFORMAT_H

#include <cstdint>
#include <string>
#include <vector>

namespace aicc::manifest {

inline constexpr int kFormatVersion = 2;
inline constexpr int kOldestFormatVersion = 1;
inline constexpr const char *kManifestSymbol = "aicc_manifest";
inline constexpr const char *kEntrySymbol = "aicc_entry";

/// dtype names in aicc_dtype order.
inline constexpr const char *kDTypeNames[] = {
    "f32", "f64", "f16", "bf16", "i8",  "i16", "i32",
    "i64", "u8",  "u16", "u32",  "u64", "bool"};
inline constexpr int kDTypeBytes[] = {4, 8, 2, 2, 1, 2, 4, 8, 1, 2, 4, 8, 1};

/// FNV-1a, 64 bits: the fingerprint of an input's bytes that a `bound`
/// record holds (the artifact was compiled for that value; `--bind`).
inline uint64_t fingerprint(const void *data, size_t size) {
  const unsigned char *bytes = static_cast<const unsigned char *>(data);
  uint64_t hash = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < size; ++i)
    hash = (hash ^ bytes[i]) * 0x100000001b3ull;
  return hash;
}

/// Percent-encodes everything but [A-Za-z0-9_.:/+,=<>\[\]#-] so a field
/// holds no space or newline and is never empty.
inline std::string escape(const std::string &text) {
  static const char *hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9') ||
                 std::string("_.:/+,=<>[]#-").find(c) != std::string::npos;
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out.empty() ? "%" : out; // "%" alone: the empty string
}

/// Inverse of escape; false on a malformed escape.
inline bool unescape(const std::string &field, std::string &out) {
  out.clear();
  if (field == "%")
    return true;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] != '%') {
      out += field[i];
      continue;
    }
    if (i + 2 >= field.size())
      return false;
    auto digit = [](char c) -> int {
      if (c >= '0' && c <= '9')
        return c - '0';
      if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
      return -1;
    };
    int hi = digit(field[i + 1]), lo = digit(field[i + 2]);
    if (hi < 0 || lo < 0)
      return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

} // namespace aicc::manifest

#endif // AICC_RUNTIME_MANIFESTFORMAT_H
