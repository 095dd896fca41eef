// analyze's CSV (cli/analyze_csv.h).
#include "cli/analyze_csv.h"

#include <algorithm>
#include <string_view>

#include "cli/analyze_report.h"
#include "cli/exposure_cells.h"
#include "solver/analysis.h"

namespace exposim::cli {

using solver::HopKind;

namespace {

/// A port set as a cell: "22", "80;443", "1-65535"; "" for a portless protocol.
std::string ports_cell(const model::PortSet& p, model::Protocol protocol) {
  std::string out = model::has_ports(protocol) ? model::to_string(p) : "";
  std::replace(out.begin(), out.end(), ',', ';');
  return out;
}

}  // namespace

std::string csv_cell(const std::string& s) {
  // A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV Injection").
  const bool formula = !s.empty() && std::string_view("=+-@\t\r").find(s.front()) != std::string_view::npos;
  const std::string text = formula ? "'" + s : s;
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void write_csv(std::ostream& out, const model::Model& m, const solver::Analysis& a) {
  out << "target,target_type,target_id,target_ip,entry_ip,entry_name,via,protocol,ports,sources,any_source,jit,"
         "subnet_nsg_rule,nic_nsg_rule,entry_ports,path_rules\n";
  for (const auto& e : a.exposures) {
    std::string sources = e.any_source ? "any" : "";
    if (!e.any_source) {
      for (const auto& c : model::to_cidr_strings(e.sources)) sources += (sources.empty() ? "" : ";") + c;
    }
    std::string hops[2];
    int k = 0;
    for (const auto& h : e.path) {
      // The target's own NSGs: not those of a Bastion's or gateway's subnet on the way.
      const std::string_view scope = h.scope;
      const bool nsg = h.kind == HopKind::kNsg || h.kind == HopKind::kNoNsg;
      if (nsg && (scope == "subnet" || scope == "nic") && k < 2) {
        hops[k++] = describe_hop(m, h);
      }
    }
    const bool vm = e.vm >= 0;
    const auto* other = e.nic < 0 ? resource_of(m, e.target_kind, e.target) : nullptr;
    const std::string type = e.nic < 0 ? model::to_string(e.target_kind) : vm ? "virtual-machine" : "network-interface";
    const std::string id = e.nic < 0 ? (other != nullptr ? other->id : "") : vm ? m.vms[e.vm].id : m.nics[e.nic].id;
    const std::vector<std::string> cells = {target_name(m, e),
                                            type,
                                            id,
                                            private_ip(m, e),
                                            entry_ip(m, e),
                                            e.public_ip >= 0                    ? m.public_ips[e.public_ip].name
                                            : e.via == solver::Via::kPaasPublic ? paas_entry(m, e)
                                                                                : "",
                                            solver::to_string(e.via),
                                            model::to_string(e.protocol),
                                            ports_cell(e.ports, e.protocol),
                                            sources,
                                            e.any_source ? "true" : "false",
                                            e.jit ? "true" : "false",
                                            hops[0],
                                            hops[1],
                                            ports_cell(e.entry_ports, e.protocol),
                                            rules_text(m, e)};
    for (std::size_t i = 0; i < cells.size(); ++i) out << (i ? "," : "") << csv_cell(cells[i]);
    out << '\n';
  }
}

}  // namespace exposim::cli
