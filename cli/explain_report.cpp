// Writers for explain traces. Names are resolved through the model; the reasons are written by cli/explain_text.h.
#include "cli/explain_report.h"
#include "cli/explain_query_text.h"
#include "cli/explain_text.h"
#include "cli/hop_json.h"
#include "cli/hop_text.h"
#include "cli/json_parts.h"
#include "cli/terminal.h"
#include "cli/text_table.h"
#include "solver/east_west.h"

#include <algorithm>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace exposim::cli {
namespace {

using nlohmann::ordered_json;
using solver::FlowTrace;
using solver::HopKind;
using solver::TraceHop;

const model::IpConfiguration& ip_config(const model::Model& m, const FlowTrace& t) {
  return m.nics[t.nic].ip_configurations[t.ip_configuration];
}

/// The address the packet is sent to: the public IP, or the private IP when there is no internet entry; a PaaS
/// service's host name; a private endpoint's address.
std::string destination(const model::Model& m, const FlowTrace& t) {
  if (t.paas_service >= 0) {
    const auto& s = m.paas_services[t.paas_service];
    return t.scm ? s.scm_host_name : s.host_name;
  }
  if (t.private_endpoint >= 0) {
    const auto& pe = m.private_endpoints[t.private_endpoint];
    if (const auto ip = model::IpAddress::parse(t.query.target)) return ip->to_string();
    return pe.private_ips.empty() ? "" : pe.private_ips.front().to_string();
  }
  if (t.via_public_ip) {
    if (t.public_ip >= 0 && m.public_ips[t.public_ip].address) return m.public_ips[t.public_ip].address->to_string();
    if (t.public_ip < 0 && t.entry_address) return t.entry_address->to_string();  // a secured hub's address
    return "";
  }
  if (t.nic < 0) return "";  // a Bastion host without a public IP
  const auto& cfg = ip_config(m, t);
  return cfg.private_ip ? cfg.private_ip->to_string() : "";
}

/// The resource the trace ends at when no ip configuration is traced (an entry point itself), as a vertex.
model::GraphVertex entry_point(const FlowTrace& t) {
  using RK = model::ResourceKind;
  if (t.paas_service >= 0) return {RK::kPaasService, t.paas_service};
  if (t.private_endpoint >= 0) return {RK::kPrivateEndpoint, t.private_endpoint};
  if (t.application_gateway >= 0) return {RK::kApplicationGateway, t.application_gateway};
  if (t.bastion >= 0) return {RK::kBastionHost, t.bastion};
  if (t.firewall >= 0) return {RK::kFirewall, t.firewall};
  return {RK::kInternet, -1};
}

std::string target_name(const model::Model& m, const FlowTrace& t) {
  if (t.nic < 0 && entry_point(t).index >= 0) {  // an entry point itself, or nothing traced behind it
    const auto* r = m.resource(entry_point(t));
    std::string name = r != nullptr ? r->name : "";
    if (t.scm) name += " (SCM site)";
    return name;
  }
  if (t.nic < 0) {  // a load balancer frontend that forwards the packet nowhere
    const auto& lb = m.load_balancers[t.load_balancer];
    return fmt::format("{}/{}", lb.name, lb.frontends[t.frontend].name);
  }
  return t.vm >= 0 ? m.vms[t.vm].name : m.nics[t.nic].name;
}

/// An east-west flow's source: its VM (else NIC) name, or the subnet its address is in.
std::string source_name(const model::Model& m, const FlowTrace& t) {
  if (t.source_nic >= 0) {
    return t.source_vm >= 0 ? m.vms[t.source_vm].name : m.nics[t.source_nic].name;
  }
  return t.source_subnet >= 0 ? fmt::format("subnet '{}'", m.subnets[t.source_subnet].name) : std::string("-");
}

const char* result_text(const TraceHop& h) {
  if (h.reached) return h.passes ? "pass" : "stop";
  return h.passes ? "(would pass)" : "(would stop)";
}

std::string hop_label(const TraceHop& h) {
  if (h.kind == HopKind::kNoNsg) return fmt::format("nsg ({})", h.scope);
  if (*h.scope) return fmt::format("{} ({})", solver::to_string(h.kind), h.scope);
  return solver::to_string(h.kind);
}

std::string where_text(const model::Model& m, const FlowTrace& t, const TraceHop& h) {
  switch (h.kind) {
    case HopKind::kSource: return t.query.source.to_string();
    case HopKind::kEntry:
      if (h.resource_kind != model::ResourceKind::kPublicIp) {  // a private endpoint, a Bastion without public IP
        const auto* r = h.resource >= 0 ? m.resource(model::GraphVertex{h.resource_kind, h.resource}) : nullptr;
        return r != nullptr ? r->name : "-";
      }
      if (!t.via_public_ip) return "-";
      if (h.resource < 0 && t.entry_address) return t.entry_address->to_string();  // a secured hub's address
      return h.resource >= 0 ? m.public_ips[h.resource].name : "(public IP not in input)";
    case HopKind::kNsg: return h.resource >= 0 ? hop_resource_name(m, h) : "(NSG not in input)";
    case HopKind::kRoute: return hop_resource_name(m, solver::path_hop(m, h));  // the route table, not the subnet
    case HopKind::kApplicationGateway: {
      const auto& g = m.application_gateways[h.resource];
      const std::string name = hop_resource_name(m, h);
      return h.listener >= 0 ? fmt::format("{}/{}", name, g.listeners[h.listener].name) : name;
    }
    case HopKind::kLoadBalancer:
    case HopKind::kNoNsg:
    case HopKind::kFirewall:
    case HopKind::kBastion:
    case HopKind::kPaas:
    case HopKind::kAppliance:
    case HopKind::kAdminRule: return hop_resource_name(m, h);
    case HopKind::kTarget: break;  // analyze's hops only
  }
  return "";
}

/// The backends a hop could send to (load balancer pools, application gateway pools): VM (or NIC) name, NIC,
/// ip configuration, private IP.
ordered_json backends_json(const model::Model& m, const std::vector<model::IpConfigIndex>& list) {
  ordered_json backends = ordered_json::array();
  for (const auto& x : list) {
    const auto& nic = m.nics[x.nic];
    const auto& cfg = nic.ip_configurations[x.ip_configuration];
    const int vm = nic.virtual_machine.index;
    backends.push_back({{"name", vm >= 0 ? m.vms[vm].name : nic.name},
                        {"nic", {{"id", nic.id}, {"name", nic.name}}},
                        {"ip_configuration", cfg.name},
                        {"ip", cfg.private_ip ? ordered_json(cfg.private_ip->to_string()) : ordered_json(nullptr)}});
  }
  return backends;
}

/// How the packet enters, as the entry hop's `via` says it (null: no internet entry).
ordered_json explain_entry_via(const FlowTrace& t) {
  return t.appliance >= 0                    ? ordered_json("appliance")
         : t.firewall >= 0                   ? ordered_json("firewall-dnat")
         : t.load_balancer >= 0              ? ordered_json("load-balancer")
         : t.application_gateway >= 0        ? ordered_json("application-gateway")
         : t.bastion >= 0 && t.via_public_ip ? ordered_json("bastion")
         : t.via_public_ip                   ? ordered_json("public-ip")
                                             : ordered_json(nullptr);
}

/// A hop of version 1's `hops[]`.
ordered_json explain_hop_v1_json(const model::Model& m, const FlowTrace& t, const TraceHop& h) {
  ordered_json j;
  j["hop"] = solver::to_string(h.kind);
  j["passes"] = h.passes;
  j["reached"] = h.reached;
  switch (h.kind) {
    case HopKind::kSource:
      j["address"] = t.query.source.to_string();
      j["internet"] = t.internet_source;
      break;
    case HopKind::kEntry:
      j["via"] = explain_entry_via(t);
      if (h.resource_kind == model::ResourceKind::kPrivateEndpoint) {
        const auto& pe = m.private_endpoints[h.resource];
        j["private_endpoint"] = {{"id", pe.id}, {"name", pe.name}};
      }
      if (t.via_public_ip && h.resource >= 0) {
        const auto& pip = m.public_ips[h.resource];
        j["public_ip"] = {{"id", pip.id},
                          {"name", pip.name},
                          {"ip", pip.address ? ordered_json(pip.address->to_string()) : ordered_json(nullptr)},
                          {"sku", model::to_string(pip.sku)}};
      } else if (t.via_public_ip && t.entry_address) {
        // A secured virtual hub firewall's address: not a public IP resource (no id, name or SKU).
        j["public_ip"] = {{"ip", t.entry_address->to_string()}};
      }
      break;
    case HopKind::kLoadBalancer: {
      const auto& lb = m.load_balancers[h.resource];
      add_resource_json(j, lb);
      if (h.lb_rule >= 0) {
        const LbRuleKind kind = h.lb_nat_pool ? LbRuleKind::kInboundNatPool
                                : h.lb_nat    ? LbRuleKind::kInboundNat
                                              : LbRuleKind::kLoadBalancing;
        j["rule"] = lb_rule_json(lb, kind, h.lb_rule, h.frontend_port, h.backend_port);
      } else {
        j["rule"] = nullptr;
      }
      j["backends"] = backends_json(m, h.backends);
      break;
    }
    case HopKind::kNsg: add_nsg_hop_json(j, m, h.scope, h.resource, h.rule); break;
    case HopKind::kNoNsg: j["scope"] = h.scope; break;
    case HopKind::kFirewall: {
      const auto& fw = m.firewalls[h.resource];
      if (*h.scope) j["scope"] = h.scope;
      add_firewall_json(j, fw);
      j["rule"] = h.rule >= 0 ? firewall_rule_json(m, fw, fw.order[h.rule]) : ordered_json(nullptr);
      break;
    }
    case HopKind::kApplicationGateway: {
      const auto& g = m.application_gateways[h.resource];
      j["scope"] = h.scope;
      add_resource_json(j, g);
      if (h.listener < 0) {
        j["listener"] = nullptr;
        break;
      }
      const auto& l = g.listeners[h.listener];
      if (std::string_view(h.scope) == "listener") {
        j["listener"] = {{"name", l.name},
                         {"protocol", model::to_string(l.protocol)},
                         {"port", h.frontend_port},
                         {"host_names", l.host_names},
                         {"waf_mode", model::to_string(h.waf_mode)}};
        break;
      }
      j["listener"] = l.name;
      if (h.routing_rule < 0) {
        j["rule"] = nullptr;
        break;
      }
      const auto& rule = g.rules[h.routing_rule];
      const auto& target = rule.targets[h.routing_target];
      j["rule"] = {{"name", rule.name},
                   {"path_rule", target.path_rule.empty() ? ordered_json(nullptr) : ordered_json(target.path_rule)},
                   {"pool", g.backend_pools[target.pool.child].name},
                   {"settings", g.backend_settings[target.settings.child].name},
                   {"backend_port", h.backend_port}};
      if (h.internal_lb >= 0) {
        const auto& lb = m.load_balancers[h.internal_lb];
        j["internal_load_balancer"] = {{"id", lb.id}, {"name", lb.name}, {"rule", lb.rules[h.internal_lb_rule].name}};
      }
      j["backends"] = backends_json(m, h.backends);
      break;
    }
    case HopKind::kBastion: {
      const auto& b = m.bastion_hosts[h.resource];
      j["scope"] = h.scope;
      add_resource_json(j, b);
      j["sku"] = model::to_string(b.sku);
      break;
    }
    case HopKind::kPaas: {
      const auto& s = m.paas_services[h.resource];
      j["scope"] = h.scope;
      add_resource_json(j, s);
      j["service"] = model::to_string(s.kind);
      if (h.rule >= 0) {
        const auto& rules = t.scm && !s.scm_uses_main ? s.scm_ip_rules : s.ip_rules;
        const auto& r = rules[h.rule];
        j["rule"] = {{"name", r.name.empty() ? ordered_json(nullptr) : ordered_json(r.name)},
                     {"address", r.text},
                     {"action", r.action == model::Access::kAllow ? "allow" : "deny"}};
      }
      break;
    }
    case HopKind::kAppliance:  // the appliance's NIC (none: an east-west next hop not in the input)
      if (h.resource >= 0) add_resource_json(j, m.nics[h.resource]);
      break;
    case HopKind::kAdminRule:
      if (*h.scope) j["scope"] = h.scope;  // "outbound": an east-west source's VNet's outbound rules
      if (const auto* r = h.resource >= 0 ? m.resource(model::GraphVertex{h.resource_kind, h.resource}) : nullptr) {
        add_resource_json(j, *r);
      }
      break;
    case HopKind::kTarget: break;  // analyze's hops only
    case HopKind::kRoute:
      if (*h.scope) j["scope"] = h.scope;
      j["next_hop"] = model::to_string(h.next_hop);
      if (h.route_table >= 0) {
        const auto& rt = m.route_tables[h.route_table];
        const auto& r = rt.routes[h.route];
        j["route"] = {{"name", r.name},
                      {"prefix", r.prefix ? r.prefix->to_string() : r.prefix_text},
                      {"route_table", {{"id", rt.id}, {"name", rt.name}}}};
      } else {
        j["route"] = nullptr;  // the system default route
      }
      if (h.why.code == solver::ReasonCode::kEastWestPaas && h.route_table < 0) {
        // Toward a PaaS public endpoint: the system route by name ("service-endpoint", "default"; "no-route": none
        // carries the packet); a service endpoint's next hop as Azure's effective routes show it.
        j["system"] = h.note;
        if (std::string_view(h.note) == solver::kPaasServiceEndpointRoute) {
          j["next_hop"] = "VirtualNetworkServiceEndpoint";
        }
      }
      break;
  }
  j["reason"] = hop_text(m, h);
  return j;
}

/// A hop of version 2's `hops[]`: the one hop shape (cli/hop_json.h) of the hop as analyze's path holds it, with
/// explain's decision and what the trace of one packet adds.
ordered_json explain_hop_v2_json(const model::Model& m, const FlowTrace& t, const TraceHop& h) {
  HopDecision d;
  d.passes = h.passes;
  d.reached = h.reached;
  switch (h.kind) {
    case HopKind::kSource:
      d.trace["address"] = t.query.source.to_string();
      d.trace["internet"] = t.internet_source;
      break;
    case HopKind::kEntry: d.trace["via"] = explain_entry_via(t); break;
    case HopKind::kLoadBalancer: d.trace["backends"] = backends_json(m, h.backends); break;
    case HopKind::kApplicationGateway:
      if (std::string_view(h.scope) == "routing" && h.routing_rule >= 0)
        d.trace["backends"] = backends_json(m, h.backends);
      break;
    default: break;
  }
  d.reason = hop_text(m, h);
  solver::Hop hop = solver::path_hop(m, h);
  const std::string_view scope = hop.scope;
  if (t.nic < 0 && (h.kind == HopKind::kNsg || h.kind == HopKind::kNoNsg) &&
      (scope == "bastion-subnet" || scope == "gateway-subnet")) {
    hop.scope = "subnet";  // the trace ends at the entry point: its own subnet's NSG, as analyze's own exposure has it
  }
  return hop_json(m, hop, &d);
}

/// The command that traces entry `o` for the packet of `q`: "--from S --to T --port P [--backend B]", a Bastion
/// session's "--via bastion:NAME" or a network virtual appliance's "--via appliance:NAME".
std::string entry_command(const std::string& command, const solver::FlowQuery& q, const solver::OtherEntry& o) {
  std::string c = fmt::format("{} --from {} --to {}", command, q.source.to_string(), o.target);
  if (model::has_ports(q.protocol)) c += fmt::format(" --port {}", o.port);
  if (q.protocol != model::Protocol::kTcp) c += fmt::format(" --protocol {}", model::to_string(q.protocol));
  if (!o.backend.empty()) c += fmt::format(" --backend {}", o.backend);
  if (!o.bastion.empty()) c += fmt::format(" --via bastion:{}", o.bastion);
  if (!o.appliance.empty()) c += fmt::format(" --via appliance:{}", o.appliance);
  return c;
}

}  // namespace

void write_explain_table(std::ostream& out, const model::Model& m, const FlowTrace& t, const std::string& command) {
  const auto& q = t.query;
  if (!t.redirected_from.empty()) {
    out << fmt::format(
        "note: '{}' has no public IP of its own, so no packet reaches it directly; analyze reaches it "
        "with this packet through the entry traced below\n",
        t.redirected_from);
  }
  const std::string dst = destination(m, t);
  std::string flow = fmt::format("flow: {} {}", model::to_string(q.protocol), q.source.to_string());
  if (model::has_ports(q.protocol)) {
    flow = q.source.family() == model::IpFamily::kV4
               ? fmt::format("{}:{}", flow, q.source_port)
               : fmt::format("flow: {} [{}]:{}", model::to_string(q.protocol), q.source.to_string(), q.source_port);
  }
  if (t.east_west) flow += fmt::format(" ({})", source_name(m, t));
  if (q.via_bastion && t.bastion >= 0 && t.nic >= 0) {
    const auto& cfg = ip_config(m, t);
    flow += fmt::format(" -> {} ({})", target_name(m, t), cfg.private_ip ? cfg.private_ip->to_string() : "unallocated");
    if (model::has_ports(q.protocol)) flow += fmt::format(" port {}", q.destination_port);
    flow += fmt::format(" through Bastion '{}' ({}:443)", m.bastion_hosts[t.bastion].name,
                        dst.empty() ? "no public address" : dst);
  } else if (t.appliance >= 0) {
    const auto& cfg = ip_config(m, t);
    flow += fmt::format(" -> {} ({})", target_name(m, t), cfg.private_ip ? cfg.private_ip->to_string() : "unallocated");
    if (model::has_ports(q.protocol)) flow += fmt::format(" port {}", q.destination_port);
    flow +=
        fmt::format(" through appliance '{}' ({})", m.nics[t.appliance].name, dst.empty() ? "no public address" : dst);
  } else if (t.application_gateway >= 0) {
    // Behind a firewall's DNAT rule to a private frontend the client connects to the firewall's address.
    flow += fmt::format(" -> {}{} ({})", m.application_gateways[t.application_gateway].name,
                        t.firewall >= 0 ? fmt::format(" through firewall '{}'", m.firewalls[t.firewall].name) : "",
                        dst.empty() ? "unallocated" : dst);
    if (model::has_ports(q.protocol)) flow += fmt::format(" port {}", q.destination_port);
    if (t.nic >= 0) {
      const auto& cfg = ip_config(m, t);
      flow += fmt::format(", backend {} ({})", target_name(m, t),
                          cfg.private_ip ? cfg.private_ip->to_string() : "unallocated");
    }
  } else {
    flow += fmt::format(" -> {} ({})", target_name(m, t), dst.empty() ? "unallocated" : dst);
    if (model::has_ports(q.protocol)) flow += fmt::format(" port {}", q.destination_port);
  }
  out << terminal_cell(flow) << '\n';  // one line whatever the names hold (cli/terminal.h)

  const std::vector<std::string> header = {"HOP", "RESULT", "AT", "WHY"};
  std::vector<std::vector<std::string>> rows;
  for (const auto& h : t.hops) rows.push_back({hop_label(h), result_text(h), where_text(m, t, h), hop_text(m, h)});
  write_text_table(out, header, rows);
  out << "verdict: " << terminal_cell(verdict_text(m, t)) << '\n';
  if (!t.other_entries.empty()) {
    out << (!t.redirected_from.empty() ? "other entries that reach it with this packet:\n"
            : t.public_ip >= 0 || t.via_public_ip
                ? "analyze reaches the target with this packet through other entries:\n"
                : "the target has no public IP of its own, but analyze reaches it with this packet through:\n");
    for (const auto& o : t.other_entries) {
      out << "  " << terminal_cell(other_entry_text(m, q, o)) << '\n';
      if (o.traceable) out << "    " << entry_command(command, q, o) << '\n';
    }
  }
}

void write_explain_json(std::ostream& out, const model::Model& m, const FlowTrace& t,
                        const std::vector<model::Diagnostic>& diagnostics, int version) {
  const auto& q = t.query;
  ordered_json doc;
  doc["format"] = "exposim-explain";
  doc["version"] = version == 2 ? 2 : 1;
  ordered_json flow;
  flow["protocol"] = model::to_string(q.protocol);
  flow["source"] = q.source.to_string();
  const std::string dst = destination(m, t);
  flow["destination"] = dst.empty() ? ordered_json(nullptr) : ordered_json(dst);
  if (model::has_ports(q.protocol)) {
    flow["source_port"] = q.source_port;
    flow["destination_port"] = q.destination_port;
  }
  if (q.via_bastion && t.bastion >= 0) {
    const auto& b = m.bastion_hosts[t.bastion];
    flow["via"] = {{"kind", "bastion"}, {"id", b.id}, {"name", b.name}, {"port", 443}};
  }
  if (t.appliance >= 0) {  // the appliance's NIC, and the public address the client connects to
    const auto& nic = m.nics[t.appliance];
    flow["via"] = {{"kind", "appliance"},
                   {"id", nic.id},
                   {"name", nic.name},
                   {"ip", dst.empty() ? ordered_json(nullptr) : ordered_json(dst)}};
  }
  doc["flow"] = flow;
  if (t.east_west) {  // the source inside the estate: its ip configuration, or the subnet its address is in
    doc["source"] = t.source_nic >= 0      ? target_json(m, t.source_nic, t.source_ip_configuration, t.source_vm)
                    : t.source_subnet >= 0 ? target_json(m, model::ResourceKind::kSubnet, t.source_subnet)
                                           : ordered_json(nullptr);
  }
  // an ip configuration; else the entry point the trace ends at; null: a load balancer frontend that forwards the
  // packet nowhere
  const model::GraphVertex end = entry_point(t);
  doc["target"] = t.nic >= 0       ? target_json(m, t.nic, t.ip_configuration, t.vm)
                  : end.index >= 0 ? target_json(m, end.kind, end.index)
                                   : ordered_json(nullptr);
  if (t.firewall >= 0) doc["firewall"] = {{"id", m.firewalls[t.firewall].id}, {"name", m.firewalls[t.firewall].name}};
  if (t.application_gateway >= 0) {
    const auto& g = m.application_gateways[t.application_gateway];
    doc["application_gateway"] = {{"id", g.id}, {"name", g.name}};
  }
  if (t.bastion >= 0)
    doc["bastion"] = {{"id", m.bastion_hosts[t.bastion].id}, {"name", m.bastion_hosts[t.bastion].name}};
  if (t.appliance >= 0) doc["appliance"] = {{"id", m.nics[t.appliance].id}, {"name", m.nics[t.appliance].name}};
  ordered_json hops = ordered_json::array();
  for (const auto& h : t.hops) {
    hops.push_back(version == 2 ? explain_hop_v2_json(m, t, h) : explain_hop_v1_json(m, t, h));
  }
  doc["hops"] = hops;
  ordered_json verdict;
  verdict["allowed"] = t.allowed;
  verdict["broken"] = t.broken;
  verdict["internet_source"] = t.internet_source;
  verdict["stopped_at"] = t.stopped_at >= 0 ? ordered_json(t.stopped_at) : ordered_json(nullptr);
  if (t.stopped_at >= 0) {
    const auto& h = t.hops[static_cast<std::size_t>(t.stopped_at)];
    verdict["hop"] = solver::to_string(h.kind);
    if (*h.scope) verdict["scope"] = h.scope;
  }
  verdict["reason"] = verdict_text(m, t);
  doc["verdict"] = verdict;
  if (!t.redirected_from.empty()) {
    doc["redirected"] = {{"from", t.redirected_from}, {"direct", verdict_text(m, t.direct)}};
  }
  if (!t.other_entries.empty()) {
    ordered_json others = ordered_json::array();
    for (const auto& o : t.other_entries) {
      ordered_json e = {
          {"via", solver::to_string(o.via)}, {"description", other_entry_text(m, q, o)}, {"target", o.target}};
      if (model::has_ports(q.protocol)) e["port"] = o.port;
      e["backend"] = o.backend.empty() ? ordered_json(nullptr) : ordered_json(o.backend);
      e["bastion"] = o.bastion.empty() ? ordered_json(nullptr) : ordered_json(o.bastion);
      if (o.via == solver::Via::kAppliance) e["appliance"] = o.appliance;
      e["traceable"] = o.traceable;
      others.push_back(e);
    }
    doc["other_entries"] = others;
  }
  ordered_json diags = ordered_json::array();
  for (const auto& d : diagnostics) {
    diags.push_back(diagnostic_json(d));
  }
  doc["diagnostics"] = diags;
  out << doc.dump(2) << '\n';
}

}  // namespace exposim::cli
