#include "prepare_region.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "../core/discretisation.hpp"
#include "../core/errors.hpp"

namespace doseomics {
namespace {

std::string region_label(const RoiBatch& batch, std::size_t region_index) {
  const std::string& name = batch.region_names[region_index];
  return "region '" + (name.empty() ? std::to_string(region_index) : name) + "'";
}

// Tight bounding box of the mask inside the region's box; returns the voxel count.
long long find_tight_box(const RoiBatch& batch, const RegionGeometry& geometry, int start_zyx[3],
                         int size_zyx[3]) {
  int low[3] = {geometry.size_zyx[0], geometry.size_zyx[1], geometry.size_zyx[2]};
  int high[3] = {-1, -1, -1};
  long long count = 0;
  const std::uint8_t* mask = batch.mask.data() + geometry.voxel_offset;
  std::size_t i = 0;
  for (int z = 0; z < geometry.size_zyx[0]; ++z)
    for (int y = 0; y < geometry.size_zyx[1]; ++y)
      for (int x = 0; x < geometry.size_zyx[2]; ++x, ++i) {
        if (!mask[i]) continue;
        ++count;
        const int position[3] = {z, y, x};
        for (int axis = 0; axis < 3; ++axis) {
          low[axis] = std::min(low[axis], position[axis]);
          high[axis] = std::max(high[axis], position[axis]);
        }
      }
  for (int axis = 0; axis < 3; ++axis) {
    start_zyx[axis] = count ? low[axis] : 0;
    size_zyx[axis] = count ? high[axis] - low[axis] + 1 : 0;
  }
  return count;
}

}  // namespace

PreparedRegion prepare_region(const RoiBatch& batch, std::size_t region_index,
                              const Settings& settings) {
  DOSEOMICS_ASSERT(region_index < batch.size());
  const RegionGeometry& geometry = batch.regions[region_index];
  PreparedRegion region;
  RegionDiagnostics& diagnostics = region.diagnostics;

  int start[3], size[3];
  const long long voxel_count = find_tight_box(batch, geometry, start, size);
  diagnostics.voxel_count = voxel_count;
  for (int axis = 0; axis < 3; ++axis) {
    diagnostics.bounding_box_zyx_start[axis] = start[axis];
    diagnostics.bounding_box_zyx_size[axis] = size[axis];
  }
  const std::string label = region_label(batch, region_index);
  if (voxel_count == 0) throw InputError(label + " is empty: no voxel of the mask is set");
  if (voxel_count == 1)
    throw InputError(label + " has only one voxel; texture features need at least two");
  const int dimensions = (size[0] > 1) + (size[1] > 1) + (size[2] > 1);
  if (dimensions < settings.minimum_roi_dimensions)
    throw InputError(label + " spans " + std::to_string(dimensions) +
                     " dimension(s), fewer than minimumROIDimensions " +
                     std::to_string(settings.minimum_roi_dimensions));
  if (settings.minimum_roi_size > 0 && voxel_count <= settings.minimum_roi_size)
    throw InputError(label + " has " + std::to_string(voxel_count) +
                     " voxels, not more than minimumROISize " +
                     std::to_string(settings.minimum_roi_size));

  // Copy the region's voxels out of the tight box, in array order.
  const double* values = batch.voxels.data() + geometry.voxel_offset;
  const std::uint8_t* mask = batch.mask.data() + geometry.voxel_offset;
  region.bins.assign(static_cast<std::size_t>(size[0]) * size[1] * size[2], 0);
  region.roi_values.reserve(static_cast<std::size_t>(voxel_count));
  std::vector<std::size_t> roi_positions;  // index in the tight box of each roi_values entry
  roi_positions.reserve(static_cast<std::size_t>(voxel_count));
  double roi_min = std::numeric_limits<double>::infinity();
  double roi_max = -roi_min;
  for (int z = 0; z < size[0]; ++z)
    for (int y = 0; y < size[1]; ++y)
      for (int x = 0; x < size[2]; ++x) {
        const std::size_t source =
            (static_cast<std::size_t>(start[0] + z) * geometry.size_zyx[1] + (start[1] + y)) *
                geometry.size_zyx[2] +
            (start[2] + x);
        if (!mask[source]) continue;
        const double value = values[source];
        if (!std::isfinite(value))
          throw InputError(label + " contains a " + (std::isnan(value) ? "NaN" : "infinite") +
                           " voxel at box index (z, y, x) = (" + std::to_string(start[0] + z) +
                           ", " + std::to_string(start[1] + y) + ", " +
                           std::to_string(start[2] + x) + ")");
        region.roi_values.push_back(value);
        roi_positions.push_back((static_cast<std::size_t>(z) * size[1] + y) * size[2] + x);
        roi_min = std::min(roi_min, value);
        roi_max = std::max(roi_max, value);
      }

  BinEdges edges;
  if (settings.bin_count > 0) {
    edges = fixed_bin_count_edges(roi_min, roi_max, settings.bin_count);
  } else {
    if (!(settings.bin_width > 0.0))
      throw InputError("binWidth must be positive (got " + std::to_string(settings.bin_width) +
                       ")");
    // Guard the int bin index: a tiny width on a wide range would overflow it.
    const double bin_span = (roi_max - roi_min) / settings.bin_width + 3.0;
    if (bin_span > static_cast<double>(std::numeric_limits<int>::max() / 2))
      throw InputError(label + ": binWidth " + std::to_string(settings.bin_width) +
                       " gives more bins than the engine can index over the range [" +
                       std::to_string(roi_min) + ", " + std::to_string(roi_max) + "]");
    edges = fixed_bin_width_edges(roi_min, roi_max, settings.bin_width);
  }

  std::vector<int> present_bins;
  present_bins.reserve(region.roi_values.size());
  int max_bin = 0;
  for (std::size_t k = 0; k < region.roi_values.size(); ++k) {
    const int bin = digitize(edges, region.roi_values[k]);
    region.bins[roi_positions[k]] = bin;
    present_bins.push_back(bin);
    max_bin = std::max(max_bin, bin);
  }
  std::sort(present_bins.begin(), present_bins.end());
  const auto present_levels =
      std::unique(present_bins.begin(), present_bins.end()) - present_bins.begin();
  if (present_levels > kMaxPresentGrayLevels)
    throw InputError(label + " has " + std::to_string(present_levels) +
                     " grey levels after discretisation, more than the " +
                     std::to_string(kMaxPresentGrayLevels) +
                     " the engine supports; use a larger binWidth or a binCount");
  diagnostics.gray_level_max = max_bin;

  DiscretisedRegion& view = region.view;
  view.bins = region.bins.data();
  for (int axis = 0; axis < 3; ++axis) {
    view.size_zyx[axis] = size[axis];
    view.spacing_zyx_mm[axis] = geometry.spacing_zyx_mm[axis];
  }
  view.max_bin = max_bin;
  view.voxel_count = voxel_count;
  return region;
}

}  // namespace doseomics
