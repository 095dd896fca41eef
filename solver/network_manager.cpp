// Security admin rules as a stage of an inbound path (solver/network_manager.h).
#include "solver/network_manager.h"

#include <algorithm>

#include "solver/address_space.h"
#include "solver/nsg.h"

namespace exposim::solver {

int admin_rules_vnet(const model::Model& m, int subnet) {
  if (subnet < 0 || m.admin_rules.empty()) return -1;  // the common case costs nothing
  const int vnet = m.subnets[subnet].vnet.index;
  return vnet >= 0 && !m.vnets[vnet].admin_rules.empty() ? vnet : -1;
}

int admin_rules_outbound_vnet(const model::Model& m, int subnet) {
  if (subnet < 0 || m.admin_rules.empty()) return -1;
  const int vnet = m.subnets[subnet].vnet.index;
  return vnet >= 0 && !m.vnets[vnet].admin_rules_outbound.empty() ? vnet : -1;
}

namespace {

const std::vector<int>& admin_rules_of(const model::Model& m, int vnet, model::Direction direction) {
  return direction == model::Direction::kInbound ? m.vnets[vnet].admin_rules : m.vnets[vnet].admin_rules_outbound;
}

}  // namespace

std::vector<AdminDecision> decide_admin(const model::Model& m, int vnet, const PacketSet& arriving,
                                        const Destination& dst, const AddressSpace& space, model::Direction direction) {
  std::vector<AdminDecision> out;
  PacketSet rest = arriving;
  if (vnet >= 0) {
    for (int i : admin_rules_of(m, vnet, direction)) {
      if (rest.empty()) break;
      const auto& a = m.admin_rules[i];
      if (!destination_matches(a.rule, dst, space)) continue;
      PacketSet taken = rest.intersect(source_match(a.rule, dst.subnet, space));
      if (taken.empty()) continue;
      rest = rest.subtract(taken);
      out.push_back(AdminDecision{i, a.access, std::move(taken)});
    }
  }
  if (!rest.empty()) out.push_back(AdminDecision{-1, model::AdminAccess::kAllow, std::move(rest)});
  return out;
}

namespace {

IpSet admin_entry_subnet_space(const model::Model& m, int subnet) {
  return subnet >= 0 ? model::to_set(m.subnets[subnet].prefixes) : IpSet{};
}

}  // namespace

std::vector<AdminDecision> decide_admin_at_entry(const model::Model& m, int vnet, const PacketSet& arriving, int subnet,
                                                 const IpSet& frontends, const AddressSpace& space, bool allows_only) {
  std::vector<AdminDecision> out;
  PacketSet rest = arriving;
  const IpSet inner = admin_entry_subnet_space(m, subnet);
  if (vnet >= 0) {
    for (int i : m.vnets[vnet].admin_rules) {
      if (rest.empty()) break;
      const auto& a = m.admin_rules[i];
      if (allows_only && a.access == model::AdminAccess::kDeny) continue;
      if (a.rule.direction != model::Direction::kInbound) continue;
      if (!rule_reaches_entry(a.rule, inner, frontends)) continue;
      PacketSet taken = rest.intersect(source_match(a.rule, subnet, space));
      if (taken.empty()) continue;
      rest = rest.subtract(taken);
      out.push_back(AdminDecision{i, a.access, std::move(taken)});
    }
  }
  if (!rest.empty()) out.push_back(AdminDecision{-1, model::AdminAccess::kAllow, std::move(rest)});
  return out;
}

bool admin_always_allow_at_entry(const model::Model& m, int vnet, int subnet, const IpSet& frontends,
                                 const PortSet& ports) {
  if (vnet < 0) return false;
  const IpSet inner = admin_entry_subnet_space(m, subnet);
  for (int i : m.vnets[vnet].admin_rules) {
    const auto& a = m.admin_rules[i];
    if (a.access != model::AdminAccess::kAlwaysAllow || a.rule.direction != model::Direction::kInbound) continue;
    if ((a.rule.protocols & model::bit(model::Protocol::kTcp)) == 0) continue;
    if (!a.rule.destination_ports.intersects(ports)) continue;
    if (rule_reaches_entry(a.rule, inner, frontends)) return true;
  }
  return false;
}

std::string admin_stage_key(const model::Model& m, int vnet, const Destination& dst, const AddressSpace& space,
                            model::Direction direction) {
  if (vnet < 0) return {};
  std::string key = (direction == model::Direction::kInbound ? "|admin" : "|admin-out") + std::to_string(vnet) + ':';
  for (int i : admin_rules_of(m, vnet, direction)) {
    key += destination_matches(m.admin_rules[i].rule, dst, space) ? '1' : '0';
  }
  return key;
}

std::vector<char> admin_changed_vnets(const model::Model& before, const model::Model& after, const std::string& key) {
  const std::size_t n = std::min(before.vnets.size(), after.vnets.size());
  std::vector<char> out(after.vnets.size(), 0);
  const auto names_rule = [&](const model::Model& m, const std::vector<int>& rules) {
    return std::any_of(rules.begin(), rules.end(), [&](int i) { return m.admin_rules[i].key == key; });
  };
  for (std::size_t v = 0; v < n; ++v) {
    const auto& b = before.vnets[v].admin_rules;
    const auto& a = after.vnets[v].admin_rules;
    if (b != a || names_rule(before, b) || names_rule(after, a)) out[v] = 1;
  }
  for (std::size_t v = n; v < out.size(); ++v) out[v] = 1;
  return out;
}

Hop admin_hop(int vnet, int rule, const char* scope) {
  Hop h;
  h.kind = HopKind::kAdminRule;
  h.scope = scope;
  h.resource_kind = rule >= 0 ? model::ResourceKind::kAdminRule : model::ResourceKind::kVirtualNetwork;
  h.resource = rule >= 0 ? rule : vnet;
  h.rule = rule;  // also here, so that exposures sort by their deciding admin rule like by their NSG rules
  return h;
}

}  // namespace exposim::solver
