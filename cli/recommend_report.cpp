// Writers for recommend results. Deterministic: findings in the solver's order (severity, id, resource), grouped
// by recommendation in that order.
#include "cli/recommend_report.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/json_parts.h"
#include "cli/sarif.h"
#include "cli/source_regions.h"
#include "cli/terminal.h"
#include "cli/text_table.h"
#include "solver/analysis.h"

namespace exposim::cli {
namespace {

using nlohmann::ordered_json;
using solver::Finding;
using solver::FindingStatus;
using solver::RecommendationInfo;
using solver::RecommendationSeverity;

constexpr const char* kRecommendationsUri = "https://github.com/exposim/exposim/blob/main/docs/recommendations.md";

constexpr std::array<FindingStatus, 4> kStatuses = {FindingStatus::kUnhealthy, FindingStatus::kHealthy,
                                                    FindingStatus::kNotApplicable, FindingStatus::kUndecidable};
constexpr std::array<RecommendationSeverity, 3> kSeverities = {
    RecommendationSeverity::kHigh, RecommendationSeverity::kMedium, RecommendationSeverity::kLow};

const model::ResourceBase* recommendation_resource(const model::Model& m, const Finding& f) {
  if (f.index < 0 || f.kind == model::ResourceKind::kInternet) return nullptr;
  return m.resource(model::GraphVertex{f.kind, f.index});
}

bool listed(const RecommendReport& r, const Finding& f) {
  return f.recommendation != nullptr && (r.all || f.status == FindingStatus::kUnhealthy);
}

/// The evidence of a finding in one line: the solver's summary, else its properties, else its ports.
std::string evidence_line(const Finding& f) {
  if (!f.summary.empty()) return f.summary;
  std::string line;
  for (const auto& p : f.properties) line += fmt::format("{}{} = {}", line.empty() ? "" : "; ", p.name, p.value);
  if (!line.empty()) return line;
  if (!f.tcp_ports.empty()) line = "tcp " + model::to_string(f.tcp_ports);
  if (!f.udp_ports.empty()) line += (line.empty() ? "udp " : ", udp ") + model::to_string(f.udp_ports);
  return line;
}

/// StatusCounts of findings by status and severity.
struct StatusCounts {
  std::map<std::pair<FindingStatus, RecommendationSeverity>, std::size_t> n;
  std::size_t of(FindingStatus s) const {
    std::size_t total = 0;
    for (auto sev : kSeverities) total += at(s, sev);
    return total;
  }
  std::size_t at(FindingStatus s, RecommendationSeverity sev) const {
    const auto it = n.find({s, sev});
    return it == n.end() ? 0 : it->second;
  }
};

StatusCounts count(const std::vector<Finding>& findings) {
  StatusCounts c;
  for (const auto& f : findings) {
    if (f.recommendation != nullptr) ++c.n[{f.status, f.recommendation->severity}];
  }
  return c;
}

/// "2 unhealthy, 1 healthy": the non-zero counts of one recommendation's findings, in status order.
std::string group_counts(const std::vector<const Finding*>& group) {
  std::string out;
  for (auto s : kStatuses) {
    const auto n = std::count_if(group.begin(), group.end(), [&](const Finding* f) { return f->status == s; });
    if (n > 0) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", n, solver::to_string(s));
  }
  return out;
}

int status_rank(FindingStatus s) {
  for (std::size_t i = 0; i < kStatuses.size(); ++i)
    if (kStatuses[i] == s) return static_cast<int>(i);
  return 0;
}

/// The findings by recommendation, in the solver's order; within a recommendation unhealthy first, exposed first.
std::vector<std::vector<const Finding*>> groups(const std::vector<Finding>& findings) {
  std::vector<std::vector<const Finding*>> out;
  for (const auto& f : findings) {
    if (f.recommendation == nullptr) continue;
    if (out.empty() || out.back().front()->recommendation->id != f.recommendation->id) out.emplace_back();
    out.back().push_back(&f);
  }
  for (auto& g : out) {
    std::stable_sort(g.begin(), g.end(), [](const Finding* a, const Finding* b) {
      return std::make_pair(status_rank(a->status), !a->exposed) < std::make_pair(status_rank(b->status), !b->exposed);
    });
  }
  return out;
}

/// Rows without a header, each cell padded to its column's widest; the last cell is not padded.
void write_rows(std::ostream& out, const std::vector<std::vector<std::string>>& raw_rows) {
  // Escaped before measured (cli/terminal.h): a name's control characters and line breaks stay in its cell.
  std::vector<std::vector<std::string>> rows;
  rows.reserve(raw_rows.size());
  for (const auto& r : raw_rows) {
    auto& row = rows.emplace_back();
    for (const auto& c : r) row.push_back(terminal_cell(c));
  }
  std::vector<std::size_t> width;
  for (const auto& row : rows) {
    width.resize(std::max(width.size(), row.size()));
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(width[c] - row[c].size() + 2, ' ');
    }
    out << line << '\n';
  }
}

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 14695981039346656037ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

ordered_json null_if_empty(std::string_view s) { return s.empty() ? ordered_json(nullptr) : ordered_json(s); }

ordered_json resource_json(const model::Model& m, const Finding& f) {
  const auto* res = recommendation_resource(m, f);
  if (res == nullptr) return nullptr;
  ordered_json j = {{"id", res->id}, {"name", res->name}, {"type", model::to_string(f.kind)}};
  const auto* address = m.source_address(res->key);
  j["address"] = address != nullptr ? ordered_json(address->address) : ordered_json(nullptr);
  return j;
}

ordered_json ports_json(const model::PortSet& ports) {
  ordered_json out = ordered_json::array();
  for (const auto& iv : ports.intervals()) out.push_back({iv.lo, iv.hi});
  return out;
}

ordered_json finding_json(const RecommendReport& r, const Finding& f, const SourceRegions& regions) {
  const RecommendationInfo& rec = *f.recommendation;
  ordered_json j;
  j["id"] = rec.id;
  j["title"] = rec.title;
  j["severity"] = solver::to_string(rec.severity);
  j["status"] = solver::to_string(f.status);
  j["exposed"] = f.exposed;
  j["resource"] = resource_json(r.model, f);
  ordered_json evidence;
  evidence["summary"] = f.summary;
  evidence["tcp_ports"] = ports_json(f.tcp_ports);
  evidence["udp_ports"] = ports_json(f.udp_ports);
  ordered_json exposures = ordered_json::array();
  for (auto i : f.exposures) {
    if (i < r.analysis.exposures.size()) exposures.push_back(exposure_json(r.model, r.analysis.exposures[i]));
  }
  evidence["exposures"] = exposures;
  ordered_json properties = ordered_json::array();
  for (const auto& p : f.properties) {
    const auto at = regions.region(p.where);
    properties.push_back({{"name", p.name},
                          {"value", p.value},
                          {"file", null_if_empty(p.where.file.str())},
                          {"pointer", p.where.pointer},
                          {"line", at ? ordered_json(at->line) : ordered_json(nullptr)}});
  }
  evidence["properties"] = properties;
  j["evidence"] = evidence;
  j["policy"] = {{"id", null_if_empty(rec.policy_id)}, {"name", null_if_empty(rec.policy_name)}};
  j["defender"] = {{"assessment_key", null_if_empty(rec.assessment_key)}};
  j["decision"] = solver::to_string(rec.decision);
  j["remediation"] = rec.remediation;
  j["help_uri"] = null_if_empty(rec.help_uri);
  const auto at = regions.region(f.where);
  j["location"] = {{"file", null_if_empty(f.where.file.str())},
                   {"pointer", f.where.pointer},
                   {"line", at ? ordered_json(at->line) : ordered_json(nullptr)},
                   {"column", at ? ordered_json(at->column) : ordered_json(nullptr)}};
  return j;
}

}  // namespace

const char* sarif_level(RecommendationSeverity s) {
  switch (s) {
    case RecommendationSeverity::kHigh: return "error";
    case RecommendationSeverity::kMedium: return "warning";
    case RecommendationSeverity::kLow: break;
  }
  return "note";
}

const char* sarif_kind(FindingStatus s) {
  switch (s) {
    case FindingStatus::kUnhealthy: return "fail";
    case FindingStatus::kHealthy: return "pass";
    case FindingStatus::kNotApplicable: return "notApplicable";
    case FindingStatus::kUndecidable: break;
  }
  return "review";
}

void write_recommend_table(std::ostream& out, const RecommendReport& r) {
  bool any = false;
  for (const auto& g : groups(r.recommendations.findings)) {
    std::vector<std::vector<std::string>> rows;
    for (const Finding* f : g) {
      if (!listed(r, *f)) continue;
      const auto* res = recommendation_resource(r.model, *f);
      rows.push_back({"  " + (res != nullptr ? res->name : std::string("-")), model::to_string(f->kind),
                      solver::to_string(f->status) + std::string(f->exposed ? ", exposed" : ""), evidence_line(*f)});
    }
    if (rows.empty()) continue;
    const RecommendationInfo& rec = *g.front()->recommendation;
    out << fmt::format("{}{}  {}  {} ({})\n", any ? "\n" : "", rec.id, solver::to_string(rec.severity), rec.title,
                       group_counts(g));
    write_rows(out, rows);
    any = true;
  }
  if (!any) out << (r.all ? "no recommendation was evaluated\n" : "no unhealthy finding\n");

  const StatusCounts c = count(r.recommendations.findings);
  out << fmt::format("\n{} unhealthy, {} healthy, {} not applicable, {} undecidable", c.of(FindingStatus::kUnhealthy),
                     c.of(FindingStatus::kHealthy), c.of(FindingStatus::kNotApplicable),
                     c.of(FindingStatus::kUndecidable));
  const auto& skipped = r.recommendations.skipped;
  std::string skipped_ids;
  for (const auto& id : skipped) skipped_ids += (skipped_ids.empty() ? "" : ", ") + id;
  out << fmt::format("; {} recommendation{} skipped{}\n", skipped.size(), skipped.size() == 1 ? "" : "s",
                     skipped.empty() ? "" : " (" + skipped_ids + ")");
  std::vector<std::vector<std::string>> rows;
  for (auto sev : kSeverities) {
    std::vector<std::string> row = {solver::to_string(sev)};
    for (auto s : kStatuses) row.push_back(std::to_string(c.at(s, sev)));
    rows.push_back(std::move(row));
  }
  write_text_table(out, {"severity", "unhealthy", "healthy", "not-applicable", "undecidable"}, rows);
  if (!r.all && c.of(FindingStatus::kUnhealthy) < r.recommendations.findings.size()) {
    out << "(healthy, not-applicable and undecidable results are counted, not listed: --all lists them)\n";
  }
}

void write_recommend_json(std::ostream& out, const RecommendReport& r,
                          const std::vector<model::Diagnostic>& diagnostics) {
  std::vector<model::SourceLocation> wanted;
  for (const auto& f : r.recommendations.findings) {
    if (!listed(r, f)) continue;
    wanted.push_back(f.where);
    for (const auto& p : f.properties) wanted.push_back(p.where);
  }
  const SourceRegions regions(wanted);
  out << "{\n  \"format\": \"exposim-recommend\",\n  \"version\": 1,\n  \"inputs\": " << ordered_json(r.inputs).dump()
      << ",\n  \"findings\": [";
  bool first = true;
  for (const auto& f : r.recommendations.findings) {
    if (!listed(r, f)) continue;
    out << (first ? "\n    " : ",\n    ") << finding_json(r, f, regions).dump();
    first = false;
  }
  const StatusCounts c = count(r.recommendations.findings);
  ordered_json summary;
  for (auto s : kStatuses) {
    ordered_json by = {{"total", c.of(s)}};
    for (auto sev : kSeverities) by[solver::to_string(sev)] = c.at(s, sev);
    summary[solver::to_string(s)] = by;
  }
  summary["skipped"] = r.recommendations.skipped;
  out << (first ? "]" : "\n  ]") << ",\n  \"summary\": " << summary.dump() << ",\n  \"diagnostics\": [";
  for (std::size_t i = 0; i < diagnostics.size(); ++i) {
    out << (i ? ",\n    " : "\n    ") << diagnostic_json(diagnostics[i]).dump();
  }
  out << (diagnostics.empty() ? "]" : "\n  ]") << "\n}\n";
}

void write_recommend_sarif(std::ostream& out, const RecommendReport& r) {
  const auto& skipped = r.recommendations.skipped;
  std::vector<SarifRule> rules;
  for (const auto& rec : r.catalog) {
    if (std::find(skipped.begin(), skipped.end(), rec.id) != skipped.end()) continue;
    SarifRule rule;
    rule.id = rec.id;
    rule.name = rec.title;
    rule.short_description = rec.title;
    std::string full = fmt::format("{}. Decided from {}", rec.title, solver::to_string(rec.decision));
    if (!rec.assessment_key.empty()) full += fmt::format("; Defender for Cloud assessment {}", rec.assessment_key);
    if (!rec.policy_id.empty()) full += fmt::format("; Azure Policy {} ({})", rec.policy_name, rec.policy_id);
    rule.full_description = full + ".";
    rule.help_text = std::string(rec.remediation);
    rule.help_uri = rec.help_uri;
    rule.level = sarif_level(rec.severity);
    ordered_json tags = ordered_json::array({"security"});
    if (!rec.assessment_key.empty()) tags.push_back(rec.assessment_key);
    if (!rec.policy_id.empty()) tags.push_back(rec.policy_id);
    rule.properties = {{"security-severity", security_severity(solver::to_string(rec.severity))},
                       {"tags", tags},
                       {"assessment_key", null_if_empty(rec.assessment_key)},
                       {"policy_id", null_if_empty(rec.policy_id)},
                       {"decision", solver::to_string(rec.decision)}};
    rules.push_back(std::move(rule));
  }
  std::vector<SarifResult> results;
  for (const auto& f : r.recommendations.findings) {
    if (!listed(r, f)) continue;
    const RecommendationInfo& rec = *f.recommendation;
    const auto* res = recommendation_resource(r.model, f);
    SarifResult result;
    result.rule_id = rec.id;
    result.kind = sarif_kind(f.status);
    result.level = sarif_level(rec.severity);
    const std::string name = res != nullptr ? res->name : std::string("-");
    result.message = fmt::format("{}: {} ({}) is {}: {}", rec.id, name, model::to_string(f.kind),
                                 solver::to_string(f.status), evidence_line(f));
    result.where = f.where;
    if (res != nullptr) {
      result.resource_name = res->name;
      result.resource_id = res->id;
    }
    const std::string key = fmt::format("{}|{}|{}|{}", rec.id, res != nullptr ? res->key.str() : std::string(),
                                        model::to_string(f.tcp_ports), model::to_string(f.udp_ports));
    result.fingerprints["exposimFinding/v1"] = fmt::format("{:016x}", fnv1a(key));
    result.properties = {{"status", solver::to_string(f.status)}, {"exposed", f.exposed}};
    results.push_back(std::move(result));
  }
  write_sarif(out, kRecommendationsUri, rules, results);
}

}  // namespace exposim::cli
