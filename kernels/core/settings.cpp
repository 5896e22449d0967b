#include "settings.hpp"

#include <sstream>
#include <stdexcept>

namespace doseomics {

std::string weighting_norm_name(WeightingNorm norm) {
  switch (norm) {
    case WeightingNorm::none:
      return "";
    case WeightingNorm::infinity:
      return "infinity";
    case WeightingNorm::euclidean:
      return "euclidean";
    case WeightingNorm::manhattan:
      return "manhattan";
    case WeightingNorm::no_weighting:
      return "no_weighting";
  }
  return "";
}

WeightingNorm parse_weighting_norm(const std::string& name) {
  if (name.empty() || name == "None" || name == "null") return WeightingNorm::none;
  if (name == "infinity") return WeightingNorm::infinity;
  if (name == "euclidean") return WeightingNorm::euclidean;
  if (name == "manhattan") return WeightingNorm::manhattan;
  if (name == "no_weighting") return WeightingNorm::no_weighting;
  throw std::invalid_argument("unknown weightingNorm '" + name +
                              "' (expected infinity, euclidean, manhattan or no_weighting)");
}

std::string describe(const Settings& s) {
  std::ostringstream out;
  if (s.bin_count > 0)
    out << "binCount " << s.bin_count;
  else
    out << "binWidth " << s.bin_width;
  out << ", voxelArrayShift " << s.voxel_array_shift << ", distances [";
  for (int d = 0; d < s.distance_count; ++d) out << (d ? "," : "") << s.distances[d];
  out << "]";
  if (!s.symmetrical_glcm) out << ", symmetricalGLCM false";
  if (s.weighting_norm != WeightingNorm::none)
    out << ", weightingNorm " << weighting_norm_name(s.weighting_norm);
  if (s.gldm_a != 0) out << ", gldm_a " << s.gldm_a;
  if (s.force2d) out << ", force2D (dimension " << s.force2d_dimension << ")";
  return out.str();
}

}  // namespace doseomics
