// The SARIF 2.1.0 writer: a log with one run, rules by id, results located at their source.
#include "cli/sarif.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "cli/source_regions.h"

namespace exposim::cli {
namespace {

using nlohmann::ordered_json;

constexpr const char* kVersion = "0.1.0";

/// SARIF messages are plain text: control characters other than newline and tab become spaces.
std::string strip_control(std::string_view s) {
  std::string out;
  for (char c : s) out += (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') ? ' ' : c;
  return out;
}

ordered_json rule_json(const SarifRule& r) {
  ordered_json j;
  j["id"] = r.id;
  j["name"] = r.name;
  j["shortDescription"] = {{"text", strip_control(r.short_description)}};
  if (!r.full_description.empty()) j["fullDescription"] = {{"text", strip_control(r.full_description)}};
  if (!r.help_text.empty()) j["help"] = {{"text", strip_control(r.help_text)}};
  if (!r.help_uri.empty()) j["helpUri"] = r.help_uri;
  j["defaultConfiguration"] = {{"level", r.level}};
  if (!r.properties.is_null()) j["properties"] = r.properties;
  return j;
}

}  // namespace

std::string file_uri(std::string_view path) {
  std::string out = path.starts_with('/') ? "file://" : "";
  for (char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

std::string artifact_uri(const std::string& path, const std::filesystem::path& cwd) {
  const std::filesystem::path p(path);
  if (p.empty()) return "";
  const auto absolute = (p.is_absolute() ? p : cwd / p).lexically_normal();
  const auto rel = absolute.lexically_relative(cwd.lexically_normal());
  if (!rel.empty() && *rel.begin() != ".." && rel.is_relative()) return file_uri(rel.generic_string());
  return file_uri(absolute.generic_string());
}

std::string_view security_severity(std::string_view severity) {
  if (severity == "high") return "8.9";
  if (severity == "medium") return "6.9";
  return "3.9";
}

void write_sarif(std::ostream& out, std::string_view information_uri, const std::vector<SarifRule>& rules,
                 const std::vector<SarifResult>& results, const std::filesystem::path& cwd) {
  std::vector<model::SourceLocation> wanted;
  wanted.reserve(results.size());
  for (const auto& r : results) wanted.push_back(r.where);
  const SourceRegions regions(wanted);

  ordered_json rules_json = ordered_json::array();
  std::map<std::string, std::size_t, std::less<>> index;
  for (const auto& r : rules) {
    index.emplace(r.id, index.size());
    rules_json.push_back(rule_json(r));
  }
  ordered_json results_json = ordered_json::array();
  for (const auto& r : results) {
    ordered_json j;
    j["ruleId"] = r.rule_id;
    if (const auto it = index.find(r.rule_id); it != index.end()) j["ruleIndex"] = it->second;
    if (r.kind != "fail") j["kind"] = r.kind;
    j["level"] = r.kind == "fail" ? r.level : "none";
    j["message"] = {{"text", strip_control(r.message)}};
    ordered_json location;
    if (!r.where.file.empty()) {
      ordered_json physical = {{"artifactLocation", {{"uri", artifact_uri(r.where.file.str(), cwd)}}}};
      if (const auto at = regions.region(r.where)) {
        physical["region"] = {{"startLine", at->line}, {"startColumn", at->column}};
      }
      location["physicalLocation"] = physical;
    }
    if (!r.resource_id.empty()) {
      location["logicalLocations"] = ordered_json::array(
          {{{"name", r.resource_name}, {"fullyQualifiedName", r.resource_id}, {"kind", "resource"}}});
    }
    j["locations"] = location.is_null() ? ordered_json::array() : ordered_json::array({location});
    if (!r.fingerprints.empty()) j["partialFingerprints"] = r.fingerprints;
    if (!r.properties.is_null()) j["properties"] = r.properties;
    results_json.push_back(j);
  }
  ordered_json driver = {{"name", "exposim"},
                         {"version", kVersion},
                         {"semanticVersion", kVersion},
                         {"informationUri", information_uri},
                         {"rules", rules_json}};
  ordered_json run = {{"tool", {{"driver", driver}}}, {"columnKind", "unicodeCodePoints"}, {"results", results_json}};
  ordered_json log = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                      {"version", "2.1.0"},
                      {"runs", ordered_json::array({run})}};
  out << log.dump(2) << '\n';
}

}  // namespace exposim::cli
