// Extraction settings: the subset of PyRadiomics settings that the engine implements.
#pragma once

#include <string>

namespace doseomics {

// How GLCM/GLRLM per-angle matrices are merged (PyRadiomics `weightingNorm`).
// none: features per angle, then averaged; the others: angles weighted and summed into one matrix.
enum class WeightingNorm { none, infinity, euclidean, manhattan, no_weighting };

constexpr int kMaxDistances = 8;

// One set of extraction settings, defaults as PyRadiomics 3.1's feature extractor.
// Array axes are in (z, y, x) order, as numpy sees a SimpleITK image.
struct Settings {
  double bin_width = 25.0;         // binWidth; used when bin_count == 0
  int bin_count = 0;               // binCount; > 0 selects fixed bin count discretisation
  double voxel_array_shift = 0.0;  // voxelArrayShift, added for Energy, TotalEnergy, RMS
  int label = 1;                   // label: mask value that defines the region (used by io/host)
  int distances[kMaxDistances] = {1, 0, 0, 0, 0, 0, 0, 0};  // distances (Chebyshev rings)
  int distance_count = 1;
  bool symmetrical_glcm = true;                        // symmetricalGLCM
  WeightingNorm weighting_norm = WeightingNorm::none;  // weightingNorm
  int gldm_a = 0;                  // gldm_a (alpha), an integer as in PyRadiomics' C extension
  bool force2d = false;            // force2D
  int force2d_dimension = 0;       // force2Ddimension: 0 = z (numpy axis 0), 1 = y, 2 = x
  int minimum_roi_dimensions = 2;  // minimumROIDimensions
  long long minimum_roi_size = 0;  // minimumROISize; 0 = not set (region must be larger than it)
};

// PyRadiomics' spelling of a weighting norm ("" for none); and back (throws on an unknown name).
std::string weighting_norm_name(WeightingNorm norm);
WeightingNorm parse_weighting_norm(const std::string& name);

// A short human-readable summary of the settings, for error messages and logs.
std::string describe(const Settings& settings);

}  // namespace doseomics
