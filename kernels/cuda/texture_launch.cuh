// Launch entry points of the texture classes on a setting group (glcm.cu, glrlm.cu, glszm.cu,
// gldm.cu, ngtdm.cu). Each writes its class's features into the cells' feature rows.
// The texture arenas of the group must be zero beforehand.
#pragma once

#include <cuda_runtime_api.h>

#include "device_types.hpp"
#include "primitives.cuh"

namespace doseomics {
namespace cuda_detail {

// max_angles: the largest angle count of any cell (grid of the per-angle kernels).
void launch_glcm(const GroupArgs& args, int max_angles, cudaStream_t stream);
void launch_glrlm(const GroupArgs& args, int max_angles, cudaStream_t stream);
// segment_begin/end: device arrays of cell_count entries; labels_total: elements of the labels
// arena (the keys and root-index arenas hold labels_total + 1).
void launch_glszm(const GroupArgs& args, long long labels_total, long long* segment_begin,
                  long long* segment_end, TemporaryStorage& temporary, cudaStream_t stream);
void launch_gldm(const GroupArgs& args, cudaStream_t stream);
void launch_ngtdm(const GroupArgs& args, cudaStream_t stream);

}  // namespace cuda_detail
}  // namespace doseomics
