// Detection of each input's kind, and templates expanded into resource JSON for the Azure importer.
#include "importers/inputs.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "importers/arm/template.h"
#include "importers/terraform/plan.h"
#include "model/ascii.h"
#include "model/parallel.h"

namespace exposim::importers {
namespace {

using nlohmann::json;

enum class Kind { kResources, kTemplate, kParameters, kTerraform };

/// The kind of a file from its `$schema` near the top (the first 64 KiB); resource JSON has none.
Kind sniff(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(64 * 1024, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  const std::string lower = model::ascii::lower(head);
  const auto schema = lower.find("\"$schema\"");
  if (schema == std::string::npos) return terraform::looks_like_terraform(head) ? Kind::kTerraform : Kind::kResources;
  const auto end = lower.find(',', schema);
  const std::string value = lower.substr(schema, end == std::string::npos ? std::string::npos : end - schema);
  // Any historic spelling: http or https, with or without the trailing '#', any casing.
  if (value.find("deploymenttemplate.json") != std::string::npos) return Kind::kTemplate;
  if (value.find("deploymentparameters.json") != std::string::npos) return Kind::kParameters;
  return Kind::kResources;
}

/// The keys of the top-level object of `head` (which starts with `{` after blanks), as far as `head` goes.
std::vector<std::string_view> top_level_keys(std::string_view head) {
  std::vector<std::string_view> keys;
  int depth = 0;
  bool expect_key = false;
  for (std::size_t i = head.find('{'); i < head.size(); ++i) {
    const char c = head[i];
    if (c == '"') {
      const std::size_t start = i + 1;
      for (++i; i < head.size() && head[i] != '"'; ++i) {
        if (head[i] == '\\') ++i;
      }
      if (i >= head.size()) break;
      if (depth == 1 && expect_key) keys.push_back(head.substr(start, i - start));
      expect_key = false;
    } else if (c == '{' || c == '[') {
      ++depth;
      expect_key = c == '{' && depth == 1;
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (c == ',' && depth == 1) {
      expect_key = true;
    }
  }
  return keys;
}

/// A whole file, or nullopt (reported) when it cannot be read or is larger than `cap`.
std::optional<std::string> read_file(const std::string& path, std::uint64_t cap, model::Diagnostics& diags) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    diags.error("file-read", {model::FileName(path), "", 0, 0}, "cannot open file");
    return std::nullopt;
  }
  const auto size = static_cast<std::uint64_t>(in.tellg());
  if (size > cap) {
    diags.error("file-too-large", {model::FileName(path), "", 0, 0},
                fmt::format("template is {} bytes, larger than the limit of {} bytes", size, cap));
    return std::nullopt;
  }
  in.seekg(0);
  std::string text(size, '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  if (static_cast<std::uint64_t>(in.gcount()) != size) {
    diags.error("file-read", {model::FileName(path), "", 0, 0}, "cannot read file");
    return std::nullopt;
  }
  return text;
}

}  // namespace

DetectedKind detect_input_kind(std::string_view head, bool truncated) {
  const auto first = head.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (first == std::string_view::npos || (head[first] != '{' && head[first] != '[')) return DetectedKind::kNotJson;
  if (head[first] == '[') return DetectedKind::kResources;
  const std::string lower = model::ascii::lower(head);
  if (const auto schema = lower.find("\"$schema\""); schema != std::string::npos) {
    const auto end = lower.find(',', schema);
    const std::string value = lower.substr(schema, end == std::string::npos ? std::string::npos : end - schema);
    if (value.find("deploymenttemplate.json") != std::string::npos) return DetectedKind::kTemplate;
    if (value.find("deploymentparameters.json") != std::string::npos) return DetectedKind::kParameters;
  } else if (terraform::looks_like_terraform(head)) {
    return DetectedKind::kTerraform;
  }
  // exposim's own JSON reports (`"format": "exposim-analyze"`, ...), which may be long.
  for (auto at = lower.find("\"format\""); at != std::string::npos; at = lower.find("\"format\"", at + 1)) {
    auto v = lower.find_first_not_of(" \t\r\n", at + 8);
    if (v == std::string::npos || lower[v] != ':') continue;
    v = lower.find_first_not_of(" \t\r\n", v + 1);
    if (v != std::string::npos && lower.compare(v, 9, "\"exposim-") == 0) return DetectedKind::kOtherJson;
  }
  bool change_number = false, values = false;
  for (std::string_view key : top_level_keys(head)) {
    const std::string k = model::ascii::lower(key);
    // A resource, a list response (REST `value`, Resource Graph `data`), a deployment status object.
    if (k == "type" || k == "value" || k == "data" || k == "deploymentstatus") return DetectedKind::kResources;
    change_number = change_number || k == "changenumber";
    values = values || k == "values";
  }
  if (change_number && values) return DetectedKind::kServiceTags;
  return truncated ? DetectedKind::kResources : DetectedKind::kOtherJson;
}

std::vector<InputReport> import_inputs(const std::vector<std::string>& paths, const InputOptions& options,
                                       model::Model& model, model::Diagnostics& diags) {
  std::vector<InputReport> reports(paths.size());
  std::vector<Kind> kinds(paths.size());
  arm::TemplateOptions template_options;
  template_options.modelled_type = [](std::string_view lower_type) { return azure::Importer::models(lower_type); };
  template_options.read_file = [&](const std::string& path) {
    return read_file(path, options.max_template_bytes, diags);
  };
  template_options.template_dirs = options.template_dirs;
  template_options.allowed_dirs = options.allowed_dirs;
  template_options.strict = options.strict;
  // Parameter values into `into`, later files winning.
  auto add_parameters = [&](const std::string& path, bool positional, json& into) {
    auto text = read_file(path, options.max_template_bytes, diags);
    if (!text) return;
    auto doc = arm::parse_arm_json(*text, path, diags);
    if (!doc) return;
    if (!arm::is_parameters_file(*doc)) {
      if (!positional) {
        diags.error("unexpected-shape", {model::FileName(path), "/$schema", 0, 0},
                    "not a parameter file: '$schema' does not end in 'deploymentParameters.json'");
      }
      return;
    }
    const json values = arm::parameter_values(*doc);
    for (auto it = values.begin(); it != values.end(); ++it) into[it.key()] = it.value();
  };
  // A parameter file found in a directory walk: its values apply to the templates of its own directory only.
  const std::set<std::string> walked(options.directory_inputs.begin(), options.directory_inputs.end());
  const auto directory_of = [](const std::string& path) { return std::filesystem::path(path).parent_path().string(); };
  std::map<std::string, json> directory_parameters;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    kinds[i] = sniff(paths[i]);
    reports[i].path = paths[i];
    reports[i].kind = kinds[i] == Kind::kTemplate     ? "template"
                      : kinds[i] == Kind::kParameters ? "parameters"
                      : kinds[i] == Kind::kTerraform  ? "terraform"
                                                      : "resources";
    if (kinds[i] != Kind::kParameters) continue;
    if (walked.count(paths[i]) != 0) {
      auto [it, fresh] = directory_parameters.try_emplace(directory_of(paths[i]), json::object());
      add_parameters(paths[i], true, it->second);
    } else {
      add_parameters(paths[i], true, template_options.parameters);
    }
  }
  for (const auto& p : options.parameter_files) add_parameters(p, false, template_options.parameters);
  json overrides = json::object();
  for (const auto& assignment : options.parameters) {
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0) {
      diags.error("invalid-value", {model::FileName("--param"), "", 0, 0},
                  fmt::format("'{}' is not NAME=VALUE", assignment));
      continue;
    }
    overrides[assignment.substr(0, eq)] = assignment.substr(eq + 1);
  }
  for (auto it = overrides.begin(); it != overrides.end(); ++it) template_options.parameters[it.key()] = it.value();

  // Templates are expanded first: the resource importer must know every valueless parameter of the run. They are
  // independent of each other: on `options.jobs` workers, each into its own slot (diagnostics, valueless
  // parameters), gathered in input order afterwards, so that the result does not depend on the workers.
  std::vector<std::vector<arm::ExpandedResource>> expansions(paths.size());
  std::vector<std::size_t> templates;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (kinds[i] == Kind::kTemplate) templates.push_back(i);
  }
  std::vector<model::Diagnostics> template_diags(templates.size());
  std::vector<std::vector<std::string>> template_valueless(templates.size());
  const auto expand_one = [&](std::size_t t) {
    const std::size_t i = templates[t];
    const std::string& path = paths[i];
    model::Diagnostics& into = template_diags[t];
    arm::TemplateOptions own = template_options;
    if (const auto d = directory_parameters.find(directory_of(path)); d != directory_parameters.end()) {
      // Its directory's parameter files over the others, the command line's overrides over both.
      for (auto it = d->second.begin(); it != d->second.end(); ++it) own.parameters[it.key()] = it.value();
      for (auto it = overrides.begin(); it != overrides.end(); ++it) own.parameters[it.key()] = it.value();
    }
    own.read_file = [&](const std::string& linked) { return read_file(linked, options.max_template_bytes, into); };
    auto text = read_file(path, options.max_template_bytes, into);
    if (!text) return;
    auto doc = arm::parse_arm_json(*text, path, into);
    if (!doc) return;
    if (!arm::is_deployment_template(*doc)) return;
    expansions[i] = arm::expand_template(*doc, path, own, into, &template_valueless[t]);
    reports[i].expanded = expansions[i].size();
  };
  // Progress is said from the calling thread only: with one worker before each template, as it is read; with
  // more, as the templates are done.
  const int jobs = templates.size() > 1 ? std::max(options.jobs, 1) : 1;
  model::parallel_for(
      templates.size(), jobs,
      [&](std::size_t t) {
        if (jobs == 1 && options.on_input) options.on_input(templates[t]);
        expand_one(t);
      },
      [&](std::size_t done) {
        if (jobs > 1 && options.on_input && done < templates.size()) options.on_input(templates[done]);
      });
  std::vector<std::string> valueless;
  for (std::size_t t = 0; t < templates.size(); ++t) {
    diags.append(template_diags[t]);
    for (auto& name : template_valueless[t]) {  // each name once, as a single list would hold it
      if (std::find(valueless.begin(), valueless.end(), name) == valueless.end()) valueless.push_back(std::move(name));
    }
  }

  // Expanded text is read as ARM reads it (ImportOptions::from_template); resource files as before. Both
  // importers fill one model in input order; each attaches its children at the end, finding parents that
  // the other added.
  azure::Importer importer(model, diags, options.import);
  azure::ImportOptions template_import = options.import;
  template_import.from_template = true;
  template_import.on_bytes = nullptr;  // generated text: its bytes are not the file's
  template_import.valueless_parameters = valueless;
  azure::Importer template_importer(model, diags, template_import);
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const std::string& path = paths[i];
    if (kinds[i] == Kind::kParameters) continue;
    if (options.on_input) options.on_input(i);
    if (kinds[i] == Kind::kResources) {
      reports[i].stats = importer.add_file(path);
      continue;
    }
    if (kinds[i] == Kind::kTerraform) {
      // Read whole (plans are at most a few hundred megabytes), with its own import session.
      auto text = read_file(path, options.max_template_bytes, diags);
      if (!text) continue;
      const bool prior =
          std::find(options.prior_state.begin(), options.prior_state.end(), path) != options.prior_state.end();
      const auto plan = terraform::import_plan(*text, path, options.import, model, diags,
                                               prior ? terraform::PlanSide::kPrior : terraform::PlanSide::kPlanned);
      reports[i].stats.resources = plan.resources;
      reports[i].stats.by_type = plan.by_type;
      reports[i].stats.detected_shape = fmt::format("Terraform {} (format_version {})", plan.kind,
                                                    plan.format_version.empty() ? "?" : plan.format_version);
      continue;
    }
    auto& expanded = expansions[i];
    // Each run of resources from one file (the template, or a linked template) is imported under that file's
    // name, so that diagnostics point into the file that declares the resource.
    for (std::size_t k = 0; k < expanded.size();) {
      const std::string file = expanded[k].file.empty() ? path : expanded[k].file;
      json list = json::array();
      std::vector<std::string> pointers;
      for (; k < expanded.size() && (expanded[k].file.empty() ? path : expanded[k].file) == file; ++k) {
        list.push_back(std::move(expanded[k].resource));
        pointers.push_back(std::move(expanded[k].pointer));
      }
      const azure::ImportStats stats = template_importer.add_text(list.dump(), file, &pointers);
      reports[i].stats.resources += stats.resources;
      for (const auto& [type, n] : stats.by_type) reports[i].stats.by_type[type] += n;
      for (const auto& [type, n] : stats.skipped_types) reports[i].stats.skipped_types[type] += n;
    }
    reports[i].stats.detected_shape = "template";
  }
  template_importer.finish();
  importer.finish();
  return reports;
}

bool has_template(const std::vector<InputReport>& reports) {
  return std::any_of(reports.begin(), reports.end(),
                     [](const InputReport& r) { return r.kind == "template" || r.kind == "terraform"; });
}

}  // namespace exposim::importers
