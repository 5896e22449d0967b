// Resampling through ITK's ResampleImageFilter with an AffineTransform built from the rigid
// parameters (ITK's own parameterisation, so no conversion error).
#include "host/resample.hpp"

#include <itkAffineTransform.h>
#include <itkInterpolateImageFunction.h>
#include <itkLinearInterpolateImageFunction.h>
#include <itkNearestNeighborInterpolateImageFunction.h>
#include <itkResampleImageFilter.h>

#include <string>

#include "kernels/core/errors.hpp"

namespace doseomics {
namespace {

itk::AffineTransform<double, 3>::Pointer to_itk_transform(const RigidTransform& rigid) {
  auto transform = itk::AffineTransform<double, 3>::New();
  itk::AffineTransform<double, 3>::ParametersType parameters(12);
  const auto values = rigid.parameters();
  for (unsigned i = 0; i < 12; ++i) parameters[i] = values[i];
  itk::AffineTransform<double, 3>::FixedParametersType centre(3);
  for (unsigned i = 0; i < 3; ++i) centre[i] = rigid.centre_mm[i];
  transform->SetFixedParameters(centre);
  transform->SetParameters(parameters);
  return transform;
}

template <typename ImageType, typename InterpolatorType>
typename ImageType::Pointer resample(const ImageType* input, const itk::ImageBase<3>* reference,
                                     const RigidTransform& reference_to_input,
                                     typename ImageType::PixelType outside_value,
                                     const char* what) {
  if (input == nullptr) throw InputError(std::string("resample: no ") + what + " image");
  if (reference == nullptr) throw InputError("resample: no reference grid");
  using FilterType = itk::ResampleImageFilter<ImageType, ImageType, double, double>;
  auto filter = FilterType::New();
  filter->SetInput(input);
  filter->SetReferenceImage(reference);
  filter->UseReferenceImageOn();
  filter->SetTransform(to_itk_transform(reference_to_input));
  filter->SetInterpolator(InterpolatorType::New());
  filter->SetDefaultPixelValue(outside_value);
  try {
    filter->Update();
  } catch (const itk::ExceptionObject& error) {
    throw InputError(std::string("resampling the ") + what + " failed: " + error.GetDescription());
  }
  typename ImageType::Pointer output = filter->GetOutput();
  output->DisconnectPipeline();
  return output;
}

}  // namespace

FloatImage3D::Pointer resample_dose_onto_grid(const FloatImage3D* dose,
                                              const itk::ImageBase<3>* reference_grid,
                                              const RigidTransform& reference_to_input,
                                              float outside_value) {
  return resample<FloatImage3D, itk::LinearInterpolateImageFunction<FloatImage3D, double>>(
      dose, reference_grid, reference_to_input, outside_value, "dose");
}

MaskImage3D::Pointer resample_mask_onto_grid(const MaskImage3D* mask,
                                             const itk::ImageBase<3>* reference_grid,
                                             const RigidTransform& reference_to_input,
                                             unsigned char outside_value) {
  return resample<MaskImage3D, itk::NearestNeighborInterpolateImageFunction<MaskImage3D, double>>(
      mask, reference_grid, reference_to_input, outside_value, "mask");
}

}  // namespace doseomics
