// The JSON of a hop that analyze's and explain's writers share (cli/hop_json.h).
#include "cli/hop_json.h"

namespace exposim::cli {

using nlohmann::ordered_json;

void add_resource_json(ordered_json& j, const model::ResourceBase& r) {
  j["id"] = r.id;
  j["name"] = r.name;
}

ordered_json nsg_rule_json(const model::SecurityRule& r) {
  return {{"name", r.name},
          {"priority", r.priority},
          {"access", r.access == model::Access::kAllow ? "allow" : "deny"},
          {"default", r.is_default},
          {"jit", r.is_jit}};
}

void add_nsg_hop_json(ordered_json& j, const model::Model& m, const char* scope, int nsg, int rule) {
  j["scope"] = scope;
  if (nsg < 0) return;
  const auto& g = m.nsgs[static_cast<std::size_t>(nsg)];
  add_resource_json(j, g);
  if (rule >= 0) j["rule"] = nsg_rule_json(g.rules[static_cast<std::size_t>(rule)]);
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

}  // namespace exposim::cli
