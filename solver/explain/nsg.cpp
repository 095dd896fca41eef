// explain()'s NSG hops and their reasons: which fields of the deciding rule match the packet, for one packet at a
// target, for an entry point's subnet, and for the sources a Bastion host or application gateway forwards from.
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "solver/explain/internal.h"
#include "solver/forwarding.h"
#include "solver/nsg.h"
#include "solver/path.h"

namespace exposim::solver::explain_internal {

using model::Access;
using model::Direction;
using model::IpAddress;
using model::Protocol;
using K = HopKind;
using RK = model::ResourceKind;

namespace {

/// Which part of one side of a rule contains `a`, for the reason text.
std::string address_reason(const char* side, const model::AddressMatch& mt, Access access, int subnet,
                           const IpAddress& a, const model::Model& m, const AddressSpace& space) {
  const std::string addr = a.to_string();
  if (mt.any) return fmt::format("{} '*'", side);
  for (const auto& p : mt.prefixes) {
    if (p.contains(a)) return fmt::format("{} '{}' contains {}", side, p.to_string(), addr);
  }
  for (model::ServiceTag tag : mt.tags) {
    switch (tag) {
      case model::ServiceTag::kInternet:
        if (space.internet().contains(a.value)) return fmt::format("{} tag 'Internet' contains {}", side, addr);
        break;
      case model::ServiceTag::kVirtualNetwork:
        if (space.virtual_network(subnet).contains(a.value)) {
          std::string out =
              fmt::format("{} tag 'VirtualNetwork' (as seen from the target's subnet) contains {}", side, addr);
          // A user-defined route's prefix joins the tag (docs/model.md, "The VirtualNetwork tag"): name the route.
          if (const int r = space.tag_route(m, subnet, a); r >= 0) {
            const auto& rt = m.route_tables[m.subnets[subnet].route_table.index];
            const auto& route = rt.routes[r];
            out += fmt::format(" because route '{}' ({} -> {}) of route table '{}' puts {} into the tag", route.name,
                               route.prefix->to_string(), model::to_string(route.next_hop), rt.name,
                               route.prefix->to_string());
          }
          return out;
        }
        break;
      case model::ServiceTag::kAzureLoadBalancer:
        if (azure_platform_address().contains(a.value))
          return fmt::format("{} tag 'AzureLoadBalancer' is {}", side, addr);
        break;
      case model::ServiceTag::kOther: break;
    }
  }
  if (!mt.other_tags.empty() && access == Access::kAllow && space.internet().contains(a.value)) {
    return fmt::format("{} tag '{}' (unresolved: assumed to be the whole internet in an allow rule) contains {}", side,
                       mt.other_tags.front(), addr);
  }
  for (const auto& ref : mt.asgs) {
    if (ref.resolved() && space.asg_members(ref.index).contains(a.value)) {
      return fmt::format("{} ASG '{}' has member {}", side, m.asgs[ref.index].name, addr);
    }
  }
  return fmt::format("{} matches {}", side, addr);
}

std::string protocol_reason(const model::SecurityRule& r, model::Protocol p) {
  if (r.protocols == model::kAllProtocols) return fmt::format("protocol '*' covers {}", model::to_string(p));
  return fmt::format("protocol {}", model::to_string(p));
}

std::string side_text(const model::Model& m, const model::AddressMatch& a) {
  if (a.any) return "'*'";
  std::vector<std::string> parts;
  for (const auto& p : a.prefixes) parts.push_back(p.to_string());
  for (auto tag : a.tags) {
    switch (tag) {
      case model::ServiceTag::kInternet: parts.emplace_back("tag Internet"); break;
      case model::ServiceTag::kVirtualNetwork: parts.emplace_back("tag VirtualNetwork"); break;
      case model::ServiceTag::kAzureLoadBalancer: parts.emplace_back("tag AzureLoadBalancer"); break;
      case model::ServiceTag::kOther: break;
    }
  }
  for (const auto& t : a.other_tags) parts.push_back("tag " + t);
  for (const auto& ref : a.asgs) parts.push_back(ref.resolved() ? "ASG " + m.asgs[ref.index].name : "an ASG");
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  return "'" + out + "'";
}

}  // namespace

std::string peering_access_note(const model::Model& m, const AddressSpace& space, int subnet, const IpSet& sources) {
  const model::Peering* p = space.tag_excluding_peering(m, subnet, sources);
  if (p == nullptr) return "";
  const auto& vnet = m.vnets[m.subnets[subnet].vnet.index];
  const std::string remote = p->remote_vnet.resolved() ? fmt::format("VNet '{}'", m.vnets[p->remote_vnet.index].name)
                                                       : std::string("the remote VNet");
  return fmt::format(
      "; the VirtualNetwork tag of the target's subnet leaves out {}: peering '{}' of VNet '{}' has "
      "allowVirtualNetworkAccess false, so AllowVnetInBound and rules naming VirtualNetwork no longer "
      "admit it (the peering still carries traffic a rule allows by address or ASG)",
      remote, p->name, vnet.name);
}

std::string rule_reason(const model::SecurityRule& r, const FlowQuery& q, const Destination& dst, const model::Model& m,
                        const AddressSpace& space) {
  std::vector<std::string> parts;
  parts.push_back(address_reason("source", r.source, r.access, dst.subnet, q.source, m, space));
  if (model::has_ports(q.protocol)) {
    if (!r.source_ports.is_all()) {
      parts.push_back(fmt::format("source port {} in '{}'", q.source_port, model::to_string(r.source_ports)));
    }
    if (r.destination_ports.is_all()) {
      parts.push_back(fmt::format("port {} in '*'", q.destination_port));
    } else {
      parts.push_back(fmt::format("port {} in '{}'", q.destination_port, model::to_string(r.destination_ports)));
    }
  } else {
    parts.push_back(fmt::format("{} has no ports", model::to_string(q.protocol)));
  }
  parts.push_back(protocol_reason(r, q.protocol));
  if (!r.destination.any) {
    parts.push_back(dst.ip ? fmt::format("destination covers {}", dst.ip->to_string())
                           : "destination covers the target");
  }
  std::string out = fmt::format("{} ({}, {}{}): ", r.name, r.priority, r.access == Access::kAllow ? "allow" : "deny",
                                r.is_default ? ", default rule" : "");
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  return out;
}

/// "10.0.2.0/24", or the first three CIDRs and how many more.
std::string cidrs(const IpSet& s) {
  const auto all = model::to_cidr_strings(s);
  if (all.empty()) return "no address";
  std::string out;
  for (std::size_t i = 0; i < all.size() && i < 3; ++i) out += (i ? ", " : "") + all[i];
  if (all.size() > 3) out += fmt::format(" and {} more", all.size() - 3);
  return out;
}

IpSet sources_of(const PacketSet& p) {
  IpSet s;
  for (const auto& c : p.cubes()) s = s.unite(c.src);
  return s;
}

/// The reason of an NSG rule deciding a set of sources (an entry point's subnet) on TCP `port`.
std::string set_rule_reason(const model::Model& m, const model::SecurityRule& r, const IpSet& matched,
                            std::uint16_t port, const std::string& who) {
  return fmt::format("{} ({}, {}{}): source {} matches {} ({}), port {} in '{}', protocol {}", r.name, r.priority,
                     r.access == Access::kAllow ? "allow" : "deny", r.is_default ? ", default rule" : "",
                     side_text(m, r.source), cidrs(matched), who, port,
                     r.destination_ports.is_all() ? "*" : model::to_string(r.destination_ports),
                     r.protocols == model::kAllProtocols ? "'*' covers tcp" : "tcp");
}

/// The NSG hop of an entry point's subnet (scope "gateway-subnet" or "bastion-subnet") for the packet to
/// `port`, decided as analyze decides it (entry_nsg_decisions).
TraceHop entry_nsg_hop(const model::Model& m, const AddressSpace& space, const FlowQuery& q, const model::Ref& subnet,
                       const IpSet& frontends, std::uint16_t port, const char* scope, const std::string& what) {
  TraceHop h;
  h.scope = scope;
  const NsgSlot slot = subnet_nsg_slot(m, subnet);
  const bool ported = model::has_ports(q.protocol);
  if (slot.state == NsgSlot::State::kNone) {
    h.kind = K::kNoNsg;
    h.resource_kind = RK::kSubnet;
    h.resource = subnet.index;
    h.passes = true;
    h.reason = fmt::format("no NSG on {}'s subnet: nothing is filtered here", what);
    return h;
  }
  h.kind = K::kNsg;
  h.resource_kind = RK::kNetworkSecurityGroup;
  if (slot.state == NsgSlot::State::kMissing) {
    h.passes = true;
    h.reason = "NSG referenced but not in the input: assumed to admit everything";
    return h;
  }
  h.resource = slot.index;
  const PacketSet packet(Cube{model::to_set(q.source), IpSet::all(), model::bit(q.protocol),
                              ported ? single(q.source_port) : PortSet::all(), ported ? single(port) : PortSet::all()});
  const auto decisions = entry_nsg_decisions(m, space, slot, subnet.index, frontends, packet);
  if (decisions.empty()) {
    h.reason = "no inbound rule matches: denied";
    return h;
  }
  h.rule = decisions.front().rule;
  h.passes = decisions.front().access == Access::kAllow;
  FlowQuery at = q;
  at.destination_port = port;
  const auto& rule = m.nsgs[slot.index].rules[h.rule];
  h.reason = rule_reason(rule, at, Destination{std::nullopt, subnet.index, nullptr}, m, space);
  if (!rule.destination.any) {
    h.reason += fmt::format(
        " (the destination is taken as {}'s subnet or frontend: which instance a client reaches "
        "is not known)",
        what);
  }
  return h;
}

/// The target's subnet and NIC NSG hops for TCP `port` from the entry point's subnet `inner`, as analyze sees a
/// forwarded flow: the whole subnet, any source port; the flow passes when some of its addresses pass both NSGs
/// (the first such pair of deciding rules is shown).
void forwarded_nsg_hops(const model::Model& m, const AddressSpace& space, Via via, const model::IpConfigIndex& x,
                        const IpSet& inner, std::uint16_t port, const std::string& who, FlowTrace& t) {
  const auto& nic = m.nics[x.nic];
  const auto& cfg = nic.ip_configurations[x.ip_configuration];
  const int subnet = cfg.subnet.index;
  // The NSG stages of the target's path (solver/path.h), as analyze evaluates them for the forwarded flow.
  PathEntry how;
  how.via = via;
  const std::vector<Stage> path = inbound_path(m, how, x);
  const auto stages = nsg_stages(path);
  const NsgSlot& subnet_nsg = stages[0]->slot;
  const NsgSlot& nic_nsg = stages[1]->slot;
  const Destination dst{cfg.private_ip, subnet, &cfg.asgs};
  const PacketSet arriving(Cube{inner, IpSet::all(), model::bit(Protocol::kTcp), PortSet::all(), single(port)});
  auto decide = [&](const NsgSlot& s, const PacketSet& in) { return decide_inbound(m, s, in, dst, space); };
  const auto first = decide(subnet_nsg, arriving);
  std::optional<RuleDecision> at_subnet;
  std::optional<RuleDecision> at_nic;
  for (const auto& a : first) {
    if (a.access != Access::kAllow) continue;
    for (const auto& b : decide(nic_nsg, a.packets)) {
      if (b.access == Access::kAllow) {
        at_subnet = a;
        at_nic = b;
        break;
      }
    }
    if (at_nic) break;
  }
  if (!at_nic) {  // nothing passes both: the first allow at the subnet and what the NIC does with it
    for (const auto& a : first) {
      if (a.access == Access::kAllow) {
        at_subnet = a;
        break;
      }
    }
    if (!at_subnet && !first.empty()) at_subnet = first.front();
    const auto second =
        decide(nic_nsg, at_subnet && at_subnet->access == Access::kAllow ? at_subnet->packets : arriving);
    for (const auto& b : second) {
      if (!at_nic || (at_nic->access != Access::kAllow && b.access == Access::kAllow)) at_nic = b;
    }
  }
  auto hop = [&](const Stage& stage, const std::optional<RuleDecision>& d) {
    const NsgSlot& s = stage.slot;
    TraceHop h;
    h.scope = stage.scope;
    switch (s.state) {
      case NsgSlot::State::kNone:
        h.kind = K::kNoNsg;
        h.resource_kind = stage.resource_kind;
        h.resource = stage.resource;
        h.passes = true;
        h.reason = "no NSG at this scope: nothing is filtered here";
        return h;
      case NsgSlot::State::kMissing:
        h.kind = K::kNsg;
        h.resource_kind = RK::kNetworkSecurityGroup;
        h.passes = true;
        h.reason = "NSG referenced but not in the input: assumed to admit everything";
        return h;
      case NsgSlot::State::kPresent: break;
    }
    h.kind = K::kNsg;
    h.resource_kind = RK::kNetworkSecurityGroup;
    h.resource = s.index;
    if (!d) {
      h.reason = "no inbound rule matches: denied";
      return h;
    }
    h.rule = d->rule;
    h.passes = d->access == Access::kAllow;
    h.reason = set_rule_reason(m, m.nsgs[s.index].rules[d->rule], sources_of(d->packets), port, who);
    if (!h.passes) h.reason += peering_access_note(m, space, subnet, sources_of(d->packets));
    return h;
  };
  t.hops.push_back(hop(*stages[0], at_subnet));
  t.hops.push_back(hop(*stages[1], at_nic));
}

}  // namespace exposim::solver::explain_internal
