// DICOM series, RTDOSE and RTSTRUCT reading (io/dicom_series, io/rtdose, io/rtstruct) on the public
// samples in ../shared/data/dicom-rt (see its README.md for provenance) and on files made here.
//
// Values of the samples used below, read from the tags (gdcm dump of the files):
// - pydicom_rtdose.dcm: 10x10 px, 15 frames, uint32, PixelSpacing 10\10, IPP (189.43125,
//   199.43125, -761.87), IOP identity, GFOV 0..70 by 5, DoseGridScaling 1e-6, DoseUnits RELATIVE,
//   raw 795000..1254000, voxel (x5, y5, z7) raw 975000.
// - synthetic_rtdose_gy_scaling2e-5.dcm: the same pixels, DoseUnits GY, DoseGridScaling 2e-5.
// - synthetic_rtdose_negative_gfov.dcm: GFOV -0, -5, ..., -70 (RELATIVE units).
// - synthetic_rtdose_nonuniform_gfov.dcm: GFOV 0, 2.5, 5, 10, ..., 65 (RELATIVE units).
// - pydicom_rtdose_1frame.dcm: one frame, no NumberOfFrames, 15-value GFOV (aborts GDCM's reader).
// - rtutils_mock_data_ct_{1,2}.dcm: 512x512 CT, 0.488281 mm, IPP (-125, -125, 60 / 65); rt.dcm
//   ROI-1 = a 24 mm square at z = 60 with a 15 mm square hole (one corner cut by a 1 mm diagonal).
#include <catch2/catch.hpp>

#include <gdcmDataSet.h>
#include <gdcmReader.h>
#include <gdcmUIDGenerator.h>
#include <gdcmWriter.h>
#include <itkGDCMImageIO.h>
#include <itkImageFileReader.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "io/dicom_series.hpp"
#include "io/rtdose.hpp"
#include "io/rtstruct.hpp"
#include "kernels/core/errors.hpp"
#include "support/test_paths.hpp"

using namespace doseomics;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

// Geometry read from DS strings must match to this (mm or direction cosine).
constexpr double kGeometryToleranceMm = 1e-6;
// Dose values: raw x scaling in double, compared with the same product written out.
constexpr double kDoseRelativeTolerance = 1e-12;
// Rasterised area may differ from the analytic area by this many boundary voxel layers
// (perimeter x largest in-plane spacing per layer).
constexpr double kBoundaryVoxelLayers = 1.0;
constexpr double kPi = 3.14159265358979323846;

itk::Vector<double, 3> vector3(double x, double y, double z) {
  itk::Vector<double, 3> vector;
  vector[0] = x, vector[1] = y, vector[2] = z;
  return vector;
}

itk::Point<double, 3> point3(double x, double y, double z) {
  itk::Point<double, 3> point;
  point[0] = x, point[1] = y, point[2] = z;
  return point;
}

std::string sample(const std::string& name) { return test::shared_data("dicom-rt/" + name); }

// A fresh folder under the system's temporary directory, removed with its contents.
class TempFolder {
 public:
  TempFolder() {
    std::string pattern = (fs::temp_directory_path() / "doseomics_dicom_rt_XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempFolder() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

// The first `bytes` bytes of `source` written to `target`.
void write_truncated_copy(const std::string& source, const std::string& target, std::size_t bytes) {
  std::ifstream in(source, std::ios::binary);
  std::vector<char> content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(content.size() > bytes);
  std::ofstream out(target, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(bytes));
}

// A copy of a DICOM file with ImagePositionPatient replaced and a new SOPInstanceUID.
void write_moved_copy(const std::string& source, const std::string& target,
                      const std::string& position) {
  gdcm::Reader reader;
  reader.SetFileName(source.c_str());
  REQUIRE(reader.Read());
  gdcm::DataSet& data_set = reader.GetFile().GetDataSet();
  const auto put = [&](std::uint16_t group, std::uint16_t element, std::string value, gdcm::VR vr) {
    if (value.size() % 2) value.push_back(vr == gdcm::VR::UI ? '\0' : ' ');
    gdcm::DataElement element_value(gdcm::Tag(group, element));
    element_value.SetVR(vr);
    element_value.SetByteValue(value.data(), static_cast<std::uint32_t>(value.size()));
    data_set.Replace(element_value);
  };
  put(0x0020, 0x0032, position, gdcm::VR::DS);
  gdcm::UIDGenerator uids;
  put(0x0008, 0x0018, uids.Generate(), gdcm::VR::UI);
  gdcm::Writer writer;
  writer.SetFile(reader.GetFile());
  writer.SetFileName(target.c_str());
  REQUIRE(writer.Write());
}

// A dose grid with the given geometry and dose(i, j, k) = f(i, j, k).
template <typename DoseFunction>
DoseImage::Pointer make_dose(const DoseImage::SizeType& size, const DoseImage::SpacingType& spacing,
                             const DoseImage::PointType& origin,
                             const DoseImage::DirectionType& direction, DoseFunction dose) {
  auto image = DoseImage::New();
  image->SetRegions(size);
  image->SetSpacing(spacing);
  image->SetOrigin(origin);
  image->SetDirection(direction);
  image->Allocate();
  for (itk::IndexValueType k = 0; k < static_cast<itk::IndexValueType>(size[2]); ++k)
    for (itk::IndexValueType j = 0; j < static_cast<itk::IndexValueType>(size[1]); ++j)
      for (itk::IndexValueType i = 0; i < static_cast<itk::IndexValueType>(size[0]); ++i)
        image->SetPixel({{i, j, k}}, dose(i, j, k));
  return image;
}

DoseImage::DirectionType rotation(double angle_x, double angle_y, double angle_z) {
  const double cx = std::cos(angle_x), sx = std::sin(angle_x);
  const double cy = std::cos(angle_y), sy = std::sin(angle_y);
  const double cz = std::cos(angle_z), sz = std::sin(angle_z);
  DoseImage::DirectionType rx, ry, rz;
  rx.SetIdentity();
  ry.SetIdentity();
  rz.SetIdentity();
  rx[1][1] = cx, rx[1][2] = -sx, rx[2][1] = sx, rx[2][2] = cx;
  ry[0][0] = cy, ry[0][2] = sy, ry[2][0] = -sy, ry[2][2] = cy;
  rz[0][0] = cz, rz[0][1] = -sz, rz[1][0] = sz, rz[1][1] = cz;
  return rz * ry * rx;
}

void require_same_geometry(const DoseImage& read, const DoseImage& written) {
  REQUIRE(read.GetLargestPossibleRegion().GetSize() ==
          written.GetLargestPossibleRegion().GetSize());
  for (unsigned row = 0; row < 3; ++row) {
    CHECK(read.GetOrigin()[row] == Approx(written.GetOrigin()[row]).margin(kGeometryToleranceMm));
    CHECK(read.GetSpacing()[row] == Approx(written.GetSpacing()[row]).margin(kGeometryToleranceMm));
    for (unsigned column = 0; column < 3; ++column)
      CHECK(read.GetDirection()[row][column] ==
            Approx(written.GetDirection()[row][column]).margin(kGeometryToleranceMm));
  }
}

std::size_t count_inside(const MaskImage& mask) {
  std::size_t count = 0;
  const auto size = mask.GetLargestPossibleRegion().GetNumberOfPixels();
  for (std::size_t index = 0; index < size; ++index) count += mask.GetBufferPointer()[index] != 0;
  return count;
}

// A grid (the pixel type does not matter to the rasteriser).
MaskImage::Pointer make_grid(const MaskImage::SizeType& size, const MaskImage::SpacingType& spacing,
                             const MaskImage::PointType& origin,
                             const MaskImage::DirectionType& direction) {
  auto grid = MaskImage::New();
  grid->SetRegions(size);
  grid->SetSpacing(spacing);
  grid->SetOrigin(origin);
  grid->SetDirection(direction);
  return grid;
}

// Points (a, b) in the grid's slice `slice` (a along its first axis, b along its second, in mm
// from the origin) mapped to patient coordinates.
ContourPoints in_slice(const MaskImage& grid, double slice,
                       const std::vector<std::array<double, 2>>& points_ab) {
  ContourPoints points;
  const auto& direction = grid.GetDirection();
  const double c = slice * grid.GetSpacing()[2];
  for (const auto& [a, b] : points_ab) {
    std::array<double, 3> point;
    for (unsigned axis = 0; axis < 3; ++axis)
      point[axis] = grid.GetOrigin()[axis] + a * direction[axis][0] + b * direction[axis][1] +
                    c * direction[axis][2];
    points.push_back(point);
  }
  return points;
}

std::vector<std::array<double, 2>> rectangle(double a0, double b0, double width, double height) {
  return {{a0, b0}, {a0 + width, b0}, {a0 + width, b0 + height}, {a0, b0 + height}};
}

std::vector<std::array<double, 2>> circle(double a0, double b0, double radius, int vertices) {
  std::vector<std::array<double, 2>> points;
  for (int index = 0; index < vertices; ++index) {
    const double angle = 2 * kPi * index / vertices;
    points.push_back({a0 + radius * std::cos(angle), b0 + radius * std::sin(angle)});
  }
  return points;
}

// Shoelace area and perimeter of a contour in the x-y plane (axial contours).
double axial_area_mm2(const ContourPoints& points) {
  double twice = 0;
  for (std::size_t index = 0; index < points.size(); ++index) {
    const auto& a = points[index];
    const auto& b = points[(index + 1) % points.size()];
    twice += a[0] * b[1] - b[0] * a[1];
  }
  return std::fabs(twice) / 2;
}

double axial_perimeter_mm(const ContourPoints& points) {
  double length = 0;
  for (std::size_t index = 0; index < points.size(); ++index) {
    const auto& a = points[index];
    const auto& b = points[(index + 1) % points.size()];
    length += std::hypot(b[0] - a[0], b[1] - a[1]);
  }
  return length;
}

// Whether (x, y) is inside an axial contour (crossing number).
bool inside_axial(double x, double y, const ContourPoints& points) {
  bool inside = false;
  for (std::size_t index = 0; index < points.size(); ++index) {
    const auto& a = points[index];
    const auto& b = points[(index + 1) % points.size()];
    if ((a[1] <= y) != (b[1] <= y) && x < a[0] + (y - a[1]) * (b[0] - a[0]) / (b[1] - a[1]))
      inside = !inside;
  }
  return inside;
}

// Even-odd area of non-crossing axial contours: each counts + or - by how deep it is nested.
double even_odd_area_mm2(const std::vector<ContourPoints>& contours) {
  double area = 0;
  for (const auto& contour : contours) {
    int depth = 0;
    for (const auto& other : contours)
      if (&other != &contour && inside_axial(contour[0][0], contour[0][1], other)) ++depth;
    area += (depth % 2 ? -1 : 1) * axial_area_mm2(contour);
  }
  return area;
}

// Rasterised area (voxel count x voxel area) against an analytic area, within one boundary layer.
void check_area(std::size_t voxels, double voxel_area_mm2, double area_mm2, double perimeter_mm,
                double largest_spacing_mm) {
  const double measured_mm2 = static_cast<double>(voxels) * voxel_area_mm2;
  const double tolerance_mm2 = kBoundaryVoxelLayers * perimeter_mm * largest_spacing_mm;
  CAPTURE(voxels, measured_mm2, area_mm2, tolerance_mm2);
  CHECK(std::fabs(measured_mm2 - area_mm2) <= tolerance_mm2);
}

}  // namespace

// ---- RTDOSE ---------------------------------------------------------------------------------

TEST_CASE("The pydicom RTDOSE sample reads with its geometry and DoseGridScaling applied",
          "[dicom]") {
  RtDoseReadOptions options;
  options.accept_relative_dose_units = true;
  const RtDose dose = read_rtdose(sample("pydicom_rtdose.dcm"), options);
  const DoseImage& image = *dose.dose_gy;
  CHECK(dose.dose_units == "RELATIVE");
  CHECK(dose.dose_summation_type == "BEAM");
  CHECK(dose.dose_grid_scaling == 1e-6);
  CHECK_FALSE(dose.absolute_frame_offsets);
  CHECK(dose.warnings.empty());
  const auto size = image.GetLargestPossibleRegion().GetSize();
  CHECK(size[0] == 10);
  CHECK(size[1] == 10);
  CHECK(size[2] == 15);
  CHECK(image.GetSpacing()[0] == Approx(10.0));
  CHECK(image.GetSpacing()[1] == Approx(10.0));
  CHECK(image.GetSpacing()[2] == Approx(5.0));
  CHECK(image.GetOrigin()[0] == Approx(189.43125));
  CHECK(image.GetOrigin()[1] == Approx(199.43125));
  CHECK(image.GetOrigin()[2] == Approx(-761.87));
  DoseImage::DirectionType identity;
  identity.SetIdentity();
  CHECK(image.GetDirection() == identity);
  CHECK(image.GetPixel({{5, 5, 7}}) == Approx(975000 * 1e-6).epsilon(kDoseRelativeTolerance));
  const double* values = image.GetBufferPointer();
  const auto [low, high] = std::minmax_element(values, values + 1500);
  CHECK(*low == Approx(795000 * 1e-6).epsilon(kDoseRelativeTolerance));
  CHECK(*high == Approx(1254000 * 1e-6).epsilon(kDoseRelativeTolerance));
}

TEST_CASE("An RTDOSE in GY applies its DoseGridScaling in double", "[dicom]") {
  const RtDose dose = read_rtdose(sample("synthetic_rtdose_gy_scaling2e-5.dcm"));
  CHECK(dose.dose_units == "GY");
  CHECK(dose.dose_grid_scaling == 2e-5);
  const DoseImage& image = *dose.dose_gy;
  CHECK(image.GetPixel({{5, 5, 7}}) == Approx(975000 * 2e-5).epsilon(kDoseRelativeTolerance));
  CHECK(image.GetPixel({{5, 5, 7}}) == Approx(19.5).epsilon(kDoseRelativeTolerance));
  const double* values = image.GetBufferPointer();
  const auto [low, high] = std::minmax_element(values, values + 1500);
  CHECK(*low == Approx(15.9).epsilon(kDoseRelativeTolerance));
  CHECK(*high == Approx(25.08).epsilon(kDoseRelativeTolerance));
  CHECK(image.GetSpacing()[2] == Approx(5.0));
}

TEST_CASE("An RTDOSE in RELATIVE units is refused unless asked for", "[dicom]") {
  const std::string path = sample("pydicom_rtdose.dcm");
  CHECK_THROWS_WITH(read_rtdose(path), Contains("RELATIVE") && Contains(path));

  TempFolder folder;
  const std::string written = folder.file("relative.dcm");
  RtDoseWriteOptions options;
  options.dose_units = "RELATIVE";
  DoseImage::DirectionType identity;
  identity.SetIdentity();
  const auto dose = make_dose({{3, 2, 2}}, vector3(1.0, 1.0, 1.0), point3(0.0, 0.0, 0.0), identity,
                              [](auto i, auto, auto) { return 0.5 * i; });
  write_rtdose(written, *dose, options);
  CHECK_THROWS_AS(read_rtdose(written), InputError);
  CHECK_THROWS_WITH(read_rtdose(written), Contains("RELATIVE") && Contains(written));
  RtDoseReadOptions accept;
  accept.accept_relative_dose_units = true;
  CHECK(read_rtdose(written, accept).dose_gy->GetPixel({{2, 1, 1}}) == Approx(1.0));
}

TEST_CASE("An RTDOSE with decreasing frame offsets points its third axis the other way",
          "[dicom]") {
  const std::string path = sample("synthetic_rtdose_negative_gfov.dcm");
  // The sample is in RELATIVE units, which is the only reason it is refused by default.
  CHECK_THROWS_WITH(read_rtdose(path), Contains("RELATIVE") && Contains(path));
  RtDoseReadOptions options;
  options.accept_relative_dose_units = true;
  const RtDose dose = read_rtdose(path, options);
  const DoseImage& image = *dose.dose_gy;
  CHECK(image.GetSpacing()[2] == Approx(5.0));
  CHECK(image.GetDirection()[2][2] == -1.0);
  CHECK(image.GetOrigin()[2] == Approx(-761.87));
  DoseImage::PointType last_frame;
  image.TransformIndexToPhysicalPoint({{0, 0, 14}}, last_frame);
  CHECK(last_frame[2] == Approx(-761.87 - 70.0));
  CHECK(image.GetPixel({{5, 5, 7}}) == Approx(0.975).epsilon(kDoseRelativeTolerance));
}

TEST_CASE("An RTDOSE with non-uniform frame offsets is rejected, not mis-spaced", "[dicom]") {
  const std::string path = sample("synthetic_rtdose_nonuniform_gfov.dcm");
  CHECK_THROWS_AS(read_rtdose(path), InputError);
  CHECK_THROWS_WITH(read_rtdose(path), Contains("not uniform") && Contains(path));
  RtDoseReadOptions options;
  options.accept_relative_dose_units = true;
  CHECK_THROWS_WITH(read_rtdose(path, options), Contains("not uniform") && Contains("2.5"));
}

TEST_CASE("A malformed RTDOSE header is rejected before GDCM can abort the process", "[dicom]") {
  // GDCM's image reader asserts (aborts) on this file; our own header check must stop it first.
  const std::string path = sample("pydicom_rtdose_1frame.dcm");
  RtDoseReadOptions options;
  options.accept_relative_dose_units = true;
  CHECK_THROWS_AS(read_rtdose(path, options), InputError);
  CHECK_THROWS_WITH(read_rtdose(path, options), Contains("NumberOfFrames") && Contains(path));
  // Still alive: a series scan of the folder that holds it does not abort either.
  CHECK_FALSE(list_dicom_series(test::shared_data("dicom-rt")).empty());
}

TEST_CASE("An RTDOSE written with known values reads back with the same values and geometry",
          "[dicom]") {
  TempFolder folder;
  const double scaling = 1e-4;
  const auto known_dose = [](auto i, auto j, auto k) {
    return 0.25 * i + 1.5 * j + 10.0 * k + 0.0123;
  };

  SECTION("axial grid, relative offsets") {
    DoseImage::DirectionType identity;
    identity.SetIdentity();
    const auto written = make_dose({{7, 5, 4}}, vector3(1.5, 2.0, 3.0), point3(-10.25, 20.5, 30.75),
                                   identity, known_dose);
    RtDoseWriteOptions options;
    options.dose_grid_scaling = scaling;
    options.frame_of_reference_uid = "1.2.3.4.5";
    const std::string path = folder.file("axial.dcm");
    write_rtdose(path, *written, options);
    const RtDose read = read_rtdose(path);
    CHECK(read.dose_units == "GY");
    CHECK(read.dose_grid_scaling == scaling);
    CHECK(read.frame_of_reference_uid == "1.2.3.4.5");
    require_same_geometry(*read.dose_gy, *written);
    for (std::size_t index = 0; index < 7 * 5 * 4; ++index)
      CHECK(read.dose_gy->GetBufferPointer()[index] ==
            Approx(written->GetBufferPointer()[index]).margin(scaling / 2));
  }
  SECTION("axial grid, absolute offsets (option b)") {
    DoseImage::DirectionType identity;
    identity.SetIdentity();
    const auto written = make_dose({{4, 3, 5}}, vector3(2.5, 2.5, 3.0),
                                   point3(-228.654, -419.244, -122.441), identity, known_dose);
    RtDoseWriteOptions options;
    options.absolute_frame_offsets = true;
    const std::string path = folder.file("absolute.dcm");
    write_rtdose(path, *written, options);
    const RtDose read = read_rtdose(path);
    CHECK(read.absolute_frame_offsets);
    require_same_geometry(*read.dose_gy, *written);
    // Automatic scaling: max dose / 4e9, so half a step is far below a microgray.
    CHECK(read.dose_gy->GetPixel({{3, 2, 4}}) == Approx(known_dose(3, 2, 4)).margin(1e-6));
  }
  SECTION("oblique grid with decreasing frames") {
    DoseImage::DirectionType direction = rotation(0.3, -0.2, 0.7);
    for (unsigned row = 0; row < 3; ++row) direction[row][2] = -direction[row][2];
    const auto written = make_dose({{6, 4, 3}}, vector3(3.5, 2.5, 4.0), point3(12.0, -40.0, 7.5),
                                   direction, known_dose);
    RtDoseWriteOptions options;
    options.dose_grid_scaling = scaling;
    const std::string path = folder.file("oblique.dcm");
    write_rtdose(path, *written, options);
    const RtDose read = read_rtdose(path);
    require_same_geometry(*read.dose_gy, *written);
    CHECK(read.dose_gy->GetPixel({{5, 3, 2}}) == Approx(known_dose(5, 3, 2)).margin(scaling / 2));
  }
}

TEST_CASE("A missing or truncated RTDOSE gives an error naming the file", "[dicom]") {
  TempFolder folder;
  const std::string missing = folder.file("no_such_dose.dcm");
  CHECK_THROWS_WITH(read_rtdose(missing), Contains(missing) && Contains("does not exist"));
  // Cut inside the pixel data, and inside the header.
  for (const std::size_t bytes : {std::size_t(4000), std::size_t(700)}) {
    CAPTURE(bytes);
    const std::string truncated = folder.file("truncated_" + std::to_string(bytes) + ".dcm");
    write_truncated_copy(sample("synthetic_rtdose_gy_scaling2e-5.dcm"), truncated, bytes);
    CHECK_THROWS_AS(read_rtdose(truncated), InputError);
    CHECK_THROWS_WITH(read_rtdose(truncated), Contains(truncated));
  }
  CHECK_THROWS_WITH(read_rtdose(sample("pydicom_rtstruct.dcm")), Contains("not an RT Dose"));
}

// ---- DICOM series ---------------------------------------------------------------------------

TEST_CASE("A two-slice CT series reads in slice order with its geometry", "[dicom]") {
  TempFolder folder;
  // Named so that file order and slice order disagree.
  fs::create_symlink(sample("rtutils_mock_data_ct_2.dcm"), folder.file("a.dcm"));
  fs::create_symlink(sample("rtutils_mock_data_ct_1.dcm"), folder.file("b.dcm"));
  const DicomSeries series = read_dicom_series(folder.path());
  CHECK(series.modality == "CT");
  CHECK(series.frame_of_reference_uid ==
        "1.2.840.113619.2.405.3.84541899.902.1605198123.912.6060.1");
  const DicomVolume& image = *series.image;
  const auto size = image.GetLargestPossibleRegion().GetSize();
  CHECK(size[0] == 512);
  CHECK(size[1] == 512);
  CHECK(size[2] == 2);
  CHECK(image.GetSpacing()[0] == Approx(0.488281));
  CHECK(image.GetSpacing()[1] == Approx(0.488281));
  CHECK(image.GetSpacing()[2] == Approx(5.0));
  CHECK(image.GetOrigin()[0] == Approx(-125.0));
  CHECK(image.GetOrigin()[1] == Approx(-125.0));
  CHECK(image.GetOrigin()[2] == Approx(60.0));
  // Slice 0 is the z = 60 file: compare with ITK's reading of that file alone.
  auto single = itk::ImageFileReader<itk::Image<float, 2>>::New();
  single->SetImageIO(itk::GDCMImageIO::New());
  single->SetFileName(sample("rtutils_mock_data_ct_1.dcm"));
  single->Update();
  std::size_t differences = 0;
  for (itk::IndexValueType j = 0; j < 512; j += 7)
    for (itk::IndexValueType i = 0; i < 512; i += 5)
      differences += image.GetPixel({{i, j, 0}}) != single->GetOutput()->GetPixel({{i, j}});
  CHECK(differences == 0);
}

TEST_CASE("An oblique series with anisotropic pixels takes its directions from the header",
          "[dicom]") {
  TempFolder folder;
  for (int index = 0; index < 3; ++index) {
    const std::string name = "rtutils_oriented_data_" + std::to_string(index) + ".dcm";
    fs::create_symlink(sample(name), folder.file(name));
  }
  const DicomSeries series = read_dicom_series(folder.path());
  const DicomVolume& image = *series.image;
  const auto size = image.GetLargestPossibleRegion().GetSize();
  CHECK(size[0] == 100);  // Columns
  CHECK(size[1] == 50);   // Rows
  CHECK(size[2] == 3);
  CHECK(image.GetSpacing()[0] == Approx(2.5));  // PixelSpacing[1]: along a row
  CHECK(image.GetSpacing()[1] == Approx(3.5));  // PixelSpacing[0]: between rows
  CHECK(image.GetSpacing()[2] == Approx(4.5).margin(1e-3));
  CHECK(image.GetOrigin()[0] == Approx(123.0));
  CHECK(image.GetOrigin()[1] == Approx(-432.0));
  CHECK(image.GetOrigin()[2] == Approx(30.0));
  CHECK(image.GetDirection()[0][0] == Approx(0.9541666).margin(1e-6));
  CHECK(image.GetDirection()[1][1] == Approx(0.880128).margin(1e-6));
  // The last slice's corner is where its file says.
  DicomVolume::PointType corner;
  image.TransformIndexToPhysicalPoint({{0, 0, 2}}, corner);
  CHECK(corner[0] == Approx(122.0159697).margin(1e-3));
  CHECK(corner[1] == Approx(-428.1596334).margin(1e-3));
  CHECK(corner[2] == Approx(38.0798058).margin(1e-3));
}

TEST_CASE("A folder of several series needs a SeriesInstanceUID", "[dicom]") {
  const std::string folder = test::shared_data("dicom-rt");
  CHECK_THROWS_WITH(read_dicom_series(folder), Contains(folder) && Contains("image series"));
  const std::string uid = "2.16.840.1.114362.1.11940992.23790159890.563423471.893.88";
  bool listed = false;
  for (const DicomSeriesInfo& info : list_dicom_series(folder))
    listed |= info.series_instance_uid == uid;
  CHECK(listed);
  const DicomSeries series = read_dicom_series(folder, uid);
  CHECK(series.image->GetLargestPossibleRegion().GetSize()[2] == 2);
  CHECK_THROWS_WITH(read_dicom_series(folder, "1.2.3"), Contains("1.2.3") && Contains(uid));
}

TEST_CASE("A folder without a usable series gives an error naming the folder", "[dicom]") {
  TempFolder folder;
  CHECK_THROWS_WITH(read_dicom_series(folder.path()),
                    Contains(folder.path()) && Contains("no DICOM"));
  const std::string missing = folder.file("absent");
  CHECK_THROWS_WITH(read_dicom_series(missing), Contains(missing));
  std::ofstream(folder.file("notes.txt")) << "not DICOM";
  fs::create_symlink(sample("pydicom_rtstruct.dcm"), folder.file("rs.dcm"));
  CHECK_THROWS_WITH(read_dicom_series(folder.path()), Contains("no DICOM image series"));
}

TEST_CASE("Inconsistent slices in a series are reported", "[dicom]") {
  TempFolder folder;
  const std::string ct = sample("rtutils_mock_data_ct_1.dcm");
  SECTION("two slices at one position") {
    fs::create_symlink(ct, folder.file("1.dcm"));
    write_moved_copy(ct, folder.file("2.dcm"), "-125.000\\-125.000\\60.000");
    CHECK_THROWS_WITH(read_dicom_series(folder.path()), Contains("same slice position"));
  }
  SECTION("a missing slice") {
    fs::create_symlink(ct, folder.file("1.dcm"));
    write_moved_copy(ct, folder.file("2.dcm"), "-125.000\\-125.000\\65.000");
    write_moved_copy(ct, folder.file("3.dcm"), "-125.000\\-125.000\\75.000");
    CHECK_THROWS_WITH(read_dicom_series(folder.path()),
                      Contains("not uniformly spaced") && Contains(folder.path()));
  }
  SECTION("slices shifted in-plane") {
    fs::create_symlink(ct, folder.file("1.dcm"));
    write_moved_copy(ct, folder.file("2.dcm"), "-120.000\\-125.000\\65.000");
    CHECK_THROWS_WITH(read_dicom_series(folder.path()), Contains("not stacked"));
  }
}

// ---- RTSTRUCT -------------------------------------------------------------------------------

TEST_CASE("RTSTRUCT ROI names are listed in file order", "[dicom]") {
  CHECK(list_rtstruct_roi_names(sample("pydicom_rtstruct.dcm")) ==
        std::vector<std::string>{"patient", "Isocenter 1", "Isocenter 2"});
  const auto names = list_rtstruct_roi_names(sample("dicompyler_rtss.dcm"));
  CHECK(names == std::vector<std::string>{"BODY", "Areola", "Borders", "Breast", "Heart", "Lt Lung",
                                          "Nodes", "Scar", "Tumor Bed", "Tumor Bed Block"});
  const RtStructRoi patient = read_rtstruct_roi(sample("pydicom_rtstruct.dcm"), "patient");
  CHECK(patient.closed_planar_contours.size() == 3);
  CHECK(patient.closed_planar_contours[0].size() == 5);
  CHECK(patient.closed_planar_contours[0][0][2] == -200.0);
  const RtStructRoi isocentre = read_rtstruct_roi(sample("pydicom_rtstruct.dcm"), "Isocenter 1");
  CHECK(isocentre.closed_planar_contours.empty());
  CHECK(isocentre.other_contours == 1);
}

TEST_CASE("An absent ROI, a missing and a truncated RTSTRUCT give clear errors", "[dicom]") {
  const std::string path = sample("pydicom_rtstruct.dcm");
  CHECK_THROWS_WITH(
      read_rtstruct_roi(path, "PBM"),
      Contains("PBM") && Contains("'patient', 'Isocenter 1', 'Isocenter 2'") && Contains(path));
  TempFolder folder;
  const std::string missing = folder.file("rs.dcm");
  CHECK_THROWS_WITH(list_rtstruct_roi_names(missing), Contains(missing));
  const std::string truncated = folder.file("rs_truncated.dcm");
  write_truncated_copy(path, truncated, 1500);
  CHECK_THROWS_AS(list_rtstruct_roi_names(truncated), InputError);
  CHECK_THROWS_WITH(list_rtstruct_roi_names(truncated), Contains(truncated));
  CHECK_THROWS_WITH(list_rtstruct_roi_names(sample("pydicom_rtdose.dcm")),
                    Contains("not an RT Structure Set"));
  MaskImage::DirectionType identity;
  identity.SetIdentity();
  const auto grid =
      make_grid({{10, 10, 3}}, vector3(1.0, 1.0, 1.0), point3(0.0, 0.0, 0.0), identity);
  CHECK_THROWS_WITH(rasterise_rtstruct_roi(path, "Isocenter 1", *grid),
                    Contains("no CLOSED_PLANAR"));
}

TEST_CASE("A square and a circle rasterise to their area within one boundary voxel", "[dicom]") {
  MaskImage::DirectionType identity;
  identity.SetIdentity();
  const double sx = 0.9, sy = 1.3;
  // The same in-plane shapes on an axial grid and on an oblique one (orientation-aware mapping).
  const bool oblique = GENERATE(false, true);
  CAPTURE(oblique);
  const auto grid = make_grid({{140, 100, 5}}, vector3(sx, sy, 2.5), point3(-60.0, -70.0, 10.0),
                              oblique ? rotation(0.4, -0.3, 1.1) : identity);
  {
    SECTION("square") {
      const double width = 40.3, height = 25.7;
      const auto mask = rasterise_contours(
          {in_slice(*grid, 2, rectangle(17.1, 33.3, width, height))}, *grid, "square");
      check_area(count_inside(*mask), sx * sy, width * height, 2 * (width + height), sy);
      // x is the first index axis: the square spans about width / sx columns on slice 2 only.
      std::size_t on_row = 0;
      for (itk::IndexValueType i = 0; i < 140; ++i) on_row += mask->GetPixel({{i, 35, 2}});
      CHECK(std::fabs(on_row - width / sx) <= 1.0);
      CHECK(mask->GetPixel({{40, 50, 1}}) == 0);
    }
    SECTION("circle") {
      const double radius = 30.0;
      const auto mask = rasterise_contours({in_slice(*grid, 3, circle(63.0, 65.0, radius, 720))},
                                           *grid, "circle");
      check_area(count_inside(*mask), sx * sy, kPi * radius * radius, 2 * kPi * radius, sy);
    }
    SECTION("a square with a circular hole, by the even-odd rule") {
      const auto mask = rasterise_contours({in_slice(*grid, 1, rectangle(10.0, 10.0, 100.0, 100.0)),
                                            in_slice(*grid, 1, circle(60.0, 60.0, 25.0, 360))},
                                           *grid, "ring");
      check_area(count_inside(*mask), sx * sy, 100.0 * 100.0 - kPi * 25 * 25, 400.0 + 2 * kPi * 25,
                 sy);
      CHECK(mask->GetPixel({{static_cast<long>(60 / sx), static_cast<long>(60 / sy), 1}}) == 0);
      CHECK(mask->GetPixel({{static_cast<long>(15 / sx), static_cast<long>(15 / sy), 1}}) == 1);
    }
  }
}

TEST_CASE("A shape in an oblique grid's slice fills the same voxels as on an axial grid",
          "[dicom]") {
  MaskImage::DirectionType identity;
  identity.SetIdentity();
  const auto axial =
      make_grid({{60, 50, 3}}, vector3(0.9, 1.3, 2.5), point3(-60.0, -70.0, 10.0), identity);
  const auto oblique = make_grid({{60, 50, 3}}, vector3(0.9, 1.3, 2.5), point3(31.0, -7.0, 12.0),
                                 rotation(-0.8, 0.5, 2.0));
  // The left edge lies exactly on voxel centres (17.1 mm = 19 x 0.9 mm).
  const auto shapes = [](const MaskImage& grid) {
    return std::vector<ContourPoints>{in_slice(grid, 1, rectangle(17.1, 13.0, 20.0, 30.0)),
                                      in_slice(grid, 2, circle(25.0, 30.0, 12.5, 100))};
  };
  const auto from_axial = rasterise_contours(shapes(*axial), *axial, "shapes");
  const auto from_oblique = rasterise_contours(shapes(*oblique), *oblique, "shapes");
  CHECK(count_inside(*from_axial) > 0);
  CHECK(std::equal(from_axial->GetBufferPointer(), from_axial->GetBufferPointer() + 60 * 50 * 3,
                   from_oblique->GetBufferPointer()));
}

TEST_CASE("Contours that are non-planar, between slices or off the grid are refused", "[dicom]") {
  MaskImage::DirectionType identity;
  identity.SetIdentity();
  const auto grid =
      make_grid({{50, 50, 4}}, vector3(1.0, 1.0, 2.0), point3(0.0, 0.0, 0.0), identity);
  const ContourPoints bent = {{10, 10, 2}, {20, 10, 2}, {20, 20, 4}, {10, 20, 2}};
  CHECK_THROWS_WITH(rasterise_contours({bent}, *grid, "ROI 'bent'"),
                    Contains("ROI 'bent' contour 1") && Contains("not planar"));
  const ContourPoints between = {{10, 10, 3}, {20, 10, 3}, {20, 20, 3}, {10, 20, 3}};
  CHECK_THROWS_WITH(rasterise_contours({between}, *grid, "ROI 'b'"), Contains("between"));
  const ContourPoints tilted = {{10, 10, 0}, {20, 10, 0}, {20, 20, 6}, {10, 20, 6}};
  CHECK_THROWS_WITH(rasterise_contours({tilted}, *grid, "ROI 't'"), Contains("not parallel"));
  const ContourPoints above = {{10, 10, 20}, {20, 10, 20}, {20, 20, 20}, {10, 20, 20}};
  CHECK_THROWS_WITH(rasterise_contours({above}, *grid, "ROI 'a'"), Contains("off the grid"));
  const ContourPoints wide = {{-10, 10, 2}, {20, 10, 2}, {20, 20, 2}, {-10, 20, 2}};
  CHECK_THROWS_WITH(rasterise_contours({wide}, *grid, "ROI 'w'"), Contains("off the grid"));
  const ContourPoints line = {{10, 10, 2}, {20, 10, 2}, {10, 10, 2}};
  CHECK_THROWS_WITH(rasterise_contours({line}, *grid, "ROI 'l'"), Contains("fewer than 3"));

  RasteriseOptions clip;
  clip.clip_contours_outside_grid = true;
  const auto mask = rasterise_contours({above, wide}, *grid, "ROI 'c'", clip);
  // Columns 0..19 (centres in [-10, 20)) of rows 10..19 on slice 1.
  CHECK(count_inside(*mask) == 20 * 10);
}

TEST_CASE("The rt-utils RTSTRUCT rasterises onto its two-slice CT with its hole", "[dicom]") {
  TempFolder folder;
  fs::create_symlink(sample("rtutils_mock_data_ct_1.dcm"), folder.file("1.dcm"));
  fs::create_symlink(sample("rtutils_mock_data_ct_2.dcm"), folder.file("2.dcm"));
  const DicomSeries ct = read_dicom_series(folder.path());
  const std::string rtstruct = sample("rtutils_mock_data_rt.dcm");
  const RtStructRoi roi = read_rtstruct_roi(rtstruct, "ROI-1");
  REQUIRE(roi.closed_planar_contours.size() == 2);

  // The mock's frame of reference does not match its CT: with the check asked for, refused.
  RasteriseOptions checked;
  checked.grid_frame_of_reference_uid = ct.frame_of_reference_uid;
  CHECK_THROWS_WITH(rasterise_rtstruct_roi(rtstruct, "ROI-1", *ct.image, checked),
                    Contains("frame of reference"));

  const auto mask = rasterise_rtstruct_roi(rtstruct, "ROI-1", *ct.image);
  const double spacing = ct.image->GetSpacing()[0];
  const auto& outer = roi.closed_planar_contours[0];
  const auto& inner = roi.closed_planar_contours[1];
  check_area(count_inside(*mask), spacing * spacing, axial_area_mm2(outer) - axial_area_mm2(inner),
             axial_perimeter_mm(outer) + axial_perimeter_mm(inner), spacing);
  CHECK(axial_area_mm2(outer) - axial_area_mm2(inner) == Approx(576.0 - 224.5));
  // Inside the hole, inside the ring, and nothing on the z = 65 slice.
  MaskImage::IndexType index;
  ct.image->TransformPhysicalPointToIndex(point3(-39.5, -39.5, 60.0), index);
  CHECK(mask->GetPixel(index) == 0);
  ct.image->TransformPhysicalPointToIndex(point3(-49.0, -49.0, 60.0), index);
  CHECK(mask->GetPixel(index) == 1);
  std::size_t upper = 0;
  for (itk::IndexValueType j = 0; j < 512; ++j)
    for (itk::IndexValueType i = 0; i < 512; ++i) upper += mask->GetPixel({{i, j, 1}});
  CHECK(upper == 0);
}

TEST_CASE("The dicompyler BODY contour rasterises onto its one CT slice", "[dicom]") {
  TempFolder folder;
  fs::create_symlink(sample("dicompyler_ct.0.dcm"), folder.file("ct.dcm"));
  const DicomSeries ct = read_dicom_series(folder.path());
  const std::string rtss = sample("dicompyler_rtss.dcm");
  const double slice_z = ct.image->GetOrigin()[2];
  std::vector<ContourPoints> on_slice;
  for (const auto& contour : read_rtstruct_roi(rtss, "BODY").closed_planar_contours)
    if (std::fabs(contour[0][2] - slice_z) < 0.1) on_slice.push_back(contour);
  // Two large islands and two sub-mm2 ones on this slice.
  REQUIRE(on_slice.size() == 4);

  RasteriseOptions options;
  options.clip_contours_outside_grid = true;  // the other 140 contours lie off this one slice
  options.grid_frame_of_reference_uid = ct.frame_of_reference_uid;
  const auto mask = rasterise_rtstruct_roi(rtss, "BODY", *ct.image, options);
  const double spacing = ct.image->GetSpacing()[0];
  double perimeter_mm = 0;
  for (const auto& contour : on_slice) perimeter_mm += axial_perimeter_mm(contour);
  check_area(count_inside(*mask), spacing * spacing, even_odd_area_mm2(on_slice), perimeter_mm,
             spacing);
  // Without clipping, the contours on other slices are errors.
  RasteriseOptions strict;
  CHECK_THROWS_WITH(rasterise_rtstruct_roi(rtss, "BODY", *ct.image, strict),
                    Contains("off the grid"));
}
