// `doseomics extract` end to end: the built binary on PyRadiomics' brain1 and breast1.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "io/batch_csv.hpp"
#include "kernels/core/feature_names.hpp"
#include "support/test_paths.hpp"

#ifdef DOSEOMICS_CLI_PATH

using namespace doseomics;
namespace fs = std::filesystem;

namespace {

struct CliTempDir {
  fs::path path;
  CliTempDir() {
    std::mt19937_64 random(std::random_device{}() ^
                           std::chrono::steady_clock::now().time_since_epoch().count());
    path = fs::temp_directory_path() / ("doseomics_cli_" + std::to_string(random()));
    fs::create_directories(path);
  }
  ~CliTempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return file(name);
  }
};

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string quote(const std::string& s) { return "'" + s + "'"; }

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

// Run `doseomics <arguments>` with stdout and stderr captured in `dir`.
CliRun run_cli(const CliTempDir& dir, const std::string& arguments) {
  const std::string out = dir.file("stdout.txt"), err = dir.file("stderr.txt");
  const std::string command =
      quote(DOSEOMICS_CLI_PATH) + " " + arguments + " > " + quote(out) + " 2> " + quote(err);
  const int status = std::system(command.c_str());
  CliRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = read_text(out);
  run.err = read_text(err);
  return run;
}

std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  for (const CsvRecord& record : parse_csv(text, "CLI output")) rows.push_back(record.fields);
  return rows;
}

int column(const std::vector<std::string>& header, const std::string& name) {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return static_cast<int>(i);
  return -1;
}

bool close_relative(double value, double expected, double tolerance) {
  return std::fabs(value - expected) <= tolerance * std::fabs(expected);
}

std::string data_file(const std::string& name) {
  return fs::absolute(test::shared_data("pyradiomics/data/" + name)).lexically_normal().string();
}

}  // namespace

TEST_CASE("A batch with one missing file gives features for the good rows and exit code 2",
          "[cli]") {
  CliTempDir dir;
  const std::string brain_image = data_file("brain1_image.nrrd");
  const std::string brain_mask = data_file("brain1_label.nrrd");
  const std::string breast_image = data_file("breast1_image.nrrd");
  const std::string breast_mask = data_file("breast1_label.nrrd");
  const std::string batch = dir.write("cases.csv",
                                      "Patient,Image,Mask\n"
                                      "\"brain, one\"," +
                                          brain_image + "," + brain_mask +
                                          "\n"
                                          "missing,missing_image.nrrd," +
                                          brain_mask +
                                          "\n"
                                          "breast1," +
                                          breast_image + "," + breast_mask + "\n");
  const std::string out = dir.file("features.csv");
  const CliRun run =
      run_cli(dir, "extract " + quote(batch) + " -s voxelArrayShift:2000 -j 2 -o " + quote(out));
  INFO(run.err);
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("1 of 3 cases failed") != std::string::npos);
  CHECK(run.out.empty());

  const auto rows = csv_rows(read_text(out));
  REQUIRE(rows.size() == 4);
  const std::vector<std::string>& header = rows[0];

  // Header: input columns, diagnostics, features in the FeatureTable's order, error.
  std::vector<std::string> expected = {"Patient",
                                       "Image",
                                       "Mask",
                                       "diagnostics_Mask-original_VoxelNum",
                                       "diagnostics_Mask-original_BoundingBox",
                                       "diagnostics_Image-original_Spacing"};
  for (int index : FeatureSelection::defaults().enabled_indices())
    expected.push_back(feature_catalogue()[index].column_name());
  expected.push_back("error");
  CHECK(header == expected);

  const int mean = column(header, "original_firstorder_Mean");
  const int error = column(header, "error");
  REQUIRE(mean >= 0);
  for (const auto& row : rows) REQUIRE(row.size() == header.size());

  const auto& brain = rows[1];
  CHECK(brain[0] == "brain, one");
  CHECK(brain[1] == brain_image);
  CHECK(brain[3] == "4137");
  CHECK(brain[4] == "(162, 84, 11, 47, 70, 7)");
  CHECK(brain[5] == "(0.7812499999999999, 0.7812499999999999, 6.499999999999998)");
  CHECK(brain[error] == "");
  CHECK(close_relative(std::stod(brain[mean]), 825.2354363065023, 1e-9));
  // PyRadiomics' baseline (binWidth 25): glcm Contrast of brain1.
  CHECK(close_relative(std::stod(brain[column(header, "original_glcm_Contrast")]),
                       47.492125114429776, 1e-6));
  for (std::size_t c = 6; c + 1 < header.size(); ++c) CHECK_FALSE(brain[c].empty());

  const auto& missing = rows[2];
  CHECK(missing[0] == "missing");
  // The relative path was resolved against the CSV's folder.
  CHECK(missing[1] == fs::absolute(dir.path / "missing_image.nrrd").lexically_normal().string());
  CHECK(missing[error].find("missing_image.nrrd") != std::string::npos);
  for (int c = 3; c < error; ++c) CHECK(missing[c].empty());

  const auto& breast = rows[3];
  CHECK(breast[error] == "");
  CHECK(breast[3] == "143");
  CHECK(breast[4] == "(21, 64, 8, 9, 12, 3)");
  CHECK(close_relative(std::stod(breast[mean]), 131.12587412587413, 1e-9));
}

TEST_CASE("A single image with a parameter file and a bin-width sweep writes one row per width",
          "[cli]") {
  CliTempDir dir;
  const std::string params = dir.write("params.yaml",
                                       "setting:\n"
                                       "  voxelArrayShift: 2000\n"
                                       "imageType:\n"
                                       "  Original: {}\n"
                                       "featureClass:\n"
                                       "  glcm: [Contrast]\n"
                                       "  firstorder: [Mean, Entropy]\n");
  const CliRun run = run_cli(dir, "extract " + quote(data_file("brain1_image.nrrd")) + " " +
                                      quote(data_file("brain1_label.nrrd")) + " -p " +
                                      quote(params) + " --bin-widths 10,25 --backend auto");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto rows = csv_rows(run.out);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0] == std::vector<std::string>{
                       "Image", "Mask", "BinWidth", "diagnostics_Mask-original_VoxelNum",
                       "diagnostics_Mask-original_BoundingBox",
                       "diagnostics_Image-original_Spacing", "original_firstorder_Entropy",
                       "original_firstorder_Mean", "original_glcm_Contrast", "error"});
  CHECK(rows[1][2] == "10.0");
  CHECK(rows[2][2] == "25.0");
  CHECK(close_relative(std::stod(rows[2][8]), 47.492125114429776, 1e-6));
  // A finer bin width spreads the same voxels over more levels.
  CHECK(std::stod(rows[1][6]) > std::stod(rows[2][6]));
  CHECK(rows[1][7] == rows[2][7]);
}

TEST_CASE("Bad parameters and usage exit with code 1 and a message naming the cause", "[cli]") {
  CliTempDir dir;
  const std::string image = quote(data_file("brain1_image.nrrd"));
  const std::string mask = quote(data_file("brain1_label.nrrd"));
  const std::string params = dir.write("normalize.yaml", "setting:\n  normalize: true\n");

  CliRun run = run_cli(dir, "extract " + image + " " + mask + " -p " + quote(params));
  CHECK(run.exit_code == 1);
  CHECK(run.err.find(params) != std::string::npos);
  CHECK(run.err.find("'normalize'") != std::string::npos);
  CHECK(run.out.empty());

  run = run_cli(dir, "extract " + image + " " + mask + " -s binWidth:abc");
  CHECK(run.exit_code == 1);
  CHECK(run.err.find("binWidth") != std::string::npos);

  run = run_cli(dir, "extract " + image + " " + mask + " --backend cuda");
  CHECK(run.exit_code == 1);
  // Without a GPU: "CUDA backend not built" (CPU-only build) or "no CUDA device: ..." (CUDA build).
  CHECK((run.err.find("CUDA backend not built") != std::string::npos ||
         run.err.find("no CUDA device") != std::string::npos));

  run = run_cli(dir, "extract " + image);
  CHECK(run.exit_code == 1);
  CHECK(run.err.find("mask") != std::string::npos);

  run = run_cli(dir, "extract " + image + " " + mask + " --no-such-option");
  CHECK(run.exit_code == 1);

  run = run_cli(dir, "extract " + quote(dir.file("absent.csv")));
  CHECK(run.exit_code == 1);
  CHECK(run.err.find("absent.csv") != std::string::npos);

  run = run_cli(dir, "version");
  CHECK(run.exit_code == 0);
  CHECK(run.out.find("doseomics") != std::string::npos);
}

TEST_CASE("Batch rows with an unusable Label or Label_channel fail alone", "[cli]") {
  CliTempDir dir;
  const std::string image = data_file("brain1_image.nrrd");
  const std::string mask = data_file("brain1_label.nrrd");
  const std::string batch =
      dir.write("cases.csv", "Image,Mask,Label,Label_channel\n" + image + "," + mask + ",1,0\n" +
                                 image + "," + mask + ",1,2\n" + image + "," + mask + ",x,\n");
  const CliRun run = run_cli(dir, "extract " + quote(batch));
  INFO(run.err);
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("2 of 3 cases failed") != std::string::npos);
  const auto rows = csv_rows(run.out);
  REQUIRE(rows.size() == 4);
  CHECK(rows[1].back().empty());
  CHECK(rows[2].back().find("Label_channel") != std::string::npos);
  CHECK(rows[3].back().find("Label 'x'") != std::string::npos);
}

TEST_CASE("A case whose label is absent fails alone with exit code 2", "[cli]") {
  CliTempDir dir;
  const CliRun run = run_cli(dir, "extract " + quote(data_file("brain1_image.nrrd")) + " " +
                                      quote(data_file("brain1_label.nrrd")) + " --label 7");
  INFO(run.err);
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("1 of 1 cases failed") != std::string::npos);
  const auto rows = csv_rows(run.out);
  REQUIRE(rows.size() == 2);
  CHECK_FALSE(rows[1].back().empty());
}

#endif  // DOSEOMICS_CLI_PATH
