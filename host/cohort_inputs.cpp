#include "host/cohort_inputs.hpp"

#include <itkCastImageFilter.h>
#include <itkImageFileReader.h>
#include <itkImageIOFactory.h>
#include <itkImageRegionConstIteratorWithIndex.h>

#include <algorithm>
#include <filesystem>

#include "io/dicom_series.hpp"
#include "io/image_region.hpp"
#include "io/nifti_check.hpp"
#include "io/rtdose.hpp"
#include "io/rtstruct.hpp"
#include "kernels/core/errors.hpp"

namespace doseomics {
namespace {

bool has_extension(const std::string& path, const char* extension) {
  std::string lower = std::filesystem::path(path).extension().string();
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == extension;
}

template <typename Image>
typename Image::Pointer read_with_itk(const std::string& path) {
  if (!std::filesystem::exists(path)) throw InputError("'" + path + "': file not found");
  require_complete_nifti(path);
  auto reader = itk::ImageFileReader<Image>::New();
  reader->SetFileName(path);
  try {
    reader->Update();
  } catch (const itk::ExceptionObject& error) {
    throw InputError("'" + path + "': cannot be read: " + error.GetDescription());
  }
  return reader->GetOutput();
}

// The marrow is drawn on the planning CT (PyRadiomics' rule for a mask: the image's grid), is not
// empty, and lies at least partly inside the dose grid (a dose of another frame or patient does
// not). Throws InputError naming the file and what is wrong.
void check_ct_frame(const PatientEntry& patient, const PatientImages& images) {
  const std::string marrow_source =
      patient.marrow.is_rtstruct()
          ? "'" + patient.marrow.rtstruct_path + "' ROI '" + patient.marrow.rtstruct_roi + "'"
          : "'" + patient.marrow.mask.path + "'";
  if (!patient.marrow.is_rtstruct()) {
    const std::string difference = geometry_difference(images.planning_ct, images.marrow);
    if (!difference.empty())
      throw InputError(marrow_source + ": the marrow mask is not on the planning CT's grid ('" +
                       patient.planning_ct.path + "'): " + difference);
  }
  std::size_t marrow_voxels = 0, inside_dose = 0;
  itk::ImageRegionConstIteratorWithIndex<MaskImage3D> it(images.marrow,
                                                         images.marrow->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    if (it.Get() == 0) continue;
    ++marrow_voxels;
    MaskImage3D::PointType point;
    images.marrow->TransformIndexToPhysicalPoint(it.GetIndex(), point);
    itk::ContinuousIndex<double, 3> index;
    images.dose_gy->TransformPhysicalPointToContinuousIndex(point, index);
    bool inside = true;
    for (unsigned axis = 0; axis < 3; ++axis)
      inside = inside && index[axis] >= -0.5 &&
               index[axis] <= images.dose_gy->GetLargestPossibleRegion().GetSize()[axis] - 0.5;
    if (inside) ++inside_dose;
  }
  if (marrow_voxels == 0) throw InputError(marrow_source + ": the marrow mask has no voxel");
  if (inside_dose == 0)
    throw InputError("'" + patient.dose.path + "': no marrow voxel lies inside the dose grid " +
                     "(a dose in another frame of reference?)");
}

}  // namespace

FloatImage3D::Pointer read_float_image(const std::string& path) {
  if (std::filesystem::is_directory(path)) return read_dicom_series(path).image;
  return read_with_itk<FloatImage3D>(path);
}

MaskImage3D::Pointer read_mask_image(const std::string& path) {
  FloatImage3D::Pointer values = read_float_image(path);
  auto mask = MaskImage3D::New();
  mask->CopyInformation(values);
  mask->SetRegions(values->GetLargestPossibleRegion());
  mask->Allocate();
  const float* source = values->GetBufferPointer();
  unsigned char* target = mask->GetBufferPointer();
  const std::size_t count = values->GetLargestPossibleRegion().GetNumberOfPixels();
  for (std::size_t i = 0; i < count; ++i) target[i] = source[i] != 0.0f ? 1 : 0;
  return mask;
}

MaskImage3D::Pointer body_mask(const FloatImage3D* image) {
  auto mask = MaskImage3D::New();
  mask->CopyInformation(image);
  mask->SetRegions(image->GetLargestPossibleRegion());
  mask->Allocate();
  const std::size_t voxels = image->GetLargestPossibleRegion().GetNumberOfPixels();
  const float* values = image->GetBufferPointer();
  const float brightest = *std::max_element(values, values + voxels);
  for (std::size_t i = 0; i < voxels; ++i)
    mask->GetBufferPointer()[i] = values[i] > kBodyThreshold * brightest ? 1 : 0;
  return mask;
}

PatientImages read_patient_images(const PatientEntry& patient) {
  const std::string who = "patient " + patient.id + ": ";
  try {
    PatientImages images;
    images.planning_ct = read_float_image(patient.planning_ct.path);
    images.ct_frame_of_reference = patient.planning_ct.frame_of_reference_uid;
    if (has_extension(patient.dose.path, ".dcm")) {
      RtDose dose = read_rtdose(patient.dose.path);
      using Cast = itk::CastImageFilter<DoseImage, FloatImage3D>;
      auto cast = Cast::New();
      cast->SetInput(dose.dose_gy);
      cast->Update();
      images.dose_gy = cast->GetOutput();
    } else {
      images.dose_gy = read_float_image(patient.dose.path);
    }
    if (patient.marrow.is_rtstruct())
      images.marrow = rasterise_rtstruct_roi(patient.marrow.rtstruct_path,
                                             patient.marrow.rtstruct_roi, *images.planning_ct);
    else
      images.marrow = read_mask_image(patient.marrow.mask.path);
    check_ct_frame(patient, images);
    for (const auto& [sequence, entry] : patient.mr_pre)
      images.mr[{sequence, "pre"}] = read_float_image(entry.path);
    for (const auto& [sequence, entry] : patient.mr_post)
      images.mr[{sequence, "post"}] = read_float_image(entry.path);
    return images;
  } catch (const InputError& error) {
    throw InputError(who + error.what());
  }
}

}  // namespace doseomics
