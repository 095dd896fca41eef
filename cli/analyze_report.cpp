// Writers for analyze results. Output is deterministic: the solver sorts exposures, writers keep order.
#include "cli/analyze_report.h"
#include "cli/analyze_counts.h"
#include "cli/analyze_source_sets.h"
#include "cli/broken_text.h"
#include "cli/exposure_cells.h"
#include "cli/hop_json.h"
#include "cli/hop_text.h"
#include "cli/json_parts.h"
#include "cli/text_table.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "solver/analysis.h"
#include "solver/paas.h"

namespace exposim::cli {
namespace {

using nlohmann::ordered_json;
using solver::Exposure;
using solver::Hop;
using solver::HopKind;
using solver::IpSet;

const model::SecurityRule* hop_rule(const model::Model& m, const Hop& h) {
  if (h.kind != HopKind::kNsg || h.resource < 0 || h.rule < 0) return nullptr;
  return &m.nsgs[h.resource].rules[h.rule];
}

bool ports_apply(model::Protocol p) { return model::has_ports(p); }

ordered_json ranges_json(const model::PortSet& ports) {
  ordered_json a = ordered_json::array();
  for (const auto& iv : ports.intervals()) a.push_back({iv.lo, iv.hi});
  return a;
}

/// The hop kinds as analyze's output contract spells them (docs/output-format.md): the one place where they
/// differ from explain's names (the source is "internet", the entry "public-ip", a PaaS hop its resource kind).
std::string hop_name(const Hop& h) {
  switch (h.kind) {
    case solver::HopKind::kSource: return "internet";
    case solver::HopKind::kEntry: return "public-ip";
    case solver::HopKind::kPaas: return model::to_string(h.resource_kind);
    default: return solver::to_string(h.kind);
  }
}

ordered_json analyze_hop_v1_json(const model::Model& m, const Hop& h) {
  using K = solver::HopKind;
  ordered_json j;
  j["hop"] = hop_name(h);
  switch (h.kind) {
    case K::kSource: break;
    case K::kEntry: {
      if (h.resource >= 0) {
        const auto& pip = m.public_ips[h.resource];
        add_resource_json(j, pip);
        j["ip"] = pip.address ? ordered_json(pip.address->to_string()) : ordered_json(nullptr);
        j["sku"] = model::to_string(pip.sku);
      }
      break;
    }
    case K::kNsg: add_nsg_hop_json(j, m, h.scope, h.resource, h.rule); break;
    case K::kLoadBalancer: {
      const auto& lb = m.load_balancers[h.resource];
      add_resource_json(j, lb);
      const std::string_view scope = h.scope;
      const LbRuleKind kind = scope == "inbound-nat-pool" ? LbRuleKind::kInboundNatPool
                              : scope == "inbound-nat"    ? LbRuleKind::kInboundNat
                                                          : LbRuleKind::kLoadBalancing;
      const int backend = kind == LbRuleKind::kInboundNatPool ? lb.nat_pools[h.rule].backend_port
                          : kind == LbRuleKind::kInboundNat   ? lb.nat_rules[h.rule].backend_port
                                                              : lb.rules[h.rule].backend_port;
      j["rule"] = lb_rule_json(lb, kind, h.rule, h.port >= 0 ? ordered_json(h.port) : ordered_json(nullptr),
                               h.port >= 0 ? ordered_json(backend) : ordered_json(nullptr));
      break;
    }
    case K::kNoNsg: j["scope"] = h.scope; break;
    case K::kTarget: {
      if (const auto* r = resource_of(m, h.resource_kind, h.resource)) add_resource_json(j, *r);
      j["type"] = model::to_string(h.resource_kind);
      break;
    }
    case K::kFirewall: {
      const auto& fw = m.firewalls[h.resource];
      add_firewall_json(j, fw);
      if (h.rule >= 0) j["rule"] = firewall_rule_json(m, fw, fw.order[h.rule]);
      break;
    }
    case K::kRoute: {
      j["scope"] = h.scope;
      if (h.resource >= 0) {
        const auto& rt = m.route_tables[h.resource];
        add_resource_json(j, rt);
        if (h.rule >= 0) {
          const auto& r = rt.routes[h.rule];
          j["route"] = {{"name", r.name}, {"prefix", r.prefix_text}, {"next_hop", model::to_string(r.next_hop)}};
          if (r.next_hop_ip) j["route"]["next_hop_ip"] = r.next_hop_ip->to_string();
        }
      } else {
        j["route"] = {{"name", "system"}};
      }
      break;
    }
    case K::kBastion: {
      j["scope"] = h.scope;
      add_bastion_json(j, m.bastion_hosts[h.resource]);
      break;
    }
    case K::kApplicationGateway: {
      j["scope"] = h.scope;
      const auto& g = m.application_gateways[h.resource];
      add_resource_json(j, g);
      j["listener"] = listener_json(g, h.rule);
      if (h.via_rule >= 0) {
        const auto& r = g.rules[h.via_rule];
        const auto& t = r.targets[h.via_target];
        const auto& settings = g.backend_settings[t.settings.child];
        j["rule"] = {{"name", r.name},
                     {"path_rule", t.path_rule.empty() ? ordered_json(nullptr) : ordered_json(t.path_rule)},
                     {"backend_pool", g.backend_pools[t.pool.child].name},
                     {"backend_settings", settings.name},
                     {"backend_port", settings.port},
                     {"backend_protocol", model::to_string(settings.protocol)}};
      }
      break;
    }
    case K::kPaas: {
      j["scope"] = h.scope;
      add_paas_hop_json(j, m.paas_services[h.resource], h, false);
      break;
    }
    case K::kAppliance: {
      if (*h.scope) j["scope"] = h.scope;
      if (const auto* r = resource_of(m, h.resource_kind, h.resource)) add_resource_json(j, *r);
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
    if (it == cache_.end()) it = cache_.emplace(s, sources_list_json(s)).first;
    return it->second;
  }

 private:
  std::map<IpSet, std::string> cache_;
};

/// One exposure as a single-line JSON object, keys in the documented order; `sources` is the value of its
/// `sources` key, already serialised (a CIDR list in version 1, a source set's id in version 2); `version` 2 writes
/// the path's hops in the one hop shape (cli/hop_json.h).
void write_exposure_json(std::ostream& out, const model::Model& m, const Exposure& e, std::string_view sources,
                         int version = 1) {
  const ordered_json target =
      e.nic >= 0 ? target_json(m, e.nic, e.ip_configuration, e.vm) : target_json(m, e.target_kind, e.target);

  ordered_json entry;
  const std::string eip = entry_ip(m, e);
  entry["ip"] = eip.empty() ? ordered_json(nullptr) : ordered_json(eip);
  entry["via"] = solver::to_string(e.via);
  if (e.via == solver::Via::kPaasPublic) {
    const auto& host = solver::entry_host(m.paas_services[e.target], e);
    entry["host"] = host.empty() ? ordered_json(nullptr) : ordered_json(host);
  }
  if (e.public_ip >= 0) {
    entry["id"] = m.public_ips[e.public_ip].id;
    entry["name"] = m.public_ips[e.public_ip].name;
    add_source_address(entry, m, m.public_ips[e.public_ip].key);
  }
  if (e.via != solver::Via::kPublicIp) {
    // Through a load balancer, firewall or gateway the client's port may differ from the target's
    // (public-ip entries omit `ports`: there they equal the exposure's `ports`).
    if (ports_apply(e.protocol)) entry["ports"] = ranges_json(e.entry_ports);
  }
  if (e.load_balancer >= 0) {
    const auto& lb = m.load_balancers[e.load_balancer];
    entry["load_balancer"] = {{"id", lb.id}, {"name", lb.name}};
    add_source_address(entry["load_balancer"], m, lb.key);
    entry["load_balancer"]["frontend"] = lb.frontends[e.frontend].name;
  }
  if (e.via == solver::Via::kFirewallDnat && e.gateway >= 0) {
    const auto& fw = m.firewalls[e.gateway];
    entry["firewall"] = {{"id", fw.id}, {"name", fw.name}};
    if (e.gateway_rule >= 0) entry["firewall"]["rule"] = firewall_rule_json(m, fw, fw.order[e.gateway_rule]);
  }
  if (e.gateway >= 0 &&
      (e.via == solver::Via::kBastion || (e.nic < 0 && e.target_kind == model::ResourceKind::kBastionHost))) {
    const auto& b = m.bastion_hosts[e.gateway];
    entry["bastion"] = {{"id", b.id}, {"name", b.name}, {"sku", model::to_string(b.sku)}};
  }
  if (e.gateway >= 0 && e.gateway_rule >= 0 &&
      (e.via == solver::Via::kApplicationGateway ||
       (e.nic < 0 && e.target_kind == model::ResourceKind::kApplicationGateway))) {
    const auto& g = m.application_gateways[e.gateway];
    entry["application_gateway"] = {{"id", g.id}, {"name", g.name}, {"listener", listener_json(g, e.gateway_rule)}};
  }
  ordered_json path = ordered_json::array();
  for (const auto& h : e.path) path.push_back(version == 2 ? hop_json(m, h) : analyze_hop_v1_json(m, h));

  out << R"({"target":)" << target.dump() << R"(,"entry":)" << entry.dump() << R"(,"protocol":")"
      << model::to_string(e.protocol) << '"';
  if (ports_apply(e.protocol)) {
    out << R"(,"ports":)" << ranges_json(e.ports).dump();
    if (!e.source_ports.is_all()) out << R"(,"source_ports":)" << ranges_json(e.source_ports).dump();
  }
  out << R"(,"sources":)" << sources << R"(,"any_source":)" << (e.any_source ? "true" : "false") << R"(,"jit":)"
      << (e.jit ? "true" : "false");
  if (e.broken) out << R"(,"broken":)" << ordered_json(broken_text(m, *e.broken)).dump();
  out << R"(,"path":)" << path.dump() << '}';
}

}  // namespace

ordered_json firewall_rule_json(const model::Model& m, const model::Firewall& fw,
                                const model::FirewallRulePosition& at) {
  ordered_json j;
  const model::FirewallRuleCollection* c = nullptr;
  if (at.policy >= 0) {
    const auto& policy = m.firewall_policies[at.policy];
    const auto& group = policy.groups[at.group];
    j["policy"] = policy.name;
    j["group"] = group.name;
    c = &group.collections[at.collection];
  } else {
    c = &fw.classic[at.collection];
  }
  j["collection"] = c->name;
  j["priority"] = c->priority;
  j["action"] = model::to_string(c->action);
  j["name"] = c->rules[at.rule].name;
  const auto& rule = c->rules[at.rule];
  j["kind"] = model::to_string(rule.kind);
  if (rule.kind == model::FirewallRuleKind::kNat) {
    j["translated_address"] = rule.translated_address ? ordered_json(rule.translated_address->to_string())
                                                      : ordered_json(rule.translated_fqdn);
    j["translated_port"] = rule.translated_port != 0 ? ordered_json(rule.translated_port) : ordered_json(nullptr);
  }
  return j;
}

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

void add_source_address(ordered_json& j, const model::Model& m, const std::string& key) {
  if (const model::SourceAddress* s = m.source_address(key)) j[s->scheme + "_address"] = s->address;
}

ordered_json target_json(const model::Model& m, int nic_index, int ip_configuration, int vm) {
  const auto& nic = m.nics[nic_index];
  const auto& cfg = nic.ip_configurations[ip_configuration];
  ordered_json target;
  if (vm >= 0) {
    target["id"] = m.vms[vm].id;
    target["name"] = m.vms[vm].name;
    add_source_address(target, m, m.vms[vm].key);
    target["type"] = "virtual-machine";
  } else {
    target["id"] = nic.id;
    target["name"] = nic.name;
    add_source_address(target, m, nic.key);
    target["type"] = "network-interface";
  }
  target["ip"] = cfg.private_ip ? ordered_json(cfg.private_ip->to_string()) : ordered_json(nullptr);
  target["nic"] = {{"id", nic.id}, {"name", nic.name}};
  add_source_address(target["nic"], m, nic.key);
  target["ip_configuration"] = cfg.name;
  if (nic.scale_set >= 0) {
    const auto& ss = m.scale_sets[nic.scale_set];
    target["scale_set"] = {
        {"id", ss.id},
        {"name", ss.name},
        {"instance", nic.scale_set_instance >= 0 ? ordered_json(nic.scale_set_instance) : ordered_json(nullptr)},
        {"synthesised", ss.synthesised}};
  }
  return target;
}

ordered_json target_json(const model::Model& m, model::ResourceKind kind, int index) {
  ordered_json target;
  const auto* r = resource_of(m, kind, index);
  target["id"] = r != nullptr ? r->id : "";
  target["name"] = r != nullptr ? r->name : "";
  if (r != nullptr) add_source_address(target, m, r->key);
  target["type"] = model::to_string(kind);
  const std::string ip = target_address(m, kind, index);
  if (kind == model::ResourceKind::kPaasService && index >= 0) {
    // A PaaS public endpoint is known by its host name; its addresses are Azure's to choose.
    const auto& s = m.paas_services[index];
    target["ip"] = nullptr;
    target["host"] = s.host_name.empty() ? ordered_json(nullptr) : ordered_json(s.host_name);
    target["service"] = model::to_string(s.kind);
    ordered_json pes = ordered_json::array();
    for (int p : s.private_endpoints) {
      const auto& pe = m.private_endpoints[p];
      ordered_json ips = ordered_json::array();
      for (const auto& a : pe.private_ips) ips.push_back(a.to_string());
      ordered_json connections = ordered_json::array();
      for (const auto& c : pe.connections) {
        if (c.target.index != index) continue;
        connections.push_back({{"name", c.name}, {"group_ids", c.group_ids}, {"status", model::to_string(c.status)}});
      }
      const auto* subnet = pe.subnet.resolved() ? &m.subnets[pe.subnet.index] : nullptr;
      // The subnet's privateEndpointNetworkPolicies: whether its NSG and route table apply to the endpoint.
      ordered_json nsg_applies = nullptr;
      ordered_json routes_apply = nullptr;
      if (subnet != nullptr) {
        using P = model::PrivateEndpointPolicy;
        const P p = subnet->private_endpoint_policies;
        nsg_applies = p == P::kEnabled || p == P::kNsgOnly;
        routes_apply = p == P::kEnabled || p == P::kRouteTableOnly;
      }
      pes.push_back({{"id", pe.id},
                     {"name", pe.name},
                     {"subnet", subnet != nullptr ? ordered_json(subnet->id) : ordered_json(nullptr)},
                     {"nsg_applies", nsg_applies},
                     {"routes_apply", routes_apply},
                     {"ips", ips},
                     {"connections", connections}});
    }
    target["private_endpoints"] = pes;
    return target;
  }
  target["ip"] = ip.empty() ? ordered_json(nullptr) : ordered_json(ip);
  return target;
}

std::string target_address(const model::Model& m, model::ResourceKind kind, int index) {
  if (index < 0) return "";
  switch (kind) {
    case model::ResourceKind::kFirewall:
      for (const auto& c : m.firewalls[index].ip_configurations) {
        if (c.private_ip) return c.private_ip->to_string();
      }
      return "";
    case model::ResourceKind::kPaasService: return m.paas_services[index].host_name;
    case model::ResourceKind::kApplicationGateway:
      for (const auto& fe : m.application_gateways[index].frontends) {
        if (fe.private_ip) return fe.private_ip->to_string();
      }
      return "";
    default: return "";  // a Bastion host's instance addresses are not known
  }
}

std::string target_name(const model::Model& m, const Exposure& e) {
  if (e.nic < 0) {
    const auto* r = resource_of(m, e.target_kind, e.target);
    return r != nullptr ? r->name : "";
  }
  return e.vm >= 0 ? m.vms[e.vm].name : m.nics[e.nic].name;
}

std::string describe_hop(const model::Model& m, const Hop& h) {
  switch (h.kind) {
    case HopKind::kNsg: {
      if (h.resource < 0) return "NSG not in input (assumed to allow)";
      const auto& nsg = m.nsgs[h.resource];
      if (const auto* r = hop_rule(m, h)) return fmt::format("{}/{} ({})", nsg.name, r->name, r->priority);
      return hop_resource_name(m, h);
    }
    case HopKind::kNoNsg: return hop_resource_name(m, h);
    case HopKind::kEntry: return h.resource >= 0 ? m.public_ips[h.resource].name : "public IP not in input";
    case HopKind::kApplicationGateway: {
      const auto& g = m.application_gateways[h.resource];
      std::string out = g.name + "/" + g.listeners[h.rule].name;
      if (h.via_rule >= 0) {
        const auto& t = g.rules[h.via_rule].targets[h.via_target];
        out += fmt::format(" -> {}:{}", g.backend_pools[t.pool.child].name, g.backend_settings[t.settings.child].port);
      }
      const auto waf = model::effective_waf_mode(g, g.listeners[h.rule]);
      if (waf != model::WafMode::kOff) out += fmt::format(" (WAF {})", model::to_string(waf));
      return out;
    }
    case HopKind::kPaas: {
      const auto& s = m.paas_services[h.resource];
      if (h.rule < 0) return fmt::format("{}/{}", s.name, h.scope);
      const auto& r = solver::hop_rules(s, h)[h.rule];
      std::string rule = r.name.empty() ? r.text : fmt::format("{} {}", r.name, r.text);
      if (solver::is_scm(h)) rule = "scm/" + rule;
      if (s.kind == model::PaasKind::kAppService) return fmt::format("{}/{} ({})", s.name, rule, r.priority);
      return fmt::format("{}/{}", s.name, rule);
    }
    case HopKind::kTarget:
    case HopKind::kBastion:
    case HopKind::kAppliance: return hop_resource_name(m, h);
    case HopKind::kFirewall: {
      const auto& fw = m.firewalls[h.resource];
      if (h.rule < 0) return hop_resource_name(m, h);
      const auto& at = fw.order[h.rule];
      const auto& c = at.policy >= 0 ? m.firewall_policies[at.policy].groups[at.group].collections[at.collection]
                                     : fw.classic[at.collection];
      return fmt::format("{}/{}/{} ({})", fw.name, c.name, c.rules[at.rule].name, c.priority);
    }
    case HopKind::kRoute: {
      if (h.resource < 0 || h.rule < 0) return hop_resource_name(m, h);
      const auto& rt = m.route_tables[h.resource];
      return rt.name + "/" + rt.routes[h.rule].name;
    }
    case HopKind::kLoadBalancer: {
      const auto& lb = m.load_balancers[h.resource];
      const std::string_view scope = h.scope;
      const std::string name = hop_resource_name(m, h);
      if (scope == "inbound-nat-pool") return name + "/" + lb.nat_pools[h.rule].name + " (NAT pool)";
      const bool nat = scope == "inbound-nat";
      return name + "/" + (nat ? lb.nat_rules[h.rule].name : lb.rules[h.rule].name);
    }
    case HopKind::kSource: return "internet";
  }
  return "";
}

void write_json(std::ostream& out, const model::Model& m, const solver::Analysis& a,
                const std::vector<model::Diagnostic>& diagnostics) {
  write_json(out, m, a, diagnostics, JsonOptions{});
}

void write_json(std::ostream& out, const model::Model& m, const solver::Analysis& a,
                const std::vector<model::Diagnostic>& diagnostics, const JsonOptions& options) {
  if (options.summary) {
    write_summary_json(out, a, diagnostics);
    return;
  }
  // Written one exposure at a time so that memory does not grow with the report.
  out << "{\n  \"format\": \"exposim-analyze\",\n  \"version\": " << (options.version == 2 ? 2 : 1);
  SourcesCache sources;
  std::optional<SourceSets> shared;
  if (options.version == 2) {
    // Version 2: every distinct source set once, before the exposures that refer to it by id.
    shared.emplace(a);
    out << ",\n  \"source_sets\": [";
    for (std::size_t i = 0; i < shared->size(); ++i) {
      out << (i ? ",\n    " : "\n    ");
      shared->write_set(out, i);
    }
    out << (shared->size() == 0 ? "]" : "\n  ]");
  }
  const auto sources_of = [&](const Exposure& e) -> const std::string& {
    return shared ? shared->reference(e.sources) : sources.json(e.sources);
  };
  out << ",\n  \"exposures\": [";
  for (std::size_t i = 0; i < a.exposures.size(); ++i) {
    out << (i ? ",\n    " : "\n    ");
    write_exposure_json(out, m, a.exposures[i], sources_of(a.exposures[i]), options.version);
  }
  out << (a.exposures.empty() ? "]" : "\n  ]") << ",\n  \"summary\": " << analyze_summary_json(a).dump();
  if (!a.broken.empty()) {
    // Only when there are some, so that estates without firewalls keep the version 1 shape exactly.
    out << ",\n  \"broken\": [";
    for (std::size_t i = 0; i < a.broken.size(); ++i) {
      out << (i ? ",\n    " : "\n    ");
      write_exposure_json(out, m, a.broken[i], sources_of(a.broken[i]), options.version);
    }
    out << "\n  ]";
  }
  out << ",\n  \"diagnostics\": [";
  for (std::size_t i = 0; i < diagnostics.size(); ++i) {
    const auto& d = diagnostics[i];
    out << (i ? ",\n    " : "\n    ") << diagnostic_json(d).dump();
  }
  out << (diagnostics.empty() ? "]" : "\n  ]") << "\n}\n";
}

ordered_json analyze_summary_json(const solver::Analysis& a) {
  const auto [exposed, others] = count_targets(a.exposures);
  ordered_json summary = {{"exposures", a.exposures.size()},
                          {"exposed_ip_configurations", exposed},
                          {"evaluated_ip_configurations", a.targets_evaluated}};
  if (others > 0) summary["exposed_other_targets"] = others;
  if (a.paas_services_evaluated > 0) summary["evaluated_paas_services"] = a.paas_services_evaluated;
  if (!a.broken.empty()) summary["broken"] = a.broken.size();
  return summary;
}

void write_exposure_object(std::ostream& out, const model::Model& m, const solver::Exposure& e,
                           std::string_view sources, int version) {
  write_exposure_json(out, m, e, sources, version);
}

std::string sources_list_json(const model::IpSet& s) { return ordered_json(model::to_cidr_strings(s)).dump(); }

ordered_json exposure_json(const model::Model& m, const solver::Exposure& e) {
  std::ostringstream s;
  write_exposure_json(s, m, e, sources_list_json(e.sources));
  return ordered_json::parse(s.str());
}

std::vector<std::string> exposure_row(const model::Model& m, const solver::Exposure& e, const IpSet& internet) {
  return table_row(m, e, internet);
}

}  // namespace exposim::cli
