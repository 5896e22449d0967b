#include "rtdose.hpp"

#include <gdcmDataSet.h>
#include <gdcmFileMetaInformation.h>
#include <gdcmReader.h>
#include <gdcmSequenceOfFragments.h>
#include <gdcmTransferSyntax.h>
#include <gdcmUIDGenerator.h>
#include <gdcmWriter.h>
#include <itkGDCMImageIO.h>
#include <itkImageFileReader.h>
#include <itkImageRegionIterator.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <sstream>

#include "io/dicom_series.hpp"
#include "kernels/core/errors.hpp"

namespace doseomics {
namespace {

using Vector3 = std::array<double, 3>;

double dot(const Vector3& a, const Vector3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

Vector3 cross(const Vector3& a, const Vector3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}

// Everything the header says, checked; what ITK is trusted with is only the pixel decoding.
struct DoseHeader {
  std::uint16_t rows = 0, columns = 0, bits_allocated = 0;
  int number_of_frames = 1;
  Vector3 position{}, row_direction{}, column_direction{}, normal{};
  double row_spacing = 0, column_spacing = 0, frame_spacing = 1.0;
  double frame_direction_sign = 1.0;  // -1 when the offsets decrease
  double dose_grid_scaling = 1.0;
  bool absolute_frame_offsets = false;
  std::string dose_units, dose_type, dose_summation_type, frame_of_reference_uid;
  std::vector<std::string> warnings;
};

std::string format_number(double value) {
  std::ostringstream text;
  text.precision(10);
  text << value;
  return text.str();
}

DoseHeader check_header(const dicom::ParsedFile& file, const RtDoseReadOptions& options) {
  const std::string context = "RTDOSE '" + file.path() + "'";
  const gdcm::DataSet& data_set = file.data_set();
  DoseHeader header;

  const std::string sop_class = dicom::tag_string(data_set, 0x0008, 0x0016);
  const std::string modality = dicom::tag_string(data_set, 0x0008, 0x0060);
  if (sop_class != kRtDoseStorageUid && modality != "RTDOSE")
    throw InputError(context + ": is not an RT Dose object (SOPClassUID '" + sop_class +
                     "', Modality '" + modality + "')");

  const auto rows = dicom::tag_uint16(data_set, 0x0028, 0x0010);
  const auto columns = dicom::tag_uint16(data_set, 0x0028, 0x0011);
  const auto bits = dicom::tag_uint16(data_set, 0x0028, 0x0100);
  const auto representation = dicom::tag_uint16(data_set, 0x0028, 0x0103);
  const auto samples = dicom::tag_uint16(data_set, 0x0028, 0x0002);
  if (!rows || !columns || *rows == 0 || *columns == 0)
    throw InputError(context + ": Rows (0028,0010) or Columns (0028,0011) missing or zero");
  if (!bits || (*bits != 16 && *bits != 32))
    throw InputError(context + ": BitsAllocated (0028,0100) must be 16 or 32");
  if (samples && *samples != 1)
    throw InputError(context + ": SamplesPerPixel (0028,0002) must be 1");
  header.rows = *rows;
  header.columns = *columns;
  header.bits_allocated = *bits;

  header.dose_units = dicom::tag_string(data_set, 0x3004, 0x0002);
  header.dose_type = dicom::tag_string(data_set, 0x3004, 0x0004);
  header.dose_summation_type = dicom::tag_string(data_set, 0x3004, 0x000a);
  header.frame_of_reference_uid = dicom::tag_string(data_set, 0x0020, 0x0052);
  if (representation && *representation != 0 && header.dose_type != "ERROR")
    throw InputError(context +
                     ": signed pixel data (PixelRepresentation 1) is allowed only for "
                     "DoseType ERROR, not '" +
                     header.dose_type + "'");

  // Frames and their offsets. GDCM's image code aborts when GFOV is present without
  // NumberOfFrames, so that is an error here even for a single frame.
  const auto frames = dicom::tag_numbers(data_set, 0x0028, 0x0008, context, "NumberOfFrames");
  const auto offsets =
      dicom::tag_numbers(data_set, 0x3004, 0x000c, context, "GridFrameOffsetVector");
  if (frames.empty() && dicom::has_tag(data_set, 0x3004, 0x000c))
    throw InputError(context + ": has a GridFrameOffsetVector (3004,000c) of " +
                     std::to_string(offsets.size()) +
                     " values but no NumberOfFrames (0028,0008) (malformed header)");
  if (!frames.empty()) {
    if (frames.size() != 1 || frames[0] < 1 || frames[0] != std::floor(frames[0]))
      throw InputError(context + ": NumberOfFrames (0028,0008) is not a positive integer");
    header.number_of_frames = static_cast<int>(frames[0]);
  }
  if (header.number_of_frames > 1 && offsets.empty())
    throw InputError(context + ": has " + std::to_string(header.number_of_frames) +
                     " frames but no GridFrameOffsetVector (3004,000c)");
  if (!offsets.empty() && offsets.size() != static_cast<std::size_t>(header.number_of_frames))
    throw InputError(context + ": GridFrameOffsetVector (3004,000c) has " +
                     std::to_string(offsets.size()) + " values but NumberOfFrames is " +
                     std::to_string(header.number_of_frames));

  // In-plane geometry.
  const auto position =
      dicom::tag_numbers(data_set, 0x0020, 0x0032, context, "ImagePositionPatient");
  const auto orientation =
      dicom::tag_numbers(data_set, 0x0020, 0x0037, context, "ImageOrientationPatient");
  const auto spacing = dicom::tag_numbers(data_set, 0x0028, 0x0030, context, "PixelSpacing");
  if (position.size() != 3)
    throw InputError(context + ": ImagePositionPatient (0020,0032) must have 3 values");
  if (orientation.size() != 6)
    throw InputError(context + ": ImageOrientationPatient (0020,0037) must have 6 values");
  if (spacing.size() != 2 || spacing[0] <= 0 || spacing[1] <= 0)
    throw InputError(context + ": PixelSpacing (0028,0030) must have 2 positive values");
  header.row_spacing = spacing[0];
  header.column_spacing = spacing[1];
  for (int axis = 0; axis < 3; ++axis) {
    header.position[axis] = position[axis];
    header.row_direction[axis] = orientation[axis];
    header.column_direction[axis] = orientation[3 + axis];
  }
  const double row_length = std::sqrt(dot(header.row_direction, header.row_direction));
  const double column_length = std::sqrt(dot(header.column_direction, header.column_direction));
  if (std::fabs(row_length - 1) > 1e-3 || std::fabs(column_length - 1) > 1e-3 ||
      std::fabs(dot(header.row_direction, header.column_direction)) > 1e-3)
    throw InputError(context +
                     ": ImageOrientationPatient (0020,0037) is not two orthogonal unit vectors");
  for (int axis = 0; axis < 3; ++axis) {
    header.row_direction[axis] /= row_length;
    header.column_direction[axis] /= column_length;
  }
  header.normal = cross(header.row_direction, header.column_direction);

  // Offsets: relative (GFOV[0] = 0) or absolute (GFOV[0] = IPP z, axial only); either way frame k
  // lies at IPP + (GFOV[k] - GFOV[0]) * normal.
  if (offsets.size() > 1) {
    const bool axial = std::fabs(header.normal[2] - 1.0) < 1e-6;
    if (std::fabs(offsets[0]) <= kGridFrameOffsetToleranceMm) {
      header.absolute_frame_offsets = false;
    } else if (axial && std::fabs(offsets[0] - position[2]) <= kGridFrameOffsetToleranceMm) {
      header.absolute_frame_offsets = true;
    } else {
      header.warnings.push_back(
          "GridFrameOffsetVector starts at " + format_number(offsets[0]) +
          ", neither 0 nor ImagePositionPatient z; offsets taken relative to the first frame");
    }
    const double step =
        (offsets.back() - offsets.front()) / static_cast<double>(offsets.size() - 1);
    if (std::fabs(step) <= kGridFrameOffsetToleranceMm)
      throw InputError(context + ": GridFrameOffsetVector (3004,000c) repeats a frame position");
    for (std::size_t k = 1; k < offsets.size(); ++k) {
      const double gap = offsets[k] - offsets[k - 1];
      if (std::fabs(gap - step) > kGridFrameOffsetToleranceMm)
        throw InputError(context + ": GridFrameOffsetVector (3004,000c) is not uniform: gap " +
                         format_number(gap) + " mm between frames " + std::to_string(k - 1) +
                         " and " + std::to_string(k) + ", " + format_number(step) +
                         " mm on average; non-uniform dose grids are not supported (resample "
                         "the dose in the planning system)");
    }
    header.frame_spacing = std::fabs(step);
    header.frame_direction_sign = step < 0 ? -1.0 : 1.0;
  } else {
    const auto thickness = dicom::tag_numbers(data_set, 0x0018, 0x0050, context, "SliceThickness");
    if (!thickness.empty() && thickness[0] > 0) header.frame_spacing = thickness[0];
  }

  // Scaling and units.
  const auto scaling = dicom::tag_numbers(data_set, 0x3004, 0x000e, context, "DoseGridScaling");
  if (scaling.size() != 1 || !(scaling[0] > 0))
    throw InputError(context + ": DoseGridScaling (3004,000e) is missing or not positive");
  header.dose_grid_scaling = scaling[0];
  if (header.dose_units == "RELATIVE") {
    if (!options.accept_relative_dose_units)
      throw InputError(context +
                       ": DoseUnits (3004,0002) is RELATIVE, not GY; relative dose "
                       "cannot be used with absolute dose thresholds");
  } else if (header.dose_units != "GY") {
    throw InputError(context + ": DoseUnits (3004,0002) is '" + header.dose_units +
                     "'; GY is required");
  }

  // Pixel data present and, when not compressed, as long as the header says (GDCM only warns
  // about pixel data cut short by the end of the file).
  const std::uint64_t available = file.bytes_after_pixel_data_start();
  if (available == 0) throw InputError(context + ": has no PixelData (7fe0,0010)");
  const gdcm::TransferSyntax syntax(
      gdcm::TransferSyntax::GetTSType(file.transfer_syntax_uid().c_str()));
  if (!syntax.IsEncapsulated()) {
    const std::uint64_t expected = std::uint64_t(header.rows) * header.columns *
                                   std::uint64_t(header.number_of_frames) *
                                   (header.bits_allocated / 8);
    if (available < expected)
      throw InputError(context + ": PixelData holds " + std::to_string(available) + " bytes but " +
                       std::to_string(header.columns) + "x" + std::to_string(header.rows) + "x" +
                       std::to_string(header.number_of_frames) + " voxels of " +
                       std::to_string(header.bits_allocated) + " bits need " +
                       std::to_string(expected) + " (truncated file?)");
  }
  return header;
}

}  // namespace

RtDose read_rtdose(const std::string& path, const RtDoseReadOptions& options) {
  const std::string context = "RTDOSE '" + path + "'";
  DoseHeader header;
  {
    const dicom::ParsedFile file(path, /*stop_before_pixel_data=*/true);
    header = check_header(file, options);
  }

  auto image_io = itk::GDCMImageIO::New();
  auto reader = itk::ImageFileReader<DoseImage>::New();
  reader->SetImageIO(image_io);
  reader->SetFileName(path);
  try {
    reader->Update();
  } catch (const itk::ExceptionObject& error) {
    throw InputError(context + ": ITK cannot read the pixel data: " + error.GetDescription());
  }
  DoseImage::Pointer dose = reader->GetOutput();
  dose->DisconnectPipeline();
  const auto size = dose->GetLargestPossibleRegion().GetSize();
  if (size[0] != header.columns || size[1] != header.rows ||
      size[2] != static_cast<itk::SizeValueType>(header.number_of_frames)) {
    std::ostringstream why;
    why << context << ": ITK read " << size << " voxels, the header says " << header.columns << "x"
        << header.rows << "x" << header.number_of_frames;
    throw InputError(why.str());
  }
  // GDCMImageIO leaves DoseGridScaling out (slope 1); refuse to guess if that ever changes.
  if (image_io->GetRescaleSlope() != 1.0 || image_io->GetRescaleIntercept() != 0.0)
    throw InputError(context + ": unexpected RescaleSlope/Intercept on an RTDOSE");
  for (itk::ImageRegionIterator<DoseImage> voxel(dose, dose->GetLargestPossibleRegion());
       !voxel.IsAtEnd(); ++voxel)
    voxel.Set(voxel.Get() * header.dose_grid_scaling);

  DoseImage::PointType origin;
  DoseImage::SpacingType spacing;
  DoseImage::DirectionType direction;
  for (unsigned axis = 0; axis < 3; ++axis) {
    origin[axis] = header.position[axis];
    direction[axis][0] = header.row_direction[axis];
    direction[axis][1] = header.column_direction[axis];
    direction[axis][2] = header.frame_direction_sign * header.normal[axis];
  }
  spacing[0] = header.column_spacing;  // along a row
  spacing[1] = header.row_spacing;     // between rows
  spacing[2] = header.frame_spacing;
  dose->SetOrigin(origin);
  dose->SetSpacing(spacing);
  dose->SetDirection(direction);

  RtDose result;
  result.dose_gy = dose;
  result.dose_units = header.dose_units;
  result.dose_type = header.dose_type;
  result.dose_summation_type = header.dose_summation_type;
  result.frame_of_reference_uid = header.frame_of_reference_uid;
  result.dose_grid_scaling = header.dose_grid_scaling;
  result.absolute_frame_offsets = header.absolute_frame_offsets;
  result.warnings = header.warnings;
  return result;
}

namespace {

// A DS value of at most 16 characters (the VR's limit).
std::string decimal_string(double value) {
  for (int precision = 12; precision > 1; --precision) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*g", precision, value);
    if (std::strlen(text) <= 16) return text;
  }
  char text[64];
  std::snprintf(text, sizeof text, "%.1e", value);
  return text;
}

std::string decimal_strings(const std::vector<double>& values) {
  std::string text;
  for (std::size_t index = 0; index < values.size(); ++index)
    text += (index ? "\\" : "") + decimal_string(values[index]);
  return text;
}

void put_bytes(gdcm::DataSet& data_set, std::uint16_t group, std::uint16_t element, gdcm::VR vr,
               const char* bytes, std::size_t length) {
  gdcm::DataElement data_element(gdcm::Tag(group, element));
  data_element.SetVR(vr);
  data_element.SetByteValue(bytes, static_cast<std::uint32_t>(length));
  data_set.Replace(data_element);
}

void put_string(gdcm::DataSet& data_set, std::uint16_t group, std::uint16_t element, gdcm::VR vr,
                std::string value) {
  if (value.size() % 2) value.push_back(vr == gdcm::VR::UI ? '\0' : ' ');
  put_bytes(data_set, group, element, vr, value.data(), value.size());
}

void put_uint16(gdcm::DataSet& data_set, std::uint16_t group, std::uint16_t element,
                std::uint16_t value) {
  const char bytes[2] = {static_cast<char>(value & 0xff), static_cast<char>(value >> 8)};
  put_bytes(data_set, group, element, gdcm::VR::US, bytes, 2);
}

}  // namespace

void write_rtdose(const std::string& path, const DoseImage& dose_gy,
                  const RtDoseWriteOptions& options) {
  const std::string context = "RTDOSE '" + path + "'";
  const auto size = dose_gy.GetLargestPossibleRegion().GetSize();
  if (size[0] == 0 || size[1] == 0 || size[2] == 0 || size[0] > 65535 || size[1] > 65535)
    throw InputError(context + ": cannot write a dose grid of size " + std::to_string(size[0]) +
                     "x" + std::to_string(size[1]) + "x" + std::to_string(size[2]));
  const auto& direction = dose_gy.GetDirection();
  const Vector3 row{direction[0][0], direction[1][0], direction[2][0]};
  const Vector3 column{direction[0][1], direction[1][1], direction[2][1]};
  const Vector3 frame{direction[0][2], direction[1][2], direction[2][2]};
  const Vector3 normal = cross(row, column);
  const double sign = dot(normal, frame);
  if (std::fabs(std::fabs(sign) - 1.0) > 1e-6)
    throw InputError(context + ": the dose grid's third axis is not normal to its slices");
  const double frame_sign = sign > 0 ? 1.0 : -1.0;
  const auto& spacing = dose_gy.GetSpacing();
  const auto& origin = dose_gy.GetOrigin();
  if (options.absolute_frame_offsets && (std::fabs(normal[2] - 1.0) > 1e-6 || frame_sign < 0))
    throw InputError(context + ": absolute frame offsets need an axial grid with increasing z");

  double max_dose = 0.0;
  const std::size_t voxel_count = size[0] * size[1] * size[2];
  const double* values = dose_gy.GetBufferPointer();
  for (std::size_t index = 0; index < voxel_count; ++index) {
    if (!std::isfinite(values[index]) || values[index] < 0)
      throw InputError(context + ": dose values must be finite and >= 0");
    max_dose = std::max(max_dose, values[index]);
  }
  double scaling = options.dose_grid_scaling;
  if (!(scaling > 0)) scaling = max_dose > 0 ? max_dose / 4.0e9 : 1e-6;
  // Store exactly the scaling a reader will parse.
  const std::string scaling_text = decimal_string(scaling);
  scaling = std::stod(scaling_text);
  std::vector<std::uint32_t> stored(voxel_count);
  for (std::size_t index = 0; index < voxel_count; ++index) {
    const double raw = std::round(values[index] / scaling);
    if (raw > std::numeric_limits<std::uint32_t>::max())
      throw InputError(context + ": dose " + format_number(values[index]) +
                       " Gy does not fit 32 bits with DoseGridScaling " + scaling_text);
    stored[index] = static_cast<std::uint32_t>(raw);
  }

  gdcm::UIDGenerator uids;
  gdcm::DataSet data_set;
  const std::string instance_uid = uids.Generate();
  put_string(data_set, 0x0008, 0x0016, gdcm::VR::UI, kRtDoseStorageUid);
  put_string(data_set, 0x0008, 0x0018, gdcm::VR::UI, instance_uid);
  put_string(data_set, 0x0008, 0x0060, gdcm::VR::CS, "RTDOSE");
  put_string(data_set, 0x0010, 0x0010, gdcm::VR::PN, "");
  put_string(data_set, 0x0010, 0x0020, gdcm::VR::LO, "");
  put_string(data_set, 0x0020, 0x000d, gdcm::VR::UI, uids.Generate());
  put_string(data_set, 0x0020, 0x000e, gdcm::VR::UI, uids.Generate());
  put_string(
      data_set, 0x0020, 0x0052, gdcm::VR::UI,
      options.frame_of_reference_uid.empty() ? uids.Generate() : options.frame_of_reference_uid);
  put_string(data_set, 0x0020, 0x0032, gdcm::VR::DS,
             decimal_strings({origin[0], origin[1], origin[2]}));
  put_string(data_set, 0x0020, 0x0037, gdcm::VR::DS,
             decimal_strings({row[0], row[1], row[2], column[0], column[1], column[2]}));
  put_uint16(data_set, 0x0028, 0x0002, 1);
  put_string(data_set, 0x0028, 0x0004, gdcm::VR::CS, "MONOCHROME2");
  put_string(data_set, 0x0028, 0x0008, gdcm::VR::IS, std::to_string(size[2]));
  const char frame_increment_pointer[4] = {0x04, 0x30, 0x0c, 0x00};  // (3004,000c)
  put_bytes(data_set, 0x0028, 0x0009, gdcm::VR::AT, frame_increment_pointer, 4);
  put_uint16(data_set, 0x0028, 0x0010, static_cast<std::uint16_t>(size[1]));
  put_uint16(data_set, 0x0028, 0x0011, static_cast<std::uint16_t>(size[0]));
  put_string(data_set, 0x0028, 0x0030, gdcm::VR::DS, decimal_strings({spacing[1], spacing[0]}));
  put_uint16(data_set, 0x0028, 0x0100, 32);
  put_uint16(data_set, 0x0028, 0x0101, 32);
  put_uint16(data_set, 0x0028, 0x0102, 31);
  put_uint16(data_set, 0x0028, 0x0103, 0);
  put_string(data_set, 0x3004, 0x0002, gdcm::VR::CS, options.dose_units);
  put_string(data_set, 0x3004, 0x0004, gdcm::VR::CS, options.dose_type);
  put_string(data_set, 0x3004, 0x000a, gdcm::VR::CS, options.dose_summation_type);
  std::vector<double> offsets(size[2]);
  for (std::size_t k = 0; k < size[2]; ++k)
    offsets[k] = (options.absolute_frame_offsets ? origin[2] : 0.0) +
                 frame_sign * static_cast<double>(k) * spacing[2];
  put_string(data_set, 0x3004, 0x000c, gdcm::VR::DS, decimal_strings(offsets));
  put_string(data_set, 0x3004, 0x000e, gdcm::VR::DS, scaling_text);
  // Little-endian 32-bit words (the host order on the platforms this builds for).
  put_bytes(data_set, 0x7fe0, 0x0010, gdcm::VR::OW, reinterpret_cast<const char*>(stored.data()),
            stored.size() * sizeof(std::uint32_t));

  gdcm::Writer writer;
  writer.SetFileName(path.c_str());
  writer.GetFile().SetDataSet(data_set);
  // With CheckFileMetaInformation (the default) the writer fills the meta group from the data set.
  writer.GetFile().GetHeader().SetDataSetTransferSyntax(
      gdcm::TransferSyntax::ExplicitVRLittleEndian);
  bool written = false;
  try {
    written = writer.Write();
  } catch (const std::exception& exception) {
    throw InputError(context + ": cannot be written (" + exception.what() + ")");
  }
  if (!written) throw InputError(context + ": cannot be written");
}

}  // namespace doseomics
