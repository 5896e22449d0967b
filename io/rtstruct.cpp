#include "rtstruct.hpp"

#include <gdcmDataSet.h>
#include <gdcmSequenceOfItems.h>
#include <itkContinuousIndex.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "io/dicom_series.hpp"
#include "kernels/core/errors.hpp"

namespace doseomics {
namespace {

// The items' data sets of sequence (group,element), empty when absent.
std::vector<const gdcm::DataSet*> sequence_items(const gdcm::DataSet& data_set, std::uint16_t group,
                                                 std::uint16_t element,
                                                 gdcm::SmartPointer<gdcm::SequenceOfItems>& keep) {
  std::vector<const gdcm::DataSet*> items;
  const gdcm::Tag tag(group, element);
  if (!data_set.FindDataElement(tag)) return items;
  keep = data_set.GetDataElement(tag).GetValueAsSQ();
  if (!keep) return items;
  for (gdcm::SequenceOfItems::SizeType index = 1; index <= keep->GetNumberOfItems(); ++index)
    items.push_back(&keep->GetItem(index).GetNestedDataSet());
  return items;
}

// A structure set file, parsed and checked to be one.
dicom::ParsedFile open_structure_set(const std::string& path) {
  dicom::ParsedFile file(path, /*stop_before_pixel_data=*/false);
  const std::string sop_class = dicom::tag_string(file.data_set(), 0x0008, 0x0016);
  const std::string modality = dicom::tag_string(file.data_set(), 0x0008, 0x0060);
  if (sop_class != kRtStructureSetStorageUid && modality != "RTSTRUCT")
    throw InputError("RTSTRUCT '" + path + "': is not an RT Structure Set (SOPClassUID '" +
                     sop_class + "', Modality '" + modality + "')");
  return file;
}

struct RoiEntry {
  int number = 0;
  std::string name, frame_of_reference_uid;
};

std::vector<RoiEntry> roi_entries(const dicom::ParsedFile& file) {
  const std::string context = "RTSTRUCT '" + file.path() + "'";
  gdcm::SmartPointer<gdcm::SequenceOfItems> keep;
  std::vector<RoiEntry> entries;
  for (const gdcm::DataSet* item : sequence_items(file.data_set(), 0x3006, 0x0020, keep)) {
    RoiEntry entry;
    const auto number = dicom::tag_numbers(*item, 0x3006, 0x0022, context, "ROINumber");
    entry.number = number.empty() ? -1 : static_cast<int>(number[0]);
    entry.name = dicom::tag_string(*item, 0x3006, 0x0026);
    entry.frame_of_reference_uid = dicom::tag_string(*item, 0x3006, 0x0024);
    entries.push_back(entry);
  }
  return entries;
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string text;
  for (std::size_t index = 0; index < names.size(); ++index)
    text += (index ? ", '" : "'") + names[index] + "'";
  return text.empty() ? "(none)" : text;
}

using Vector3 = std::array<double, 3>;

// A contour's points mapped to the grid's continuous index, with the checks that need mm.
struct IndexPolygon {
  std::vector<std::array<double, 2>> points;  // (x, y) continuous index
  long slice = 0;
  bool on_grid_in_plane = true;
};

std::string format_number(double value) {
  std::ostringstream text;
  text.precision(6);
  text << value;
  return text.str();
}

IndexPolygon map_contour(const ContourPoints& contour, const itk::ImageBase<3>& grid,
                         const std::string& where) {
  // Distinct points, the closing repeat dropped.
  ContourPoints points;
  for (const auto& point : contour) {
    if (!points.empty() && point == points.back()) continue;
    points.push_back(point);
  }
  while (points.size() > 1 && points.back() == points.front()) points.pop_back();
  if (points.size() < 3) throw InputError(where + " has fewer than 3 distinct points");

  // Newell's normal and the centroid: the plane that fits the polygon.
  Vector3 normal{0, 0, 0}, centroid{0, 0, 0};
  for (std::size_t index = 0; index < points.size(); ++index) {
    const auto& a = points[index];
    const auto& b = points[(index + 1) % points.size()];
    normal[0] += (a[1] - b[1]) * (a[2] + b[2]);
    normal[1] += (a[2] - b[2]) * (a[0] + b[0]);
    normal[2] += (a[0] - b[0]) * (a[1] + b[1]);
    for (int axis = 0; axis < 3; ++axis) centroid[axis] += a[axis] / points.size();
  }
  const double twice_area =
      std::sqrt(normal[0] * normal[0] + normal[1] * normal[1] + normal[2] * normal[2]);
  if (twice_area < 1e-9) throw InputError(where + " encloses no area");
  double worst_distance = 0.0;
  for (const auto& point : points) {
    double distance = 0.0;
    for (int axis = 0; axis < 3; ++axis)
      distance += (point[axis] - centroid[axis]) * normal[axis] / twice_area;
    worst_distance = std::max(worst_distance, std::fabs(distance));
  }
  if (worst_distance > kContourPlanarityToleranceMm)
    throw InputError(where + " is not planar: a point lies " + format_number(worst_distance) +
                     " mm from the contour's plane (tolerance " +
                     format_number(kContourPlanarityToleranceMm) + " mm)");

  IndexPolygon polygon;
  const auto size = grid.GetLargestPossibleRegion().GetSize();
  const auto start = grid.GetLargestPossibleRegion().GetIndex();
  double z_min = 1e300, z_max = -1e300, z_sum = 0.0;
  for (const auto& point : points) {
    itk::Point<double, 3> physical;
    for (int axis = 0; axis < 3; ++axis) physical[axis] = point[axis];
    itk::ContinuousIndex<double, 3> index;
    grid.TransformPhysicalPointToContinuousIndex(physical, index);
    // Snapped so that a vertex or edge on a voxel centre is treated alike on every grid
    // orientation (the direction matrix adds rounding noise of ~1e-15 voxel).
    const auto snap = [](double value) { return std::round(value / kIndexSnap) * kIndexSnap; };
    const double x = snap(index[0] - start[0]), y = snap(index[1] - start[1]);
    const double z = index[2] - start[2];
    polygon.points.push_back({x, y});
    if (x < -0.5 || y < -0.5 || x > size[0] - 0.5 || y > size[1] - 0.5)
      polygon.on_grid_in_plane = false;
    z_min = std::min(z_min, z);
    z_max = std::max(z_max, z);
    z_sum += z;
  }
  const double z_mean = z_sum / points.size();
  polygon.slice = std::lround(z_mean);
  const double z_off = std::max(std::fabs(z_max - polygon.slice), std::fabs(z_min - polygon.slice));
  if (z_off > kContourSliceTolerance) {
    if (z_max - z_min > kContourSliceTolerance)
      throw InputError(where +
                       " is not parallel to the grid's slices (its points span slice "
                       "index " +
                       format_number(z_min) + " to " + format_number(z_max) + ")");
    throw InputError(where + " lies between the grid's slices (slice index " +
                     format_number(z_mean) + "; tolerance +-" +
                     format_number(kContourSliceTolerance) + ")");
  }
  return polygon;
}

// Toggle (XOR) the voxel centres inside `polygon` in the slice buffer (even-odd rule).
void fill_polygon(const IndexPolygon& polygon, long columns, long rows,
                  std::vector<unsigned char>& slice) {
  const auto& points = polygon.points;
  double y_min = 1e300, y_max = -1e300;
  for (const auto& point : points) {
    y_min = std::min(y_min, point[1]);
    y_max = std::max(y_max, point[1]);
  }
  const long first_row = std::max(0L, static_cast<long>(std::ceil(y_min)));
  const long last_row = std::min(rows - 1, static_cast<long>(std::floor(y_max)));
  std::vector<double> crossings;
  for (long row = first_row; row <= last_row; ++row) {
    const double y = static_cast<double>(row);
    crossings.clear();
    for (std::size_t index = 0; index < points.size(); ++index) {
      const auto& a = points[index];
      const auto& b = points[(index + 1) % points.size()];
      // Half-open in y: an edge counts for rows in [min y, max y); horizontal edges never.
      if ((a[1] <= y) != (b[1] <= y))
        crossings.push_back(a[0] + (y - a[1]) * (b[0] - a[0]) / (b[1] - a[1]));
    }
    std::sort(crossings.begin(), crossings.end());
    for (std::size_t pair = 0; pair + 1 < crossings.size(); pair += 2) {
      // Voxel centres x in [x0, x1).
      const long first = std::max(0L, static_cast<long>(std::ceil(crossings[pair])));
      const long last =
          std::min(columns - 1, static_cast<long>(std::ceil(crossings[pair + 1])) - 1);
      for (long column = first; column <= last; ++column) slice[row * columns + column] ^= 1;
    }
  }
}

}  // namespace

std::vector<std::string> list_rtstruct_roi_names(const std::string& path) {
  const dicom::ParsedFile file = open_structure_set(path);
  std::vector<std::string> names;
  for (const RoiEntry& entry : roi_entries(file)) names.push_back(entry.name);
  return names;
}

RtStructRoi read_rtstruct_roi(const std::string& path, const std::string& roi_name) {
  const std::string context = "RTSTRUCT '" + path + "'";
  const dicom::ParsedFile file = open_structure_set(path);
  const std::vector<RoiEntry> entries = roi_entries(file);
  const auto entry = std::find_if(entries.begin(), entries.end(),
                                  [&](const RoiEntry& roi) { return roi.name == roi_name; });
  if (entry == entries.end()) {
    std::vector<std::string> names;
    for (const RoiEntry& roi : entries) names.push_back(roi.name);
    throw InputError(context + ": has no ROI named '" + roi_name +
                     "'; ROIs present: " + quoted_list(names));
  }
  RtStructRoi roi;
  roi.roi_number = entry->number;
  roi.name = entry->name;
  roi.referenced_frame_of_reference_uid = entry->frame_of_reference_uid;

  gdcm::SmartPointer<gdcm::SequenceOfItems> keep_roi_contours;
  for (const gdcm::DataSet* roi_contour :
       sequence_items(file.data_set(), 0x3006, 0x0039, keep_roi_contours)) {
    const auto referenced =
        dicom::tag_numbers(*roi_contour, 0x3006, 0x0084, context, "ReferencedROINumber");
    if (referenced.empty() || static_cast<int>(referenced[0]) != roi.roi_number) continue;
    gdcm::SmartPointer<gdcm::SequenceOfItems> keep_contours;
    std::size_t contour_index = 0;
    for (const gdcm::DataSet* contour :
         sequence_items(*roi_contour, 0x3006, 0x0040, keep_contours)) {
      ++contour_index;
      const std::string where =
          context + ": ROI '" + roi.name + "' contour " + std::to_string(contour_index);
      const std::string type = dicom::tag_string(*contour, 0x3006, 0x0042);
      if (type != "CLOSED_PLANAR") {
        ++roi.other_contours;
        continue;
      }
      const auto data = dicom::tag_numbers(*contour, 0x3006, 0x0050, where, "ContourData");
      const auto count =
          dicom::tag_numbers(*contour, 0x3006, 0x0046, where, "NumberOfContourPoints");
      if (data.size() % 3 != 0 || (!count.empty() && count[0] * 3 != data.size()))
        throw InputError(where + ": ContourData (3006,0050) holds " + std::to_string(data.size()) +
                         " numbers, not 3 x NumberOfContourPoints (" +
                         (count.empty() ? std::string("absent") : format_number(count[0])) + ")");
      ContourPoints points;
      for (std::size_t index = 0; index + 2 < data.size(); index += 3)
        points.push_back({data[index], data[index + 1], data[index + 2]});
      roi.closed_planar_contours.push_back(std::move(points));
    }
  }
  return roi;
}

MaskImage::Pointer rasterise_contours(const std::vector<ContourPoints>& contours,
                                      const itk::ImageBase<3>& grid, const std::string& what,
                                      const RasteriseOptions& options) {
  const auto region = grid.GetLargestPossibleRegion();
  const long columns = static_cast<long>(region.GetSize()[0]);
  const long rows = static_cast<long>(region.GetSize()[1]);
  const long slices = static_cast<long>(region.GetSize()[2]);

  std::map<long, std::vector<unsigned char>> filled_slices;
  for (std::size_t index = 0; index < contours.size(); ++index) {
    const std::string where = what + " contour " + std::to_string(index + 1);
    const IndexPolygon polygon = map_contour(contours[index], grid, where);
    const bool slice_on_grid = polygon.slice >= 0 && polygon.slice < slices;
    if (!options.clip_contours_outside_grid) {
      if (!slice_on_grid)
        throw InputError(where + " is off the grid: on slice index " +
                         std::to_string(polygon.slice) + ", the grid has slices 0.." +
                         std::to_string(slices - 1));
      if (!polygon.on_grid_in_plane)
        throw InputError(where + " is off the grid: it extends outside the grid's " +
                         std::to_string(columns) + "x" + std::to_string(rows) + " voxels in-plane");
    }
    if (!slice_on_grid) continue;
    auto& slice = filled_slices[polygon.slice];
    if (slice.empty()) slice.assign(static_cast<std::size_t>(columns * rows), 0);
    fill_polygon(polygon, columns, rows, slice);
  }

  auto mask = MaskImage::New();
  mask->SetRegions(region);
  mask->SetOrigin(grid.GetOrigin());
  mask->SetSpacing(grid.GetSpacing());
  mask->SetDirection(grid.GetDirection());
  mask->Allocate(true);
  unsigned char* voxels = mask->GetBufferPointer();
  for (const auto& [slice_index, slice] : filled_slices)
    std::copy(slice.begin(), slice.end(), voxels + slice_index * columns * rows);
  return mask;
}

MaskImage::Pointer rasterise_rtstruct_roi(const std::string& path, const std::string& roi_name,
                                          const itk::ImageBase<3>& grid,
                                          const RasteriseOptions& options) {
  const RtStructRoi roi = read_rtstruct_roi(path, roi_name);
  const std::string what = "RTSTRUCT '" + path + "': ROI '" + roi.name + "'";
  if (roi.closed_planar_contours.empty())
    throw InputError(what + " has no CLOSED_PLANAR contour to rasterise (" +
                     std::to_string(roi.other_contours) + " other contours)");
  if (!options.grid_frame_of_reference_uid.empty() &&
      !roi.referenced_frame_of_reference_uid.empty() &&
      options.grid_frame_of_reference_uid != roi.referenced_frame_of_reference_uid)
    throw InputError(what + " is in frame of reference '" + roi.referenced_frame_of_reference_uid +
                     "', the grid in '" + options.grid_frame_of_reference_uid + "'");
  return rasterise_contours(roi.closed_planar_contours, grid, what, options);
}

}  // namespace doseomics
