// What the Terraform tests that read an analysis share: a fixture (tests/terraform_fixture.h) imported, validated and
// analysed. run_terraform() is defined in tests/analyze_support.cpp.
#pragma once

#include <string>

#include "model/diagnostic.h"
#include "model/model.h"
#include "solver/analysis.h"
#include "tests/terraform_fixture.h"

namespace terraform_support {

struct TerraformRun {
  exposim::model::Model model;
  exposim::model::Diagnostics diags;
  exposim::solver::Analysis analysis;
};

/// The fixture `name` imported, validated (missing references allowed) and analysed.
TerraformRun run_terraform(const std::string& name);

}  // namespace terraform_support
