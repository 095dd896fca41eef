// Test-only helpers for deployment templates: the schemas, expanding a template (in memory or from a file) in the
// tests' subscription "sub" and resource group "rg", finding a diagnostic, and importing resource JSON as a
// template's expansion hands it to the Azure importer.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "importers/arm/template.h"
#include "importers/azure/resource_importer.h"
#include "model/diagnostic.h"

namespace exposim::testing {

inline const char* const kSchema = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";
inline const char* const kParametersSchema =
    "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#";

/// What a template expands to, and what the expansion reported.
struct Expansion {
  std::vector<importers::arm::ExpandedResource> resources;
  model::Diagnostics diags;
};

/// Options in subscription "sub" and resource group "rg" with `parameters` given.
inline importers::arm::TemplateOptions template_options(nlohmann::json parameters = nlohmann::json::object(),
                                                        bool strict = false) {
  importers::arm::TemplateOptions o;
  o.parameters = std::move(parameters);
  o.strict = strict;
  o.subscription_id = "sub";
  o.resource_group = "rg";
  return o;
}

/// Expands the template `tmpl`, read from "t.json".
inline Expansion expand(const nlohmann::json& tmpl, nlohmann::json params = nlohmann::json::object(),
                        bool strict = false) {
  Expansion e;
  const auto o = template_options(std::move(params), strict);
  e.resources = importers::arm::expand_template(tmpl, "t.json", o, e.diags);
  return e;
}

/// Expands the template at `path` as import_inputs does (linked files read from disk; one that cannot be opened
/// is a file-read error).
inline Expansion expand_file(const std::filesystem::path& path, nlohmann::json params = nlohmann::json::object(),
                             bool strict = false, std::vector<std::string> template_dirs = {}) {
  Expansion e;
  auto o = template_options(std::move(params), strict);
  o.template_dirs = std::move(template_dirs);
  o.read_file = [&e](const std::string& p) -> std::optional<std::string> {
    std::ifstream in(p, std::ios::binary);
    if (!in) {
      e.diags.error("file-read", {model::FileName(p), "", 0, 0}, "cannot open file");
      return std::nullopt;
    }
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  std::ifstream in(path);
  const nlohmann::json doc = nlohmann::json::parse(in);
  e.resources = importers::arm::expand_template(doc, path.string(), o, e.diags);
  return e;
}

/// The ids of the expanded resources, in order.
inline std::vector<std::string> ids(const Expansion& e) {
  std::vector<std::string> out;
  for (const auto& r : e.resources) out.push_back(r.resource["id"].get<std::string>());
  return out;
}

/// The first diagnostic with `code`, or nullptr.
inline const model::Diagnostic* find(const model::Diagnostics& d, const std::string& code) {
  for (const auto& x : d.items()) {
    if (x.code == code) return &x;
  }
  return nullptr;
}

/// The first diagnostic with `code` at JSON pointer `pointer`, or nullptr.
inline const model::Diagnostic* find_at(const model::Diagnostics& d, const std::string& code,
                                        const std::string& pointer) {
  for (const auto& x : d.items()) {
    if (x.code == code && x.where.pointer == pointer) return &x;
  }
  return nullptr;
}

/// Import options for resource JSON expanded from a template whose parameters `valueless` have no value.
inline importers::azure::ImportOptions from_template(std::vector<std::string> valueless = {}) {
  importers::azure::ImportOptions o;
  o.from_template = true;
  o.valueless_parameters = std::move(valueless);
  return o;
}

/// A JSON string literal holding `text` (escapes the \x01 of unknown values).
inline std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace exposim::testing
