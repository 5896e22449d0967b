// PyRadiomics batch CSVs (io/batch_csv.hpp) and the results CSV writer (io/feature_csv.hpp).
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "io/batch_csv.hpp"
#include "io/feature_csv.hpp"
#include "kernels/core/errors.hpp"

using namespace doseomics;
namespace fs = std::filesystem;

namespace {

struct BatchTempDir {
  fs::path path;
  BatchTempDir() {
    std::mt19937_64 random(std::random_device{}() ^
                           std::chrono::steady_clock::now().time_since_epoch().count());
    path = fs::temp_directory_path() / ("doseomics_batch_" + std::to_string(random()));
    fs::create_directories(path / "cases");
  }
  ~BatchTempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  std::string write(const std::string& name, const std::string& text) const {
    const fs::path file = path / name;
    std::ofstream(file, std::ios::binary) << text;
    return file.string();
  }
};

int catalogue_index(const std::string& column_name) {
  const auto& catalogue = feature_catalogue();
  for (std::size_t i = 0; i < catalogue.size(); ++i)
    if (catalogue[i].column_name() == column_name) return static_cast<int>(i);
  FAIL("no catalogue entry " << column_name);
  return -1;
}

std::vector<std::vector<std::string>> fields_of(const std::string& text) {
  std::vector<std::vector<std::string>> out;
  for (const CsvRecord& record : parse_csv(text, "test")) out.push_back(record.fields);
  return out;
}

}  // namespace

TEST_CASE("CSV fields may be quoted, with commas, line breaks and doubled quotes", "[io][batch]") {
  const auto rows = fields_of(
      "a,\"b,c\",\"say \"\"hi\"\"\"\r\n"
      "\"two\nlines\",,x\n"
      "\n"
      "last,\"\",end");
  REQUIRE(rows.size() == 3);
  CHECK(rows[0] == std::vector<std::string>{"a", "b,c", "say \"hi\""});
  CHECK(rows[1] == std::vector<std::string>{"two\nlines", "", "x"});
  CHECK(rows[2] == std::vector<std::string>{"last", "", "end"});
  // Records remember their first line; the empty line is skipped.
  const auto records = parse_csv("h\n\"a\nb\"\n\nc\n", "test");
  REQUIRE(records.size() == 3);
  CHECK(records[1].line == 2);
  CHECK(records[2].line == 5);
  CHECK_THROWS_AS(parse_csv("a,\"unclosed\n", "test"), InputError);
  // A UTF-8 byte order mark does not become part of the first column name.
  CHECK(fields_of("\xEF\xBB\xBFImage,Mask\n")[0][0] == "Image");
}

TEST_CASE("Fields are quoted on output only when they need it", "[io][batch]") {
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("(1, 2, 3)") == "\"(1, 2, 3)\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field("two\nlines") == "\"two\nlines\"");
  // What is written reads back the same.
  const std::string tricky = "a, \"b\"\nc";
  CHECK(fields_of(csv_field(tricky) + "," + csv_field("x"))[0] ==
        std::vector<std::string>{tricky, "x"});
}

TEST_CASE("A batch CSV keeps every column in order and resolves paths against its folder",
          "[io][batch]") {
  BatchTempDir dir;
  const std::string absolute_image = (dir.path / "elsewhere" / "img.nrrd").string();
  const std::string csv = dir.write("batch.csv",
                                    "Patient,Image,Mask,Label,Note\n"
                                    "\"Doe, J\",cases/a.nrrd,cases/../cases/a_label.nrrd,2,first\n"
                                    "p2," +
                                        absolute_image +
                                        ",cases/b_label.nrrd,,\"note, with comma\"\n"
                                        "p3,,cases/c_label.nrrd,,missing image\n"
                                        "p4,cases/d.nrrd\n");
  const BatchTable table = read_batch_csv(csv);
  CHECK(table.columns == std::vector<std::string>{"Patient", "Image", "Mask", "Label", "Note"});
  REQUIRE(table.cases.size() == 2);
  const std::string folder = fs::absolute(dir.path).lexically_normal().string();
  const BatchCase& first = table.cases[0];
  CHECK(first.line == 2);
  CHECK(first.image == folder + "/cases/a.nrrd");
  CHECK(first.mask == folder + "/cases/a_label.nrrd");
  CHECK(first.label == "2");
  CHECK(first.values == std::vector<std::string>{"Doe, J", first.image, first.mask, "2", "first"});
  const BatchCase& second = table.cases[1];
  CHECK(second.image == absolute_image);
  CHECK(second.label == "");
  CHECK(second.values[4] == "note, with comma");
  CHECK(second.label_channel == "");
  // Rows 4 and 5 lack an Image or a Mask: skipped, each with a warning naming its line.
  REQUIRE(table.warnings.size() == 2);
  CHECK(table.warnings[0].find("line 4") != std::string::npos);
  CHECK(table.warnings[1].find("line 5") != std::string::npos);
}

TEST_CASE("A batch CSV without an Image or Mask column is an InputError naming the file",
          "[io][batch]") {
  BatchTempDir dir;
  const std::string lower = dir.write("lower.csv", "image,Mask\na.nrrd,b.nrrd\n");
  const std::string no_mask = dir.write("nomask.csv", "Image,Label\na.nrrd,1\n");
  try {
    read_batch_csv(lower);
    FAIL("a lower-case image column was accepted");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find(lower) != std::string::npos);
    CHECK(std::string(e.what()).find("\"Image\"") != std::string::npos);
  }
  try {
    read_batch_csv(no_mask);
    FAIL("a CSV without Mask was accepted");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find(no_mask) != std::string::npos);
    CHECK(std::string(e.what()).find("\"Mask\"") != std::string::npos);
  }
  CHECK_THROWS_AS(read_batch_csv((dir.path / "absent.csv").string()), InputError);
}

TEST_CASE("Label cells are integers greater than zero or empty", "[io][batch]") {
  CHECK(parse_label_cell("") == std::nullopt);
  CHECK(parse_label_cell(" 3 ") == 3);
  CHECK_THROWS_AS(parse_label_cell("0"), InputError);
  CHECK_THROWS_AS(parse_label_cell("1.5"), InputError);
  CHECK_THROWS_AS(parse_label_cell("one"), InputError);
}

TEST_CASE("Floats are written as Python prints them, shortest round-trip", "[io][batch]") {
  CHECK(python_float(825.2354363065023) == "825.2354363065023");
  CHECK(python_float(6.5) == "6.5");
  CHECK(python_float(632.0) == "632.0");
  CHECK(python_float(33122817481.0) == "33122817481.0");
  CHECK(python_float(0.7812499999999999) == "0.7812499999999999");
  CHECK(python_float(1e-05) == "1e-05");
  CHECK(python_float(0.0001) == "0.0001");
  CHECK(python_float(1e16) == "1e+16");
  CHECK(python_float(1234567890123456.0) == "1234567890123456.0");
  CHECK(python_float(-3.2034265038149176e-16) == "-3.2034265038149176e-16");
  CHECK(python_float(1000000.0) == "1000000.0");
  CHECK(python_float(0.0) == "0.0");
  CHECK(python_float(std::numeric_limits<double>::quiet_NaN()) == "nan");
  for (double v : {0.1, 1.0 / 3.0, 2.220446049250313e-16, 123456.789e200, -47.492125114429776})
    CHECK(std::stod(python_float(v)) == v);
}

TEST_CASE("The results CSV has input columns, diagnostics, features and an error column",
          "[io][batch]") {
  FeatureTable table(2, 2,
                     {catalogue_index("original_firstorder_10Percentile"),
                      catalogue_index("original_firstorder_Mean")});
  for (std::size_t r = 0; r < 2; ++r)
    for (std::size_t s = 0; s < 2; ++s)
      for (std::size_t c = 0; c < 2; ++c) table.at(r, s, c) = 100.0 * r + 10.0 * s + c + 0.5;
  table.errors[table.cell(1, 1)] = "region too small";
  std::vector<Settings> settings(2);
  settings[0].bin_width = 10;
  settings[1].bin_width = 25;

  CaseResult good;
  good.input_values = {"a.nrrd", "a_label.nrrd"};
  good.loaded = true;
  good.source.region_index = 0;
  good.source.voxel_count = 4137;
  const int origin[3] = {162, 84, 11}, size[3] = {47, 70, 7};
  for (int i = 0; i < 3; ++i) {
    good.source.box_origin_xyz[i] = origin[i];
    good.source.box_size_xyz[i] = size[i];
  }
  good.source.spacing_xyz_mm[0] = good.source.spacing_xyz_mm[1] = 0.7812499999999999;
  good.source.spacing_xyz_mm[2] = 6.5;
  CaseResult missing;
  missing.input_values = {"x.nrrd", "x_label.nrrd"};
  missing.load_error = "image 'x.nrrd': cannot be read";
  CaseResult partly = good;
  partly.source.region_index = 1;

  std::ostringstream out;
  FeatureCsvOptions options;
  options.bin_width_column = true;
  write_feature_csv(out, {"Image", "Mask"}, {good, missing, partly}, table, settings, options);
  const auto rows = fields_of(out.str());
  REQUIRE(rows.size() == 1 + 3 * 2);
  CHECK(rows[0] == std::vector<std::string>{
                       "Image", "Mask", "BinWidth", "diagnostics_Mask-original_VoxelNum",
                       "diagnostics_Mask-original_BoundingBox",
                       "diagnostics_Image-original_Spacing", "original_firstorder_10Percentile",
                       "original_firstorder_Mean", "error"});
  CHECK(rows[1] == std::vector<std::string>{
                       "a.nrrd", "a_label.nrrd", "10.0", "4137", "(162, 84, 11, 47, 70, 7)",
                       "(0.7812499999999999, 0.7812499999999999, 6.5)", "0.5", "1.5", ""});
  CHECK(rows[2][2] == "25.0");
  CHECK(rows[2][6] == "10.5");
  CHECK(rows[3] == std::vector<std::string>{"x.nrrd", "x_label.nrrd", "10.0", "", "", "", "", "",
                                            "image 'x.nrrd': cannot be read"});
  CHECK(rows[5][7] == "101.5");
  CHECK(rows[5][8] == "");
  CHECK(rows[6][6] == "");
  CHECK(rows[6][8] == "region too small");

  // additionalInfo false drops the diagnostics; one setting drops BinWidth.
  std::ostringstream bare;
  FeatureTable one(1, 1, {catalogue_index("original_firstorder_Mean")});
  one.at(0, 0, 0) = 825.2354363065023;
  write_feature_csv(bare, {"Image", "Mask"}, {good}, one, {Settings{}}, FeatureCsvOptions{false});
  CHECK(bare.str() ==
        "Image,Mask,original_firstorder_Mean,error\na.nrrd,a_label.nrrd,825.2354363065023,\n");
}
