#include "io/nifti_check.hpp"

#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <memory>

#include "kernels/core/errors.hpp"

namespace doseomics {
namespace {

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

template <typename T>
T read_field(const unsigned char* header, std::size_t offset, bool swap) {
  unsigned char bytes[sizeof(T)];
  std::memcpy(bytes, header + offset, sizeof(T));
  if (swap)
    for (std::size_t i = 0; i < sizeof(T) / 2; ++i) std::swap(bytes[i], bytes[sizeof(T) - 1 - i]);
  T value;
  std::memcpy(&value, bytes, sizeof(T));
  return value;
}

}  // namespace

void require_complete_nifti(const std::string& path) {
  if (!ends_with(path, ".nii") && !ends_with(path, ".nii.gz")) return;
  // gzread reads plain files too, so one path serves .nii and .nii.gz.
  std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(path.c_str(), "rb"), gzclose);
  if (!file) throw InputError("'" + path + "': cannot be opened");
  constexpr int kHeaderBytes = 348;  // NIfTI-1
  unsigned char header[kHeaderBytes];
  if (gzread(file.get(), header, kHeaderBytes) != kHeaderBytes)
    throw InputError("'" + path + "': truncated NIfTI: the 348-byte header is incomplete");
  bool swap = false;
  if (read_field<std::int32_t>(header, 0, false) != kHeaderBytes) {
    swap = true;
    if (read_field<std::int32_t>(header, 0, true) != kHeaderBytes)
      throw InputError("'" + path + "': not a NIfTI-1 file (sizeof_hdr is not 348)");
  }
  const int dimensions = read_field<std::int16_t>(header, 40, swap);
  if (dimensions < 1 || dimensions > 7)
    throw InputError("'" + path + "': NIfTI header has " + std::to_string(dimensions) +
                     " dimensions");
  std::uint64_t voxels = 1;
  for (int d = 1; d <= dimensions; ++d) {
    const int extent = read_field<std::int16_t>(header, 40 + 2 * d, swap);
    if (extent < 1) throw InputError("'" + path + "': NIfTI header has a dimension of size 0");
    voxels *= static_cast<std::uint64_t>(extent);
  }
  const int bits_per_voxel = read_field<std::int16_t>(header, 72, swap);
  const double voxel_offset = read_field<float>(header, 108, swap);
  const std::uint64_t expected = static_cast<std::uint64_t>(voxel_offset) +
                                 voxels * static_cast<std::uint64_t>(bits_per_voxel) / 8;

  std::uint64_t total = kHeaderBytes;
  char buffer[1 << 16];
  for (;;) {
    const int got = gzread(file.get(), buffer, sizeof buffer);
    if (got < 0) {
      int code = 0;
      const char* message = gzerror(file.get(), &code);
      throw InputError("'" + path + "': truncated or corrupt NIfTI (" +
                       (message ? message : "read error") + ")");
    }
    if (got == 0) break;
    total += static_cast<std::uint64_t>(got);
    if (total >= expected) break;
  }
  if (total < expected)
    throw InputError("'" + path + "': truncated NIfTI: " + std::to_string(total) + " of " +
                     std::to_string(expected) + " bytes (header and voxels)");
}

}  // namespace doseomics
