// Writers for analyze results. Output is deterministic: the solver sorts exposures, writers keep order.
#include "cli/analyze_report.h"
#include "cli/analyze_counts.h"
#include "cli/analyze_source_sets.h"
#include "cli/attack_path_report.h"
#include "cli/broken_text.h"
#include "cli/exposure_cells.h"
#include "cli/hop_json.h"
#include "cli/hop_text.h"
#include "cli/input_directories.h"
#include "cli/json_parts.h"
#include "cli/json_writer.h"
#include "cli/ordered_records.h"
#include "cli/source_lists.h"
#include "cli/text_table.h"

#include <algorithm>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "model/service_tags.h"
#include "solver/analysis.h"
#include "solver/nsg.h"
#include "solver/paas_hop.h"

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

/// Version 1's hop fields of the kinds rare in large reports (load balancer, firewall, route, application gateway,
/// PaaS), after `hop`, as a tree whose members write_hop_v1() copies.
ordered_json analyze_hop_v1_rare_fields(const model::Model& m, const Hop& h) {
  using K = solver::HopKind;
  ordered_json j = ordered_json::object();
  switch (h.kind) {
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
    default: break;
  }
  return j;
}

/// One hop of analyze's version 1 `path[]`.
void write_hop_v1(JsonWriter& w, const model::Model& m, const Hop& h) {
  using K = solver::HopKind;
  w.begin_object().field("hop", hop_name(h));
  switch (h.kind) {
    case K::kSource: break;
    case K::kEntry:
      if (h.resource >= 0) {
        const auto& pip = m.public_ips[h.resource];
        write_resource_fields(w, pip);
        w.key("ip");
        if (pip.address) {
          w.value(pip.address->to_string());
        } else {
          w.null();
        }
        w.field("sku", model::to_string(pip.sku));
      }
      break;
    case K::kNsg: write_nsg_hop_fields(w, m, h.scope, h.resource, h.rule); break;
    case K::kNoNsg: w.field("scope", h.scope); break;
    case K::kTarget:
      if (const auto* r = resource_of(m, h.resource_kind, h.resource)) write_resource_fields(w, *r);
      w.field("type", model::to_string(h.resource_kind));
      break;
    case K::kBastion:
      w.field("scope", h.scope);
      write_bastion_fields(w, m.bastion_hosts[h.resource]);
      break;
    case K::kAppliance:
      if (*h.scope) w.field("scope", h.scope);
      if (const auto* r = resource_of(m, h.resource_kind, h.resource)) write_resource_fields(w, *r);
      break;
    case K::kAdminRule: write_admin_hop_fields(w, m, h); break;
    case K::kLoadBalancer:
    case K::kFirewall:
    case K::kRoute:
    case K::kApplicationGateway:
    case K::kPaas: {
      const ordered_json fields = analyze_hop_v1_rare_fields(m, h);
      for (const auto& [key, value] : fields.items()) w.key(key).raw(value.dump());
      break;
    }
  }
  if (*h.note) w.field("note", h.note);
  w.end_object();
}

/// A port set as `[[lo, hi], ...]`.
void write_ranges(JsonWriter& w, const model::PortSet& ports) {
  w.begin_array();
  for (const auto& iv : ports.intervals()) w.begin_array().value(int{iv.lo}).value(int{iv.hi}).end_array();
  w.end_array();
}

/// The `entry` object of an exposure: the address and way in, and the resource it enters by.
void write_entry_json(JsonWriter& w, const model::Model& m, const Exposure& e) {
  w.begin_object().key("ip").string_or_null(entry_ip(m, e)).field("via", solver::to_string(e.via));
  if (e.via == solver::Via::kPaasPublic) {
    w.key("host").string_or_null(solver::entry_host(m.paas_services[e.target], e));
  }
  if (e.public_ip >= 0) {
    const auto& pip = m.public_ips[e.public_ip];
    w.field("id", pip.id).field("name", pip.name);
    write_source_address(w, m, pip.key);
  }
  if (e.via != solver::Via::kPublicIp) {
    // Through a load balancer, firewall or gateway the client's port may differ from the target's
    // (public-ip entries omit `ports`: there they equal the exposure's `ports`).
    if (ports_apply(e.protocol)) write_ranges(w.key("ports"), e.entry_ports);
  }
  if (e.load_balancer >= 0) {
    const auto& lb = m.load_balancers[e.load_balancer];
    w.key("load_balancer").begin_object().field("id", lb.id).field("name", lb.name);
    write_source_address(w, m, lb.key);
    w.field("frontend", lb.frontends[e.frontend].name).end_object();
  }
  if (e.via == solver::Via::kFirewallDnat && e.gateway >= 0) {
    const auto& fw = m.firewalls[e.gateway];
    w.key("firewall").begin_object().field("id", fw.id).field("name", fw.name);
    if (e.gateway_rule >= 0) w.key("rule").raw(firewall_rule_json(m, fw, fw.order[e.gateway_rule]).dump());
    w.end_object();
  }
  if (e.gateway >= 0 &&
      (e.via == solver::Via::kBastion || (e.nic < 0 && e.target_kind == model::ResourceKind::kBastionHost))) {
    const auto& b = m.bastion_hosts[e.gateway];
    w.key("bastion").begin_object().field("id", b.id).field("name", b.name);
    w.field("sku", model::to_string(b.sku)).end_object();
  }
  if (e.gateway >= 0 && e.gateway_rule >= 0 &&
      (e.via == solver::Via::kApplicationGateway ||
       (e.nic < 0 && e.target_kind == model::ResourceKind::kApplicationGateway))) {
    const auto& g = m.application_gateways[e.gateway];
    w.key("application_gateway").begin_object().field("id", g.id).field("name", g.name);
    w.key("listener").raw(listener_json(g, e.gateway_rule).dump()).end_object();
  }
  w.end_object();
}

}  // namespace

void append_exposure_json(std::string& out, const model::Model& m, const solver::Exposure& e, std::string_view sources,
                          int version) {
  JsonWriter w(out);
  w.begin_object().key("target");
  if (e.nic >= 0) {
    write_target_json(w, m, e.nic, e.ip_configuration, e.vm);
  } else {
    w.raw(target_json(m, e.target_kind, e.target).dump());
  }
  write_entry_json(w.key("entry"), m, e);
  w.field("protocol", model::to_string(e.protocol));
  if (ports_apply(e.protocol)) {
    write_ranges(w.key("ports"), e.ports);
    if (!e.source_ports.is_all()) write_ranges(w.key("source_ports"), e.source_ports);
  }
  w.key("sources").raw(sources).field("any_source", e.any_source).field("jit", e.jit);
  if (e.broken) w.field("broken", broken_text(m, *e.broken));
  w.key("path").begin_array();
  for (const auto& h : e.path) {
    if (version == 2) {
      write_hop_json(w, m, h);
    } else {
      write_hop_v1(w, m, h);
    }
  }
  w.end_array().end_object();
}

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

void write_source_address(JsonWriter& w, const model::Model& m, const std::string& key) {
  if (const model::SourceAddress* s = m.source_address(key)) w.field(s->scheme + "_address", s->address);
}

void write_target_json(JsonWriter& w, const model::Model& m, int nic_index, int ip_configuration, int vm) {
  const auto& nic = m.nics[nic_index];
  const auto& cfg = nic.ip_configurations[ip_configuration];
  w.begin_object();
  if (vm >= 0) {
    w.field("id", m.vms[vm].id).field("name", m.vms[vm].name);
    write_source_address(w, m, m.vms[vm].key);
    w.field("type", "virtual-machine");
  } else {
    w.field("id", nic.id).field("name", nic.name);
    write_source_address(w, m, nic.key);
    w.field("type", "network-interface");
  }
  w.key("ip");
  if (cfg.private_ip) {
    w.value(cfg.private_ip->to_string());
  } else {
    w.null();
  }
  w.key("nic").begin_object().field("id", nic.id).field("name", nic.name);
  write_source_address(w, m, nic.key);
  w.end_object().field("ip_configuration", cfg.name);
  if (nic.scale_set >= 0) {
    const auto& ss = m.scale_sets[nic.scale_set];
    w.key("scale_set").begin_object().field("id", ss.id).field("name", ss.name).key("instance");
    if (nic.scale_set_instance >= 0) {
      w.value(nic.scale_set_instance);
    } else {
      w.null();
    }
    w.field("synthesised", ss.synthesised).end_object();
  }
  w.end_object();
}

ordered_json target_json(const model::Model& m, int nic_index, int ip_configuration, int vm) {
  std::string text;
  JsonWriter w(text);
  write_target_json(w, m, nic_index, ip_configuration, vm);
  return ordered_json::parse(text);
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
      if (h.rule == solver::kNsgOverApproximated) return nsg.name + " (over-approximated: assumed to allow)";
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
    case HopKind::kAdminRule: {
      if (h.resource_kind != model::ResourceKind::kAdminRule) return hop_resource_name(m, h) + " (no admin rule)";
      const auto& a = m.admin_rules[h.resource];
      return fmt::format("{} ({}, {})", a.name, a.rule.priority, model::to_string(a.access));
    }
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
  // Written a round of exposures at a time (cli/ordered_records.h), so that memory does not grow with the report.
  out << "{\n  \"format\": \"exposim-analyze\",\n  \"version\": " << (options.version == 2 ? 2 : 1);
  const int jobs = std::max(options.jobs, 1);
  std::optional<SourceSets> shared;
  if (options.version == 2) {
    // Version 2: every distinct source set once, before the exposures that refer to it by id.
    shared.emplace(a);
    out << ",\n  \"source_sets\": [";
    write_records_in_order(out, shared->size(), jobs, {}, [&](std::size_t i, std::string& text) {
      text += i ? ",\n    " : "\n    ";
      shared->append_set(text, i);
    });
    out << (shared->size() == 0 ? "]" : "\n  ]");
  }
  const auto write_list = [&](const std::vector<Exposure>& list) {
    std::optional<SourceLists> cache;
    if (!shared) cache.emplace(list.size(), [&](std::size_t i) -> const Exposure& { return list[i]; });
    std::vector<const std::string*> lists;  // the round's `sources` values, from `first`
    std::size_t first = 0;
    write_records_in_order(
        out, list.size(), jobs,
        [&](std::size_t from, std::size_t to) {
          first = from;
          if (shared) {
            lists.clear();
            for (std::size_t i = from; i < to; ++i) lists.push_back(&shared->reference(list[i].sources));
          } else {
            lists = cache->prepare(from, to, jobs);
          }
        },
        [&](std::size_t i, std::string& text) {
          text += i ? ",\n    " : "\n    ";
          append_exposure_json(text, m, list[i], *lists[i - first], options.version);
        });
  };
  out << ",\n  \"exposures\": [";
  write_list(a.exposures);
  out << (a.exposures.empty() ? "]" : "\n  ]") << ",\n  \"summary\": " << analyze_summary_json(a).dump();
  if (m.service_tags) {  // only with --service-tags, so that other runs keep their shape exactly
    const auto& t = *m.service_tags;
    const ordered_json tags = {
        {"file", t.file}, {"cloud", t.cloud}, {"change_number", t.change_number}, {"tags", t.tags().size()}};
    out << ",\n  \"service_tags\": " << tags.dump();
  }
  if (options.directories != nullptr && !options.directories->empty()) {
    // Only with a directory among the inputs: the files read from it, and those skipped with their reason.
    ordered_json dirs = ordered_json::array();
    for (const auto& d : *options.directories) {
      ordered_json skipped = ordered_json::array();
      for (const auto& s : d.skipped) skipped.push_back({{"path", s.path}, {"reason", s.reason}});
      dirs.push_back({{"directory", d.directory}, {"files", d.files}, {"skipped", std::move(skipped)}});
    }
    out << ",\n  \"directories\": " << dirs.dump();
  }
  if (!a.broken.empty()) {
    // Only when there are some, so that estates without firewalls keep the version 1 shape exactly.
    out << ",\n  \"broken\": [";
    write_list(a.broken);
    out << "\n  ]";
  }
  if (options.attack_paths != nullptr) {
    const ordered_json paths = attack_paths_json(m, *options.attack_paths);
    out << ",\n  \"attack_paths\": [";
    for (std::size_t i = 0; i < paths.size(); ++i) out << (i ? ",\n    " : "\n    ") << paths[i].dump();
    out << (paths.empty() ? "]" : "\n  ]");
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
  std::string text;
  append_exposure_json(text, m, e, sources, version);
  out << text;
}

std::string sources_list_json(const model::IpSet& s) {
  std::string text;
  append_cidr_list(text, s);
  return text;
}

ordered_json exposure_json(const model::Model& m, const solver::Exposure& e) {
  std::string text;
  append_exposure_json(text, m, e, sources_list_json(e.sources));
  return ordered_json::parse(text);
}

std::vector<std::string> exposure_row(const model::Model& m, const solver::Exposure& e, const IpSet& internet) {
  return table_row(m, e, internet);
}

}  // namespace exposim::cli
