// Loading PyRadiomics' and IBSI's reference images into engine batches.
#pragma once

#include <string>

#include "io/image_region.hpp"
#include "kernels/core/roi_batch.hpp"
#include "test_paths.hpp"

namespace doseomics::test {

// PyRadiomics test case ("brain1", "brain2", "breast1") appended to `batch` as region `name`.
inline RegionSource add_pyradiomics_case(RoiBatch& batch, const std::string& name, int label = 1) {
  return add_image_region(batch, shared_data("pyradiomics/data/" + name + "_image.nrrd"),
                          shared_data("pyradiomics/data/" + name + "_label.nrrd"), label, name);
}

// The IBSI 1 digital phantom (NIfTI image and mask, label 1).
inline RegionSource add_ibsi_phantom(RoiBatch& batch) {
  return add_image_region(batch, shared_data("ibsi/digital_phantom/nifti/image/phantom.nii.gz"),
                          shared_data("ibsi/digital_phantom/nifti/mask/mask.nii.gz"), 1,
                          "ibsi-phantom");
}

}  // namespace doseomics::test
