// Discretisation of a setting group's cells on the device: bins in each cell's padded box, the
// histogram of bins, and the present grey levels.
#pragma once

#include <cuda_runtime_api.h>

#include "device_types.hpp"

namespace doseomics {
namespace cuda_detail {

// bins and histogram must be zero beforehand.
void launch_discretise(const GroupArgs& args, cudaStream_t stream);
// After level_scan = exclusive scan of (histogram > 0): level values and args.levels per cell.
void launch_gray_levels(const GroupArgs& args, cudaStream_t stream);

}  // namespace cuda_detail
}  // namespace doseomics
