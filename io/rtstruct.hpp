// DICOM RT Structure Set: ROI names, one ROI's contours, and their rasterisation onto an image
// grid.
//
// Rasterisation (../shared/reference/rt-io-and-registration.md, section 4): each CLOSED_PLANAR
// contour's points are mapped from patient mm (LPS) to the grid's continuous index with the grid's
// full direction matrix (so oblique and flipped grids work, unlike plastimatch's axial-only
// mapping); the contour must lie on one slice (index z within kContourSliceTolerance of an
// integer). The slice is then filled by an even-odd scanline fill that samples voxel centres: a
// voxel (i, j) is inside when an odd number of edges cross row j to its left, with the half-open
// conventions x in [x0, x1) and y in [ymin, ymax) so that polygons sharing an edge do not overlap.
// All contours of a slice are combined with XOR, so holes and multiple islands follow the even-odd
// rule. Contours are matched to slices by position, never by ReferencedSOPInstanceUID.
#pragma once

#include <itkImage.h>
#include <itkImageBase.h>

#include <array>
#include <cstddef>
#include <string>
#include <vector>

namespace doseomics {

// A binary mask (0 or 1) on a reference grid.
using MaskImage = itk::Image<unsigned char, 3>;

// One closed planar contour: its points in patient coordinates (mm), in order, not repeated
// (a closing point equal to the first is tolerated).
using ContourPoints = std::vector<std::array<double, 3>>;

// Points of a contour may lie this far from the contour's best plane.
constexpr double kContourPlanarityToleranceMm = 0.1;
// A contour's points must lie within this fraction of a slice of one slice's centre.
constexpr double kContourSliceTolerance = 0.25;
// In-plane contour coordinates are rounded to this fraction of a voxel before filling.
constexpr double kIndexSnap = 1e-6;

// SOP Class UID of RT Structure Set Storage.
inline constexpr const char* kRtStructureSetStorageUid = "1.2.840.10008.5.1.4.1.1.481.3";

// One ROI of a structure set with its closed planar contours.
struct RtStructRoi {
  int roi_number = 0;
  std::string name;
  std::string referenced_frame_of_reference_uid;
  std::vector<ContourPoints> closed_planar_contours;
  std::size_t other_contours = 0;  // POINT, OPEN_PLANAR, OPEN_NONPLANAR: not rasterised
};

struct RasteriseOptions {
  // By default a contour off the grid (outside its slices, or with a point outside the in-plane
  // extent) is an error; with this set such contours are clipped to the grid (whole slices
  // outside are skipped).
  bool clip_contours_outside_grid = false;
  // When both this and the ROI's ReferencedFrameOfReferenceUID are set they must be equal.
  std::string grid_frame_of_reference_uid;
};

// ROI names of an RTSTRUCT file in StructureSetROISequence order. Throws InputError naming the
// file when it is missing, truncated, not DICOM or not an RT Structure Set.
std::vector<std::string> list_rtstruct_roi_names(const std::string& path);

// The ROI called `roi_name` (exact match, padding trimmed). Throws InputError naming the file for
// the errors above, when the ROI is absent (listing the names present), or when a contour's
// NumberOfContourPoints disagrees with its ContourData.
RtStructRoi read_rtstruct_roi(const std::string& path, const std::string& roi_name);

// Rasterise closed planar `contours` (patient mm) onto `grid` (its origin, spacing, direction and
// size; the pixel type is irrelevant). `what` names the contours in messages (e.g. "ROI 'PBM' of
// 'rs.dcm'"). Throws InputError for a degenerate contour (fewer than 3 distinct points or no area),
// a non-planar contour, a contour between slices or not parallel to them, and (unless clipping is
// asked for) a contour off the grid.
MaskImage::Pointer rasterise_contours(const std::vector<ContourPoints>& contours,
                                      const itk::ImageBase<3>& grid, const std::string& what,
                                      const RasteriseOptions& options = {});

// read_rtstruct_roi + rasterise_contours; also throws when the ROI has no CLOSED_PLANAR contour or
// its frame of reference differs from options.grid_frame_of_reference_uid.
MaskImage::Pointer rasterise_rtstruct_roi(const std::string& path, const std::string& roi_name,
                                          const itk::ImageBase<3>& grid,
                                          const RasteriseOptions& options = {});

}  // namespace doseomics
