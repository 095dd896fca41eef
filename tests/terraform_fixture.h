// A Terraform fixture of tests/data/terraform: its path, and the fixture imported and validated (missing references
// allowed, as for every template or plan). For the tests that read the model only; those that read its analysis
// too use tests/terraform_support.h.
#pragma once

#include <string>

#include "importers/inputs.h"
#include "model/diagnostic.h"
#include "model/model.h"
#include "model/validate.h"

namespace terraform_support {

inline std::string terraform_data(const std::string& name) {
  return std::string(EXPOSIM_SOURCE_DIR) + "/tests/data/terraform/" + name;
}

struct TerraformImport {
  exposim::model::Model model;
  exposim::model::Diagnostics diags;
};

inline TerraformImport import_terraform(const std::string& name) {
  TerraformImport r;
  exposim::importers::import_inputs({terraform_data(name)}, {}, r.model, r.diags);
  exposim::model::validate(r.model, r.diags, exposim::model::ValidateOptions{true});
  return r;
}

}  // namespace terraform_support
