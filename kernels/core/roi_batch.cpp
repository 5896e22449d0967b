#include "roi_batch.hpp"

#include <algorithm>

#include "errors.hpp"

namespace doseomics {

std::size_t RoiBatch::add_region(const std::string& name, const int size_zyx[3],
                                 const double spacing_zyx_mm[3], const double* values,
                                 const std::uint8_t* in_region) {
  RegionGeometry geometry;
  geometry.voxel_offset = static_cast<std::int64_t>(voxels.size());
  for (int axis = 0; axis < 3; ++axis) {
    if (size_zyx[axis] < 1)
      throw InputError("region '" + name + "': box size must be at least 1 voxel in every axis");
    if (!(spacing_zyx_mm[axis] > 0.0))
      throw InputError("region '" + name + "': spacing must be positive");
    geometry.size_zyx[axis] = size_zyx[axis];
    geometry.spacing_zyx_mm[axis] = spacing_zyx_mm[axis];
  }
  const auto count = static_cast<std::size_t>(geometry.voxel_count());
  voxels.insert(voxels.end(), values, values + count);
  mask.insert(mask.end(), in_region, in_region + count);
  // Normalise the mask to 0/1 so backends can sum it.
  std::for_each(mask.end() - static_cast<std::ptrdiff_t>(count), mask.end(),
                [](std::uint8_t& m) { m = m ? 1 : 0; });
  regions.push_back(geometry);
  region_names.push_back(name);
  return regions.size() - 1;
}

}  // namespace doseomics
