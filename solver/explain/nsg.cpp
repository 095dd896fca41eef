// explain()'s NSG hops and why they decide: which fields of the deciding rule match the packet, for one packet at a
// target, for an entry point's subnet, and for the sources a Bastion host or application gateway forwards from. Data
// only: cli/explain_text.cpp writes the words.
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "model/service_tags.h"
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

/// Which part of one side of a rule contains `a`.
AddressMatchWhy address_why(const model::AddressMatch& mt, Access access, int subnet, const IpAddress& a,
                            const model::Model& m, const AddressSpace& space) {
  using AK = AddressMatchKind;
  AddressMatchWhy w;
  if (mt.any) {
    w.kind = AK::kAny;
    return w;
  }
  for (std::size_t i = 0; i < mt.prefixes.size(); ++i) {
    if (mt.prefixes[i].contains(a)) {
      w.kind = AK::kPrefix;
      w.index = static_cast<int>(i);
      return w;
    }
  }
  for (model::ServiceTag tag : mt.tags) {
    switch (tag) {
      case model::ServiceTag::kInternet:
        if (space.internet().contains(a.value)) {
          w.kind = AK::kInternet;
          return w;
        }
        break;
      case model::ServiceTag::kVirtualNetwork:
        if (space.virtual_network(subnet).contains(a.value)) {
          w.kind = AK::kVirtualNetwork;
          // A user-defined route's prefix joins the tag (docs/model.md, "The VirtualNetwork tag").
          if (const int r = space.tag_route(m, subnet, a); r >= 0) {
            w.route_table = m.subnets[subnet].route_table.index;
            w.route = r;
          }
          return w;
        }
        break;
      case model::ServiceTag::kAzureLoadBalancer:
        if (azure_platform_address().contains(a.value)) {
          w.kind = AK::kAzureLoadBalancer;
          return w;
        }
        break;
      case model::ServiceTag::kOther: break;
    }
  }
  // A tag of the published table (--service-tags) names the prefix that holds the address.
  const model::ServiceTagTable* table = space.service_tags();
  int unresolved = -1;  // the side's first tag the table does not resolve
  for (std::size_t i = 0; i < mt.other_tags.size(); ++i) {
    const model::PublishedServiceTag* tag = table != nullptr ? table->find(mt.other_tags[i]) : nullptr;
    if (tag == nullptr) {
      if (unresolved < 0) unresolved = static_cast<int>(i);
      continue;
    }
    if (!tag->addresses.contains(a.value)) continue;
    w.kind = AK::kServiceTag;
    w.index = static_cast<int>(i);
    for (std::size_t k = 0; k < tag->prefixes.size(); ++k) {
      if (tag->prefixes[k].contains(a)) {
        w.tag_prefix = static_cast<int>(k);
        break;
      }
    }
    return w;
  }
  if (unresolved >= 0 && access == Access::kAllow && space.internet().contains(a.value)) {
    w.kind = AK::kUnresolvedTag;
    w.index = unresolved;
    return w;
  }
  for (const auto& ref : mt.asgs) {
    if (ref.resolved() && space.asg_members(ref.index).contains(a.value)) {
      w.kind = AK::kAsg;
      w.index = ref.index;
      return w;
    }
  }
  return w;
}

Reason because(ReasonCode code) {
  Reason r;
  r.code = code;
  return r;
}

}  // namespace

/// The peering whose allowVirtualNetworkAccess false keeps `sources` out of subnet `subnet`'s VirtualNetwork tag
/// (index into the peerings of its VNet), or -1.
int excluding_peering(const model::Model& m, const AddressSpace& space, int subnet, const IpSet& sources) {
  const model::Peering* p = space.tag_excluding_peering(m, subnet, sources);
  if (p == nullptr) return -1;
  const auto& peerings = m.vnets[m.subnets[subnet].vnet.index].peerings;
  return static_cast<int>(p - peerings.data());
}

Reason rule_reason(const model::Model& m, int nsg, int rule, const FlowQuery& q, const Destination& dst,
                   const AddressSpace& space) {
  const model::SecurityRule& r = m.nsgs[nsg].rules[rule];
  Reason why = because(ReasonCode::kNsgRule);
  NsgRuleWhy& w = why.nsg;
  w.nsg = nsg;
  w.rule = rule;
  w.source = address_why(r.source, r.access, dst.subnet, q.source, m, space);
  w.address = q.source;
  w.protocol = q.protocol;
  w.source_port = q.source_port;
  w.destination_port = q.destination_port;
  w.destination = dst.ip;
  w.subnet = dst.subnet;
  return why;
}

AddressMatchWhy side_match_why(const model::Model& m, const AddressSpace& space, const model::AddressMatch& side,
                               Access access, int subnet, const IpAddress& a) {
  return address_why(side, access, subnet, a, m, space);
}

Reason no_nsg_reason() { return because(ReasonCode::kNoNsg); }
Reason missing_nsg_reason() { return because(ReasonCode::kNsgMissing); }
Reason no_rule_reason() { return because(ReasonCode::kNsgNoMatch); }

TraceHop nsg_stage_hop(const Stage& stage) {
  TraceHop h;
  h.scope = stage.scope;
  switch (stage.slot.state) {
    case NsgSlot::State::kNone:
      h.kind = HopKind::kNoNsg;
      h.resource_kind = stage.resource_kind;
      h.resource = stage.resource;
      h.passes = true;
      h.why = no_nsg_reason();
      return h;
    case NsgSlot::State::kMissing:
      h.kind = HopKind::kNsg;
      h.resource_kind = RK::kNetworkSecurityGroup;
      h.passes = true;
      h.why = missing_nsg_reason();
      return h;
    case NsgSlot::State::kPresent: break;
  }
  h.kind = HopKind::kNsg;
  h.resource_kind = RK::kNetworkSecurityGroup;
  h.resource = stage.slot.index;
  return h;
}

TraceHop packet_nsg_hop(const model::Model& m, const AddressSpace& space, const Stage& stage, const PacketSet& packet,
                        const Destination& dst, const FlowQuery& at) {
  const NsgSlot& s = stage.slot;
  TraceHop h;
  h.scope = stage.scope;
  switch (s.state) {
    case NsgSlot::State::kPresent: {
      h.kind = HopKind::kNsg;
      h.resource_kind = RK::kNetworkSecurityGroup;
      h.resource = s.index;
      const auto decisions = decide_inbound(m, s, packet, dst, space);
      if (decisions.empty()) {
        h.why = no_rule_reason();
      } else {
        h.rule = decisions.front().rule;
        h.passes = decisions.front().access == Access::kAllow;
        h.why = rule_reason(m, s.index, h.rule, at, dst, space);
      }
      return h;
    }
    case NsgSlot::State::kMissing:
      h.kind = HopKind::kNsg;
      h.resource_kind = RK::kNetworkSecurityGroup;
      h.passes = true;
      h.why = missing_nsg_reason();
      return h;
    case NsgSlot::State::kNone: break;
  }
  h.kind = HopKind::kNoNsg;
  h.resource_kind = stage.resource_kind;
  h.resource = stage.resource;
  h.passes = true;
  h.why = no_nsg_reason();
  return h;
}

IpSet sources_of(const PacketSet& p) {
  IpSet s;
  for (const auto& c : p.cubes()) s = s.unite(c.src);
  return s;
}

/// The NSG hop of an entry point's subnet (scope "gateway-subnet" or "bastion-subnet") for the packet to
/// `port`, decided as analyze decides it (entry_nsg_decisions).
TraceHop entry_nsg_hop(const model::Model& m, const AddressSpace& space, const FlowQuery& q, const model::Ref& subnet,
                       const IpSet& frontends, std::uint16_t port, const char* scope, const EntryPoint& what) {
  TraceHop h;
  h.scope = scope;
  const NsgSlot slot = subnet_nsg_slot(m, subnet);
  const bool ported = model::has_ports(q.protocol);
  if (slot.state == NsgSlot::State::kNone) {
    h.kind = K::kNoNsg;
    h.resource_kind = RK::kSubnet;
    h.resource = subnet.index;
    h.passes = true;
    h.why = because(ReasonCode::kNoNsgAtEntry);
    h.why.entry = what;
    return h;
  }
  h.kind = K::kNsg;
  h.resource_kind = RK::kNetworkSecurityGroup;
  if (slot.state == NsgSlot::State::kMissing) {
    h.passes = true;
    h.why = missing_nsg_reason();
    return h;
  }
  h.resource = slot.index;
  const PacketSet packet(Cube{model::to_set(q.source), IpSet::all(), model::bit(q.protocol),
                              ported ? single(q.source_port) : PortSet::all(), ported ? single(port) : PortSet::all()});
  const auto decisions = entry_nsg_decisions(m, space, slot, subnet.index, frontends, packet);
  if (decisions.empty()) {
    h.why = no_rule_reason();
    return h;
  }
  h.rule = decisions.front().rule;
  h.passes = decisions.front().access == Access::kAllow;
  FlowQuery at = q;
  at.destination_port = port;
  h.why = rule_reason(m, slot.index, h.rule, at, Destination{std::nullopt, subnet.index, nullptr}, space);
  h.why.code = ReasonCode::kNsgRuleAtEntry;
  h.why.entry = what;
  return h;
}

TraceHop snat_entry_nsg_hop(const model::Model& m, const AddressSpace& space, const FlowQuery& q,
                            const model::Ref& subnet, const IpSet& frontends, std::uint16_t port, const char* scope,
                            const EntryPoint& what, const IpSet& snat,
                            const std::optional<model::IpAddress>& snat_address) {
  TraceHop h = entry_nsg_hop(m, space, q, subnet, frontends, port, scope, what);
  const NsgSlot slot = subnet_nsg_slot(m, subnet);
  if (slot.state != NsgSlot::State::kPresent) return h;
  // As analyze (admitted): every SNAT address, any source port; the first rule that admits some of them decides.
  const PacketSet arriving(Cube{snat, IpSet::all(), model::bit(Protocol::kTcp), PortSet::all(), single(port)});
  const auto decisions = entry_nsg_decisions(m, space, slot, subnet.index, frontends, arriving);
  const RuleDecision* decided = decisions.empty() ? nullptr : &decisions.front();
  for (const auto& d : decisions) {
    if (d.access == Access::kAllow && !d.packets.empty()) {
      decided = &d;
      break;
    }
  }
  if (decided == nullptr) {
    h.rule = -1;
    h.passes = false;
    h.why = no_rule_reason();
    return h;
  }
  h.rule = decided->rule;
  h.passes = decided->access == Access::kAllow;
  FlowQuery at = q;
  const IpSet sources = sources_of(decided->packets);
  if (snat_address && sources.contains(snat_address->value)) {
    at.source = *snat_address;
  } else if (!sources.empty()) {
    at.source = model::IpAddress{sources.intervals().front().lo};
  }
  at.destination_port = port;
  h.why = rule_reason(m, slot.index, h.rule, at, Destination{std::nullopt, subnet.index, nullptr}, space);
  h.why.code = ReasonCode::kNsgRuleAtEntry;
  h.why.entry = what;
  h.why.nsg.snat = snat;
  return h;
}

/// The target's subnet and NIC NSG hops for TCP `port` from the entry point's subnet `inner`, as analyze sees a
/// forwarded flow: the whole subnet, any source port; the flow passes when some of its addresses pass both NSGs
/// (the first such pair of deciding rules is shown).
void forwarded_nsg_hops(const model::Model& m, const AddressSpace& space, Via via, const model::IpConfigIndex& x,
                        const IpSet& inner, std::uint16_t port, ForwardedSources who, const IpSet& who_set,
                        FlowTrace& t) {
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
    TraceHop h = nsg_stage_hop(stage);
    if (s.state != NsgSlot::State::kPresent) return h;
    if (!d) {
      h.why = no_rule_reason();
      return h;
    }
    h.rule = d->rule;
    h.passes = d->access == Access::kAllow;
    h.why = because(ReasonCode::kNsgRuleForSources);
    NsgRuleWhy& w = h.why.nsg;
    w.nsg = s.index;
    w.rule = d->rule;
    w.protocol = Protocol::kTcp;
    w.destination_port = port;
    w.matched = sources_of(d->packets);
    w.who = who;
    w.from = who_set;
    w.subnet = subnet;
    if (!h.passes) w.excluding_peering = excluding_peering(m, space, subnet, w.matched);
    return h;
  };
  t.hops.push_back(hop(*stages[0], at_subnet));
  t.hops.push_back(hop(*stages[1], at_nic));
}

}  // namespace exposim::solver::explain_internal
