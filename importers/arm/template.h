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
  /// Resource types (lowercase) whose content can decide exposure. An expression error, or a name only known
  /// at deployment, in a resource of another type (a VM extension's script URI, a workbook's name) is a note
  /// (with `strict`, an expression error there is a warning and the resource is left out). Unset: every type
  /// counts.
  std::function<bool(std::string_view)> modelled_type;
  /// Reads a linked template or parameter file (`templateLink.relativePath`) whole, reporting problems itself
  /// (`file-read`, `file-too-large`) and returning nullopt then. Unset: linked templates are not read (a
  /// warning `linked-template-skipped`).
  std::function<std::optional<std::string>(const std::string& path)> read_file;
  /// Directories where linked templates and parameter files given by URI are looked up by the trailing
  /// segments of the URI's path (`nested/vnet.json`, then `vnet.json`), as `--template-dir` gives them. A file
  /// found must lie inside the directory (no `..`, no symbolic link out of it).
  std::vector<std::string> template_dirs;
  /// Where a linked template or parameter file (`relativePath`, or a `uri` next to the template) may be read
  /// from, besides the directory of the template given and the template directories (`--allow-dir`). A link
  /// that leads elsewhere once `..` and symbolic links are resolved (`../../etc/passwd`), or to something
  /// that is not a regular file, is not read: an error `linked-template-outside`.
  std::vector<std::string> allowed_dirs;
  /// The most resource instances one expansion evaluates, deployments and instances of every copy loop included,
  /// in the template and the nested and linked ones it deploys: a `copy` of 800 deployments each with a `copy`
  /// of 800 resources is 640,800. Past it the expansion stops with the error `limit-exceeded`; what was expanded
  /// is kept.
  std::size_t max_expanded = 200'000;
  /// `--strict`: what ARM would prompt for or reject is an error, as before issue 13 (a required parameter
  /// without a value, an expression error in a resource, a copy count only known at deployment). Otherwise
  /// those are placeholders and unknown values with a warning or a note (docs/arm-templates.md).
  bool strict{false};
};

/// One resource of the expansion: Azure resource JSON (`id`, `name`, `type`, `location`, `sku`, `properties`,
/// ...) and where it was declared (JSON pointer into the template, copy index appended as "[i]").
struct ExpandedResource {
  nlohmann::json resource;
  std::string pointer;
  std::string file;  // the template declaring it: the expanded one, or a linked template (relativePath)
};

/// How deep ARM JSON text (a template, a parameter file, a linked template) may nest, the top-level value being
/// level 1: a value deeper is the error `json-too-deep`, as for resource JSON.
inline constexpr std::size_t kMaxArmJsonDepth = 128;

/// Parses ARM JSON text as Azure (Newtonsoft) accepts it: a byte order mark, `//` and `/* */` comments, raw
/// line breaks and tabs inside strings, and trailing commas in arrays and objects. A syntax error is
/// reported at its line:column (`json-syntax`), nesting deeper than kMaxArmJsonDepth as `json-too-deep`;
/// nullopt then.
std::optional<nlohmann::json> parse_arm_json(std::string_view text, const std::string& file, model::Diagnostics& diags);

/// `$schema` ends in `deploymentTemplate.json` (resource group, subscription, management group or tenant), in
/// any of its historic spellings: `http` or `https`, with or without the trailing `#`, any casing.
bool is_deployment_template(const nlohmann::json& doc);
/// `$schema` ends in `deploymentParameters.json`, spelled as above.
bool is_parameters_file(const nlohmann::json& doc);
/// The values of a parameter file: name -> value (`reference` entries to Key Vault secrets are skipped:
/// secrets never decide exposure).
nlohmann::json parameter_values(const nlohmann::json& doc);

/// Expands `doc`, read from `file` (linked templates are resolved relative to it). Problems go to `diags`
/// with the file and a JSON pointer into the template that holds the problem. A parameter with no value and
/// no default is the text `<NAME>` (string and securestring; `location` is the placeholder region) or unknown
/// (other types), with a note `missing-parameter`; its name is appended to `valueless_parameters` (once).
/// A field only Azure knows at deployment (`reference()`, `list*()`, an unknown parameter) is written as
/// unknown_value(reason) (importers/unknown_value.h), with a note `unresolved-expression`; an expression ARM
/// would reject is a warning naming the place and the field is unknown_value("error: ..."). With
/// `options.strict` these are errors as before. `reference(<public IP>).ipAddress` resolves to that public
/// IP's address when the template gives one. Never throws on bad input.
std::vector<ExpandedResource> expand_template(const nlohmann::json& doc, const std::string& file,
                                              const TemplateOptions& options, model::Diagnostics& diags,
                                              std::vector<std::string>* valueless_parameters = nullptr);

}  // namespace exposim::importers::arm
