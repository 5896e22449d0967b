// How far each registration a run stored lies from the transform `doseomics synth` planted
// (truth.json): the largest distance over the reference MR's body voxels. Shared by the pipeline
// tests.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/cohort_inputs.hpp"
#include "host/registration.hpp"
#include "io/result_store.hpp"

namespace doseomics::test {

struct RegistrationError {
  std::string patient, sequence, timepoint;  // the moving image ("CT", "" for the planning CT)
  double max_mm = 0.0;
};

// One entry per stored registration of every patient in `truth`, in truth's patient order.
// `cohort_dir` holds the patients' folders (pre_T2fs.nii.gz is the reference).
inline std::vector<RegistrationError> planted_registration_errors(
    const ResultStore& store, const nlohmann::json& truth,
    const std::filesystem::path& cohort_dir) {
  const std::vector<RegistrationRecord> records = store.registrations();
  std::vector<RegistrationError> errors;
  for (const auto& patient : truth.at("patients")) {
    const std::string id = patient.at("id");
    const FloatImage3D::Pointer reference =
        read_float_image((cohort_dir / id / "pre_T2fs.nii.gz").string());
    const MaskImage3D::Pointer body = body_mask(reference);
    for (const RegistrationRecord& record : records) {
      if (record.patient_id != id) continue;
      const auto& planted = record.moving_sequence == "CT"
                                ? patient.at("mr").at("pre").at("T2fs").at("mr_to_ct")
                                : patient.at("mr")
                                      .at(record.moving_timepoint)
                                      .at(record.moving_sequence)
                                      .at("reference_to_mr");
      const TransformDiscrepancy error = transform_discrepancy(
          RigidTransform::from_string(record.transform),
          RigidTransform::from_string(planted.at("text").get<std::string>()), body, 1);
      errors.push_back({id, record.moving_sequence, record.moving_timepoint, error.max_mm});
    }
  }
  return errors;
}

}  // namespace doseomics::test
