#include "image_region.hpp"

#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkImageIOBase.h>
#include <itkImageIOFactory.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>
#include <vector>

#include "io/nifti_check.hpp"
#include "kernels/core/errors.hpp"

namespace doseomics {
namespace {

using VoxelImage = itk::Image<double, 3>;

// Read any scalar 3D (or 2D) image ITK understands as double; InputError names the file.
VoxelImage::Pointer read_image(const std::string& path, const char* role) {
  try {
    if (std::filesystem::exists(path)) require_complete_nifti(path);
  } catch (const InputError& error) {
    throw InputError(std::string(role) + " " + error.what());
  }
  itk::ImageIOBase::Pointer image_io = itk::ImageIOFactory::CreateImageIO(
      path.c_str(), itk::ImageIOFactory::IOFileModeEnum::ReadMode);
  if (!image_io)
    throw InputError(std::string(role) + " '" + path +
                     "': cannot be read (missing file or a format ITK does not know)");
  try {
    image_io->SetFileName(path);
    image_io->ReadImageInformation();
  } catch (const itk::ExceptionObject& error) {
    throw InputError(std::string(role) + " '" + path + "': " + error.GetDescription());
  }
  if (image_io->GetNumberOfDimensions() > 3)
    throw InputError(std::string(role) + " '" + path + "': has " +
                     std::to_string(image_io->GetNumberOfDimensions()) +
                     " dimensions; a 2D or 3D image is expected");
  if (image_io->GetNumberOfComponents() != 1)
    throw InputError(std::string(role) + " '" + path + "': has " +
                     std::to_string(image_io->GetNumberOfComponents()) +
                     " components per voxel; a scalar image is expected");
  auto reader = itk::ImageFileReader<VoxelImage>::New();
  reader->SetFileName(path);
  try {
    reader->Update();
  } catch (const itk::ExceptionObject& error) {
    throw InputError(std::string(role) + " '" + path + "': " + error.GetDescription());
  }
  return reader->GetOutput();
}

}  // namespace

std::string geometry_difference(const itk::ImageBase<3>* image, const itk::ImageBase<3>* other) {
  std::ostringstream why;
  const auto image_size = image->GetLargestPossibleRegion().GetSize();
  const auto other_size = other->GetLargestPossibleRegion().GetSize();
  if (image_size != other_size) {
    why << "size " << other_size << " instead of " << image_size;
    return why.str();
  }
  for (unsigned axis = 0; axis < 3; ++axis) {
    const double tolerance = kGeometryTolerance * std::max(1.0, image->GetSpacing()[axis]);
    if (std::fabs(image->GetSpacing()[axis] - other->GetSpacing()[axis]) > tolerance) {
      why << "spacing " << other->GetSpacing() << " instead of " << image->GetSpacing();
      return why.str();
    }
    if (std::fabs(image->GetOrigin()[axis] - other->GetOrigin()[axis]) > tolerance) {
      why << "origin " << other->GetOrigin() << " instead of " << image->GetOrigin();
      return why.str();
    }
    for (unsigned column = 0; column < 3; ++column)
      if (std::fabs(image->GetDirection()[axis][column] - other->GetDirection()[axis][column]) >
          kGeometryTolerance) {
        why << "direction cosines differ";
        return why.str();
      }
  }
  return "";
}

RegionSource add_image_region(RoiBatch& batch, const std::string& image_path,
                              const std::string& mask_path, int label,
                              const std::string& region_name) {
  VoxelImage::Pointer image = read_image(image_path, "image");
  VoxelImage::Pointer mask = read_image(mask_path, "mask");
  const std::string difference = geometry_difference(image, mask);
  if (!difference.empty())
    throw InputError("mask '" + mask_path + "' does not match image '" + image_path +
                     "': " + difference);

  const auto size = image->GetLargestPossibleRegion().GetSize();
  const int size_xyz[3] = {static_cast<int>(size[0]), static_cast<int>(size[1]),
                           static_cast<int>(size[2])};
  const double* mask_voxels = mask->GetBufferPointer();
  const double* image_voxels = image->GetBufferPointer();

  // Bounding box of the label (ITK buffers are x fastest, the same order as numpy's (z, y, x)).
  int low[3] = {size_xyz[0], size_xyz[1], size_xyz[2]}, high[3] = {-1, -1, -1};
  long long voxel_count = 0;
  std::set<long long> labels_present;
  std::size_t i = 0;
  for (int z = 0; z < size_xyz[2]; ++z)
    for (int y = 0; y < size_xyz[1]; ++y)
      for (int x = 0; x < size_xyz[0]; ++x, ++i) {
        const double value = mask_voxels[i];
        if (value != 0.0 && labels_present.size() < 32)
          labels_present.insert(static_cast<long long>(value));
        if (value != static_cast<double>(label)) continue;
        ++voxel_count;
        const int position[3] = {x, y, z};
        for (int axis = 0; axis < 3; ++axis) {
          low[axis] = std::min(low[axis], position[axis]);
          high[axis] = std::max(high[axis], position[axis]);
        }
      }
  if (voxel_count == 0) {
    std::ostringstream present;
    for (long long value : labels_present) present << (present.tellp() ? ", " : "") << value;
    throw InputError("mask '" + mask_path + "': label " + std::to_string(label) +
                     " is not present (labels present: " +
                     (labels_present.empty() ? std::string("none") : present.str()) + ")");
  }

  RegionSource source;
  int box_size_zyx[3];
  for (int axis = 0; axis < 3; ++axis) {
    source.box_origin_xyz[axis] = low[axis];
    source.box_size_xyz[axis] = high[axis] - low[axis] + 1;
    source.spacing_xyz_mm[axis] = image->GetSpacing()[axis];
    box_size_zyx[2 - axis] = source.box_size_xyz[axis];
  }
  source.voxel_count = voxel_count;
  const double spacing_zyx[3] = {source.spacing_xyz_mm[2], source.spacing_xyz_mm[1],
                                 source.spacing_xyz_mm[0]};

  std::vector<double> box_values;
  std::vector<std::uint8_t> box_mask;
  const std::size_t box_count =
      static_cast<std::size_t>(box_size_zyx[0]) * box_size_zyx[1] * box_size_zyx[2];
  box_values.reserve(box_count);
  box_mask.reserve(box_count);
  for (int z = low[2]; z <= high[2]; ++z)
    for (int y = low[1]; y <= high[1]; ++y)
      for (int x = low[0]; x <= high[0]; ++x) {
        const std::size_t index = (static_cast<std::size_t>(z) * size_xyz[1] + y) * size_xyz[0] + x;
        box_values.push_back(image_voxels[index]);
        box_mask.push_back(mask_voxels[index] == static_cast<double>(label) ? 1 : 0);
      }
  source.region_index =
      batch.add_region(region_name, box_size_zyx, spacing_zyx, box_values.data(), box_mask.data());
  return source;
}

}  // namespace doseomics
