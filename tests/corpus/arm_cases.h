// What the corpus suites over the deployment templates share: where the cases are, and the required parameters a
// case has no value for.
#pragma once

#include <string>
#include <vector>

namespace exposim::testing::corpus_arm {

/// The folder of the template cases (each a folder with its template and parameter file).
inline const std::string kArm = EXPOSIM_SHARED_DIR "/corpus/arm/";

/// Required parameters that a case has no value for (SOURCES.md: defaults, then the parameter file).
inline std::vector<std::string> extra_parameters(const std::string& name) {
  if (name == "ans-private-ip-dnat") return {"adminPassword=placeholder"};
  if (name == "alz-hubspoke-connectivity") return {"topLevelManagementGroupPrefix=alz", "addressPrefix=10.100.0.0/16"};
  return {};
}

}  // namespace exposim::testing::corpus_arm
