// Reading a DICOM image series (CT, MR) from a folder into an ITK image, and the low-level DICOM
// header access that the RT readers (rtdose, rtstruct) share.
//
// Why not itk::GDCMSeriesFileNames: on Debian's ITK 5.2 / GDCM 3.0.21 it aborts the whole process
// (a compiled-in GDCM assertion) when the folder holds a malformed file such as an RTDOSE with a
// GridFrameOffsetVector but no NumberOfFrames (verified on ../shared/data/dicom-rt). So the folder
// is scanned with GDCM's data-set parser only (gdcm::Reader, which decodes no image), every file's
// header is checked by us, and only the chosen, checked files go to itk::ImageSeriesReader with
// itk::GDCMImageIO for the pixel data. The geometry (origin, spacing, direction) is computed from
// ImagePositionPatient / ImageOrientationPatient / PixelSpacing here and set on the image.
#pragma once

#include <itkImage.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gdcm {
class DataSet;
class Reader;
}  // namespace gdcm

namespace doseomics {

// A scalar image read from DICOM, rescale slope/intercept applied (CT in HU).
using DicomVolume = itk::Image<float, 3>;

// Slice positions along the slice normal may deviate from a uniform step by this fraction of the
// step (or kSlicePositionMinToleranceMm, whichever is larger); in-plane shifts likewise.
constexpr double kSliceSpacingRelativeTolerance = 0.01;
constexpr double kSlicePositionMinToleranceMm = 1e-3;
// Direction cosines (ImageOrientationPatient) of two slices of one series may differ by this much.
constexpr double kOrientationTolerance = 1e-4;

// One image series found in a folder.
struct DicomSeriesInfo {
  std::string series_instance_uid;
  std::string modality;
  std::string series_description;
  std::vector<std::string> files;  // sorted by file name
};

// A series read into an image, with the identifiers the RT readers check against.
struct DicomSeries {
  DicomVolume::Pointer image;
  std::string series_instance_uid;
  std::string modality;
  std::string frame_of_reference_uid;
  std::vector<std::string> files;  // in slice order (increasing along the slice normal)
};

// Image series in `folder` (not recursive). Files that are not DICOM, or have no image (RTSTRUCT,
// RTPLAN), are skipped. Throws InputError naming the folder when it does not exist.
std::vector<DicomSeriesInfo> list_dicom_series(const std::string& folder);

// Read the image series in `folder`. With `series_instance_uid` empty the folder must hold exactly
// one series; otherwise the series with that UID is read. Throws InputError naming the folder for:
// no series, several series and no UID (they are listed), the UID absent, slices that disagree
// (size, pixel spacing, orientation), duplicate, missing or non-uniformly spaced slices, slices not
// stacked along their normal (gantry tilt), or pixel data ITK cannot read.
DicomSeries read_dicom_series(const std::string& folder,
                              const std::string& series_instance_uid = "");

namespace dicom {

// A DICOM file parsed by GDCM's data-set parser only (no image decoding, which can abort the
// process on malformed headers).
class ParsedFile {
 public:
  // Parse `path`; with `stop_before_pixel_data` the pixel data is skipped, not read. Throws
  // InputError naming the file when it is missing, is a folder, or is not DICOM (including files
  // truncated before their pixel data).
  ParsedFile(const std::string& path, bool stop_before_pixel_data);
  ~ParsedFile();
  ParsedFile(ParsedFile&&) noexcept;
  ParsedFile& operator=(ParsedFile&&) noexcept;

  // The main data set (without the file meta group).
  const gdcm::DataSet& data_set() const;
  // The transfer syntax UID of the data set.
  std::string transfer_syntax_uid() const;
  // The file's path as given.
  const std::string& path() const { return path_; }
  // With stop_before_pixel_data: bytes from the start of the PixelData value to the end of the
  // file (0 when there is no PixelData). GDCM itself only warns about pixel data cut short.
  std::uint64_t bytes_after_pixel_data_start() const { return bytes_after_pixel_data_start_; }

 private:
  std::string path_;
  std::unique_ptr<gdcm::Reader> reader_;
  std::uint64_t bytes_after_pixel_data_start_ = 0;
};

// Whether (group,element) is present in `data_set` (possibly empty).
bool has_tag(const gdcm::DataSet& data_set, std::uint16_t group, std::uint16_t element);

// A string-valued element (CS, LO, UI, DS, IS, ...) with padding (spaces, NUL) trimmed; "" when
// absent or empty.
std::string tag_string(const gdcm::DataSet& data_set, std::uint16_t group, std::uint16_t element);

// A DS/IS element as numbers (backslash-separated); empty when absent or empty. Throws InputError
// "`context`: <name> (gggg,eeee) ..." when a value is not a finite number.
std::vector<double> tag_numbers(const gdcm::DataSet& data_set, std::uint16_t group,
                                std::uint16_t element, const std::string& context,
                                const char* name);

// A US element (binary, little-endian data set); std::nullopt when absent or not 2 bytes long.
std::optional<std::uint16_t> tag_uint16(const gdcm::DataSet& data_set, std::uint16_t group,
                                        std::uint16_t element);

// "(gggg,eeee)" for messages.
std::string tag_label(std::uint16_t group, std::uint16_t element);

}  // namespace dicom
}  // namespace doseomics
