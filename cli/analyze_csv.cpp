// analyze's CSV (cli/analyze_csv.h).
#include "cli/analyze_csv.h"

#include <algorithm>

#include "cli/analyze_report.h"
#include "cli/exposure_cells.h"

namespace exposim::cli {

using solver::HopKind;

namespace {

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

void write_csv(std::ostream& out, const model::Model& m, const solver::Analysis& a) {
  out << "target,target_type,target_id,target_ip,entry_ip,entry_name,via,protocol,ports,sources,any_source,jit,"
         "subnet_nsg_rule,nic_nsg_rule\n";
  for (const auto& e : a.exposures) {
    std::string sources;
    for (const auto& c : model::to_cidr_strings(e.sources)) sources += (sources.empty() ? "" : ";") + c;
    std::string ports = model::has_ports(e.protocol) ? model::to_string(e.ports) : "";
    std::replace(ports.begin(), ports.end(), ',', ';');
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
                                            ports,
                                            sources,
                                            e.any_source ? "true" : "false",
                                            e.jit ? "true" : "false",
                                            hops[0],
                                            hops[1]};
    for (std::size_t i = 0; i < cells.size(); ++i) out << (i ? "," : "") << csv_cell(cells[i]);
    out << '\n';
  }
}

}  // namespace exposim::cli
