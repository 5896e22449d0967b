// Carrying a dose map and masks onto another grid (the MR) through a rigid transform.
//
// `reference_to_input` maps a point of the reference (output) grid to the point of the input
// image it takes its value from, which is exactly what register_rigid() returns when the
// reference is the fixed image and the input lies on the moving image's grid: pass it as it
// comes, never inverted. The output has the reference grid's origin, spacing, direction, index
// and size; points that fall outside the input get `outside_value` (0 by default).
#pragma once

#include <itkImageBase.h>

#include "host/registration.hpp"

namespace doseomics {

// Dose (or any intensity image) on `reference_grid`, trilinear interpolation.
FloatImage3D::Pointer resample_dose_onto_grid(const FloatImage3D* dose,
                                              const itk::ImageBase<3>* reference_grid,
                                              const RigidTransform& reference_to_input,
                                              float outside_value = 0.0f);

// Mask or label map on `reference_grid`, nearest neighbour: labels stay labels (0/1 stays 0/1).
MaskImage3D::Pointer resample_mask_onto_grid(const MaskImage3D* mask,
                                             const itk::ImageBase<3>* reference_grid,
                                             const RigidTransform& reference_to_input,
                                             unsigned char outside_value = 0);

}  // namespace doseomics
