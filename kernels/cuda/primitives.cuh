// Device-wide primitives of the CUDA backend, wrapping CUB (scans and segmented sorts). All run
// on `stream` and take their temporary storage from a grow-only buffer.
#pragma once

#include <cuda_runtime_api.h>

#include "device_buffer.hpp"

namespace doseomics {
namespace cuda_detail {

using TemporaryStorage = DeviceBuffer<unsigned char>;

// out[i] = number of mask[j] != 0 for j < i, over n entries.
void exclusive_scan_mask(const unsigned char* mask, long long* out, long long n,
                         TemporaryStorage& temporary, cudaStream_t stream);
// out[i] = number of histogram[j] > 0 for j < i.
void exclusive_scan_present(const long long* histogram, long long* out, long long n,
                            TemporaryStorage& temporary, cudaStream_t stream);
// out[i] = sum of flags[j] for j < i (flags are 0 or 1).
void exclusive_scan_flags(const unsigned long long* flags, long long* out, long long n,
                          TemporaryStorage& temporary, cudaStream_t stream);
// Sort each segment [begin[s], end[s]) of `in` ascending into `out` (segments may be empty).
void segmented_sort(const double* in, double* out, long long n, int segments,
                    const long long* begin, const long long* end, TemporaryStorage& temporary,
                    cudaStream_t stream);
void segmented_sort(const unsigned long long* in, unsigned long long* out, long long n,
                    int segments, const long long* begin, const long long* end,
                    TemporaryStorage& temporary, cudaStream_t stream);

}  // namespace cuda_detail
}  // namespace doseomics
