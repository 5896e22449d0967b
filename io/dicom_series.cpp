#include "dicom_series.hpp"

#include <gdcmDataSet.h>
#include <gdcmFileMetaInformation.h>
#include <gdcmReader.h>
#include <gdcmTag.h>
#include <itkGDCMImageIO.h>
#include <itkImageSeriesReader.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>

#include "kernels/core/errors.hpp"

namespace doseomics {
namespace dicom {

ParsedFile::ParsedFile(const std::string& path, bool stop_before_pixel_data)
    : path_(path), reader_(std::make_unique<gdcm::Reader>()) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (error || !std::filesystem::exists(status))
    throw InputError("DICOM file '" + path + "': does not exist");
  if (!std::filesystem::is_regular_file(status))
    throw InputError("DICOM file '" + path + "': is not a regular file");
  reader_->SetFileName(path.c_str());
  bool parsed = false;
  const gdcm::Tag pixel_tag(0x7fe0, 0x0010);
  try {
    // Skipping the pixel data leaves the stream at the start of its value.
    parsed =
        stop_before_pixel_data ? reader_->ReadUpToTag(pixel_tag, {pixel_tag}) : reader_->Read();
  } catch (const std::exception& exception) {
    throw InputError("DICOM file '" + path + "': cannot be parsed (" + exception.what() + ")");
  }
  if (!parsed)
    throw InputError("DICOM file '" + path +
                     "': cannot be parsed as DICOM (not DICOM, or truncated/corrupt)");
  if (stop_before_pixel_data) {
    const std::uint64_t file_size = std::filesystem::file_size(path, error);
    const std::uint64_t start = reader_->GetStreamCurrentPosition();
    if (!error && start < file_size) bytes_after_pixel_data_start_ = file_size - start;
  }
}

ParsedFile::~ParsedFile() = default;
ParsedFile::ParsedFile(ParsedFile&&) noexcept = default;
ParsedFile& ParsedFile::operator=(ParsedFile&&) noexcept = default;

const gdcm::DataSet& ParsedFile::data_set() const { return reader_->GetFile().GetDataSet(); }

std::string ParsedFile::transfer_syntax_uid() const {
  const char* uid = reader_->GetFile().GetHeader().GetDataSetTransferSyntax().GetString();
  return uid ? uid : "";
}

bool has_tag(const gdcm::DataSet& data_set, std::uint16_t group, std::uint16_t element) {
  return data_set.FindDataElement(gdcm::Tag(group, element));
}

std::string tag_label(std::uint16_t group, std::uint16_t element) {
  char label[16];
  std::snprintf(label, sizeof label, "(%04x,%04x)", group, element);
  return label;
}

namespace {

std::string trim_padding(std::string text) {
  const char* padding = " \t\r\n";
  while (!text.empty() && (text.back() == '\0' || std::strchr(padding, text.back())))
    text.pop_back();
  std::size_t first = 0;
  while (first < text.size() && (text[first] == '\0' || std::strchr(padding, text[first]))) ++first;
  return text.substr(first);
}

}  // namespace

std::string tag_string(const gdcm::DataSet& data_set, std::uint16_t group, std::uint16_t element) {
  const gdcm::Tag tag(group, element);
  if (!data_set.FindDataElement(tag)) return "";
  const gdcm::DataElement& data_element = data_set.GetDataElement(tag);
  const gdcm::ByteValue* bytes = data_element.GetByteValue();
  if (!bytes || bytes->GetLength() == 0) return "";
  return trim_padding(std::string(bytes->GetPointer(), bytes->GetLength()));
}

std::vector<double> tag_numbers(const gdcm::DataSet& data_set, std::uint16_t group,
                                std::uint16_t element, const std::string& context,
                                const char* name) {
  const std::string text = tag_string(data_set, group, element);
  std::vector<double> numbers;
  if (text.empty()) return numbers;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = std::min(text.find('\\', start), text.size());
    const std::string item = trim_padding(text.substr(start, end - start));
    double value = 0.0;
    // from_chars does not accept a leading '+', which DS allows.
    const std::size_t skip = (!item.empty() && item[0] == '+') ? 1 : 0;
    const auto [stop, error] =
        std::from_chars(item.data() + skip, item.data() + item.size(), value);
    if (item.empty() || error != std::errc() || stop != item.data() + item.size() ||
        !std::isfinite(value))
      throw InputError(context + ": " + name + " " + tag_label(group, element) + " value '" + item +
                       "' is not a number (in '" + text + "')");
    numbers.push_back(value);
    if (end == text.size()) break;
    start = end + 1;
  }
  return numbers;
}

std::optional<std::uint16_t> tag_uint16(const gdcm::DataSet& data_set, std::uint16_t group,
                                        std::uint16_t element) {
  const gdcm::Tag tag(group, element);
  if (!data_set.FindDataElement(tag)) return std::nullopt;
  const gdcm::ByteValue* bytes = data_set.GetDataElement(tag).GetByteValue();
  if (!bytes || bytes->GetLength() != 2) return std::nullopt;
  const auto* raw = reinterpret_cast<const unsigned char*>(bytes->GetPointer());
  // GDCM holds binary values in the host's (little-endian) byte order.
  return static_cast<std::uint16_t>(raw[0] | (raw[1] << 8));
}

}  // namespace dicom

namespace {

using Vector3 = std::array<double, 3>;

double dot(const Vector3& a, const Vector3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

Vector3 cross(const Vector3& a, const Vector3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}

// What one slice's header says about its place in the volume.
struct SliceHeader {
  std::string path;
  std::string series_instance_uid, modality, series_description, frame_of_reference_uid;
  std::uint16_t rows = 0, columns = 0;
  int number_of_frames = 1;
  std::vector<double> pixel_spacing;  // [row spacing, column spacing] (mm)
  std::vector<double> position;       // ImagePositionPatient (mm)
  std::vector<double> orientation;    // ImageOrientationPatient (6 direction cosines)
  std::string error;  // why this image cannot be read safely (reported if its series is read)
};

// The header of an image file, or nullopt when `path` is not a DICOM image (skipped in a scan).
// A header that GDCM's image code cannot read safely comes back with `error` set.
std::optional<SliceHeader> read_slice_header(const std::string& path) {
  std::optional<dicom::ParsedFile> file;
  try {
    file.emplace(path, /*stop_before_pixel_data=*/true);
  } catch (const InputError&) {
    return std::nullopt;
  }
  const gdcm::DataSet& data_set = file->data_set();
  SliceHeader header;
  header.path = path;
  const auto rows = dicom::tag_uint16(data_set, 0x0028, 0x0010);
  const auto columns = dicom::tag_uint16(data_set, 0x0028, 0x0011);
  if (!rows || !columns) return std::nullopt;  // no image: RTSTRUCT, RTPLAN, ...
  header.rows = *rows;
  header.columns = *columns;
  header.series_instance_uid = dicom::tag_string(data_set, 0x0020, 0x000e);
  header.modality = dicom::tag_string(data_set, 0x0008, 0x0060);
  header.series_description = dicom::tag_string(data_set, 0x0008, 0x103e);
  header.frame_of_reference_uid = dicom::tag_string(data_set, 0x0020, 0x0052);
  const std::string context = "DICOM file '" + path + "'";
  try {
    // GDCM's image code asserts (aborts) on a GridFrameOffsetVector without NumberOfFrames.
    if (!dicom::has_tag(data_set, 0x0028, 0x0008) && dicom::has_tag(data_set, 0x3004, 0x000c))
      throw InputError(context +
                       ": has a GridFrameOffsetVector (3004,000c) but no "
                       "NumberOfFrames (0028,0008)");
    const auto frames = dicom::tag_numbers(data_set, 0x0028, 0x0008, context, "NumberOfFrames");
    if (!frames.empty()) header.number_of_frames = static_cast<int>(frames[0]);
    header.pixel_spacing = dicom::tag_numbers(data_set, 0x0028, 0x0030, context, "PixelSpacing");
    header.position = dicom::tag_numbers(data_set, 0x0020, 0x0032, context, "ImagePositionPatient");
    header.orientation =
        dicom::tag_numbers(data_set, 0x0020, 0x0037, context, "ImageOrientationPatient");
  } catch (const InputError& error) {
    header.error = error.what();
  }
  return header;
}

std::string describe_series(const std::vector<DicomSeriesInfo>& series) {
  std::ostringstream text;
  for (const DicomSeriesInfo& info : series)
    text << "\n  " << info.series_instance_uid << " ("
         << (info.modality.empty() ? "?" : info.modality) << ", " << info.files.size() << " file"
         << (info.files.size() == 1 ? "" : "s")
         << (info.series_description.empty() ? "" : ", '" + info.series_description + "'") << ")";
  return text.str();
}

// Headers of the image files in `folder`, grouped by SeriesInstanceUID (files sorted by name).
std::map<std::string, std::vector<SliceHeader>> scan_folder(const std::string& folder) {
  std::error_code error;
  if (!std::filesystem::is_directory(folder, error))
    throw InputError("DICOM folder '" + folder + "': does not exist or is not a folder");
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(folder, error))
    if (entry.is_regular_file()) paths.push_back(entry.path().string());
  if (error)
    throw InputError("DICOM folder '" + folder + "': cannot be listed: " + error.message());
  std::sort(paths.begin(), paths.end());
  std::map<std::string, std::vector<SliceHeader>> series;
  for (const std::string& path : paths)
    if (std::optional<SliceHeader> header = read_slice_header(path))
      series[header->series_instance_uid].push_back(std::move(*header));
  return series;
}

DicomSeriesInfo series_info(const std::string& uid, const std::vector<SliceHeader>& slices) {
  DicomSeriesInfo info;
  info.series_instance_uid = uid;
  info.modality = slices.front().modality;
  info.series_description = slices.front().series_description;
  for (const SliceHeader& slice : slices) info.files.push_back(slice.path);
  return info;
}

// The volume's geometry, from its slices' headers.
struct SeriesGeometry {
  Vector3 origin{}, spacing{}, row_direction{}, column_direction{}, normal{};
};

// Check that `slices` form one regular volume, sort them along the normal, and return its geometry.
SeriesGeometry check_and_sort_slices(std::vector<SliceHeader>& slices, const std::string& context) {
  const SliceHeader& first = slices.front();
  for (const SliceHeader& slice : slices) {
    const std::string where = context + ": file '" + slice.path + "'";
    if (slice.position.size() != 3)
      throw InputError(where + " has no valid ImagePositionPatient (0020,0032)");
    if (slice.orientation.size() != 6)
      throw InputError(where + " has no valid ImageOrientationPatient (0020,0037)");
    if (slice.pixel_spacing.size() != 2 || slice.pixel_spacing[0] <= 0 ||
        slice.pixel_spacing[1] <= 0)
      throw InputError(where + " has no valid PixelSpacing (0028,0030)");
    if (slice.number_of_frames != 1)
      throw InputError(where + " has " + std::to_string(slice.number_of_frames) +
                       " frames; a series of several files must hold one slice per file");
    if (slice.rows != first.rows || slice.columns != first.columns)
      throw InputError(where + " is " + std::to_string(slice.columns) + "x" +
                       std::to_string(slice.rows) + " pixels but '" + first.path + "' is " +
                       std::to_string(first.columns) + "x" + std::to_string(first.rows));
    for (int axis = 0; axis < 2; ++axis)
      if (std::fabs(slice.pixel_spacing[axis] - first.pixel_spacing[axis]) >
          kSlicePositionMinToleranceMm)
        throw InputError(where + " has a PixelSpacing different from '" + first.path + "'");
    for (int axis = 0; axis < 6; ++axis)
      if (std::fabs(slice.orientation[axis] - first.orientation[axis]) > kOrientationTolerance)
        throw InputError(where + " has an ImageOrientationPatient different from '" + first.path +
                         "'");
  }
  SeriesGeometry geometry;
  for (int axis = 0; axis < 3; ++axis) {
    geometry.row_direction[axis] = first.orientation[axis];
    geometry.column_direction[axis] = first.orientation[3 + axis];
  }
  const double row_length = std::sqrt(dot(geometry.row_direction, geometry.row_direction));
  const double column_length = std::sqrt(dot(geometry.column_direction, geometry.column_direction));
  if (std::fabs(row_length - 1.0) > 1e-3 || std::fabs(column_length - 1.0) > 1e-3 ||
      std::fabs(dot(geometry.row_direction, geometry.column_direction)) > 1e-3)
    throw InputError(context + ": ImageOrientationPatient of '" + first.path +
                     "' is not two orthogonal unit vectors");
  for (int axis = 0; axis < 3; ++axis) {
    geometry.row_direction[axis] /= row_length;
    geometry.column_direction[axis] /= column_length;
  }
  geometry.normal = cross(geometry.row_direction, geometry.column_direction);

  std::stable_sort(slices.begin(), slices.end(), [&](const SliceHeader& a, const SliceHeader& b) {
    return dot(geometry.normal, {a.position[0], a.position[1], a.position[2]}) <
           dot(geometry.normal, {b.position[0], b.position[1], b.position[2]});
  });
  const SliceHeader& lowest = slices.front();
  geometry.origin = {lowest.position[0], lowest.position[1], lowest.position[2]};
  // ITK's x step is along a row (column spacing, PixelSpacing[1]), y along a column.
  geometry.spacing = {lowest.pixel_spacing[1], lowest.pixel_spacing[0], 1.0};
  if (slices.size() == 1) return geometry;

  const auto offset_of = [&](const SliceHeader& slice) {
    return Vector3{slice.position[0] - geometry.origin[0], slice.position[1] - geometry.origin[1],
                   slice.position[2] - geometry.origin[2]};
  };
  const double extent = dot(geometry.normal, offset_of(slices.back()));
  const double step = extent / static_cast<double>(slices.size() - 1);
  const double tolerance =
      std::max(kSlicePositionMinToleranceMm, kSliceSpacingRelativeTolerance * step);
  for (std::size_t index = 0; index < slices.size(); ++index) {
    const Vector3 offset = offset_of(slices[index]);
    const double along = dot(geometry.normal, offset);
    if (index > 0) {
      const double gap = along - dot(geometry.normal, offset_of(slices[index - 1]));
      if (gap < tolerance)
        throw InputError(context + ": files '" + slices[index - 1].path + "' and '" +
                         slices[index].path + "' are at the same slice position");
      if (std::fabs(gap - step) > tolerance) {
        std::ostringstream why;
        why << context << ": slices are not uniformly spaced: " << gap << " mm between '"
            << slices[index - 1].path << "' and '" << slices[index].path << "', " << step
            << " mm on average (a missing or extra slice?)";
        throw InputError(why.str());
      }
    }
    const double in_plane = std::sqrt(std::max(0.0, dot(offset, offset) - along * along));
    if (in_plane > tolerance) {
      std::ostringstream why;
      why << context << ": file '" << slices[index].path << "' is shifted " << in_plane
          << " mm within the slice plane from the first slice; the slices are not stacked along "
             "their normal (gantry tilt?)";
      throw InputError(why.str());
    }
  }
  geometry.spacing[2] = step;
  return geometry;
}

}  // namespace

std::vector<DicomSeriesInfo> list_dicom_series(const std::string& folder) {
  std::vector<DicomSeriesInfo> result;
  for (const auto& [uid, slices] : scan_folder(folder)) result.push_back(series_info(uid, slices));
  return result;
}

DicomSeries read_dicom_series(const std::string& folder, const std::string& series_instance_uid) {
  const std::string context = "DICOM folder '" + folder + "'";
  auto all_series = scan_folder(folder);
  std::vector<DicomSeriesInfo> listing;
  for (const auto& [uid, slices] : all_series) listing.push_back(series_info(uid, slices));
  if (all_series.empty()) throw InputError(context + ": holds no DICOM image series");
  std::vector<SliceHeader>* chosen = nullptr;
  if (series_instance_uid.empty()) {
    if (all_series.size() > 1)
      throw InputError(
          context + ": holds " + std::to_string(all_series.size()) +
          " image series; choose one by SeriesInstanceUID:" + describe_series(listing));
    chosen = &all_series.begin()->second;
  } else {
    const auto found = all_series.find(series_instance_uid);
    if (found == all_series.end())
      throw InputError(context + ": holds no series with SeriesInstanceUID '" +
                       series_instance_uid + "'; present:" + describe_series(listing));
    chosen = &found->second;
  }
  std::vector<SliceHeader>& slices = *chosen;
  for (const SliceHeader& slice : slices)
    if (!slice.error.empty()) throw InputError(context + ": " + slice.error);
  // A single file may be multi-frame; ITK's geometry is then kept as it reads it.
  const bool single_file = slices.size() == 1;
  SeriesGeometry geometry;
  if (!single_file) geometry = check_and_sort_slices(slices, context);

  using Reader = itk::ImageSeriesReader<DicomVolume>;
  auto reader = Reader::New();
  auto image_io = itk::GDCMImageIO::New();
  reader->SetImageIO(image_io);
  std::vector<std::string> files;
  for (const SliceHeader& slice : slices) files.push_back(slice.path);
  reader->SetFileNames(files);
  try {
    reader->Update();
  } catch (const itk::ExceptionObject& error) {
    throw InputError(context +
                     ": ITK cannot read the series' pixel data: " + error.GetDescription());
  }
  DicomSeries result;
  result.image = reader->GetOutput();
  result.image->DisconnectPipeline();
  const auto size = result.image->GetLargestPossibleRegion().GetSize();
  if (size[0] != slices.front().columns || size[1] != slices.front().rows ||
      (!single_file && size[2] != slices.size()))
    throw InputError(context + ": ITK read a volume of an unexpected size");
  if (!single_file) {
    DicomVolume::PointType origin;
    DicomVolume::SpacingType spacing;
    DicomVolume::DirectionType direction;
    for (unsigned axis = 0; axis < 3; ++axis) {
      origin[axis] = geometry.origin[axis];
      spacing[axis] = geometry.spacing[axis];
      direction[axis][0] = geometry.row_direction[axis];
      direction[axis][1] = geometry.column_direction[axis];
      direction[axis][2] = geometry.normal[axis];
    }
    result.image->SetOrigin(origin);
    result.image->SetSpacing(spacing);
    result.image->SetDirection(direction);
  }
  result.series_instance_uid = slices.front().series_instance_uid;
  result.modality = slices.front().modality;
  result.frame_of_reference_uid = slices.front().frame_of_reference_uid;
  result.files = std::move(files);
  return result;
}

}  // namespace doseomics
