// Writers for analyze results. Output is deterministic: the solver sorts exposures, writers keep order.
#include "cli/report.h"
#include "cli/json_parts.h"
#include "cli/text_table.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace exposim::cli {
namespace {

using nlohmann::ordered_json;
using solver::Exposure;
using solver::Hop;
using solver::IpSet;

const model::IpConfiguration& ip_config(const model::Model& m, const Exposure& e) {
  return m.nics[e.nic].ip_configurations[e.ip_configuration];
}

std::string private_ip(const model::Model& m, const Exposure& e) {
  const auto& cfg = ip_config(m, e);
  return cfg.private_ip ? cfg.private_ip->to_string() : "";
}

std::string entry_ip(const model::Model& m, const Exposure& e) {
  if (e.public_ip < 0) return "";
  const auto& pip = m.public_ips[e.public_ip];
  return pip.address ? pip.address->to_string() : "";
}

std::string entry_label(const model::Model& m, const Exposure& e) {
  std::string label;
  if (e.public_ip < 0) {
    label = "(unknown public IP)";
  } else {
    const auto& pip = m.public_ips[e.public_ip];
    label = pip.address ? pip.address->to_string() : pip.name + " (unallocated)";
  }
  // A load balancer may translate the port: show the port the client connects to.
  if (e.via != solver::Via::kPublicIp && model::has_ports(e.protocol) && e.entry_ports != e.ports) {
    label += ":" + model::to_string(e.entry_ports);
  }
  return label;
}

const model::SecurityRule* hop_rule(const model::Model& m, const Hop& h) {
  if (h.kind != Hop::Kind::kNsg || h.resource < 0 || h.rule < 0) return nullptr;
  return &m.nsgs[h.resource].rules[h.rule];
}

bool ports_apply(model::Protocol p) { return model::has_ports(p); }

ordered_json ranges_json(const model::PortSet& ports) {
  ordered_json a = ordered_json::array();
  for (const auto& iv : ports.intervals()) a.push_back({iv.lo, iv.hi});
  return a;
}

ordered_json hop_json(const model::Model& m, const Hop& h) {
  ordered_json j;
  switch (h.kind) {
    case Hop::Kind::kInternet: j["hop"] = "internet"; break;
    case Hop::Kind::kPublicIp: {
      j["hop"] = "public-ip";
      if (h.resource >= 0) {
        const auto& pip = m.public_ips[h.resource];
        j["id"] = pip.id;
        j["name"] = pip.name;
        j["ip"] = pip.address ? ordered_json(pip.address->to_string()) : ordered_json(nullptr);
        j["sku"] = model::to_string(pip.sku);
      }
      break;
    }
    case Hop::Kind::kNsg: {
      j["hop"] = "nsg";
      j["scope"] = h.scope;
      if (h.resource >= 0) {
        const auto& nsg = m.nsgs[h.resource];
        j["id"] = nsg.id;
        j["name"] = nsg.name;
      }
      if (const auto* r = hop_rule(m, h)) {
        j["rule"] = {{"name", r->name},
                     {"priority", r->priority},
                     {"access", r->access == model::Access::kAllow ? "allow" : "deny"},
                     {"default", r->is_default},
                     {"jit", r->is_jit}};
      }
      break;
    }
    case Hop::Kind::kLoadBalancer: {
      j["hop"] = "load-balancer";
      const auto& lb = m.load_balancers[h.resource];
      j["id"] = lb.id;
      j["name"] = lb.name;
      const bool nat = std::string_view(h.scope) == "inbound-nat";
      const std::string& name = nat ? lb.nat_rules[h.rule].name : lb.rules[h.rule].name;
      const int backend = nat ? lb.nat_rules[h.rule].backend_port : lb.rules[h.rule].backend_port;
      j["rule"] = {{"name", name},
                   {"kind", nat ? "inbound-nat" : "load-balancing"},
                   {"frontend_port", h.port >= 0 ? ordered_json(h.port) : ordered_json(nullptr)},
                   {"backend_port", h.port >= 0 ? ordered_json(backend) : ordered_json(nullptr)}};
      break;
    }
    case Hop::Kind::kNoNsg: j["hop"] = "no-nsg"; j["scope"] = h.scope; break;
    case Hop::Kind::kTarget: {
      j["hop"] = "target";
      const auto& nic = m.nics[h.resource];
      j["id"] = nic.id;
      j["name"] = nic.name;
      break;
    }
  }
  if (*h.note) j["note"] = h.note;
  return j;
}

/// Serialised source lists, computed once per distinct set (most exposures share "the whole internet").
class SourcesCache {
 public:
  const std::string& json(const IpSet& s) {
    auto it = cache_.find(s);
    if (it == cache_.end()) it = cache_.emplace(s, ordered_json(model::to_cidr_strings(s)).dump()).first;
    return it->second;
  }

 private:
  std::map<IpSet, std::string> cache_;
};

/// One exposure as a single-line JSON object, keys in the documented order.
void write_exposure_json(std::ostream& out, const model::Model& m, const Exposure& e, SourcesCache& sources) {
  const ordered_json target = target_json(m, e.nic, e.ip_configuration, e.vm);

  ordered_json entry;
  const std::string eip = entry_ip(m, e);
  entry["ip"] = eip.empty() ? ordered_json(nullptr) : ordered_json(eip);
  entry["via"] = solver::to_string(e.via);
  if (e.public_ip >= 0) {
    entry["id"] = m.public_ips[e.public_ip].id;
    entry["name"] = m.public_ips[e.public_ip].name;
  }
  if (e.via != solver::Via::kPublicIp) {
    // Through a load balancer the client's port may differ from the target's (public-ip entries omit
    // `ports`: there they equal the exposure's `ports`).
    if (ports_apply(e.protocol)) entry["ports"] = ranges_json(e.entry_ports);
    const auto& lb = m.load_balancers[e.load_balancer];
    entry["load_balancer"] = {{"id", lb.id}, {"name", lb.name}, {"frontend", lb.frontends[e.frontend].name}};
  }
  ordered_json path = ordered_json::array();
  for (const auto& h : e.path) path.push_back(hop_json(m, h));

  out << R"({"target":)" << target.dump() << R"(,"entry":)" << entry.dump() << R"(,"protocol":")"
      << model::to_string(e.protocol) << '"';
  if (ports_apply(e.protocol)) {
    out << R"(,"ports":)" << ranges_json(e.ports).dump();
    if (!e.source_ports.is_all()) out << R"(,"source_ports":)" << ranges_json(e.source_ports).dump();
  }
  out << R"(,"sources":)" << sources.json(e.sources) << R"(,"any_source":)" << (e.any_source ? "true" : "false")
      << R"(,"jit":)" << (e.jit ? "true" : "false") << R"(,"path":)" << path.dump() << '}';
}

std::string sources_text(const Exposure& e) {
  if (e.any_source) return "any";
  auto cidrs = model::to_cidr_strings(e.sources);
  constexpr std::size_t kShown = 3;
  std::string out;
  for (std::size_t i = 0; i < cidrs.size() && i < kShown; ++i) out += (i ? "," : "") + cidrs[i];
  if (cidrs.size() > kShown) out += fmt::format(" +{} more", cidrs.size() - kShown);
  return out;
}

std::string ports_text(const Exposure& e) {
  if (!ports_apply(e.protocol)) return "-";
  std::string p = e.ports.is_all() ? "all" : model::to_string(e.ports);
  if (!e.source_ports.is_all()) p += " (from source ports " + model::to_string(e.source_ports) + ")";
  return p;
}

std::string rules_text(const model::Model& m, const Exposure& e) {
  std::string out;
  for (const auto& h : e.path) {
    if (h.kind == Hop::Kind::kLoadBalancer) {
      out += "lb: " + describe_hop(m, h);
      continue;
    }
    if (h.kind != Hop::Kind::kNsg && h.kind != Hop::Kind::kNoNsg) continue;
    if (!out.empty()) out += " > ";
    out += std::string(h.scope) + ": " + describe_hop(m, h);
  }
  return out;
}

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

ordered_json diagnostic_json(const model::Diagnostic& d) {
  ordered_json j = {{"severity", model::to_string(d.severity)}, {"code", d.code}, {"file", d.where.file.str()}};
  if (!d.where.pointer.empty()) j["pointer"] = d.where.pointer;
  if (d.where.line > 0) {
    j["line"] = d.where.line;
    j["column"] = d.where.column;
  }
  j["message"] = d.message;
  return j;
}

ordered_json target_json(const model::Model& m, int nic_index, int ip_configuration, int vm) {
  const auto& nic = m.nics[nic_index];
  const auto& cfg = nic.ip_configurations[ip_configuration];
  ordered_json target;
  if (vm >= 0) {
    target["id"] = m.vms[vm].id;
    target["name"] = m.vms[vm].name;
    target["type"] = "virtual-machine";
  } else {
    target["id"] = nic.id;
    target["name"] = nic.name;
    target["type"] = "network-interface";
  }
  target["ip"] = cfg.private_ip ? ordered_json(cfg.private_ip->to_string()) : ordered_json(nullptr);
  target["nic"] = {{"id", nic.id}, {"name", nic.name}};
  target["ip_configuration"] = cfg.name;
  return target;
}

std::string target_name(const model::Model& m, const Exposure& e) {
  return e.vm >= 0 ? m.vms[e.vm].name : m.nics[e.nic].name;
}

std::string describe_hop(const model::Model& m, const Hop& h) {
  switch (h.kind) {
    case Hop::Kind::kNsg: {
      if (h.resource < 0) return "NSG not in input (assumed to allow)";
      const auto& nsg = m.nsgs[h.resource];
      if (const auto* r = hop_rule(m, h)) return fmt::format("{}/{} ({})", nsg.name, r->name, r->priority);
      return nsg.name;
    }
    case Hop::Kind::kNoNsg: return "no NSG";
    case Hop::Kind::kPublicIp:
      return h.resource >= 0 ? m.public_ips[h.resource].name : "public IP not in input";
    case Hop::Kind::kTarget: return m.nics[h.resource].name;
    case Hop::Kind::kLoadBalancer: {
      const auto& lb = m.load_balancers[h.resource];
      const bool nat = std::string_view(h.scope) == "inbound-nat";
      return lb.name + "/" + (nat ? lb.nat_rules[h.rule].name : lb.rules[h.rule].name);
    }
    case Hop::Kind::kInternet: return "internet";
  }
  return "";
}

void write_table(std::ostream& out, const model::Model& m, const solver::Analysis& a) {
  const std::vector<std::string> header = {"TARGET", "IP", "ENTRY", "VIA", "PROTO", "PORTS", "SOURCES", "RULES"};
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : a.exposures) {
    std::string via = solver::to_string(e.via);
    if (e.jit) via += " (jit)";
    rows.push_back({target_name(m, e), private_ip(m, e), entry_label(m, e), via, model::to_string(e.protocol),
                    ports_text(e), sources_text(e), rules_text(m, e)});
  }
  std::size_t targets = 0;
  {
    std::vector<std::pair<int, int>> seen;
    for (const auto& e : a.exposures) seen.emplace_back(e.nic, e.ip_configuration);
    std::sort(seen.begin(), seen.end());
    targets = static_cast<std::size_t>(std::unique(seen.begin(), seen.end()) - seen.begin());
  }
  if (!rows.empty()) {
    write_text_table(out, header, rows);
  }
  out << fmt::format("{} exposure{} on {} of {} ip configuration{} with a public IP\n", rows.size(),
                     rows.size() == 1 ? "" : "s", targets, a.targets_evaluated, a.targets_evaluated == 1 ? "" : "s");
}

void write_json(std::ostream& out, const model::Model& m, const solver::Analysis& a,
                const std::vector<model::Diagnostic>& diagnostics) {
  // Written one exposure at a time so that memory does not grow with the report.
  out << "{\n  \"format\": \"exposim-analyze\",\n  \"version\": 1,\n  \"exposures\": [";
  SourcesCache sources;
  for (std::size_t i = 0; i < a.exposures.size(); ++i) {
    out << (i ? ",\n    " : "\n    ");
    write_exposure_json(out, m, a.exposures[i], sources);
  }
  out << (a.exposures.empty() ? "]" : "\n  ]") << ",\n  \"summary\": ";
  std::vector<std::pair<int, int>> seen;
  for (const auto& e : a.exposures) seen.emplace_back(e.nic, e.ip_configuration);
  std::sort(seen.begin(), seen.end());
  const auto exposed = static_cast<std::size_t>(std::unique(seen.begin(), seen.end()) - seen.begin());
  ordered_json summary = {{"exposures", a.exposures.size()},
                          {"exposed_ip_configurations", exposed},
                          {"evaluated_ip_configurations", a.targets_evaluated}};
  out << summary.dump() << ",\n  \"diagnostics\": [";
  for (std::size_t i = 0; i < diagnostics.size(); ++i) {
    const auto& d = diagnostics[i];
    out << (i ? ",\n    " : "\n    ") << diagnostic_json(d).dump();
  }
  out << (diagnostics.empty() ? "]" : "\n  ]") << "\n}\n";
}

void write_csv(std::ostream& out, const model::Model& m, const solver::Analysis& a) {
  out << "target,target_type,target_id,target_ip,entry_ip,entry_name,via,protocol,ports,sources,any_source,jit,"
         "subnet_nsg_rule,nic_nsg_rule\n";
  for (const auto& e : a.exposures) {
    std::string sources;
    for (const auto& c : model::to_cidr_strings(e.sources)) sources += (sources.empty() ? "" : ";") + c;
    std::string ports = ports_apply(e.protocol) ? model::to_string(e.ports) : "";
    std::replace(ports.begin(), ports.end(), ',', ';');
    std::string hops[2];
    int k = 0;
    for (const auto& h : e.path) {
      if ((h.kind == Hop::Kind::kNsg || h.kind == Hop::Kind::kNoNsg) && k < 2) hops[k++] = describe_hop(m, h);
    }
    const bool vm = e.vm >= 0;
    const std::vector<std::string> cells = {
        target_name(m, e), vm ? "virtual-machine" : "network-interface", vm ? m.vms[e.vm].id : m.nics[e.nic].id,
        private_ip(m, e), entry_ip(m, e), e.public_ip >= 0 ? m.public_ips[e.public_ip].name : "",
        solver::to_string(e.via), model::to_string(e.protocol), ports, sources, e.any_source ? "true" : "false",
        e.jit ? "true" : "false", hops[0], hops[1]};
    for (std::size_t i = 0; i < cells.size(); ++i) out << (i ? "," : "") << csv_cell(cells[i]);
    out << '\n';
  }
}

}  // namespace exposim::cli
