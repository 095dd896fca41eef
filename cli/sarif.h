// SARIF 2.1.0 logs (OASIS Static Analysis Results Interchange Format), the one writer of `check --sarif` and
// `recommend --format sarif`: rules, results, and each result located at the line of the input that causes it
// (cli/source_regions.h) and at its Azure resource id.
#pragma once

#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/diagnostic.h"

namespace exposim::cli {

/// One `reportingDescriptor` of `tool.driver.rules`.
struct SarifRule {
  std::string id;  // unique within the log
  std::string name;
  std::string short_description;
  std::string full_description;       // "" leaves it out
  std::string help_text;              // "" leaves it out
  std::string help_uri;               // "" leaves it out
  std::string level{"error"};         // defaultConfiguration.level: "error", "warning" or "note"
  nlohmann::ordered_json properties;  // null leaves it out
};

/// One `result`. `kind` "fail" carries `level`; any other kind ("pass", "notApplicable", "review") has level
/// "none", as SARIF requires.
struct SarifResult {
  std::string rule_id;  // a SarifRule's id
  std::string kind{"fail"};
  std::string level{"error"};
  std::string message;
  model::SourceLocation where;  // the input file and the JSON pointer (or line) of what causes it
  /// The logical location: the resource's name and Azure id; "" leaves it out.
  std::string resource_name;
  std::string resource_id;
  std::map<std::string, std::string> fingerprints;  // partialFingerprints
  nlohmann::ordered_json properties;                // null leaves it out
};

/// Writes a SARIF 2.1.0 log of one run of exposim: `rules` in their order, then `results`, each with its
/// `ruleIndex` and a physical location (artifact URI relative to `cwd` when below it; the region's start line and
/// column when the file and pointer are found), read from each input file once.
void write_sarif(std::ostream& out, std::string_view information_uri, const std::vector<SarifRule>& rules,
                 const std::vector<SarifResult>& results,
                 const std::filesystem::path& cwd = std::filesystem::current_path());

/// A relative or absolute file path as a URI reference (RFC 3986; absolute paths as file:// URIs).
std::string file_uri(std::string_view path);
/// The SARIF artifact URI of input `path`: relative to `cwd` when the file is below it (what GitHub code scanning
/// resolves against the repository's checkout), else an absolute file:// URI; percent-encoded.
std::string artifact_uri(const std::string& path, const std::filesystem::path& cwd);

/// `security-severity` of a severity, as GitHub code scanning reads it: high 8.9, medium 6.9, low 3.9.
std::string_view security_severity(std::string_view severity);

}  // namespace exposim::cli
