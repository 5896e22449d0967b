// A minimal reader for numpy .npy files of little-endian float64 ('<f8'), C or Fortran order,
// enough for PyRadiomics' baseline matrices.
#pragma once

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace doseomics::test {

// An array as numpy shows it: its shape, and its values in C order (last index fastest).
struct NpyArray {
  std::vector<int> shape;
  std::vector<double> values;
};

// Read a .npy file (format versions 1-3). Throws std::runtime_error naming the file when it is
// not '<f8' or cannot be parsed. Fortran-ordered arrays are transposed into C order.
inline NpyArray read_npy(const std::string& path) {
  auto fail = [&](const std::string& why) -> std::runtime_error {
    return std::runtime_error("read_npy(" + path + "): " + why);
  };
  std::ifstream in(path, std::ios::binary);
  if (!in) throw fail("cannot open");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) throw fail("not a .npy file");
  const auto byte = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i]));
  };
  const int major = static_cast<int>(byte(6));
  std::size_t header_len = 0, header_start = 0;
  if (major == 1) {
    header_len = byte(8) | (byte(9) << 8);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) throw fail("truncated header");
    header_len = byte(8) | (byte(9) << 8) | (byte(10) << 16) | (byte(11) << 24);
    header_start = 12;
  } else {
    throw fail("unsupported format version " + std::to_string(major));
  }
  if (bytes.size() < header_start + header_len) throw fail("truncated header");
  const std::string header = bytes.substr(header_start, header_len);

  // The header is a Python dict literal: {'descr': '<f8', 'fortran_order': False, 'shape': (..), }
  const auto value_after = [&](const std::string& key) {
    const std::size_t k = header.find("'" + key + "'");
    if (k == std::string::npos) throw fail("header lacks '" + key + "'");
    const std::size_t colon = header.find(':', k);
    if (colon == std::string::npos) throw fail("malformed header");
    return header.substr(colon + 1);
  };
  const std::string descr = value_after("descr");
  if (descr.find("'<f8'") == std::string::npos || descr.find("'<f8'") > 2)
    throw fail("only '<f8' arrays are supported");
  const bool fortran = value_after("fortran_order").find("True") < 3;
  NpyArray array;
  const std::string shape_text = value_after("shape");
  const std::size_t open = shape_text.find('('), close = shape_text.find(')');
  if (open == std::string::npos || close == std::string::npos) throw fail("malformed shape");
  std::size_t pos = open + 1;
  std::size_t count = 1;
  while (pos < close) {
    while (pos < close && (shape_text[pos] == ' ' || shape_text[pos] == ',')) ++pos;
    if (pos >= close) break;
    std::size_t used = 0;
    const int extent = std::stoi(shape_text.substr(pos, close - pos), &used);
    array.shape.push_back(extent);
    count *= static_cast<std::size_t>(extent);
    pos += used;
  }

  const std::size_t data_start = header_start + header_len;
  if (bytes.size() - data_start < count * sizeof(double)) throw fail("truncated data");
  std::vector<double> raw(count);
  if (count > 0) std::memcpy(raw.data(), bytes.data() + data_start, count * sizeof(double));
  if (!fortran || array.shape.size() < 2) {
    array.values = std::move(raw);
    return array;
  }
  // Fortran order: the first index is fastest. Walk C order and compute each Fortran position.
  array.values.resize(count);
  const std::size_t rank = array.shape.size();
  std::vector<std::size_t> index(rank, 0);
  for (std::size_t c = 0; c < count; ++c) {
    std::size_t f = 0, stride = 1;
    for (std::size_t d = 0; d < rank; ++d) {
      f += index[d] * stride;
      stride *= static_cast<std::size_t>(array.shape[d]);
    }
    array.values[c] = raw[f];
    for (std::size_t d = rank; d-- > 0;) {
      if (++index[d] < static_cast<std::size_t>(array.shape[d])) break;
      index[d] = 0;
    }
  }
  return array;
}

}  // namespace doseomics::test
