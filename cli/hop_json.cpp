// The JSON of a hop: version 2's one hop object, and the parts version 1's two writers share (cli/hop_json.h).
#include "cli/hop_json.h"

#include <functional>
#include <string_view>

#include "cli/exposure_cells.h"
#include "cli/json_parts.h"
#include "cli/json_writer.h"
#include "solver/paas.h"
#include "solver/paas_hop.h"

namespace exposim::cli {

using nlohmann::ordered_json;

void add_resource_json(ordered_json& j, const model::ResourceBase& r) {
  j["id"] = r.id;
  j["name"] = r.name;
}

void write_resource_fields(JsonWriter& w, const model::ResourceBase& r) { w.field("id", r.id).field("name", r.name); }

void add_written_fields(ordered_json& j, const std::function<void(JsonWriter&)>& write) {
  std::string text;
  JsonWriter w(text);
  w.begin_object();
  write(w);
  w.end_object();
  const ordered_json fields = ordered_json::parse(text);
  for (const auto& [key, value] : fields.items()) j[key] = value;
}

void write_nsg_rule_json(JsonWriter& w, const model::SecurityRule& r) {
  w.begin_object()
      .field("name", r.name)
      .field("priority", r.priority)
      .field("access", r.access == model::Access::kAllow ? "allow" : "deny")
      .field("default", r.is_default)
      .field("jit", r.is_jit)
      .end_object();
}

ordered_json nsg_rule_json(const model::SecurityRule& r) {
  std::string text;
  JsonWriter w(text);
  write_nsg_rule_json(w, r);
  return ordered_json::parse(text);
}

void write_nsg_hop_fields(JsonWriter& w, const model::Model& m, const char* scope, int nsg, int rule) {
  w.field("scope", scope);
  if (nsg < 0) return;
  const auto& g = m.nsgs[static_cast<std::size_t>(nsg)];
  write_resource_fields(w, g);
  if (rule < 0) return;
  w.key("rule");
  write_nsg_rule_json(w, g.rules[static_cast<std::size_t>(rule)]);
}

void write_admin_hop_fields(JsonWriter& w, const model::Model& m, const solver::Hop& h) {
  if (*h.scope != '\0') w.field("scope", h.scope);  // "outbound": an east-west source's VNet's outbound rules
  if (h.resource < 0) return;
  if (h.resource_kind != model::ResourceKind::kAdminRule) {  // no admin rule matched: the VNet whose rules apply
    write_resource_fields(w, m.vnets[static_cast<std::size_t>(h.resource)]);
    w.key("rule").null();
    return;
  }
  const auto& a = m.admin_rules[static_cast<std::size_t>(h.resource)];
  write_resource_fields(w, a);
  const auto* collection = a.collection.index >= 0 ? &m.admin_rule_collections[a.collection.index] : nullptr;
  const int config = collection != nullptr ? collection->configuration.index : -1;
  w.key("rule").begin_object().field("access", model::to_string(a.access)).field("priority", a.rule.priority);
  w.key("collection");
  if (collection != nullptr) {
    w.value(collection->name);
  } else {
    w.null();
  }
  w.key("configuration");
  if (config >= 0) {
    w.value(m.security_admin_configurations[config].name);
  } else {
    w.null();
  }
  w.end_object();
}

void add_nsg_hop_json(ordered_json& j, const model::Model& m, const char* scope, int nsg, int rule) {
  add_written_fields(j, [&](JsonWriter& w) { write_nsg_hop_fields(w, m, scope, nsg, rule); });
}

ordered_json lb_rule_json(const model::LoadBalancer& lb, LbRuleKind kind, int rule, ordered_json frontend_port,
                          ordered_json backend_port) {
  const std::string& name = kind == LbRuleKind::kInboundNatPool ? lb.nat_pools[rule].name
                            : kind == LbRuleKind::kInboundNat   ? lb.nat_rules[rule].name
                                                                : lb.rules[rule].name;
  return {{"name", name},
          {"kind", kind == LbRuleKind::kInboundNatPool ? "inbound-nat-pool"
                   : kind == LbRuleKind::kInboundNat   ? "inbound-nat"
                                                       : "load-balancing"},
          {"frontend_port", std::move(frontend_port)},
          {"backend_port", std::move(backend_port)}};
}

void add_firewall_json(ordered_json& j, const model::Firewall& fw) {
  add_resource_json(j, fw);
  j["threat_intel_mode"] = model::to_string(fw.threat_intel);
}

void write_bastion_fields(JsonWriter& w, const model::BastionHost& b) {
  write_resource_fields(w, b);
  w.field("sku", model::to_string(b.sku))
      .field("native_client", b.enable_tunneling)
      .field("ip_connect", b.enable_ip_connect)
      .field("shareable_link", b.enable_shareable_link);
}

void add_bastion_json(ordered_json& j, const model::BastionHost& b) {
  add_written_fields(j, [&](JsonWriter& w) { write_bastion_fields(w, b); });
}

void add_paas_hop_json(ordered_json& j, const model::PaasService& s, const solver::Hop& h, bool unnamed_null) {
  add_resource_json(j, s);
  j["service"] = model::to_string(s.kind);
  if (s.kind == model::PaasKind::kSqlManagedInstance) {  // no publicNetworkAccess, no firewall: the NSG hop
    j["public_data_endpoint"] = solver::data_endpoint_open(s) ? "enabled" : "disabled";
    return;
  }
  j["public_network_access"] = model::to_string(s.public_network_access);
  const bool own_scm = solver::is_scm(h) && !s.scm_uses_main;
  const model::Access default_action = own_scm ? s.scm_default_action : s.default_action;
  j["default_action"] = default_action == model::Access::kAllow ? "allow" : "deny";
  if (h.rule < 0) return;
  const auto& r = solver::hop_rules(s, h)[static_cast<std::size_t>(h.rule)];
  j["rule"] = {{"index", h.rule},
               {"name", r.name.empty() && unnamed_null ? ordered_json(nullptr) : ordered_json(r.name)},
               {"address", r.text},
               {"action", r.action == model::Access::kAllow ? "allow" : "deny"}};
  if (s.kind == model::PaasKind::kAppService) j["rule"]["priority"] = r.priority;
}

ordered_json listener_json(const model::ApplicationGateway& g, int listener) {
  const auto& l = g.listeners[listener];
  ordered_json j = {{"name", l.name},
                    {"port", g.frontend_ports[l.frontend_port.child].port},
                    {"protocol", model::to_string(l.protocol)},
                    {"host_names", l.host_names},
                    {"waf_mode", model::to_string(model::effective_waf_mode(g, l))}};
  return j;
}

namespace {

/// Version 2's `load-balancer` hop after `id` and `name`: the rule, its ports as the path uses them (null for HA
/// ports), or null when no rule matches.
ordered_json hop_v2_lb_rule(const model::LoadBalancer& lb, const solver::Hop& h) {
  if (h.rule < 0) return nullptr;
  const std::string_view scope = h.scope;
  const LbRuleKind kind = scope == "inbound-nat-pool" ? LbRuleKind::kInboundNatPool
                          : scope == "inbound-nat"    ? LbRuleKind::kInboundNat
                                                      : LbRuleKind::kLoadBalancing;
  const int backend = kind == LbRuleKind::kInboundNatPool ? lb.nat_pools[h.rule].backend_port
                      : kind == LbRuleKind::kInboundNat   ? lb.nat_rules[h.rule].backend_port
                                                          : lb.rules[h.rule].backend_port;
  return lb_rule_json(lb, kind, h.rule, h.port >= 0 ? ordered_json(h.port) : ordered_json(nullptr),
                      h.port >= 0 ? ordered_json(backend) : ordered_json(nullptr));
}

/// Version 2's `route` hop after its scope: the route table and its route as written, or `route` null for a system
/// route.
void add_hop_v2_route(ordered_json& j, const model::Model& m, const solver::Hop& h) {
  if (h.resource < 0) {
    j["route"] = nullptr;
    return;
  }
  const auto& rt = m.route_tables[static_cast<std::size_t>(h.resource)];
  add_resource_json(j, rt);
  if (h.rule < 0) {
    j["route"] = nullptr;
    return;
  }
  const auto& r = rt.routes[static_cast<std::size_t>(h.rule)];
  j["route"] = {{"name", r.name}, {"prefix", r.prefix_text}, {"next_hop", model::to_string(r.next_hop)}};
  if (r.next_hop_ip) j["route"]["next_hop_ip"] = r.next_hop_ip->to_string();
}

/// Version 2's `application-gateway` hop after `id` and `name`: the listener (null when none takes the packet)
/// and, at scope "routing", the request routing rule and target (null when nothing behind the listener is known).
void add_hop_v2_gateway(ordered_json& j, const model::ApplicationGateway& g, const solver::Hop& h) {
  j["listener"] = h.rule >= 0 ? listener_json(g, h.rule) : ordered_json(nullptr);
  if (std::string_view(h.scope) != "routing") return;
  if (h.via_rule < 0) {
    j["rule"] = nullptr;
    return;
  }
  const auto& r = g.rules[static_cast<std::size_t>(h.via_rule)];
  const auto& t = r.targets[static_cast<std::size_t>(h.via_target)];
  const auto& settings = g.backend_settings[t.settings.child];
  j["rule"] = {{"name", r.name},
               {"path_rule", t.path_rule.empty() ? ordered_json(nullptr) : ordered_json(t.path_rule)},
               {"backend_pool", g.backend_pools[t.pool.child].name},
               {"backend_settings", settings.name},
               {"backend_port", settings.port},
               {"backend_protocol", model::to_string(settings.protocol)}};
}

/// Version 2's hop fields of the kinds rare in large reports (load balancer, route, firewall, application gateway,
/// PaaS), after `hop`, the decision and `scope`, as a tree whose members write_hop_json() copies.
ordered_json hop_v2_rare_fields(const model::Model& m, const solver::Hop& h) {
  using K = solver::HopKind;
  ordered_json j = ordered_json::object();
  const auto at = [](int i) { return static_cast<std::size_t>(i); };
  switch (h.kind) {
    case K::kLoadBalancer: {
      const auto& lb = m.load_balancers[at(h.resource)];
      add_resource_json(j, lb);
      j["rule"] = hop_v2_lb_rule(lb, h);
      break;
    }
    case K::kRoute: add_hop_v2_route(j, m, h); break;
    case K::kFirewall: {
      const auto& fw = m.firewalls[at(h.resource)];
      add_firewall_json(j, fw);
      j["rule"] = h.rule >= 0 ? firewall_rule_json(m, fw, fw.order[at(h.rule)]) : ordered_json(nullptr);
      break;
    }
    case K::kApplicationGateway: {
      const auto& g = m.application_gateways[at(h.resource)];
      add_resource_json(j, g);
      add_hop_v2_gateway(j, g, h);
      break;
    }
    case K::kPaas: add_paas_hop_json(j, m.paas_services[at(h.resource)], h, true); break;
    default: break;
  }
  return j;
}

}  // namespace

void write_hop_json(JsonWriter& w, const model::Model& m, const solver::Hop& h, const HopDecision* decision) {
  using K = solver::HopKind;
  w.begin_object().field("hop", solver::to_string(h.kind));
  if (decision != nullptr) w.field("passes", decision->passes).field("reached", decision->reached);
  // An nsg hop always has its scope (write_nsg_hop_fields), the other kinds when they name one.
  if (*h.scope && h.kind != K::kNsg) w.field("scope", h.scope);
  switch (h.kind) {
    case K::kSource:
      // An east-west source (solver/east_west.h): the NIC, subnet or VNet the flow leaves from; the internet has no
      // resource.
      if (const auto* r = resource_of(m, h.resource_kind, h.resource)) {
        write_resource_fields(w, *r);
        w.field("type", model::to_string(h.resource_kind));
      }
      break;
    case K::kEntry:
      if (h.resource < 0) break;
      if (h.resource_kind == model::ResourceKind::kPublicIp) {
        const auto& pip = m.public_ips[static_cast<std::size_t>(h.resource)];
        write_resource_fields(w, pip);
        w.field("type", model::to_string(h.resource_kind)).key("ip");
        if (pip.address) {
          w.value(pip.address->to_string());
        } else {
          w.null();
        }
        w.field("sku", model::to_string(pip.sku));
      } else if (const auto* r = resource_of(m, h.resource_kind, h.resource)) {  // a Bastion host, private endpoint
        write_resource_fields(w, *r);
        w.field("type", model::to_string(h.resource_kind));
      }
      break;
    case K::kNsg: write_nsg_hop_fields(w, m, h.scope, h.resource, h.rule); break;
    case K::kNoNsg: break;
    case K::kBastion: write_bastion_fields(w, m.bastion_hosts[static_cast<std::size_t>(h.resource)]); break;
    case K::kTarget:
      if (const auto* r = resource_of(m, h.resource_kind, h.resource)) write_resource_fields(w, *r);
      w.field("type", model::to_string(h.resource_kind));
      break;
    case K::kAppliance:
      if (const auto* r = resource_of(m, h.resource_kind, h.resource)) write_resource_fields(w, *r);
      break;
    case K::kAdminRule: write_admin_hop_fields(w, m, h); break;
    case K::kLoadBalancer:
    case K::kRoute:
    case K::kFirewall:
    case K::kApplicationGateway:
    case K::kPaas: {
      const ordered_json fields = hop_v2_rare_fields(m, h);
      for (const auto& [key, value] : fields.items()) w.key(key).raw(value.dump());
      break;
    }
  }
  if (*h.note) w.field("note", h.note);
  if (decision != nullptr) {
    for (const auto& [key, value] : decision->trace.items()) w.key(key).raw(value.dump());
    w.field("reason", decision->reason);
  }
  w.end_object();
}

ordered_json hop_json(const model::Model& m, const solver::Hop& h, const HopDecision* decision) {
  std::string text;
  JsonWriter w(text);
  write_hop_json(w, m, h, decision);
  return ordered_json::parse(text);
}

}  // namespace exposim::cli
