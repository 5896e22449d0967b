// DICOM RT Dose (multi-frame dose grid) read into an ITK image of dose in Gy, and written back.
//
// What ITK 5.2 / GDCM 3.0 on Debian get wrong, and what is done here instead
// (../shared/reference/rt-io-and-registration.md, section 2):
// - DoseGridScaling (3004,000E) is not applied by GDCMImageIO: it is applied here, in double.
// - A non-uniform GridFrameOffsetVector (3004,000C) is silently read with the first gap as the
//   spacing: the offsets are parsed here and a non-uniform grid is REJECTED (as plastimatch does;
//   no resampling, so no dose is ever interpolated behind the user's back).
// - A malformed header (e.g. GridFrameOffsetVector without NumberOfFrames) makes GDCM abort the
//   process: the header is read with GDCM's data-set parser only and checked here first; only a
//   checked file reaches GDCMImageIO, which then decodes the pixel data (native or compressed).
// - Geometry is computed here from ImagePositionPatient, ImageOrientationPatient, PixelSpacing
//   ([row spacing, column spacing]) and the offsets: frame k lies at IPP + (GFOV[k] - GFOV[0]) *
//   normal, normal = row direction x column direction. This covers relative offsets (option a,
//   GFOV[0] = 0), absolute ones (option b, GFOV[0] = IPP z, axial only) and decreasing offsets
//   (the image's third direction is then -normal).
#pragma once

#include <itkImage.h>

#include <string>
#include <vector>

namespace doseomics {

// Dose on the RTDOSE grid, in Gy (double: raw 32-bit values do not fit a float's mantissa).
using DoseImage = itk::Image<double, 3>;

// GridFrameOffsetVector gaps may differ from the uniform step by this much.
constexpr double kGridFrameOffsetToleranceMm = 0.01;

// SOP Class UID of RT Dose Storage.
inline constexpr const char* kRtDoseStorageUid = "1.2.840.10008.5.1.4.1.1.481.2";

struct RtDoseReadOptions {
  // DoseUnits RELATIVE is refused unless this is set; the image then holds relative dose
  // (stored value x DoseGridScaling), not Gy.
  bool accept_relative_dose_units = false;
};

// An RTDOSE file read into an image, with the attributes a study must check before using it.
struct RtDose {
  DoseImage::Pointer dose_gy;  // dose in Gy (relative dose if DoseUnits is RELATIVE and accepted)
  std::string dose_units;      // "GY" or "RELATIVE"
  std::string dose_type;       // PHYSICAL, EFFECTIVE, ERROR
  std::string dose_summation_type;  // PLAN, BEAM, FRACTION, ... (BEAM files must be summed)
  std::string frame_of_reference_uid;
  double dose_grid_scaling = 1.0;
  bool absolute_frame_offsets = false;  // GridFrameOffsetVector was "option b" (absolute z)
  std::vector<std::string> warnings;    // tolerated oddities (e.g. GFOV[0] neither 0 nor IPP z)
};

// Read an RTDOSE file. Throws InputError naming the file and the reason for: a missing, truncated
// or non-DICOM file; a file that is not RT Dose; missing or inconsistent geometry tags;
// NumberOfFrames missing or disagreeing with GridFrameOffsetVector; a non-uniform or repeated
// GridFrameOffsetVector; missing or non-positive DoseGridScaling; pixel data shorter than the
// header says; DoseUnits other than GY (RELATIVE only with accept_relative_dose_units).
RtDose read_rtdose(const std::string& path, const RtDoseReadOptions& options = {});

struct RtDoseWriteOptions {
  std::string dose_units = "GY";  // written as is (tests write RELATIVE files)
  std::string dose_type = "PHYSICAL";
  std::string dose_summation_type = "PLAN";
  std::string frame_of_reference_uid;  // empty: a new UID
  // Stored value = round(dose / scaling), unsigned 32-bit; <= 0 picks max dose / 4e9.
  double dose_grid_scaling = 0.0;
  // Write GridFrameOffsetVector as absolute z ("option b"); needs an axial, increasing grid.
  bool absolute_frame_offsets = false;
};

// Write `dose_gy` as a single multi-frame RTDOSE (Explicit VR Little Endian, 32-bit unsigned).
// The third direction must be +-(first x second); dose must be >= 0 and finite. Throws InputError
// naming the file on bad input or when it cannot be written.
void write_rtdose(const std::string& path, const DoseImage& dose_gy,
                  const RtDoseWriteOptions& options = {});

}  // namespace doseomics
