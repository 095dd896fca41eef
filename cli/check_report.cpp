// Writers for check results. Deterministic: assertions in spec order, findings in the evaluator's order.
#include "cli/check_report.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/analyze_report.h"
#include "cli/explain_query_text.h"
#include "cli/explain_report.h"
#include "cli/explain_text.h"
#include "cli/exposure_cells.h"
#include "cli/json_parts.h"
#include "cli/reach_report.h"
#include "cli/sarif.h"
#include "cli/terminal.h"

namespace exposim::cli {
namespace {

using check::AssertionResult;
using nlohmann::ordered_json;

constexpr const char* kCheckSpecUri = "https://github.com/exposim/exposim/blob/main/docs/check-spec.md";

const model::ResourceBase* finding_resource(const model::Model& m, const check::Finding& f) {
  if (f.index < 0 || f.kind == model::ResourceKind::kInternet) return nullptr;
  return m.resource(model::GraphVertex{f.kind, f.index});
}

/// "vm-web (virtual-machine)", or "" when the finding has no resource.
std::string resource_label(const model::Model& m, const check::Finding& f) {
  const auto* r = finding_resource(m, f);
  if (r == nullptr) return "";
  std::string label = fmt::format("{} ({})", r->name, model::to_string(f.kind));
  if (f.kind == model::ResourceKind::kPublicIp && m.public_ips[f.index].address) {
    label = fmt::format("{} {} (public-ip)", r->name, m.public_ips[f.index].address->to_string());
  }
  return label;
}

/// The flow's trace when explain answered the assertion's query (flow assertions only).
const solver::FlowTrace* answered_trace(const AssertionResult& res) {
  return res.trace && res.trace->status == solver::FlowTrace::Status::kOk ? &*res.trace : nullptr;
}

/// The assertion's line: check's summary, or for a flow the verdict of its trace (cli/explain_text.h).
std::string assertion_summary(const model::Model& m, const AssertionResult& res) {
  if (const auto* t = answered_trace(res)) return verdict_text(m, *t);
  if (res.trace) return query_error_text(m, *res.trace);
  return res.summary;
}

/// Why a finding is a violation: check's reason, or for a flow with the other verdict "expected allowed, but ...".
std::string finding_reason(const model::Model& m, const AssertionResult& res, const check::Finding& f) {
  if (f.query_error && res.trace) return query_error_text(m, *res.trace);
  const auto* t = answered_trace(res);
  if (!f.unexpected_verdict || t == nullptr) return f.reason;
  return fmt::format("expected {}, but {}", res.assertion->expect_allowed ? "allowed" : "denied", verdict_text(m, *t));
}

/// "tcp 22 from any via public-ip at 52.1.2.3: subnet: no NSG > nic: nsg/allow-ssh (100)" for an exposure.
std::string exposure_line(const CheckReport& r, const solver::Exposure& e) {
  const auto c = exposure_row(r.model, e, r.analysis.internet);
  // cells: target, ip, entry, via, protocol, ports, sources, rules
  std::string line = fmt::format("{} {} from {} via {} at {}", c[4], c[5], c[6], c[3], c[2]);
  if (!c[7].empty()) line += "; rules: " + c[7];
  return line;
}

std::string target_label(const CheckReport& r, const solver::Exposure& e) {
  const auto c = exposure_row(r.model, e, r.analysis.internet);
  return c[1].empty() ? c[0] : fmt::format("{} ({})", c[0], c[1]);
}

/// "tcp 22 from vm-web-1 (10.1.1.4/32) to vm-db-1 (10.1.3.4/32); rules: ..." for an east-west flow; a PaaS public
/// endpoint (no destination address: Azure chooses it) is named with its host name ("to st
/// (st.blob.core.windows.net)").
std::string reach_flow_line(const model::Model& m, const solver::ReachFlow& f) {
  const std::string ports = model::has_ports(f.protocol) ? " " + model::to_string(f.ports) : "";
  const std::string to =
      f.target_kind == model::ResourceKind::kPaasService ? reach_target_ip(m, f) : cidr_list(f.destinations);
  std::string line = fmt::format("{}{} from {} ({}) to {} ({})", model::to_string(f.protocol), ports,
                                 reach_flow_source(m, f), cidr_list(f.sources), reach_flow_target(m, f), to);
  if (const std::string rules = reach_rules_text(m, f); !rules.empty()) line += "; rules: " + rules;
  return line;
}

/// The evidence of one finding as lines (without indentation).
std::vector<std::string> evidence_lines(const CheckReport& r, const AssertionResult& res, const check::Finding& f) {
  std::vector<std::string> lines;
  if (f.flow) {
    const std::string label = resource_label(r.model, f);
    lines.push_back(label.empty() ? f.reason : fmt::format("{}: {}", label, f.reason));
    lines.push_back("  " + reach_flow_line(r.model, *f.flow));
    return lines;
  }
  if (f.exposure) {
    lines.push_back(fmt::format("{}: {}", target_label(r, *f.exposure), f.reason));
    lines.push_back("  " + exposure_line(r, *f.exposure));
    return lines;
  }
  const std::string label = resource_label(r.model, f);
  const std::string reason = finding_reason(r.model, res, f);
  lines.push_back(label.empty() ? reason : fmt::format("{}: {}", label, reason));
  for (int i : f.entries) {
    const auto& e = r.analysis.exposures[static_cast<std::size_t>(i)];
    lines.push_back(fmt::format("  -> {}: {}", target_label(r, e), exposure_line(r, e)));
  }
  if (const auto* t = answered_trace(res)) {
    std::ostringstream trace;
    write_explain_table(trace, r.model, *t);
    std::string line;
    std::istringstream in(trace.str());
    while (std::getline(in, line)) lines.push_back("  " + line);
  }
  return lines;
}

std::string result_word(const AssertionResult& res) { return res.passed ? "PASS" : "FAIL"; }

std::size_t failed_count(const std::vector<AssertionResult>& results) {
  return static_cast<std::size_t>(
      std::count_if(results.begin(), results.end(), [](const auto& x) { return !x.passed; }));
}

ordered_json resource_json(const model::Model& m, const check::Finding& f) {
  const auto* res = finding_resource(m, f);
  if (res == nullptr) return nullptr;
  return {{"id", res->id}, {"name", res->name}, {"type", model::to_string(f.kind)}};
}

/// Where a finding is located: its own source (a recommendation's deciding property), the resource's object in its
/// input file, or the assertion in the spec.
model::SourceLocation location_of(const CheckReport& r, const AssertionResult& res, const check::Finding& f) {
  if (f.where && !f.where->file.empty()) return *f.where;
  if (const auto* res_base = finding_resource(r.model, f); res_base != nullptr && !res_base->where.file.empty()) {
    return res_base->where;
  }
  return res.assertion->where;
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 allows no control characters but tab, newline and carriage return.
        if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += '?';
        } else {
          out += c;
        }
    }
  }
  return out;
}

void write_check_text(std::ostream& out, const CheckReport& r) {
  for (const auto& res : r.results) {
    const auto& a = *res.assertion;
    // Each line escaped as one (cli/terminal.h): a name's line break cannot forge a line of the report.
    out << fmt::format("{}  {} ({}): {}\n", result_word(res), terminal_cell(a.name), check::to_string(a.kind),
                       terminal_cell(assertion_summary(r.model, res)));
    if (res.passed) continue;
    for (const auto& f : res.findings) {
      const auto lines = evidence_lines(r, res, f);
      for (std::size_t i = 0; i < lines.size(); ++i) {
        out << (i == 0 ? "      - " : "        ") << terminal_cell(lines[i]) << '\n';
      }
    }
  }
  const std::size_t failed = failed_count(r.results);
  out << fmt::format("{} assertion{}: {} passed, {} failed\n", r.results.size(), r.results.size() == 1 ? "" : "s",
                     r.results.size() - failed, failed);
}

void write_check_json(std::ostream& out, const CheckReport& r, const std::vector<model::Diagnostic>& diagnostics) {
  out << "{\n  \"format\": \"exposim-check\",\n  \"version\": 1,\n  \"spec\": "
      << ordered_json(r.spec.file.str()).dump() << ",\n  \"inputs\": " << ordered_json(r.inputs).dump()
      << ",\n  \"assertions\": [";
  for (std::size_t i = 0; i < r.results.size(); ++i) {
    const auto& res = r.results[i];
    const auto& a = *res.assertion;
    ordered_json j;
    j["name"] = a.name;
    j["kind"] = check::to_string(a.kind);
    if (!a.description.empty()) j["description"] = a.description;
    j["passed"] = res.passed;
    j["selected"] = res.selected;
    j["summary"] = assertion_summary(r.model, res);
    ordered_json findings = ordered_json::array();
    for (const auto& f : res.findings) {
      ordered_json fj;
      fj["resource"] = resource_json(r.model, f);
      fj["reason"] = finding_reason(r.model, res, f);
      if (f.exposure) fj["exposure"] = exposure_json(r.model, *f.exposure);
      if (f.flow) fj["flow"] = reach_flow_json(r.model, *f.flow);
      if (!f.entries.empty()) {
        ordered_json entries = ordered_json::array();
        for (int e : f.entries) entries.push_back(exposure_json(r.model, r.analysis.exposures[e]));
        fj["exposures"] = entries;
      }
      findings.push_back(fj);
    }
    j["findings"] = findings;
    if (const auto* t = answered_trace(res)) {
      j["flow"] = {{"allowed", t->allowed}, {"reason", verdict_text(r.model, *t)}};
    }
    out << (i ? ",\n    " : "\n    ") << j.dump();
  }
  const std::size_t failed = failed_count(r.results);
  ordered_json summary = {{"assertions", r.results.size()}, {"passed", r.results.size() - failed}, {"failed", failed}};
  out << (r.results.empty() ? "]" : "\n  ]") << ",\n  \"summary\": " << summary.dump() << ",\n  \"diagnostics\": [";
  for (std::size_t i = 0; i < diagnostics.size(); ++i) {
    out << (i ? ",\n    " : "\n    ") << diagnostic_json(diagnostics[i]).dump();
  }
  out << (diagnostics.empty() ? "]" : "\n  ]") << "\n}\n";
}

void write_check_junit(std::ostream& out, const CheckReport& r) {
  const std::size_t n = r.results.size();
  const std::size_t failed = failed_count(r.results);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << fmt::format("<testsuites name=\"exposim check\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n", n, failed);
  out << fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">\n",
                     xml_escape(r.spec.file.str()), n, failed);
  for (const auto& res : r.results) {
    const auto& a = *res.assertion;
    out << fmt::format("    <testcase name=\"{}\" classname=\"exposim.check.{}\"", xml_escape(a.name),
                       check::to_string(a.kind));
    if (res.passed) {
      out << "/>\n";
      continue;
    }
    out << fmt::format(">\n      <failure message=\"{}\" type=\"{}\">", xml_escape(assertion_summary(r.model, res)),
                       check::to_string(a.kind));
    std::string text;
    for (const auto& f : res.findings) {
      const auto lines = evidence_lines(r, res, f);
      for (std::size_t i = 0; i < lines.size(); ++i) text += (i == 0 ? "- " : "  ") + lines[i] + "\n";
    }
    out << xml_escape(text) << "</failure>\n    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
}

void write_check_sarif(std::ostream& out, const CheckReport& r) {
  std::vector<SarifRule> rules;
  for (const auto& res : r.results) {
    const auto& a = *res.assertion;
    SarifRule rule;
    rule.id = a.name;
    rule.name = check::to_string(a.kind);
    rule.short_description =
        a.description.empty() ? fmt::format("{} ({})", a.name, check::to_string(a.kind)) : a.description;
    rule.help_uri = kCheckSpecUri;
    rule.properties = {{"kind", check::to_string(a.kind)}};
    rules.push_back(std::move(rule));
  }
  std::vector<SarifResult> results;
  for (const auto& res : r.results) {
    for (const auto& f : res.findings) {
      const auto lines = evidence_lines(r, res, f);
      std::string text;
      for (const auto& l : lines) text += (text.empty() ? "" : "\n") + l;
      SarifResult result;
      result.rule_id = res.assertion->name;
      result.message = fmt::format("{}: {}", res.assertion->name, text);
      result.where = location_of(r, res, f);
      if (const auto* res_base = finding_resource(r.model, f)) {
        result.resource_name = res_base->name;
        result.resource_id = res_base->id;
      }
      results.push_back(std::move(result));
    }
  }
  write_sarif(out, kCheckSpecUri, rules, results);
}

}  // namespace exposim::cli
