// Writers for explain traces. Names are resolved through the model; the solver's reasons are printed as is.
#include "cli/explain_report.h"
#include "cli/json_parts.h"
#include "cli/text_table.h"

#include <algorithm>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace exposim::cli {
namespace {

using nlohmann::ordered_json;
using solver::FlowTrace;
using solver::TraceHop;

const model::IpConfiguration& ip_config(const model::Model& m, const FlowTrace& t) {
  return m.nics[t.nic].ip_configurations[t.ip_configuration];
}

/// The address the packet is sent to: the public IP, or the private IP when there is no internet entry.
std::string destination(const model::Model& m, const FlowTrace& t) {
  if (t.via_public_ip) {
    if (t.public_ip >= 0 && m.public_ips[t.public_ip].address) return m.public_ips[t.public_ip].address->to_string();
    return "";
  }
  const auto& cfg = ip_config(m, t);
  return cfg.private_ip ? cfg.private_ip->to_string() : "";
}

std::string target_name(const model::Model& m, const FlowTrace& t) {
  if (t.nic < 0 && t.firewall >= 0) return m.firewalls[t.firewall].name;  // no target behind the DNAT rule
  if (t.nic < 0) {  // a load balancer frontend that forwards the packet nowhere
    const auto& lb = m.load_balancers[t.load_balancer];
    return fmt::format("{}/{}", lb.name, lb.frontends[t.frontend].name);
  }
  return t.vm >= 0 ? m.vms[t.vm].name : m.nics[t.nic].name;
}

const char* result_text(const TraceHop& h) {
  if (h.reached) return h.passes ? "pass" : "stop";
  return h.passes ? "(would pass)" : "(would stop)";
}

std::string hop_label(const TraceHop& h) {
  if (h.kind == TraceHop::Kind::kNoNsg) return fmt::format("nsg ({})", h.scope);
  if (*h.scope) return fmt::format("{} ({})", solver::to_string(h.kind), h.scope);
  return solver::to_string(h.kind);
}

std::string where_text(const model::Model& m, const FlowTrace& t, const TraceHop& h) {
  switch (h.kind) {
    case TraceHop::Kind::kSource: return t.query.source.to_string();
    case TraceHop::Kind::kEntry:
      if (!t.via_public_ip) return "-";
      return h.resource >= 0 ? m.public_ips[h.resource].name : "(public IP not in input)";
    case TraceHop::Kind::kLoadBalancer: return m.load_balancers[h.resource].name;
    case TraceHop::Kind::kNsg: return h.resource >= 0 ? m.nsgs[h.resource].name : "(NSG not in input)";
    case TraceHop::Kind::kNoNsg: return "no NSG";
    case TraceHop::Kind::kRoute: return h.route_table >= 0 ? m.route_tables[h.route_table].name : "system route";
    case TraceHop::Kind::kFirewall: return m.firewalls[h.resource].name;
  }
  return "";
}

ordered_json rule_json(const model::SecurityRule& r) {
  return {{"name", r.name},
          {"priority", r.priority},
          {"access", r.access == model::Access::kAllow ? "allow" : "deny"},
          {"default", r.is_default},
          {"jit", r.is_jit}};
}

ordered_json hop_json(const model::Model& m, const FlowTrace& t, const TraceHop& h) {
  ordered_json j;
  j["hop"] = solver::to_string(h.kind);
  j["passes"] = h.passes;
  j["reached"] = h.reached;
  switch (h.kind) {
    case TraceHop::Kind::kSource:
      j["address"] = t.query.source.to_string();
      j["internet"] = t.internet_source;
      break;
    case TraceHop::Kind::kEntry:
      j["via"] = t.firewall >= 0        ? ordered_json("firewall-dnat")
                 : t.load_balancer >= 0 ? ordered_json("load-balancer")
                 : t.via_public_ip    ? ordered_json("public-ip")
                                      : ordered_json(nullptr);
      if (t.via_public_ip && h.resource >= 0) {
        const auto& pip = m.public_ips[h.resource];
        j["public_ip"] = {{"id", pip.id},
                          {"name", pip.name},
                          {"ip", pip.address ? ordered_json(pip.address->to_string()) : ordered_json(nullptr)},
                          {"sku", model::to_string(pip.sku)}};
      }
      break;
    case TraceHop::Kind::kLoadBalancer: {
      const auto& lb = m.load_balancers[h.resource];
      j["id"] = lb.id;
      j["name"] = lb.name;
      if (h.lb_rule >= 0) {
        const std::string& name = h.lb_nat_pool ? lb.nat_pools[h.lb_rule].name
                                  : h.lb_nat    ? lb.nat_rules[h.lb_rule].name
                                                : lb.rules[h.lb_rule].name;
        j["rule"] = {{"name", name},
                     {"kind", h.lb_nat_pool ? "inbound-nat-pool" : h.lb_nat ? "inbound-nat" : "load-balancing"},
                     {"frontend_port", h.frontend_port},
                     {"backend_port", h.backend_port}};
      } else {
        j["rule"] = nullptr;
      }
      ordered_json backends = ordered_json::array();
      for (const auto& x : h.backends) {
        const auto& nic = m.nics[x.nic];
        const auto& cfg = nic.ip_configurations[x.ip_configuration];
        const int vm = nic.virtual_machine.index;
        backends.push_back({{"name", vm >= 0 ? m.vms[vm].name : nic.name},
                            {"nic", {{"id", nic.id}, {"name", nic.name}}},
                            {"ip_configuration", cfg.name},
                            {"ip", cfg.private_ip ? ordered_json(cfg.private_ip->to_string()) : ordered_json(nullptr)}});
      }
      j["backends"] = backends;
      break;
    }
    case TraceHop::Kind::kNsg:
      j["scope"] = h.scope;
      if (h.resource >= 0) {
        const auto& nsg = m.nsgs[h.resource];
        j["id"] = nsg.id;
        j["name"] = nsg.name;
        if (h.rule >= 0) j["rule"] = rule_json(nsg.rules[h.rule]);
      }
      break;
    case TraceHop::Kind::kNoNsg:
      j["scope"] = h.scope;
      break;
    case TraceHop::Kind::kFirewall: {
      const auto& fw = m.firewalls[h.resource];
      j["id"] = fw.id;
      j["name"] = fw.name;
      j["threat_intel_mode"] = model::to_string(fw.threat_intel);
      j["rule"] = h.rule >= 0 ? firewall_rule_json(m, fw, fw.order[h.rule]) : ordered_json(nullptr);
      break;
    }
    case TraceHop::Kind::kRoute:
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
      break;
  }
  j["reason"] = h.reason;
  return j;
}

}  // namespace

void write_explain_table(std::ostream& out, const model::Model& m, const FlowTrace& t) {
  const auto& q = t.query;
  const std::string dst = destination(m, t);
  std::string flow = fmt::format("flow: {} {}", model::to_string(q.protocol), q.source.to_string());
  if (model::has_ports(q.protocol)) {
    flow = q.source.family() == model::IpFamily::kV4 ? fmt::format("{}:{}", flow, q.source_port)
                                                      : fmt::format("flow: {} [{}]:{}", model::to_string(q.protocol),
                                                                    q.source.to_string(), q.source_port);
  }
  flow += fmt::format(" -> {} ({})", target_name(m, t), dst.empty() ? "unallocated" : dst);
  if (model::has_ports(q.protocol)) flow += fmt::format(" port {}", q.destination_port);
  out << flow << '\n';

  const std::vector<std::string> header = {"HOP", "RESULT", "AT", "WHY"};
  std::vector<std::vector<std::string>> rows;
  for (const auto& h : t.hops) rows.push_back({hop_label(h), result_text(h), where_text(m, t, h), h.reason});
  write_text_table(out, header, rows);
  out << "verdict: " << t.reason << '\n';
}

void write_explain_json(std::ostream& out, const model::Model& m, const FlowTrace& t,
                        const std::vector<model::Diagnostic>& diagnostics) {
  const auto& q = t.query;
  ordered_json doc;
  doc["format"] = "exposim-explain";
  doc["version"] = 1;
  ordered_json flow;
  flow["protocol"] = model::to_string(q.protocol);
  flow["source"] = q.source.to_string();
  const std::string dst = destination(m, t);
  flow["destination"] = dst.empty() ? ordered_json(nullptr) : ordered_json(dst);
  if (model::has_ports(q.protocol)) {
    flow["source_port"] = q.source_port;
    flow["destination_port"] = q.destination_port;
  }
  doc["flow"] = flow;
  // null: a load balancer frontend that forwards the packet nowhere
  doc["target"] = t.nic >= 0 ? target_json(m, t.nic, t.ip_configuration, t.vm) : ordered_json(nullptr);
  if (t.firewall >= 0) doc["firewall"] = {{"id", m.firewalls[t.firewall].id}, {"name", m.firewalls[t.firewall].name}};
  ordered_json hops = ordered_json::array();
  for (const auto& h : t.hops) hops.push_back(hop_json(m, t, h));
  doc["hops"] = hops;
  ordered_json verdict;
  verdict["allowed"] = t.allowed;
  verdict["internet_source"] = t.internet_source;
  verdict["stopped_at"] = t.stopped_at >= 0 ? ordered_json(t.stopped_at) : ordered_json(nullptr);
  if (t.stopped_at >= 0) {
    const auto& h = t.hops[static_cast<std::size_t>(t.stopped_at)];
    verdict["hop"] = solver::to_string(h.kind);
    if (*h.scope) verdict["scope"] = h.scope;
  }
  verdict["reason"] = t.reason;
  doc["verdict"] = verdict;
  ordered_json diags = ordered_json::array();
  for (const auto& d : diagnostics) {
    diags.push_back(diagnostic_json(d));
  }
  doc["diagnostics"] = diags;
  out << doc.dump(2) << '\n';
}

}  // namespace exposim::cli
