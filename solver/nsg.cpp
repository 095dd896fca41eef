// NSG rule matching and first-match evaluation over exact packet sets.
#include "solver/nsg.h"
#include "solver/address_space.h"

#include <array>
#include <optional>
#include <utility>

#include "model/unknown.h"
#include "solver/nsg_cells.h"
#include "solver/nsg_sources.h"

namespace exposim::solver {

using model::Access;
using model::ServiceTag;

IpSet resolve_addresses(const model::AddressMatch& m, Access access, int subnet, const AddressSpace& space) {
  if (m.any) return IpSet::all();
  IpSet s;
  for (const auto& p : m.prefixes) s = s.unite(model::to_set(p));
  for (ServiceTag t : m.tags) {
    switch (t) {
      case ServiceTag::kInternet: s = s.unite(space.internet()); break;
      case ServiceTag::kVirtualNetwork: s = s.unite(space.virtual_network(subnet)); break;
      case ServiceTag::kAzureLoadBalancer: s = s.unite(azure_platform_address()); break;
      case ServiceTag::kOther: break;
    }
  }
  // Other tags: their published prefixes (--service-tags); a tag the table lacks, or any without one, is the whole
  // internet in an allow rule and nothing in a deny rule (never hides an exposure).
  bool unresolved = false;
  for (const auto& name : m.other_tags) {
    if (const IpSet* tag = space.service_tag(name)) {
      s = s.unite(*tag);
    } else {
      unresolved = true;
    }
  }
  if (unresolved && access == Access::kAllow) s = s.unite(space.internet());
  for (const auto& a : m.asgs) {
    if (a.resolved()) s = s.unite(space.asg_members(a.index));
  }
  return s;
}

bool destination_matches(const model::SecurityRule& r, const Destination& dst, const AddressSpace& space) {
  const auto& m = r.destination;
  if (m.any) return true;
  if (!m.asgs.empty() && dst.asgs) {
    for (const auto& a : m.asgs) {
      for (const auto& mine : *dst.asgs) {
        if (!a.id.empty() && a.id == mine.id) return true;
        // A membership only known at deployment: a member of every ASG an allow rule names, of none a deny
        // rule names (docs/model.md, "Unknown values").
        if (model::is_unknown(mine) && r.access == Access::kAllow) return true;
      }
    }
  }
  for (const auto& name : m.other_tags) {
    const IpSet* tag = space.service_tag(name);
    // An unresolved tag as destination, or a target whose address is not known: assume the tag covers the target in
    // allow rules and not in deny rules (never hides exposure).
    if (tag == nullptr || !dst.ip) {
      if (r.access == Access::kAllow) return true;
      continue;
    }
    if (tag->contains(dst.ip->value)) return true;
  }
  if (!dst.ip) {
    // Address not allocated yet (dynamic, or only known at deployment): the VirtualNetwork tag still covers it
    // (the NIC sits in the VNet), and an allow rule naming addresses may name the one it gets, so it matches;
    // a deny rule naming addresses does not (docs/model.md, "Unknown values").
    if (!m.prefixes.empty() && r.access == Access::kAllow) return true;
    for (ServiceTag t : m.tags) {
      if (t == ServiceTag::kVirtualNetwork) return true;
    }
    return false;
  }
  const model::U128 ip = dst.ip->value;
  for (const auto& p : m.prefixes) {
    if (p.contains(*dst.ip)) return true;
  }
  for (ServiceTag t : m.tags) {
    if (t == ServiceTag::kVirtualNetwork && space.virtual_network(dst.subnet).contains(ip)) return true;
    if (t == ServiceTag::kInternet && space.internet().contains(ip)) return true;
  }
  return false;
}

PacketSet source_match(const model::SecurityRule& r, int subnet, const AddressSpace& space) {
  return source_match(r, resolve_addresses(r.source, r.access, subnet, space));
}

PacketSet source_match(const model::SecurityRule& r, const IpSet& src) {
  if (src.empty()) return {};
  constexpr model::ProtocolMask kPorted = model::bit(model::Protocol::kTcp) | model::bit(model::Protocol::kUdp);
  PacketSet out;
  const auto ported = static_cast<model::ProtocolMask>(r.protocols & kPorted);
  const auto portless = static_cast<model::ProtocolMask>(r.protocols & ~kPorted);
  if (ported) out = PacketSet(Cube{src, IpSet::all(), ported, r.source_ports, r.destination_ports});
  if (portless) out = out.unite(PacketSet(Cube{src, IpSet::all(), portless, PortSet::all(), PortSet::all()}));
  return out;
}

namespace {

/// Subtraction is the cheapest evaluation while what no rule has decided yet stays a few cubes (structured rules,
/// mostly disjoint); once interleaved allow and deny rules fragment it, the cells, whose cost follows the rules,
/// are cheaper. Past this many undecided cubes, the subtraction gives up.
constexpr std::size_t kNsgSubtractionCubeBudget = 24;

/// Whether rule `r`, whose sources are `src`, matches some packet of `remaining`: source_match(r, src).intersects(
/// remaining), without building the rule's packets (most rules of a large NSG meet nothing of what is left
/// undecided). The rule's packets go to every destination, and the cubes of a set are never empty.
bool nsg_rule_meets(const model::SecurityRule& r, const IpSet& src, const PacketSet& remaining) {
  if (src.empty()) return false;
  constexpr model::ProtocolMask kPorted = model::bit(model::Protocol::kTcp) | model::bit(model::Protocol::kUdp);
  const auto ported = static_cast<model::ProtocolMask>(r.protocols & kPorted);
  const auto portless = static_cast<model::ProtocolMask>(r.protocols & ~kPorted);
  for (const auto& c : remaining.cubes()) {
    if (!c.src.intersects(src)) continue;
    if ((c.protocols & portless) != 0) return true;  // any port
    if ((c.protocols & ported) != 0 && c.src_ports.intersects(r.source_ports) &&
        c.dst_ports.intersects(r.destination_ports)) {
      return true;
    }
  }
  return false;
}

/// One cube of the packets a rule matches (source_match): its sources, protocols and ports, to every destination;
/// views of the rule's own sets, so that deciding a rule copies none of them.
struct NsgRuleCube {
  const IpSet* src{nullptr};
  model::ProtocolMask protocols{0};
  const PortSet* src_ports{nullptr};
  const PortSet* dst_ports{nullptr};
};

/// The cubes of source_match(r, src), in its order and decomposition (the ported cube, then the portless one, as one
/// cube when the rule's ports are all ports); returns how many (0 to 2).
std::size_t nsg_rule_cubes(const model::SecurityRule& r, const IpSet& src, std::array<NsgRuleCube, 2>& out) {
  static const PortSet kAllPorts = PortSet::all();
  if (src.empty()) return 0;
  constexpr model::ProtocolMask kPorted = model::bit(model::Protocol::kTcp) | model::bit(model::Protocol::kUdp);
  const auto ported = static_cast<model::ProtocolMask>(r.protocols & kPorted);
  const auto portless = static_cast<model::ProtocolMask>(r.protocols & ~kPorted);
  std::size_t n = 0;
  if (ported != 0 && !r.source_ports.empty() && !r.destination_ports.empty()) {
    out[n++] = NsgRuleCube{&src, ported, &r.source_ports, &r.destination_ports};
  }
  if (portless != 0) {
    // PacketSet::compact merges the two when they differ in their protocols only.
    if (n == 1 && r.source_ports.is_all() && r.destination_ports.is_all()) {
      out[0].protocols = static_cast<model::ProtocolMask>(ported | portless);
    } else {
      out[n++] = NsgRuleCube{&src, portless, &kAllPorts, &kAllPorts};
    }
  }
  return n;
}

/// Cube::intersects(a, b) for a rule's cube b.
bool nsg_cube_meets(const Cube& a, const NsgRuleCube& b) {
  return (a.protocols & b.protocols) != 0 && a.src.intersects(*b.src) && a.src_ports.intersects(*b.src_ports) &&
         a.dst_ports.intersects(*b.dst_ports);
}

/// Appends the pieces of a \ b to `out`, the same pieces in the same order as PacketSet::subtract cuts them, taking `a`
/// (moved when b does not meet it). When b meets a and `both` is given, a ∩ b goes there. Returns whether b met a.
bool nsg_cube_subtract(Cube&& a, const NsgRuleCube& b, std::vector<Cube>& out, Cube* both) {
  if (!nsg_cube_meets(a, b)) {
    out.push_back(std::move(a));
    return false;
  }
  Cube& rest = a;
  if (IpSet outside = rest.src.subtract(*b.src); !outside.empty()) {
    out.push_back(Cube{std::move(outside), rest.dst, rest.protocols, rest.src_ports, rest.dst_ports});
  }
  rest.src = rest.src.intersect(*b.src);
  // The rule's cube holds every destination: nothing of rest's lies outside it.
  if (const auto other = static_cast<model::ProtocolMask>(rest.protocols & ~b.protocols); other != 0) {
    out.push_back(Cube{rest.src, rest.dst, other, rest.src_ports, rest.dst_ports});
  }
  rest.protocols = static_cast<model::ProtocolMask>(rest.protocols & b.protocols);
  if (PortSet outside = rest.src_ports.subtract(*b.src_ports); !outside.empty()) {
    out.push_back(Cube{rest.src, rest.dst, rest.protocols, std::move(outside), rest.dst_ports});
  }
  rest.src_ports = rest.src_ports.intersect(*b.src_ports);
  if (PortSet outside = rest.dst_ports.subtract(*b.dst_ports); !outside.empty()) {
    out.push_back(Cube{rest.src, rest.dst, rest.protocols, rest.src_ports, std::move(outside)});
  }
  if (both != nullptr) {
    rest.dst_ports = rest.dst_ports.intersect(*b.dst_ports);
    *both = std::move(rest);
  }
  return true;
}

/// evaluate_nsg_by_subtraction, or nothing when the undecided rest grows past `budget` cubes (0: no limit).
/// Each rule that meets the rest takes (remaining.intersect(match)) and leaves (remaining.subtract(match)) exactly the
/// cubes those would, in one pass that moves the cubes the rule does not meet instead of copying them.
std::optional<std::vector<RuleDecision>> nsg_decide_by_subtraction(const model::NetworkSecurityGroup& nsg,
                                                                   model::Direction direction,
                                                                   const PacketSet& arriving, const Destination& dst,
                                                                   const AddressSpace& space, std::size_t budget,
                                                                   const RuleSources* sources) {
  std::vector<RuleDecision> out;
  PacketSet remaining = arriving;
  std::array<NsgRuleCube, 2> match{};
  std::vector<Cube> left;  // what the rule leaves undecided (its buffer reused from one rule to the next)
  std::vector<Cube> pieces;
  std::vector<Cube> next;
  for (std::size_t i = 0; i < nsg.rules.size() && !remaining.empty(); ++i) {
    const auto& rule = nsg.rules[i];
    if (rule.direction != direction || !destination_matches(rule, dst, space)) continue;
    IpSet resolved;
    const IpSet* src = &resolved;
    if (sources != nullptr) {
      src = &(*sources)[i];
    } else {
      resolved = resolve_addresses(rule.source, rule.access, dst.subnet, space);
    }
    if (!nsg_rule_meets(rule, *src, remaining)) continue;
    const std::size_t n = nsg_rule_cubes(rule, *src, match);
    std::vector<Cube> cubes = remaining.release();
    std::vector<Cube> taken;
    left.clear();
    for (Cube& a : cubes) {
      // a minus the rule's first cube, those pieces minus its second. The rule's cubes differ in their protocols:
      // only the piece of a outside the first cube's protocols can meet the second, so that each cube of the rule
      // meets one piece at most, and what it meets is a ∩ that cube (what remaining.intersect(match) takes).
      pieces.clear();
      pieces.push_back(std::move(a));
      for (std::size_t k = 0; k < n && !pieces.empty(); ++k) {
        next.clear();
        for (Cube& c : pieces) {
          Cube both;
          if (nsg_cube_subtract(std::move(c), match[k], next, &both)) taken.push_back(std::move(both));
        }
        pieces.swap(next);
      }
      for (Cube& c : pieces) left.push_back(std::move(c));
    }
    remaining = PacketSet::from_disjoint(std::move(left));
    left = std::move(cubes);  // emptied of its cubes: its capacity serves the next rule
    if (budget > 0 && remaining.cubes().size() > budget) return std::nullopt;
    out.push_back(RuleDecision{static_cast<int>(i), rule.access, PacketSet::from_disjoint(std::move(taken))});
  }
  return out;
}

/// The decisions of an NSG past its work budget under PastBudget::kAdmitAll: every packet of `arriving` allowed.
std::vector<RuleDecision> nsg_admit_all(const PacketSet& arriving) {
  if (arriving.empty()) return {};
  return {RuleDecision{kNsgOverApproximated, Access::kAllow, arriving}};
}

}  // namespace

std::vector<RuleDecision> evaluate_nsg(const model::NetworkSecurityGroup& nsg, model::Direction direction,
                                       const PacketSet& arriving, const Destination& dst, const AddressSpace& space,
                                       const RuleSources* sources, PastBudget past, std::uint64_t budget) {
  if (auto out = nsg_decide_by_subtraction(nsg, direction, arriving, dst, space, kNsgSubtractionCubeBudget, sources)) {
    return std::move(*out);
  }
  try {
    return std::move(evaluate_nsg_cells_each(nsg, direction, {&arriving}, dst, space, sources, budget).front());
  } catch (const WorkBudgetExceeded&) {
    if (past == PastBudget::kThrow) throw;
    return nsg_admit_all(arriving);
  }
}

std::vector<RuleDecision> evaluate_nsg_by_subtraction(const model::NetworkSecurityGroup& nsg,
                                                      model::Direction direction, const PacketSet& arriving,
                                                      const Destination& dst, const AddressSpace& space) {
  return std::move(*nsg_decide_by_subtraction(nsg, direction, arriving, dst, space, 0, nullptr));
}

std::vector<RuleDecision> decide_inbound(const model::Model& m, const NsgSlot& s, const PacketSet& arriving,
                                         const Destination& dst, const AddressSpace& space, const RuleSources* sources,
                                         PastBudget past, std::uint64_t budget) {
  if (s.state != NsgSlot::State::kPresent) return {RuleDecision{-1, model::Access::kAllow, arriving}};
  return evaluate_nsg(m.nsgs[s.index], model::Direction::kInbound, arriving, dst, space, sources, past, budget);
}

std::vector<std::vector<RuleDecision>> decide_inbound_each(const model::Model& m, const NsgSlot& s,
                                                           const std::vector<const PacketSet*>& arrivings,
                                                           const Destination& dst, const AddressSpace& space,
                                                           const RuleSources* sources, std::uint64_t budget) {
  if (s.state != NsgSlot::State::kPresent) {
    std::vector<std::vector<RuleDecision>> out;
    for (const PacketSet* a : arrivings) out.push_back({RuleDecision{-1, model::Access::kAllow, *a}});
    return out;
  }
  const auto& nsg = m.nsgs[s.index];
  std::vector<std::vector<RuleDecision>> out(arrivings.size());
  std::vector<const PacketSet*> fragmented;  // those the subtraction gave up on: decided together over cells
  std::vector<std::size_t> where;
  for (std::size_t i = 0; i < arrivings.size(); ++i) {
    if (auto d = nsg_decide_by_subtraction(nsg, model::Direction::kInbound, *arrivings[i], dst, space,
                                           kNsgSubtractionCubeBudget, sources)) {
      out[i] = std::move(*d);
    } else {
      fragmented.push_back(arrivings[i]);
      where.push_back(i);
    }
  }
  if (fragmented.empty()) return out;
  std::vector<std::vector<RuleDecision>> cells;
  try {
    cells = evaluate_nsg_cells_each(nsg, model::Direction::kInbound, fragmented, dst, space, sources, budget);
  } catch (const WorkBudgetExceeded&) {  // together past the budget: each of them admitted whole (PastBudget)
    for (const std::size_t i : where) out[i] = nsg_admit_all(*arrivings[i]);
    return out;
  }
  for (std::size_t k = 0; k < where.size(); ++k) out[where[k]] = std::move(cells[k]);
  return out;
}

bool rule_reaches_entry(const model::SecurityRule& r, const IpSet& subnet_space, const IpSet& frontends) {
  const auto& d = r.destination;
  const bool allow = r.access == model::Access::kAllow;
  bool applies = d.any || (allow && !d.other_tags.empty());
  for (auto t : d.tags) applies = applies || t == model::ServiceTag::kVirtualNetwork;
  const IpSet listed = model::to_set(d.prefixes);
  if (!applies && !listed.empty()) {
    applies = allow ? listed.intersects(subnet_space) || listed.intersects(frontends)
                    : !subnet_space.empty() && listed.contains(subnet_space);
  }
  return applies;
}

}  // namespace exposim::solver
