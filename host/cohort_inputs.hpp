// Reading one patient's inputs named by the cohort manifest into ITK images.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "host/registration.hpp"
#include "io/cohort_manifest.hpp"

namespace doseomics {

// A patient's images as read: the CT frame (CT, dose, marrow) and the MR series.
struct PatientImages {
  FloatImage3D::Pointer planning_ct;
  FloatImage3D::Pointer dose_gy;      // in the CT's frame of reference
  MaskImage3D::Pointer marrow;        // on its own grid (the mask's or the CT's), 1 = marrow
  std::string ct_frame_of_reference;  // as the manifest or the DICOM files declare it
  // (sequence, timepoint "pre"|"post") -> image
  std::map<std::pair<std::string, std::string>, FloatImage3D::Pointer> mr;
};

// Read a scalar image: a DICOM series folder, or any file ITK reads (NIfTI, NRRD, MHA).
// Throws InputError naming the path.
FloatImage3D::Pointer read_float_image(const std::string& path);

// Read a mask image; every non-zero voxel becomes 1. Throws InputError naming the path.
MaskImage3D::Pointer read_mask_image(const std::string& path);

// The body on an MR image: voxels brighter than kBodyThreshold of the image's brightest (air is
// near 0). Registration samples only the body; the tests measure registration error over it.
constexpr float kBodyThreshold = 0.05f;
MaskImage3D::Pointer body_mask(const FloatImage3D* image);

// Read everything a patient entry names: the dose from an RTDOSE (.dcm) or an image file, the
// marrow from a mask image or an RTSTRUCT ROI rasterised on the CT grid. Throws InputError naming
// the patient and the file, also when the marrow mask is off the CT's grid or empty, or no
// marrow voxel lies inside the dose grid.
PatientImages read_patient_images(const PatientEntry& patient);

}  // namespace doseomics
