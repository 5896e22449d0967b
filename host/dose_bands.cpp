#include "host/dose_bands.hpp"

#include <itkBinaryBallStructuringElement.h>
#include <itkBinaryErodeImageFilter.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "host/resample.hpp"
#include "io/image_region.hpp"
#include "kernels/core/errors.hpp"

namespace doseomics {
namespace {

void require_same_grid(const itk::ImageBase<3>* a, const itk::ImageBase<3>* b, const char* what) {
  const std::string difference = geometry_difference(a, b);
  if (!difference.empty())
    throw InputError(std::string(what) + ": images are not on the same grid (" + difference + ")");
}

}  // namespace

MaskImage3D::Pointer erode_mask(const MaskImage3D* mask, double radius_mm) {
  auto copy = MaskImage3D::New();
  copy->Graft(mask);
  if (radius_mm <= 0.0) return copy;
  using Ball = itk::BinaryBallStructuringElement<unsigned char, 3>;
  Ball ball;
  Ball::SizeType radius;
  for (unsigned axis = 0; axis < 3; ++axis)
    radius[axis] =
        static_cast<Ball::SizeValueType>(std::lround(radius_mm / mask->GetSpacing()[axis]));
  ball.SetRadius(radius);
  ball.CreateStructuringElement();
  auto erode = itk::BinaryErodeImageFilter<MaskImage3D, MaskImage3D, Ball>::New();
  erode->SetInput(mask);
  erode->SetKernel(ball);
  erode->SetForegroundValue(1);
  erode->SetBackgroundValue(0);
  erode->Update();
  return erode->GetOutput();
}

MaskImage3D::Pointer band_label_map(const MaskImage3D* marrow, const FloatImage3D* dose_gy,
                                    const std::vector<DoseBand>& bands) {
  require_same_grid(marrow, dose_gy, "dose bands");
  if (bands.size() > kMaxBands)
    throw InputError("dose bands: at most " + std::to_string(kMaxBands) + " bands");
  auto labels = MaskImage3D::New();
  labels->CopyInformation(marrow);
  labels->SetRegions(marrow->GetLargestPossibleRegion());
  labels->Allocate();
  const std::size_t count = marrow->GetLargestPossibleRegion().GetNumberOfPixels();
  const unsigned char* in_marrow = marrow->GetBufferPointer();
  const float* dose = dose_gy->GetBufferPointer();
  unsigned char* label = labels->GetBufferPointer();
  for (std::size_t i = 0; i < count; ++i) {
    label[i] = 0;
    if (!in_marrow[i]) continue;
    for (std::size_t b = 0; b < bands.size(); ++b)
      if (bands[b].contains(dose[i])) {
        label[i] = static_cast<unsigned char>(b + 1);
        break;
      }
  }
  return labels;
}

std::vector<BandRegion> regions_from_label_map(const MaskImage3D* labels,
                                               const std::vector<DoseBand>& bands) {
  const auto size = labels->GetLargestPossibleRegion().GetSize();
  const int nx = static_cast<int>(size[0]), ny = static_cast<int>(size[1]),
            nz = static_cast<int>(size[2]);
  const double voxel_cc =
      labels->GetSpacing()[0] * labels->GetSpacing()[1] * labels->GetSpacing()[2] / 1000.0;
  const unsigned char* label = labels->GetBufferPointer();

  // Each band's voxel count and box.
  std::vector<BandRegion> regions(bands.size());
  std::vector<std::array<int, 6>> box(bands.size(), {nx, ny, nz, -1, -1, -1});
  std::size_t i = 0;
  for (int z = 0; z < nz; ++z)
    for (int y = 0; y < ny; ++y)
      for (int x = 0; x < nx; ++x, ++i) {
        if (label[i] == 0 || label[i] > bands.size()) continue;
        const std::size_t b = label[i] - 1u;
        ++regions[b].voxel_count;
        auto& bb = box[b];
        bb = {std::min(bb[0], x), std::min(bb[1], y), std::min(bb[2], z),
              std::max(bb[3], x), std::max(bb[4], y), std::max(bb[5], z)};
      }
  for (std::size_t b = 0; b < bands.size(); ++b) {
    BandRegion& region = regions[b];
    region.band_index = static_cast<int>(b);
    region.band = bands[b];
    region.volume_cc = static_cast<double>(region.voxel_count) * voxel_cc;
    if (region.voxel_count == 0) continue;
    for (int axis = 0; axis < 3; ++axis) {
      region.box_start_xyz[axis] = box[b][axis];
      region.box_size_xyz[axis] = box[b][axis + 3] - box[b][axis] + 1;
    }
    region.box_mask.reserve(static_cast<std::size_t>(region.box_size_xyz[0]) *
                            region.box_size_xyz[1] * region.box_size_xyz[2]);
    const auto wanted = static_cast<unsigned char>(b + 1);
    for (int z = box[b][2]; z <= box[b][5]; ++z)
      for (int y = box[b][1]; y <= box[b][4]; ++y)
        for (int x = box[b][0]; x <= box[b][3]; ++x)
          region.box_mask.push_back(
              label[(static_cast<std::size_t>(z) * ny + y) * nx + x] == wanted ? 1 : 0);
  }
  return regions;
}

std::vector<BandRegion> cut_dose_bands(const MaskImage3D* marrow, const FloatImage3D* dose_gy,
                                       const std::vector<DoseBand>& bands) {
  const MaskImage3D::Pointer labels = band_label_map(marrow, dose_gy, bands);
  return regions_from_label_map(labels, bands);
}

std::vector<BandRegion> transfer_band_regions(const MaskImage3D* reference_labels,
                                              const std::vector<DoseBand>& bands,
                                              const itk::ImageBase<3>* target_grid,
                                              const RigidTransform& reference_to_target) {
  // Each target voxel takes the label of the reference voxel nearest to the point it shows.
  const MaskImage3D::Pointer labels =
      resample_mask_onto_grid(reference_labels, target_grid, reference_to_target.inverse());
  return regions_from_label_map(labels, bands);
}

std::vector<DoseVolumeCurvePoint> cumulative_dose_volume(const MaskImage3D* marrow,
                                                         const FloatImage3D* dose_gy,
                                                         double step_gy) {
  require_same_grid(marrow, dose_gy, "dose-volume curve");
  const std::size_t count = marrow->GetLargestPossibleRegion().GetNumberOfPixels();
  std::vector<float> marrow_doses;
  for (std::size_t i = 0; i < count; ++i)
    if (marrow->GetBufferPointer()[i]) marrow_doses.push_back(dose_gy->GetBufferPointer()[i]);
  std::vector<DoseVolumeCurvePoint> curve;
  if (marrow_doses.empty()) return curve;
  std::sort(marrow_doses.begin(), marrow_doses.end());
  const double largest = marrow_doses.back();
  for (int k = 0; k * step_gy <= largest + step_gy; ++k) {
    const double dose = k * step_gy;
    // Voxels receiving at least `dose`.
    const auto at_least =
        marrow_doses.end() -
        std::lower_bound(marrow_doses.begin(), marrow_doses.end(), static_cast<float>(dose));
    curve.push_back(
        {dose, 100.0 * static_cast<double>(at_least) / static_cast<double>(marrow_doses.size())});
  }
  return curve;
}

std::vector<int> add_band_regions(RoiBatch& batch, const FloatImage3D* image,
                                  const std::vector<BandRegion>& regions,
                                  const std::string& name_prefix) {
  const auto size = image->GetLargestPossibleRegion().GetSize();
  const int nx = static_cast<int>(size[0]), ny = static_cast<int>(size[1]);
  const float* voxels = image->GetBufferPointer();
  const double spacing_zyx[3] = {image->GetSpacing()[2], image->GetSpacing()[1],
                                 image->GetSpacing()[0]};
  std::vector<int> indices;
  std::vector<double> values;
  for (const BandRegion& region : regions) {
    if (region.voxel_count == 0) {
      indices.push_back(-1);
      continue;
    }
    const int* start = region.box_start_xyz;
    const int* extent = region.box_size_xyz;
    values.clear();
    for (int z = start[2]; z < start[2] + extent[2]; ++z)
      for (int y = start[1]; y < start[1] + extent[1]; ++y)
        for (int x = start[0]; x < start[0] + extent[0]; ++x)
          values.push_back(voxels[(static_cast<std::size_t>(z) * ny + y) * nx + x]);
    const int size_zyx[3] = {extent[2], extent[1], extent[0]};
    indices.push_back(
        static_cast<int>(batch.add_region(name_prefix + " " + region.band.label(), size_zyx,
                                          spacing_zyx, values.data(), region.box_mask.data())));
  }
  return indices;
}

}  // namespace doseomics
