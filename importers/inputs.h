// The inputs of a command, whatever their kind: Azure resource JSON (az CLI, REST, Resource Graph),
// deployment templates (ARM, Bicep compiled by `az bicep build`, "Export template" output) and their
// parameter files, and Terraform plans and state (`terraform show -json`). Each file's kind is detected from its
// content.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "importers/azure/resource_importer.h"
#include "model/diagnostic.h"
#include "model/model.h"

namespace exposim::importers {

struct InputOptions {
  std::vector<std::string> parameter_files;  // deploymentParameters.json files, in order (later wins)
  std::vector<std::string> parameters;       // "name=value" overrides, after the files
  /// Inputs that a directory walk found (cli/input_directories.h), by path as given. A parameter file among them
  /// applies only to the templates of its own directory, after the other parameter files and before the overrides:
  /// a folder of templates pairs each one with its parameter file (azuredeploy.json, azuredeploy.parameters.json),
  /// and one folder's values must not reach another folder's template.
  std::vector<std::string> directory_inputs;
  std::vector<std::string> template_dirs;  // --template-dir: where linked templates given by URI are looked up
  std::vector<std::string> allowed_dirs;   // --allow-dir: where linked templates may be read from (TemplateOptions)
  /// --strict: a template's required parameter without a value, or an expression ARM would reject, is an
  /// error (docs/arm-templates.md); otherwise a placeholder or unknown value with a note or warning.
  bool strict{false};
  azure::ImportOptions import;  // for resource files; text expanded from templates also gets from_template
  /// Terraform plans among the inputs that are read from their prior state (the estate before apply, for
  /// `whatif --plan`) instead of their planned values; by path as given.
  std::vector<std::string> prior_state;
  std::uint64_t max_template_bytes = std::uint64_t{256} << 20;  // templates are read whole
  /// Called with the index into `paths` of each input before it is read (a template: before its expansion and
  /// again before its resources are imported), for a progress display; may be empty.
  std::function<void(std::size_t index)> on_input;
  /// How many threads expand the deployment templates among the inputs (model/parallel.h), at least 1; the model
  /// and the diagnostics do not depend on it. `on_input` is still called from the calling thread only.
  int jobs{1};
};

struct InputReport {
  std::string path;
  std::string kind;  // "resources", "template", "parameters", "terraform" (a plan or a state: stats.detected_shape)
  azure::ImportStats stats;
  std::size_t expanded{0};  // templates: resources after expansion
};

/// What a file found in an input directory is, from its first bytes (cli/input_directories.h decides which files
/// of a directory are read): an input of one of the kinds import_inputs() reads, or a file that is not one.
enum class DetectedKind {
  kResources,    // Azure resource JSON: an array, or an object with `type`, `value` or `data` (or a deployment status)
  kTemplate,     // a deployment template ($schema deploymentTemplate.json)
  kParameters,   // a template parameter file ($schema deploymentParameters.json)
  kTerraform,    // `terraform show -json` of a plan or a state
  kServiceTags,  // the published service-tag file (`changeNumber`, `values`): only read through --service-tags
  kOtherJson,    // a JSON object none of these (a report, a check spec in JSON, a change document, a package file)
  kNotJson,      // does not start with `{` or `[`
};

/// The kind of a file from `head`, its first bytes (64 KiB are enough); `truncated` when the file is longer. A JSON
/// object whose top-level keys seen in `head` name no kind is kOtherJson, unless `truncated` (its keys may come
/// later: it is then taken as resource JSON, so that an input is never left out because of its key order).
DetectedKind detect_input_kind(std::string_view head, bool truncated);

/// Imports every input into `model`; problems go to `diags` (file and JSON pointer into the input, also for
/// resources expanded from a template). Parameter files (given with --parameters or among the inputs) apply
/// to every template of the run, except those a directory walk found (InputOptions::directory_inputs), which apply
/// to the templates of their own directory. Never throws on bad input.
std::vector<InputReport> import_inputs(const std::vector<std::string>& paths, const InputOptions& options,
                                       model::Model& model, model::Diagnostics& diags);

/// True when one of the inputs is a deployment template or a Terraform plan or state: resources it references but
/// does not declare are then the normal case (they already exist), and the CLI accepts them unless --strict.
bool has_template(const std::vector<InputReport>& reports);

}  // namespace exposim::importers
