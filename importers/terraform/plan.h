// Terraform plans and state as `terraform show -json` prints them: detection, and the import of their azurerm
// resources into the model (docs/terraform.md).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "importers/azure/resource_importer.h"
#include "model/diagnostic.h"
#include "model/model.h"

namespace exposim::importers::terraform {

/// What of a plan is read: its planned values (what exists after apply), or its prior state (what exists before:
/// the state the plan was made against, for `whatif --plan`). A state document has only its values, read either way.
enum class PlanSide { kPlanned, kPrior };

struct PlanStats {
  std::string kind;                            // "plan", "plan's prior state" or "state"
  std::string format_version;                  // as written
  std::size_t resources{0};                    // azurerm resources read into the model
  std::map<std::string, std::size_t> by_type;  // azurerm type -> count
};

/// True when the start of a file (`head`, its first bytes) is a `terraform show -json` document: a top-level
/// object with `format_version` and one of `planned_values`, `values`, `terraform_version`, `resource_changes`.
bool looks_like_terraform(std::string_view head);

/// Imports the azurerm resources of a plan (its planned values: what exists after apply; with PlanSide::kPrior its
/// `prior_state`, absent when the plan only creates: nothing) or of a state into `model`. Problems go to `diags`,
/// located in `path` by JSON pointer (line:column for syntax errors) and named by Terraform address. Never throws
/// on bad input.
PlanStats import_plan(std::string_view text, const std::string& path, const azure::ImportOptions& options,
                      model::Model& model, model::Diagnostics& diags, PlanSide side = PlanSide::kPlanned);

}  // namespace exposim::importers::terraform
