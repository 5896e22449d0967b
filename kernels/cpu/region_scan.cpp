#include "region_scan.hpp"

#include <string>

#include "../core/errors.hpp"

namespace doseomics {

PresentLevels present_levels(const DiscretisedRegion& region) {
  PresentLevels levels;
  levels.compact.assign(static_cast<std::size_t>(region.max_bin) + 1, -1);
  const long long count = region.box_voxel_count();
  for (long long v = 0; v < count; ++v) {
    const int bin = region.bins[v];
    DOSEOMICS_ASSERT(bin >= 0 && bin <= region.max_bin);
    if (bin > 0) levels.compact[bin] = 0;
  }
  for (int bin = 1; bin <= region.max_bin; ++bin)
    if (levels.compact[bin] == 0) {
      levels.compact[bin] = static_cast<int>(levels.values.size());
      levels.values.push_back(bin);
    }
  levels.compact_bins.resize(static_cast<std::size_t>(count));
  for (long long v = 0; v < count; ++v)
    levels.compact_bins[v] = region.bins[v] > 0 ? levels.compact[region.bins[v]] : -1;
  return levels;
}

std::vector<Offset> region_offsets(const DiscretisedRegion& region, const int* distances,
                                   int distance_count, const Settings& settings,
                                   bool bidirectional) {
  const int force2d_dimension = settings.force2d ? settings.force2d_dimension : -1;
  const int count = neighbour_offsets(region.size_zyx, distances, distance_count, force2d_dimension,
                                      bidirectional, nullptr, 0);
  // The generator fills the whole bidirectional set before halving it for mono-directional use.
  std::vector<Offset> offsets(static_cast<std::size_t>(bidirectional ? count : 2 * count));
  neighbour_offsets(region.size_zyx, distances, distance_count, force2d_dimension, bidirectional,
                    offsets.data(), static_cast<int>(offsets.size()));
  offsets.resize(static_cast<std::size_t>(count));
  return offsets;
}

PaddedNeighbourhood padded_neighbourhood(const DiscretisedRegion& region, const Settings& settings,
                                         const char* class_name, int spare_voxels) {
  if (region.bins == nullptr || region.voxel_count <= 0 || region.max_bin <= 0)
    throw InputError(std::string(class_name) + ": the region is empty");
  if (settings.distance_count < 1 || settings.distance_count > kMaxDistances)
    throw InputError(std::string(class_name) + ": distances must list 1 to 8 values");
  PaddedNeighbourhood neighbourhood;
  neighbourhood.offsets =
      region_offsets(region, settings.distances, settings.distance_count, settings, true);
  int margin = 1;
  for (int d = 0; d < settings.distance_count; ++d)
    if (settings.distances[d] > margin) margin = settings.distances[d];
  neighbourhood.box = padded_box(region, margin);
  for (const Offset& offset : neighbourhood.offsets)
    neighbourhood.steps.push_back(neighbourhood.box.step(offset));
  neighbourhood.bins.assign(
      static_cast<std::size_t>(neighbourhood.box.voxel_count()) + spare_voxels, 0);
  fill_padded_bins(region, neighbourhood.box, neighbourhood.bins.data());
  return neighbourhood;
}

}  // namespace doseomics
