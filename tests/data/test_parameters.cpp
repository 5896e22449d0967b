// PyRadiomics parameter files and -s overrides (io/parameters.hpp).
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "io/parameters.hpp"
#include "kernels/core/errors.hpp"
#include "support/test_paths.hpp"

using namespace doseomics;
namespace fs = std::filesystem;

namespace {

// A fresh folder under the system temp dir, removed at the end of the test.
struct ParameterTempDir {
  fs::path path;
  ParameterTempDir() {
    std::mt19937_64 random(std::random_device{}() ^
                           std::chrono::steady_clock::now().time_since_epoch().count());
    path = fs::temp_directory_path() / ("doseomics_params_" + std::to_string(random()));
    fs::create_directories(path);
  }
  ~ParameterTempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  std::string write(const std::string& name, const std::string& text) const {
    const fs::path file = path / name;
    std::ofstream(file) << text;
    return file.string();
  }
};

// The InputError message of reading `yaml` as a parameter file ("" when it is accepted).
std::string file_error(const ParameterTempDir& dir, const std::string& yaml,
                       std::string* file_path = nullptr) {
  const std::string path = dir.write("params.yaml", yaml);
  if (file_path) *file_path = path;
  try {
    read_parameter_file(path);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

std::string override_error(const std::string& key_value, ExtractionParameters parameters = {}) {
  try {
    apply_setting_override(parameters, key_value);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

std::vector<std::string> enabled_columns(const FeatureSelection& selection) {
  std::vector<std::string> names;
  for (int index : selection.enabled_indices())
    names.push_back(feature_catalogue()[index].column_name());
  return names;
}

int enabled_in_class(const FeatureSelection& selection, FeatureClass feature_class) {
  int count = 0;
  for (int index : selection.enabled_indices())
    if (feature_catalogue()[index].feature_class == feature_class) ++count;
  return count;
}

}  // namespace

TEST_CASE("Without a parameter file the settings are PyRadiomics' extractor defaults",
          "[io][parameters]") {
  const ExtractionParameters p = default_parameters();
  CHECK(p.settings.bin_width == 25.0);
  CHECK(p.settings.bin_count == 0);
  CHECK(p.settings.voxel_array_shift == 0.0);
  CHECK(p.settings.label == 1);
  CHECK(p.settings.distance_count == 1);
  CHECK(p.settings.distances[0] == 1);
  CHECK(p.settings.symmetrical_glcm);
  CHECK(p.settings.weighting_norm == WeightingNorm::none);
  CHECK(p.settings.gldm_a == 0);
  CHECK_FALSE(p.settings.force2d);
  CHECK(p.settings.minimum_roi_dimensions == 2);
  CHECK(p.settings.minimum_roi_size == 0);
  CHECK(p.additional_info);
  CHECK(enabled_columns(p.features) == enabled_columns(FeatureSelection::defaults()));
  for (int c = 0; c < kFeatureClassCount; ++c)
    CHECK(p.features.any_in_class(static_cast<FeatureClass>(c)));
}

TEST_CASE("Each supported setting in a parameter file maps to its Settings field",
          "[io][parameters]") {
  ParameterTempDir dir;
  const std::string path = dir.write("params.yaml",
                                     "setting:\n"
                                     "  binWidth: 12.5\n"
                                     "  binCount: 32\n"
                                     "  voxelArrayShift: 2000\n"
                                     "  label: 3\n"
                                     "  distances: [1, 2, 3]\n"
                                     "  symmetricalGLCM: false\n"
                                     "  weightingNorm: manhattan\n"
                                     "  gldm_a: 2\n"
                                     "  force2D: true\n"
                                     "  force2Ddimension: 1\n"
                                     "  minimumROIDimensions: 3\n"
                                     "  minimumROISize: 50\n"
                                     "  additionalInfo: false\n");
  const ExtractionParameters p = read_parameter_file(path);
  CHECK(p.settings.bin_width == 12.5);
  CHECK(p.settings.bin_count == 32);
  CHECK(p.settings.voxel_array_shift == 2000.0);
  CHECK(p.settings.label == 3);
  REQUIRE(p.settings.distance_count == 3);
  CHECK(p.settings.distances[0] == 1);
  CHECK(p.settings.distances[1] == 2);
  CHECK(p.settings.distances[2] == 3);
  CHECK_FALSE(p.settings.symmetrical_glcm);
  CHECK(p.settings.weighting_norm == WeightingNorm::manhattan);
  CHECK(p.settings.gldm_a == 2);
  CHECK(p.settings.force2d);
  CHECK(p.settings.force2d_dimension == 1);
  CHECK(p.settings.minimum_roi_dimensions == 3);
  CHECK(p.settings.minimum_roi_size == 50);
  CHECK_FALSE(p.additional_info);
  // No featureClass section: every implemented class.
  CHECK(enabled_columns(p.features) == enabled_columns(FeatureSelection::defaults()));
}

TEST_CASE("JSON parameter files and null settings with a None default are read",
          "[io][parameters]") {
  const ExtractionParameters p = parse_parameters(
      R"({"setting": {"binWidth": 10, "binCount": null, "weightingNorm": null,
          "minimumROISize": null}, "imageType": {"Original": {}}})",
      "json text");
  CHECK(p.settings.bin_width == 10.0);
  CHECK(p.settings.bin_count == 0);
  CHECK(p.settings.weighting_norm == WeightingNorm::none);
  CHECK(p.settings.minimum_roi_size == 0);
}

TEST_CASE("Harmless settings at their no-op value are accepted", "[io][parameters]") {
  ParameterTempDir dir;
  const std::string yaml =
      "setting:\n"
      "  enableCExtensions: true\n"
      "  interpolator: 'sitkBSpline'\n"
      "  resampledPixelSpacing:\n"
      "  normalize: false\n"
      "  preCrop: true\n"
      "  padDistance: 10\n"
      "  correctMask: false\n"
      "  geometryTolerance: 1e-6\n"
      "  label_channel: 0\n"
      "  resegmentRange:\n"
      "imageType:\n"
      "  Original: {}\n";
  CHECK(file_error(dir, yaml) == "");
  // Resampling needs both an interpolator and a spacing: a spacing with a null interpolator is a
  // no-op in PyRadiomics too.
  CHECK(file_error(dir, "setting:\n  interpolator:\n  resampledPixelSpacing: [1, 1, 1]\n") == "");
}

TEST_CASE("Unsupported settings, values, image types and classes name the file and the key",
          "[io][parameters]") {
  ParameterTempDir dir;
  struct Case {
    std::string yaml;
    std::string key;  // must appear in the message
  };
  const std::vector<Case> cases = {
      {"setting:\n  resampledPixelSpacing: [1, 1, 1]\n", "resampledPixelSpacing"},
      {"setting:\n  normalize: true\n", "normalize"},
      {"setting:\n  resegmentRange: [-100, 100]\n", "resegmentRange"},
      {"setting:\n  label_channel: 1\n", "label_channel"},
      {"setting:\n  correctMask: true\n", "correctMask"},
      {"setting:\n  enableCExtensions: false\n", "enableCExtensions"},
      {"setting:\n  sigma: [1, 2]\n", "sigma"},
      {"setting:\n  binwidth: 25\n", "binwidth"},  // case-sensitive, as PyRadiomics
      {"setting:\n  binWidth: 0\n", "binWidth"},
      {"setting:\n  binWidth: abc\n", "binWidth"},
      {"setting:\n  binWidth:\n", "binWidth"},
      {"setting:\n  binCount: 2.5\n", "binCount"},
      {"setting:\n  gldm_a: 1.5\n", "gldm_a"},
      {"setting:\n  voxelArrayShift: 2000.5\n", "voxelArrayShift"},
      {"setting:\n  distances: 1\n", "distances"},
      {"setting:\n  distances: [0]\n", "distances"},
      {"setting:\n  force2D: yes\n", "force2D"},
      {"setting:\n  force2Ddimension: 3\n", "force2Ddimension"},
      {"setting:\n  minimumROIDimensions: 4\n", "minimumROIDimensions"},
      {"setting:\n  minimumROISize: 0\n", "minimumROISize"},
      {"setting:\n  label: 0\n", "label"},
      {"setting:\n  weightingNorm: cosine\n", "weightingNorm"},
      {"setting:\n  interpolator: sitkCubic\n", "interpolator"},
      {"imageType:\n  LoG: {sigma: [1.0]}\n", "LoG"},
      {"imageType:\n  Wavelet: {}\n", "Wavelet"},
      {"imageType:\n  Fourier: {}\n", "Fourier"},
      {"imageType:\n  Original: {binWidth: 10}\n", "Original"},
      {"featureClass:\n  shape:\n", "shape"},
      {"featureClass:\n  shape2D:\n", "shape2D"},
      {"featureClass:\n  texture:\n", "texture"},
      {"featureClass:\n  glcm: [Contrast, NoSuchFeature]\n", "NoSuchFeature"},
      {"featureClass:\n  glcm: Contrast\n", "glcm"},
      {"featureClass:\n", "featureClass"},
      {"settings:\n  binWidth: 10\n", "settings"},
  };
  for (const Case& c : cases) {
    INFO(c.yaml);
    std::string path;
    const std::string message = file_error(dir, c.yaml, &path);
    INFO(message);
    CHECK(message != "");
    CHECK(message.find(path) != std::string::npos);
    CHECK(message.find("'" + c.key + "'") != std::string::npos);
  }
}

TEST_CASE("Invalid YAML and a missing parameter file are InputErrors naming the file",
          "[io][parameters]") {
  ParameterTempDir dir;
  std::string path;
  const std::string message = file_error(dir, "setting:\n  binWidth: [1, 2\n", &path);
  CHECK(message.find(path) != std::string::npos);
  CHECK(message.find("YAML") != std::string::npos);
  const std::string missing = (dir.path / "nope.yaml").string();
  try {
    read_parameter_file(missing);
    FAIL("a missing file was accepted");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find(missing) != std::string::npos);
  }
}

TEST_CASE("featureClass lists enable single features; null and [] enable whole classes",
          "[io][parameters]") {
  const ExtractionParameters p = parse_parameters(
      "featureClass:\n"
      "  glcm: [Contrast, Idm]\n"
      "  firstorder: [Mean, StandardDeviation]\n"
      "  glrlm:\n"
      "  ngtdm: []\n",
      "inline");
  const std::vector<std::string> expected_firstorder_glcm = {
      "original_firstorder_Mean", "original_firstorder_StandardDeviation", "original_glcm_Contrast",
      "original_glcm_Idm"};
  const std::vector<std::string> columns = enabled_columns(p.features);
  // Catalogue order: firstorder, glcm, gldm, glrlm, glszm, ngtdm.
  REQUIRE(columns.size() == 4 + glrlm::kCount + ngtdm::kCount);
  CHECK(std::vector<std::string>(columns.begin(), columns.begin() + 4) == expected_firstorder_glcm);
  CHECK(enabled_in_class(p.features, FeatureClass::glrlm) == glrlm::kCount);
  CHECK(enabled_in_class(p.features, FeatureClass::ngtdm) == ngtdm::kCount);
  CHECK_FALSE(p.features.any_in_class(FeatureClass::gldm));
  CHECK_FALSE(p.features.any_in_class(FeatureClass::glszm));

  // A deprecated feature PyRadiomics computes no value for: a warning, and no column.
  const ExtractionParameters deprecated =
      parse_parameters("featureClass:\n  glcm: [SumVariance]\n  ngtdm:\n", "inline");
  CHECK_FALSE(deprecated.features.any_in_class(FeatureClass::glcm));
  REQUIRE(deprecated.warnings.size() == 1);
  CHECK(deprecated.warnings[0].find("SumVariance") != std::string::npos);

  // `featureClass: {}` enables everything, as PyRadiomics does.
  CHECK(enabled_columns(parse_parameters("featureClass: {}\n", "inline").features) ==
        enabled_columns(FeatureSelection::defaults()));
}

TEST_CASE("Overrides from -s are typed as PyRadiomics' parameter schema types them",
          "[io][parameters]") {
  ExtractionParameters p = default_parameters();
  apply_setting_override(p, "binWidth:10");
  apply_setting_override(p, "distances:1,2,3");
  apply_setting_override(p, "force2D:1");
  apply_setting_override(p, "symmetricalGLCM:false");
  apply_setting_override(p, "weightingNorm:euclidean");
  apply_setting_override(p, "voxelArrayShift:-1000");
  apply_setting_override(p, "label:2");
  apply_setting_override(p, "gldm_a:1");
  CHECK(p.settings.bin_width == 10.0);
  REQUIRE(p.settings.distance_count == 3);
  CHECK(p.settings.distances[2] == 3);
  CHECK(p.settings.force2d);
  CHECK_FALSE(p.settings.symmetrical_glcm);
  CHECK(p.settings.weighting_norm == WeightingNorm::euclidean);
  CHECK(p.settings.voxel_array_shift == -1000.0);
  CHECK(p.settings.label == 2);
  CHECK(p.settings.gldm_a == 1);
  apply_setting_override(p, "force2D:TRUE");
  CHECK(p.settings.force2d);
  apply_setting_override(p, "force2D:0");
  CHECK_FALSE(p.settings.force2d);
  apply_setting_override(p, "binCount:16");
  CHECK(p.settings.bin_count == 16);
  apply_setting_override(p, "binCount:");  // an empty value is null
  CHECK(p.settings.bin_count == 0);
  apply_setting_override(p, "weightingNorm:None");
  CHECK(p.settings.weighting_norm == WeightingNorm::none);

  // Overrides win over the file.
  ParameterTempDir dir;
  ExtractionParameters from_file =
      read_parameter_file(dir.write("p.yaml", "setting:\n  binWidth: 5\n  label: 4\n"));
  apply_setting_override(from_file, "binWidth:50");
  CHECK(from_file.settings.bin_width == 50.0);
  CHECK(from_file.settings.label == 4);

  for (const std::string bad :
       {"binWidth:abc", "noSuchSetting:1", "force2D:maybe", "gldm_a:0.5", "distances:1,x",
        "normalize:true", "resampledPixelSpacing:1,1,1", "binWidth:5,10"}) {
    const std::string message = override_error(bad);
    INFO(bad << " -> " << message);
    CHECK(message.find("-s '" + bad + "'") != std::string::npos);
    CHECK(message.find("'" + bad.substr(0, bad.find(':')) + "'") != std::string::npos);
  }
  CHECK(override_error("binWidth:5,10").find("--bin-widths") != std::string::npos);
  CHECK(override_error("binWidth").find("SETTING:VALUE") != std::string::npos);

  // An interpolator given on the command line turns a file's spacing into resampling.
  ExtractionParameters spacing =
      parse_parameters("setting:\n  interpolator:\n  resampledPixelSpacing: [2, 2, 2]\n", "inline");
  CHECK(override_error("interpolator:sitkLinear", spacing).find("resampl") != std::string::npos);
}

TEST_CASE("PyRadiomics' example Params.yaml is rejected for its shape class only",
          "[io][parameters]") {
  const std::string path = test::shared_data("pyradiomics/examples/exampleSettings/Params.yaml");
  try {
    read_parameter_file(path);
    FAIL("Params.yaml enables shape, which doseomics does not compute");
  } catch (const InputError& e) {
    const std::string message = e.what();
    INFO(message);
    CHECK(message.find(path) != std::string::npos);
    CHECK(message.find("featureClass 'shape'") != std::string::npos);
    CHECK(message.find("not supported") != std::string::npos);
  }

  // Without the shape line the rest (interpolator with a null spacing, Original, feature lists)
  // is accepted, with PyRadiomics' meaning: glcm lists 22 features (no SumAverage, no MCC).
  std::ifstream in(path);
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  const auto shape = yaml.find("\n  shape:");
  REQUIRE(shape != std::string::npos);
  yaml.erase(shape, yaml.find('\n', shape + 1) - shape);
  const ExtractionParameters p = parse_parameters(yaml, "Params.yaml without shape");
  CHECK(p.settings.bin_width == 25.0);
  CHECK(p.settings.label == 1);
  CHECK(p.settings.weighting_norm == WeightingNorm::none);
  CHECK(enabled_in_class(p.features, FeatureClass::glcm) == 22);
  const std::vector<std::string> columns = enabled_columns(p.features);
  CHECK(std::find(columns.begin(), columns.end(), "original_glcm_SumAverage") == columns.end());
  CHECK(std::find(columns.begin(), columns.end(), "original_glcm_MCC") == columns.end());
  CHECK(enabled_in_class(p.features, FeatureClass::firstorder) == firstorder::kCount - 1);
  CHECK(enabled_in_class(p.features, FeatureClass::glrlm) == glrlm::kCount);
  CHECK(enabled_in_class(p.features, FeatureClass::glszm) == glszm::kCount);
  CHECK(enabled_in_class(p.features, FeatureClass::gldm) == gldm::kCount);
  CHECK_FALSE(p.features.any_in_class(FeatureClass::ngtdm));
}

TEST_CASE("A bin-width sweep gives one Settings per width", "[io][parameters]") {
  const std::vector<double> widths = parse_bin_widths("5,10, 25");
  REQUIRE(widths == std::vector<double>{5.0, 10.0, 25.0});
  Settings base;
  base.voxel_array_shift = 2000;
  const std::vector<Settings> sweep = expand_bin_widths(base, widths);
  REQUIRE(sweep.size() == 3);
  CHECK(sweep[1].bin_width == 10.0);
  CHECK(sweep[1].voxel_array_shift == 2000.0);
  CHECK(expand_bin_widths(base, {}).size() == 1);
  for (const std::string bad : {"", "5,,10", "0", "-5", "abc", "5,"})
    CHECK_THROWS_AS(parse_bin_widths(bad), InputError);
  base.bin_count = 16;
  CHECK_THROWS_AS(expand_bin_widths(base, widths), InputError);
}
