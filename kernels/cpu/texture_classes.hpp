// CPU builders of the texture matrices and the features computed from them, one class a file.
//
// Each compute_<class>_features fills out[<class>::kCount] (order of the class enum in
// kernels/core/feature_names.hpp) from a discretised region. The per-matrix formulas they call
// live in kernels/core/<class>.hpp so the CUDA backend shares them. build_<class>_matrix returns
// the processed matrix as PyRadiomics 3.1 holds it in P_<class>, for tests.
#pragma once

#include "../core/discretised_region.hpp"
#include "../core/settings.hpp"
#include "texture_matrix.hpp"

namespace doseomics {

void compute_glcm_features(const DiscretisedRegion& region, const Settings& settings, double* out);
TextureMatrix build_glcm_matrix(const DiscretisedRegion& region, const Settings& settings);

void compute_glrlm_features(const DiscretisedRegion& region, const Settings& settings, double* out);
TextureMatrix build_glrlm_matrix(const DiscretisedRegion& region, const Settings& settings);

void compute_glszm_features(const DiscretisedRegion& region, const Settings& settings, double* out);
TextureMatrix build_glszm_matrix(const DiscretisedRegion& region, const Settings& settings);

void compute_gldm_features(const DiscretisedRegion& region, const Settings& settings, double* out);
TextureMatrix build_gldm_matrix(const DiscretisedRegion& region, const Settings& settings);

void compute_ngtdm_features(const DiscretisedRegion& region, const Settings& settings, double* out);
TextureMatrix build_ngtdm_matrix(const DiscretisedRegion& region, const Settings& settings);

}  // namespace doseomics
