// CUB's device scans and segmented sorts, instantiated once here so that no other translation
// unit pays for their templates.
#include <thrust/iterator/transform_iterator.h>
#include <cub/device/device_scan.cuh>
#include <cub/device/device_segmented_sort.cuh>

#include "primitives.cuh"

namespace doseomics {
namespace cuda_detail {
namespace {

struct NonZeroMask {
  __host__ __device__ long long operator()(unsigned char m) const { return m != 0 ? 1 : 0; }
};
struct Present {
  __host__ __device__ long long operator()(long long count) const { return count > 0 ? 1 : 0; }
};
struct Flag {
  __host__ __device__ long long operator()(unsigned long long f) const {
    return static_cast<long long>(f);
  }
};

template <typename Iterator>
void exclusive_sum(Iterator in, long long* out, long long n, TemporaryStorage& temporary,
                   cudaStream_t stream) {
  if (n <= 0) return;
  std::size_t bytes = 0;
  CUDA_CHECK(cub::DeviceScan::ExclusiveSum(nullptr, bytes, in, out, n, stream));
  temporary.reserve(bytes);
  CUDA_CHECK(cub::DeviceScan::ExclusiveSum(temporary.data(), bytes, in, out, n, stream));
}

template <typename Key>
void sort_segments(const Key* in, Key* out, long long n, int segments, const long long* begin,
                   const long long* end, TemporaryStorage& temporary, cudaStream_t stream) {
  if (n <= 0 || segments <= 0) return;
  std::size_t bytes = 0;
  CUDA_CHECK(
      cub::DeviceSegmentedSort::SortKeys(nullptr, bytes, in, out, n, segments, begin, end, stream));
  temporary.reserve(bytes);
  CUDA_CHECK(cub::DeviceSegmentedSort::SortKeys(temporary.data(), bytes, in, out, n, segments,
                                                begin, end, stream));
}

}  // namespace

void exclusive_scan_mask(const unsigned char* mask, long long* out, long long n,
                         TemporaryStorage& temporary, cudaStream_t stream) {
  exclusive_sum(thrust::make_transform_iterator(mask, NonZeroMask{}), out, n, temporary, stream);
}

void exclusive_scan_present(const long long* histogram, long long* out, long long n,
                            TemporaryStorage& temporary, cudaStream_t stream) {
  exclusive_sum(thrust::make_transform_iterator(histogram, Present{}), out, n, temporary, stream);
}

void exclusive_scan_flags(const unsigned long long* flags, long long* out, long long n,
                          TemporaryStorage& temporary, cudaStream_t stream) {
  exclusive_sum(thrust::make_transform_iterator(flags, Flag{}), out, n, temporary, stream);
}

void segmented_sort(const double* in, double* out, long long n, int segments,
                    const long long* begin, const long long* end, TemporaryStorage& temporary,
                    cudaStream_t stream) {
  sort_segments(in, out, n, segments, begin, end, temporary, stream);
}

void segmented_sort(const unsigned long long* in, unsigned long long* out, long long n,
                    int segments, const long long* begin, const long long* end,
                    TemporaryStorage& temporary, cudaStream_t stream) {
  sort_segments(in, out, n, segments, begin, end, temporary, stream);
}

}  // namespace cuda_detail
}  // namespace doseomics
