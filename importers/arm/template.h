// Deployment templates (ARM JSON, also what `az bicep build` writes) expanded into Azure resource JSON:
// parameters merged, conditions and copy loops applied, nested child resources and nested deployments
// flattened, expressions evaluated. The result is the REST shape the Azure resource importer reads.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/diagnostic.h"

namespace exposim::importers::arm {

/// The deployment a template is expanded into, and the values given for its parameters.
struct TemplateOptions {
  /// Parameter values from parameter files and the command line, later entries winning: name -> value.
  nlohmann::json parameters = nlohmann::json::object();
  std::string subscription_id;  // empty: the documented placeholder
  std::string resource_group;   // empty: the placeholder
  std::string location;         // empty: the placeholder
  /// Resource types (lowercase) whose content can decide exposure. An expression error in a resource of
  /// another type (a VM extension's script URI, a storage account's blob endpoint) is a warning: the resource
  /// is left out. Unset: every type counts.
  std::function<bool(std::string_view)> modelled_type;
  /// Reads a linked template or parameter file (`templateLink.relativePath`) whole, reporting problems itself
  /// (`file-read`, `file-too-large`) and returning nullopt then. Unset: linked templates are not read (a
  /// warning `linked-template-skipped`).
  std::function<std::optional<std::string>(const std::string& path)> read_file;
};

/// One resource of the expansion: Azure resource JSON (`id`, `name`, `type`, `location`, `sku`, `properties`,
/// ...) and where it was declared (JSON pointer into the template, copy index appended as "[i]").
struct ExpandedResource {
  nlohmann::json resource;
  std::string pointer;
  std::string file;  // the template declaring it: the expanded one, or a linked template (relativePath)
};

/// Parses ARM JSON text as Azure accepts it: `//` and `/* */` comments, and raw line breaks and tabs
/// inside strings. A syntax error is reported at its line:column (`json-syntax`); nullopt then.
std::optional<nlohmann::json> parse_arm_json(std::string_view text, const std::string& file, model::Diagnostics& diags);

/// `$schema` ends in `deploymentTemplate.json#` (resource group, subscription, management group or tenant).
bool is_deployment_template(const nlohmann::json& doc);
/// `$schema` ends in `deploymentParameters.json#`.
bool is_parameters_file(const nlohmann::json& doc);
/// The values of a parameter file: name -> value (`reference` entries to Key Vault secrets are skipped:
/// secrets never decide exposure).
nlohmann::json parameter_values(const nlohmann::json& doc);

/// Expands `doc`, read from `file` (linked templates are resolved relative to it). Problems go to `diags`
/// with the file and a JSON pointer into the template that holds the problem: a required
/// parameter without a value, expression errors (naming the function and the place), unknown resource
/// shapes. Values only Azure knows at deployment (`reference()`, `list*()`) leave the field out, with a
/// warning `unresolved-expression` naming the expression and the resource; `reference(<public IP>).ipAddress`
/// resolves to that public IP's address when the template gives one. Never throws on bad input.
std::vector<ExpandedResource> expand_template(const nlohmann::json& doc, const std::string& file,
                                              const TemplateOptions& options, model::Diagnostics& diags);

}  // namespace exposim::importers::arm
