// First-order features on the CPU: sorts the region's values and histograms its bins, then
// applies the shared formulas of kernels/core/firstorder.hpp.
#include <algorithm>
#include <vector>

#include "../core/firstorder.hpp"
#include "cpu_backend.hpp"
#include "prepare_region.hpp"

namespace doseomics {

void compute_firstorder_features(const PreparedRegion& region, const Settings& settings,
                                 double* out) {
  const std::vector<double>& values = region.roi_values;
  std::vector<double> sorted(values);
  std::sort(sorted.begin(), sorted.end());

  std::vector<long long> bin_counts(static_cast<std::size_t>(region.view.max_bin) + 1, 0);
  for (int bin : region.bins)
    if (bin > 0) ++bin_counts[bin];

  const double* spacing = region.view.spacing_zyx_mm;
  // x * y * z, in the order numpy.multiply.reduce(GetSpacing()) multiplies.
  const double voxel_volume_mm3 = spacing[2] * spacing[1] * spacing[0];
  firstorder_features(values.data(), sorted.data(), static_cast<long long>(values.size()),
                      bin_counts.data(), static_cast<int>(bin_counts.size()), voxel_volume_mm3,
                      settings.voxel_array_shift, out);
}

}  // namespace doseomics
