// What the Terraform tests share: a fixture's path, and a fixture imported, validated (missing references allowed,
// as for every template or plan) and analysed.
#pragma once

#include <string>

#include "importers/inputs.h"
#include "model/diagnostic.h"
#include "model/model.h"
#include "model/validate.h"
#include "solver/exposure.h"

namespace terraform_support {
namespace {  // internal linkage in each test file, as each file's own copy had; not every file uses both

[[maybe_unused]] std::string terraform_data(const std::string& name) {
  return std::string(EXPOSIM_SOURCE_DIR) + "/tests/data/terraform/" + name;
}

struct TerraformRun {
  exposim::model::Model model;
  exposim::model::Diagnostics diags;
  exposim::solver::Analysis analysis;
};

[[maybe_unused]] TerraformRun run_terraform(const std::string& name) {
  TerraformRun r;
  exposim::importers::import_inputs({terraform_data(name)}, {}, r.model, r.diags);
  exposim::model::validate(r.model, r.diags, exposim::model::ValidateOptions{true});
  r.analysis = exposim::solver::analyze(r.model);
  return r;
}

}  // namespace
}  // namespace terraform_support
