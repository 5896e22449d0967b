#include "../core/feature_names.hpp"
#include "../core/firstorder.hpp"
#include "cell_access.cuh"
#include "cuda_check.hpp"
#include "firstorder.cuh"
#include "tuning_policy.hpp"

namespace doseomics {
namespace cuda_detail {
namespace {

// Inputs: one thread per cell; the region's values in array order and sorted (chunk arrays), the
// cell's histogram (bins 0 .. max_bin). Output: the 19 first-order features into the cell's row,
// from kernels/core/firstorder.hpp, with the same inputs in the same order as the CPU backend.
__global__ void firstorder_kernel(GroupArgs args) {
  const int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= args.cell_count) return;
  const CellDevice& cell = args.cells[c];
  if (cell.status != kComputed) return;
  const int max_bin = args.levels[c].max_bin;
  firstorder_features(args.values + cell.values_offset, args.sorted_values + cell.values_offset,
                      cell.voxel_count, args.histogram + cell.histogram_offset, max_bin + 1,
                      cell.voxel_volume_mm3, cell.voxel_array_shift,
                      class_features(args, cell, static_cast<int>(FeatureClass::firstorder)));
}

}  // namespace

void launch_firstorder(const GroupArgs& args, cudaStream_t stream) {
  if (args.cell_count == 0) return;
  const int threads = cuda_policy::kFinishThreads;
  firstorder_kernel<<<(args.cell_count + threads - 1) / threads, threads, 0, stream>>>(args);
  DOSEOMICS_CHECK_LAUNCH(firstorder_kernel);
}

}  // namespace cuda_detail
}  // namespace doseomics
