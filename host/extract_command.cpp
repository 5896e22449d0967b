#include "extract_command.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "io/batch_csv.hpp"
#include "io/feature_csv.hpp"
#include "io/image_region.hpp"
#include "io/parameters.hpp"
#include "kernels/backend_factory.hpp"
#include "kernels/core/errors.hpp"

namespace doseomics {

namespace fs = std::filesystem;

CLI::App* add_extract_command(CLI::App& app, ExtractOptions& options) {
  CLI::App* extract = app.add_subcommand(
      "extract",
      "Extract PyRadiomics 3.1 features (segment-based, Original image) from an image and mask,\n"
      "or from every row of a PyRadiomics batch CSV (columns Image, Mask, optional Label).\n"
      "Classes: firstorder, glcm, gldm, glrlm, glszm, ngtdm (shape is not supported yet).\n"
      "Output: CSV with the input columns, diagnostics, features and an `error` column.\n"
      "Exit code: 0 all cases succeeded, 1 bad usage or parameters, 2 some cases failed.");
  extract->add_option("input", options.input, "Image file, or a batch CSV file (*.csv)")
      ->required();
  extract->add_option("mask", options.mask, "Mask file (single-image mode only)");
  extract->add_option("-p,--param", options.params_file,
                      "PyRadiomics parameter file (YAML or JSON)");
  extract
      ->add_option("-s,--setting", options.overrides,
                   "Setting override SETTING:VALUE, e.g. binWidth:10, distances:1,2,\n"
                   "force2D:true (repeatable; overrides the parameter file)")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  extract->add_option("-l,--label", options.label,
                      "Label value of the region in the mask (overrides the parameters;\n"
                      "a batch CSV's Label column overrides this)");
  extract->add_option("--bin-widths", options.bin_widths,
                      "Bin-width sweep, e.g. 5,10,25: one output row per case and width,\n"
                      "with a BinWidth column (a doseomics extension)");
  extract->add_option("-o,--out", options.output, "Output CSV file (default: standard output)");
  extract
      ->add_option("-j,--jobs", options.jobs, "Worker threads (default 0: every hardware thread)")
      ->check(CLI::NonNegativeNumber);
  extract
      ->add_option("--backend", options.backend,
                   "Engine backend: auto (the GPU when one is present), cpu, cuda")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  return extract;
}

namespace {

bool ends_with_csv(const std::string& path) {
  if (path.size() < 4) return false;
  std::string tail = path.substr(path.size() - 4);
  for (char& c : tail) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return tail == ".csv";
}

struct CaseInput {
  std::vector<std::string> values;
  std::string image, mask, label_cell;
  std::string name;
  std::string label_channel_cell;
};

// Load every case's region (in parallel, one case per task), then append them to `batch` in case
// order. A case that fails keeps its error; the others go on.
void load_cases(const std::vector<CaseInput>& inputs, int default_label, unsigned threads,
                RoiBatch& batch, std::vector<CaseResult>& results) {
  const std::size_t n = inputs.size();
  std::vector<RoiBatch> local(n);
  results.assign(n, CaseResult{});
  const auto load_one = [&](std::size_t i) {
    results[i].input_values = inputs[i].values;
    try {
      const int label = parse_label_cell(inputs[i].label_cell).value_or(default_label);
      const std::string& channel = inputs[i].label_channel_cell;
      if (channel.find_first_not_of(" \t0") != std::string::npos)  // empty or 0 only
        throw InputError("Label_channel '" + channel +
                         "' is not supported (vector-valued masks are not; use 0 or leave it "
                         "empty)");
      results[i].source =
          add_image_region(local[i], inputs[i].image, inputs[i].mask, label, inputs[i].name);
      results[i].loaded = true;
    } catch (const std::exception& e) {
      results[i].load_error = e.what();
    }
  };
  if (n == 0) return;
  load_one(0);  // the first read initialises ITK's IO factories on this thread
  std::atomic<std::size_t> next{1};
  const auto worker = [&] {
    for (std::size_t i = next++; i < n; i = next++) load_one(i);
  };
  const unsigned count = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(n - 1)));
  if (n > 1 && count > 1) {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < count; ++t) pool.emplace_back(worker);
    for (auto& thread : pool) thread.join();
  } else {
    worker();
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!results[i].loaded) continue;
    const RoiBatch& one = local[i];
    const RegionGeometry& g = one.regions.at(results[i].source.region_index);
    results[i].source.region_index = batch.add_region(
        one.region_names.at(results[i].source.region_index), g.size_zyx, g.spacing_zyx_mm,
        one.voxels.data() + g.voxel_offset, one.mask.data() + g.voxel_offset);
    local[i] = RoiBatch{};  // release the copy
  }
}

}  // namespace

int run_extract(const ExtractOptions& options, std::ostream& out, std::ostream& err) {
  const char* prefix = "doseomics extract: ";
  // ---- parameters, backend, inputs: any problem here is a usage error (exit 1) ----
  ExtractionParameters parameters;
  std::vector<Settings> settings_list;
  std::vector<std::string> columns;
  std::vector<CaseInput> inputs;
  std::unique_ptr<Backend> backend;
  try {
    parameters = options.params_file.empty() ? default_parameters()
                                             : read_parameter_file(options.params_file);
    for (const std::string& override_text : options.overrides)
      apply_setting_override(parameters, override_text);
    if (options.label) {
      if (*options.label < 1)
        throw InputError("--label " + std::to_string(*options.label) +
                         ": must be an integer greater than 0");
      parameters.settings.label = *options.label;
    }
    for (const std::string& warning : parameters.warnings)
      err << prefix << "warning: " << warning << '\n';
    const std::vector<double> widths =
        options.bin_widths.empty() ? std::vector<double>{} : parse_bin_widths(options.bin_widths);
    settings_list = expand_bin_widths(parameters.settings, widths);

    backend = make_backend(options.backend, static_cast<unsigned>(options.jobs));

    if (ends_with_csv(options.input)) {
      if (!options.mask.empty())
        throw InputError("a mask ('" + options.mask +
                         "') cannot be given with a batch CSV; the CSV's Mask column names them");
      const BatchTable table = read_batch_csv(options.input);
      for (const std::string& warning : table.warnings)
        err << prefix << "warning: " << warning << '\n';
      columns = table.columns;
      for (const BatchCase& c : table.cases)
        inputs.push_back(CaseInput{c.values, c.image, c.mask, c.label,
                                   "case " + std::to_string(inputs.size() + 1) + " (" +
                                       options.input + " line " + std::to_string(c.line) + ")",
                                   c.label_channel});
      if (inputs.empty())
        throw InputError("batch file '" + options.input + "': no cases to process");
    } else {
      if (options.mask.empty())
        throw InputError("a mask is required with an image (or give a batch .csv file)");
      const std::string image = fs::absolute(options.input).lexically_normal().string();
      const std::string mask = fs::absolute(options.mask).lexically_normal().string();
      columns = {"Image", "Mask"};
      inputs.push_back(CaseInput{{image, mask}, image, mask, "", "case 1", ""});
    }
  } catch (const std::exception& e) {
    err << prefix << "error: " << e.what() << '\n';
    return 1;
  }

  // Open the output before the work, so that a bad path fails fast.
  std::ofstream file;
  if (!options.output.empty()) {
    file.open(options.output, std::ios::out | std::ios::trunc);
    if (!file) {
      err << prefix << "error: cannot write output file '" << options.output << "'\n";
      return 1;
    }
  }
  std::ostream& csv = options.output.empty() ? out : file;

  try {
    const unsigned threads = options.jobs > 0 ? static_cast<unsigned>(options.jobs)
                                              : std::max(1u, std::thread::hardware_concurrency());
    RoiBatch batch;
    std::vector<CaseResult> results;
    load_cases(inputs, parameters.settings.label, threads, batch, results);

    FeatureTable table;
    if (batch.size() > 0) {
      table = backend->extract(batch, settings_list, parameters.features);
    } else {
      table = FeatureTable(0, settings_list.size(), parameters.features.enabled_indices());
    }

    FeatureCsvOptions csv_options;
    csv_options.diagnostics = parameters.additional_info;
    csv_options.bin_width_column = settings_list.size() > 1;
    write_feature_csv(csv, columns, results, table, settings_list, csv_options);
    csv.flush();
    if (!csv) {
      err << prefix << "error: writing the output failed\n";
      return 1;
    }

    std::size_t failed = 0;
    for (std::size_t i = 0; i < results.size(); ++i) {
      std::string error = results[i].load_error;
      if (error.empty() && results[i].loaded)
        for (std::size_t s = 0; s < table.setting_count && error.empty(); ++s)
          error = table.errors[table.cell(results[i].source.region_index, s)];
      if (!error.empty()) {
        ++failed;
        err << prefix << inputs[i].name << " failed: " << error << '\n';
      }
    }
    if (failed > 0) {
      err << failed << " of " << results.size() << " cases failed\n";
      return 2;
    }
    return 0;
  } catch (const std::exception& e) {
    err << prefix << "internal error: " << e.what() << '\n';
    return 3;
  }
}

}  // namespace doseomics
