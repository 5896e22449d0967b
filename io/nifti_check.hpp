// A check ITK's NIfTI reader does not make: that the file holds all the voxels its header
// announces. A truncated .nii or .nii.gz otherwise reads "successfully" with missing voxels.
#pragma once

#include <string>

namespace doseomics {

// Throws InputError naming the file when a NIfTI-1 file (.nii, .nii.gz) is shorter than its header
// says, its gzip stream is cut, or its header is unreadable. Other formats are left to ITK.
void require_complete_nifti(const std::string& path);

}  // namespace doseomics
