// East-west reachability (solver/east_west.h): the stages of east_west_path() evaluated over packet sets, for every
// (source class, target) pair. Sources with identical outbound treatment form a class, evaluated once; the inbound
// evaluations of targets with identical inbound treatment are shared (docs/model.md, "East-west reachability").
#include "solver/east_west.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "model/parallel.h"
#include "solver/address_space.h"
#include "solver/analyzer.h"
#include "solver/east_west_engine.h"
#include "solver/firewall.h"
#include "solver/network.h"
#include "solver/network_manager.h"
#include "solver/nsg.h"
#include "solver/virtual_wan.h"

namespace exposim::solver {

using K = HopKind;
using RK = model::ResourceKind;

namespace east_west_internal {

namespace {

const IpSet& ew_family_space(model::IpFamily f) {
  static const IpSet v4 = model::all_v4();
  static const IpSet v6 = model::all_v6();
  return f == model::IpFamily::kV4 ? v4 : v6;
}

/// What identifies a route in a route signature: ew_route_key()'s fields and the next hop's address.
struct EwSignatureRoute {
  int next_hop{0};
  bool user{false};
  int route_table{-1};
  int route{-1};
  std::string_view system;
  int peer_vnet{-1};
  int hub{-1};
  bool has_ip{false};
  model::U128 ip{0};
  friend auto operator<=>(const EwSignatureRoute&, const EwSignatureRoute&) = default;
};

EwSignatureRoute ew_signature_route(const RouteChoice& r) {
  return EwSignatureRoute{static_cast<int>(r.next_hop),
                          r.user,
                          r.route_table,
                          r.route,
                          r.system,
                          r.peer_vnet,
                          r.hub,
                          r.next_hop_ip.has_value(),
                          r.next_hop_ip ? r.next_hop_ip->value : 0};
}

/// Decides the NSG stage `s` for every share, keeping what it allows (a share an AlwaysAllow admin rule admitted skips
/// the target's NSGs).
void ew_apply_nsg(const model::Model& m, const Stage& s, model::Direction direction, const Destination& dst,
                  const AddressSpace& space, std::vector<EwShare>& shares) {
  std::vector<EwShare> out;
  for (auto& sh : shares) {
    if (sh.skip_nsgs) {
      out.push_back(std::move(sh));
      continue;
    }
    std::vector<RuleDecision> decisions;
    if (s.slot.state == NsgSlot::State::kPresent) {
      decisions = evaluate_nsg(m.nsgs[s.slot.index], direction, sh.packets, dst, space, nullptr, PastBudget::kAdmitAll);
    } else {
      decisions.push_back(RuleDecision{-1, model::Access::kAllow, sh.packets});
    }
    for (auto& d : decisions) {
      if (d.access != model::Access::kAllow) continue;
      EwShare n;
      n.packets = std::move(d.packets);
      n.hops = sh.hops;
      n.hops.push_back(ew_hop(s, s.kind == K::kNsg && s.resource >= 0 ? d.rule : -1));
      n.snat_firewall = sh.snat_firewall;
      n.original = sh.original;
      out.push_back(std::move(n));
    }
  }
  shares = std::move(out);
}

/// Decides the admin rules of VNet `vnet` for every share, keeping what they do not deny (AlwaysAllow: past the NSGs).
void ew_apply_admin(const model::Model& m, int vnet, const Destination& dst, const AddressSpace& space,
                    std::vector<EwShare>& shares) {
  std::vector<EwShare> out;
  for (auto& sh : shares) {
    for (auto& a : decide_admin(m, vnet, sh.packets, dst, space)) {
      if (a.access == model::AdminAccess::kDeny) continue;
      EwShare n;
      n.packets = std::move(a.packets);
      n.hops = sh.hops;
      n.hops.push_back(admin_hop(vnet, a.rule));
      n.skip_nsgs = a.access == model::AdminAccess::kAlwaysAllow;
      n.snat_firewall = sh.snat_firewall;
      n.original = sh.original;
      out.push_back(std::move(n));
    }
  }
  shares = std::move(out);
}

/// The packets after SNAT by firewall `fw`: every source becomes one of its addresses, with any source port.
PacketSet ew_snat(const model::Model& m, int fw, const PacketSet& p) {
  const IpSet snat = firewall_side(m, m.firewalls[fw]).snat;
  PacketSet out;
  for (const auto& c : p.cubes())
    out = out.unite(PacketSet(Cube{snat, c.dst, c.protocols, PortSet::all(), c.dst_ports}));
  return out;
}

}  // namespace

std::string ew_route_key(const RouteChoice& r) {
  return fmt::format("{}:{}:{}:{}:{}:{}:{}", static_cast<int>(r.next_hop), r.user, r.route_table, r.route, r.system,
                     r.peer_vnet, r.hub);
}

void EastWest::run(const ReachSource& from) {
  for (const auto& d : context_.findings.items()) findings_.add(d);
  sources(from);
  targets();
  plan();
  evaluate();
  if (options_.paas) paas();
  assemble();
}

void EastWest::add_member(const EwMember& member, bool gateway) {
  const NsgSlot nic_slot = member.x.nic >= 0 ? nsg_slot(m_.nics[member.x.nic].nsg) : NsgSlot{};
  const auto key =
      std::make_tuple(member.subnet, static_cast<int>(nic_slot.state), nic_slot.index, member.x.nic >= 0, gateway);
  auto [it, fresh] = class_of_.try_emplace(key, classes_.size());
  if (fresh) {
    EwClass c;
    c.subnet = member.subnet;
    c.rep = member;
    classes_.push_back(std::move(c));
  }
  EwClass& c = classes_[it->second];
  c.members.push_back(member);
  c.addresses = c.addresses.unite(member.addresses);
}

bool EastWest::endpoint_nic(int n) const {
  if (endpoint_nics_.empty()) return false;
  return endpoint_nics_[static_cast<std::size_t>(n)] != 0;
}

void EastWest::subnet_sources(int subnet) {
  bool any = false;
  for (const auto& x : context_.subnet_configs[static_cast<std::size_t>(subnet)]) {
    any = true;
    add_member(config_member(x), false);
  }
  if (!any) {  // no ip configuration: the whole prefix, behind the subnet's NSG only
    EwMember member;
    member.subnet = subnet;
    member.addresses = model::to_set(m_.subnets[subnet].prefixes);
    if (!member.addresses.empty()) add_member(member, false);
  }
}

EwMember EastWest::config_member(const model::IpConfigIndex& x) const {
  const auto& nic = m_.nics[x.nic];
  const auto& cfg = nic.ip_configurations[x.ip_configuration];
  EwMember member;
  member.x = x;
  member.subnet = cfg.subnet.index;
  member.vm = nic.virtual_machine.index;
  if (cfg.private_ip) {
    member.addresses = model::to_set(*cfg.private_ip);
  } else if (member.subnet >= 0) {  // not allocated yet: any address of its subnet
    member.addresses = model::to_set(m_.subnets[member.subnet].prefixes);
  }
  return member;
}

void EastWest::sources(const ReachSource& from) {
  switch (from.kind) {
    case ReachSource::Kind::kIpConfiguration: {
      const auto& x = from.ip_configuration;
      if (x.nic < 0 || x.nic >= static_cast<int>(m_.nics.size()) || x.ip_configuration < 0 ||
          x.ip_configuration >= static_cast<int>(m_.nics[x.nic].ip_configurations.size())) {
        return;
      }
      add_member(config_member(x), false);
      break;
    }
    case ReachSource::Kind::kSubnet:
      if (from.subnet >= 0 && from.subnet < static_cast<int>(m_.subnets.size())) subnet_sources(from.subnet);
      break;
    case ReachSource::Kind::kVirtualNetwork:
      if (from.vnet < 0 || from.vnet >= static_cast<int>(m_.vnets.size())) return;
      for (const auto& s : m_.vnets[from.vnet].subnets) {
        if (s.resolved()) subnet_sources(s.index);
      }
      break;
    case ReachSource::Kind::kPrefix: {
      if (from.vnet < 0 || from.vnet >= static_cast<int>(m_.vnets.size()) || from.prefix.empty()) return;
      int gateway = -1;
      for (const auto& s : m_.vnets[from.vnet].subnets) {
        if (s.resolved() && is_gateway_subnet(m_, s.index)) gateway = s.index;
      }
      if (gateway < 0) {
        findings_.warning("reach-no-gateway-subnet", m_.vnets[from.vnet].where,
                          fmt::format("virtual network '{}' has no GatewaySubnet in the input: on-premises "
                                      "addresses cannot arrive through it, so they reach nothing",
                                      m_.vnets[from.vnet].name));
        return;
      }
      EwMember member;
      member.subnet = gateway;
      member.addresses = from.prefix;
      add_member(member, true);
      break;
    }
  }
  for (auto& c : classes_) {  // the members by address (EwClass)
    for (std::size_t i = 0; i < c.members.size(); ++i) {
      const auto& member = c.members[i];
      const auto& ivs = member.addresses.intervals();
      if (ivs.size() == 1 && ivs.front().lo == ivs.front().hi) {
        c.singles.emplace_back(ivs.front().lo, i);
      } else {
        c.wide.push_back(i);
      }
      if (member.x.nic >= 0) c.by_nic[member.x.nic] = c.by_nic[member.x.nic].unite(member.addresses);
    }
    std::sort(c.singles.begin(), c.singles.end());
  }
  out_.source_classes = classes_.size();
}

namespace {

/// The target's addresses and the address its routes are chosen for; false when it has none at all.
bool ew_place(const model::Model& m, EwTarget& t) {
  if (t.ip) {
    t.route_to = *t.ip;
    t.addresses = model::to_set(*t.ip);
    return true;
  }
  if (t.subnet < 0 || m.subnets[t.subnet].prefixes.empty()) return false;
  for (const auto& p : m.subnets[t.subnet].prefixes) {  // not allocated yet: any address of its subnet
    if (p.family() == t.family) {
      t.route_to = p.address;
      t.addresses = model::to_set(p);
      return true;
    }
  }
  return false;
}

}  // namespace

EwContext::EwContext(const model::Model& model) : m(model), space(model, findings), devices(model) {
  endpoint_nics.assign(m.nics.size(), 0);
  for (const auto& pe : m.private_endpoints) {
    for (const auto& r : pe.network_interfaces) {
      if (r.resolved()) endpoint_nics[static_cast<std::size_t>(r.index)] = 1;
    }
  }
  subnet_configs.resize(m.subnets.size());
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    if (endpoint_nics[n] != 0) continue;
    const auto& nic = m.nics[n];
    for (std::size_t c = 0; c < nic.ip_configurations.size(); ++c) {
      const auto& cfg = nic.ip_configurations[c];
      if (cfg.subnet.index >= 0 && static_cast<std::size_t>(cfg.subnet.index) < subnet_configs.size()) {
        subnet_configs[static_cast<std::size_t>(cfg.subnet.index)].push_back(
            model::IpConfigIndex{static_cast<int>(n), static_cast<int>(c)});
      }
      EwTarget t;
      t.kind = RK::kNetworkInterface;
      t.index = static_cast<int>(n);
      t.x = model::IpConfigIndex{static_cast<int>(n), static_cast<int>(c)};
      t.vm = nic.virtual_machine.index;
      t.subnet = cfg.subnet.index;
      t.asgs = &cfg.asgs;
      t.family = cfg.family;
      t.ip = cfg.private_ip;
      if (ew_place(m, t)) targets.push_back(t);
    }
  }
  for (std::size_t p = 0; p < m.private_endpoints.size(); ++p) {
    const auto& pe = m.private_endpoints[p];
    for (const auto& a : pe.private_ips) {
      EwTarget t;
      t.kind = RK::kPrivateEndpoint;
      t.index = static_cast<int>(p);
      t.endpoint = static_cast<int>(p);
      t.subnet = pe.subnet.index;
      t.family = a.family();
      t.ip = a;
      if (ew_place(m, t)) targets.push_back(t);
    }
  }
  // The targets' classes: how their admin rules and NSGs see them.
  std::unordered_map<std::string, std::size_t> class_of;
  target_class.reserve(targets.size());
  target_nsgs.reserve(targets.size());
  for (const auto& t : targets) {
    EastWestEnds ends;
    ends.x = t.kind == RK::kNetworkInterface ? t.x : model::IpConfigIndex{};
    ends.endpoint = t.endpoint;
    int subnet = -1;
    target_nsgs.push_back(target_nsg_stages(m, ends, subnet));
    const Destination dst_in{t.ip, t.subnet, t.asgs};
    std::string key = fmt::format("{}|{}", t.kind == RK::kPrivateEndpoint, t.subnet);
    for (const Stage& s : target_nsgs.back()) {
      key += fmt::format("|{}:{}:{}:", static_cast<int>(s.kind), static_cast<int>(s.slot.state), s.slot.index);
      if (s.slot.state == NsgSlot::State::kPresent) {
        for (const auto& rule : m.nsgs[s.slot.index].rules) {
          if (rule.direction == model::Direction::kInbound) key += destination_matches(rule, dst_in, space) ? '1' : '0';
        }
      }
    }
    key += admin_stage_key(m, admin_rules_vnet(m, t.subnet), dst_in, space);
    const auto [it, fresh] = class_of.try_emplace(key, class_of.size());
    target_class.push_back(it->second);
    if (!fresh) continue;
    // The class's inbound filters over every packet (EwInbound), as evaluation() meets them.
    EwInbound in;
    EwShare all;
    all.packets = PacketSet(Cube{IpSet::all(), IpSet::all(), model::kAllProtocols, PortSet::all(), PortSet::all()});
    in.pieces.push_back(std::move(all));
    if (const int vnet = admin_rules_vnet(m, t.subnet); vnet >= 0) ew_apply_admin(m, vnet, dst_in, space, in.pieces);
    for (const Stage& s : target_nsgs.back()) ew_apply_nsg(m, s, model::Direction::kInbound, dst_in, space, in.pieces);
    in.exact = std::none_of(in.pieces.begin(), in.pieces.end(), [](const EwShare& p) {
      return std::any_of(p.hops.begin(), p.hops.end(), [](const Hop& h) { return h.rule == kNsgOverApproximated; });
    });
    if (!in.exact) in.pieces.clear();
    inbound.push_back(std::move(in));
  }
}

void EastWest::targets() {
  targets_.reset(context_.targets);
  const bool all = !options_.targets;
  int nic = -1;
  bool chosen = false;
  for (std::size_t i = 0; i < context_.targets.size(); ++i) {
    const EwTarget& t = context_.targets[i];
    if (!all) {
      if (t.kind == RK::kNetworkInterface) {
        if (t.index != nic) {  // asked once per NIC
          nic = t.index;
          chosen = options_.targets(RK::kNetworkInterface, t.index);
        }
        if (!chosen) continue;
      } else if (!options_.targets(RK::kPrivateEndpoint, t.index)) {
        continue;
      }
    }
    targets_.add(i);
  }
}

std::size_t EastWest::first_after_outbound(const std::vector<Stage>& stages) {
  std::size_t i = 1;
  while (i < stages.size() && (stages[i].kind == K::kNsg || stages[i].kind == K::kNoNsg ||
                               (stages[i].kind == K::kAdminRule && std::string_view(stages[i].scope) == "outbound"))) {
    ++i;
  }
  return i;
}

void EastWest::nsg_bits(std::string& out, const NsgSlot& slot, model::Direction direction,
                        const Destination& dst) const {
  if (slot.state != NsgSlot::State::kPresent) return;
  for (const auto& rule : m_.nsgs[slot.index].rules) {
    if (rule.direction == direction) out += destination_matches(rule, dst, space_) ? '1' : '0';
  }
}

const std::vector<int>& EastWest::route_signatures(int subnet) {
  auto [it, fresh] = route_signatures_.try_emplace(subnet);
  if (!fresh) return it->second;
  // What the stages of the path take from the target's address: the route from the source subnet, and when it leads
  // to a firewall or an appliance, the device's subnet's route on (east_west_stages()). The private endpoints' routes
  // depend on more (forward_route()): they have no signature (-1) and are planned one by one.
  std::vector<int>& out = it->second;
  out.assign(targets_.size(), -1);
  // The key: the target's subnet, the route from the source subnet and, behind a device, its subnet's route on.
  using Key = std::tuple<int, EwSignatureRoute, bool, EwSignatureRoute>;
  std::map<Key, int> ids;
  std::map<model::U128, int> device_subnet;
  for (std::size_t t = 0; t < targets_.size(); ++t) {
    const EwTarget& target = targets_[t];
    if (target.kind != RK::kNetworkInterface) continue;
    const RouteChoice first = forward_route(m_, subnet, target.route_to, -1);
    Key key{target.subnet, ew_signature_route(first), false, EwSignatureRoute{}};
    if (first.next_hop == model::NextHopType::kVirtualAppliance && first.next_hop_ip) {
      auto [dt, dfresh] = device_subnet.try_emplace(first.next_hop_ip->value, -2);
      if (dfresh) {
        const Device d = device_at(m_, *first.next_hop_ip, &devices_);
        if (d.kind == Device::Kind::kFirewall) dt->second = firewall_side(m_, m_.firewalls[d.index]).subnet;
        if (d.kind == Device::Kind::kAppliance) dt->second = d.subnet;
      }
      if (dt->second >= -1) {
        std::get<2>(key) = true;
        std::get<3>(key) = ew_signature_route(forward_route(m_, dt->second, target.route_to, -1));
      }
    }
    out[t] = ids.try_emplace(key, static_cast<int>(ids.size())).first->second;
  }
  auto& groups = signature_groups_[subnet];
  groups.assign(ids.size(), {});
  for (std::size_t t = 0; t < out.size(); ++t) {
    if (out[t] >= 0) groups[static_cast<std::size_t>(out[t])].push_back(t);
  }
  return out;
}

void EastWest::plan() {
  target_class_met_.assign(context_.targets.size(), 0);
  std::size_t target_classes = 0;
  // What one class's targets of one route signature share: the stages (those of the first such target), or none
  // when the route does not deliver the packet.
  struct Planned {
    std::vector<Stage> stages;
    std::size_t mid{0};
    std::size_t routes{0};  // the routes chosen and the appliance crossed (an id of their text), for the evaluation key
    Device request;
    bool firewall{false};
  };
  std::unordered_map<std::string, std::size_t> route_ids;
  std::string out_key;  // reused: one key per (class, target)
  const auto plan_to = [&](const EwClass& cls, const EwTarget& target) -> std::optional<Planned> {
    EastWestEnds ends;
    ends.from = cls.rep.x;
    ends.from_subnet = cls.subnet;
    ends.to = target.route_to;
    ends.x = target.kind == RK::kNetworkInterface ? target.x : model::IpConfigIndex{};
    ends.endpoint = target.endpoint;
    std::vector<Stage> stages = east_west_stages(m_, ends, &devices_);
    if (stages.back().kind != K::kTarget) return std::nullopt;  // not delivered
    Planned n;
    std::string routes;
    n.mid = first_after_outbound(stages);
    n.request.kind = Device::Kind::kNone;
    // The way to the target: the routes chosen, the devices crossed (a firewall's rules see the target's address).
    for (std::size_t i = n.mid; i < stages.size(); ++i) {
      const Stage& s = stages[i];
      if (s.kind == K::kRoute && std::string_view(s.scope) == "forward") {
        const RouteChoice r = forward_route(m_, s.resource, target.route_to, target.endpoint);
        if (i == n.mid) n.request = device_of(m_, r, &devices_);
        routes += ew_route_key(r);
      } else if (s.kind == K::kFirewall) {
        n.firewall = true;
        routes += fmt::format("fw{}", s.resource);
      } else if (s.kind == K::kAppliance) {
        routes += fmt::format("ap{}", s.resource);
      }
      routes += ';';
    }
    n.routes = route_ids.try_emplace(std::move(routes), route_ids.size()).first->second;
    n.stages = std::move(stages);
    return n;
  };
  for (std::size_t c = 0; c < classes_.size(); ++c) {
    const EwClass& cls = classes_[c];
    const std::vector<int>& signatures = route_signatures(cls.subnet);
    const auto eligible = [&](const EwTarget& target) {
      if (!cls.addresses.intersects(ew_family_space(target.family))) return false;
      return !(cls.members.size() == 1 && cls.rep.x.nic >= 0 && cls.rep.x.nic == target.x.nic);
    };
    // The targets the class's packets are delivered to, in order: those of each route signature planned once (its
    // first eligible target's stages stand for the others'), the others one by one.
    std::unordered_map<int, std::optional<Planned>> planned;
    std::vector<std::size_t> order;
    for (const auto& group : signature_groups_[cls.subnet]) {
      std::size_t k = 0;
      while (k < group.size() && !eligible(targets_[group[k]])) ++k;
      if (k == group.size()) continue;
      auto& p = planned[signatures[group[k]]];
      p = plan_to(cls, targets_[group[k]]);
      if (!p) continue;
      for (; k < group.size(); ++k) {
        if (eligible(targets_[group[k]])) order.push_back(group[k]);
      }
    }
    for (std::size_t t = 0; t < targets_.size(); ++t) {
      if (signatures[t] < 0 && eligible(targets_[t])) order.push_back(t);
    }
    std::sort(order.begin(), order.end());
    for (const std::size_t t : order) {
      const EwTarget& target = targets_[t];
      const std::size_t at = targets_.index(t);
      const auto& target_nsgs = context_.target_nsgs[at];
      const int signature = signatures[t];
      std::optional<Planned> single;
      const std::optional<Planned>* p = &single;
      const bool reuse = signature >= 0;
      if (reuse) {
        p = &planned[signature];
      } else {
        single = plan_to(cls, target);
        if (!single) continue;
      }
      const Planned& plan = **p;
      // The stages to this target: the planned ones with its own NSG stages and its own kTarget (made only for a new
      // evaluation; the outbound ones are the class's whatever the target).
      const std::vector<Stage>& planned_stages = plan.stages;
      const auto target_stages = [&] {
        std::vector<Stage> stages = planned_stages;
        if (reuse) {
          const std::size_t n = stages.size();
          stages[n - 4] = target_nsgs[0];
          stages[n - 3] = target_nsgs[1];
          stages[n - 1].resource = target.x.nic;
        }
        return stages;
      };
      const std::size_t mid = plan.mid;
      // The outbound evaluation: the class and how its NSGs' outbound rules see the target.
      const Destination dst_out{target.ip, cls.subnet, target.asgs};
      out_key = std::to_string(c);
      for (std::size_t i = 1; i < mid; ++i) {
        if (planned_stages[i].kind == K::kAdminRule) {  // the source VNet's outbound admin rules
          out_key += admin_stage_key(m_, planned_stages[i].resource, dst_out, space_, model::Direction::kOutbound);
          continue;
        }
        out_key += '|';
        nsg_bits(out_key, planned_stages[i].slot, model::Direction::kOutbound, dst_out);
      }
      auto [ot, ofresh] = outbound_of_.try_emplace(out_key, outbounds_.size());
      if (ofresh) {
        EwOutbound o;
        o.cls = &cls;
        o.stages.assign(planned_stages.begin(), planned_stages.begin() + static_cast<std::ptrdiff_t>(mid));
        o.dst = dst_out;
        outbounds_.push_back(std::move(o));
      }
      // The target's class (EwContext): how its admin rules and NSGs see it.
      const std::size_t tc = context_.target_class[at];
      if (!target_class_met_[tc]) {
        target_class_met_[tc] = 1;
        ++target_classes;
      }
      EwEvaluationKey key{ot->second, tc, plan.routes, plan.firewall, plan.firewall ? target.route_to.value : 0};
      auto [et, efresh] = evaluation_of_.try_emplace(key, evaluations_.size());
      if (efresh) {
        EwEvaluation e;
        e.outbound = ot->second;
        e.target_class = tc;
        e.stages = target_stages();
        e.target = &target;
        e.dst = Destination{target.ip, target.subnet, target.asgs};
        e.request = plan.request;
        evaluations_.push_back(std::move(e));
      }
      EwJob job;
      job.cls = c;
      job.target = t;
      job.evaluation = et->second;
      job.returns = return_partition(target.subnet, c, east_west_internal::endpoint_user_routes(m_, target.endpoint));
      job.source_hop = ew_hop(planned_stages.front());
      job.target_hop = ew_hop(planned_stages.back());
      if (reuse) job.target_hop.resource = target.x.nic;
      job.nic_nsg_hop = ew_hop(reuse ? target_nsgs[1] : planned_stages[planned_stages.size() - 3]);
      jobs_.push_back(job);
    }
  }
  out_.target_classes = target_classes;
  out_.evaluations = evaluations_.size();
}

void EastWest::merge_targets() {
  if (!options_.merge_sources || !options_.target_group) return;
  // Jobs of one class with the same split (the same packets share by share, the same replies' routes and device
  // crossed), targets of one group, whose split parts meet the target's addresses alike, give flows with the same
  // sources, protocols and ports, to their own targets (through their own evaluation's hops): the first job stands for
  // the others.
  std::map<std::tuple<std::size_t, std::size_t, int, std::uint64_t>, std::size_t> first;
  std::vector<EwJob> kept;
  kept.reserve(jobs_.size());
  for (const EwJob& job : jobs_) {
    const EwTarget& target = targets_[job.target];
    const auto& parts = splits_[split_made_[job.split]];
    int group = -1;
    if (target.kind == RK::kNetworkInterface && parts.size() <= 64 &&
        classes_[job.cls].by_nic.count(target.x.nic) == 0) {
      group = options_.target_group(target.x.nic, target.x.ip_configuration);
    }
    if (group < 0) {
      kept.push_back(job);
      continue;
    }
    std::uint64_t mask = 0;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (target.addresses.intersects(parts[i].destinations)) mask |= std::uint64_t{1} << i;
    }
    auto [it, fresh] = first.try_emplace(std::make_tuple(job.cls, split_made_[job.split], group, mask), kept.size());
    if (fresh) {
      kept.push_back(job);
    } else {
      ++kept[it->second].targets;
    }
  }
  jobs_ = std::move(kept);
}

void EastWest::outbound(EwOutbound& o) const {
  std::vector<EwShare> shares;
  EwShare start;
  start.packets = PacketSet(Cube{o.cls->addresses, IpSet::all(), model::kAllProtocols, PortSet::all(), PortSet::all()});
  shares.push_back(std::move(start));
  for (std::size_t i = 1; i < o.stages.size(); ++i) {
    const Stage& s = o.stages[i];
    if (s.kind != K::kAdminRule) {
      ew_apply_nsg(m_, s, model::Direction::kOutbound, o.dst, space_, shares);
      continue;
    }
    // The source VNet's outbound admin rules: Deny drops, AlwaysAllow skips the source's outbound NSGs, Allow (or no
    // rule) hands the packets to them.
    std::vector<EwShare> out;
    for (auto& sh : shares) {
      for (auto& a : decide_admin(m_, s.resource, sh.packets, o.dst, space_, model::Direction::kOutbound)) {
        if (a.access == model::AdminAccess::kDeny) continue;
        EwShare n;
        n.packets = std::move(a.packets);
        n.hops = sh.hops;
        n.hops.push_back(admin_hop(s.resource, a.rule, s.scope));
        n.skip_nsgs = a.access == model::AdminAccess::kAlwaysAllow;
        out.push_back(std::move(n));
      }
    }
    shares = std::move(out);
  }
  // What skipped the source's NSGs still meets the target's (the inbound admin rules decide that afresh).
  for (auto& sh : shares) sh.skip_nsgs = false;
  o.result = std::move(shares);
}

void EastWest::evaluation(EwEvaluation& e) const {
  std::vector<EwShare> shares = outbounds_[e.outbound].result;
  const EwTarget& target = *e.target;
  const EwInbound& inbound = context_.inbound[e.target_class];
  for (std::size_t i = first_after_outbound(e.stages); i < e.stages.size() && !shares.empty(); ++i) {
    const Stage& s = e.stages[i];
    if (inbound.exact && (s.kind == K::kAdminRule || s.kind == K::kNsg || s.kind == K::kNoNsg)) {
      // The target's inbound filters, decided once for its class (EwInbound).
      std::vector<EwShare> out;
      for (const auto& sh : shares) {
        for (const auto& piece : inbound.pieces) {
          PacketSet p = sh.packets.intersect(piece.packets);
          if (p.empty()) continue;
          EwShare n;
          n.packets = std::move(p);
          n.hops = sh.hops;
          n.hops.insert(n.hops.end(), piece.hops.begin(), piece.hops.end());
          n.skip_nsgs = piece.skip_nsgs;
          n.snat_firewall = sh.snat_firewall;
          n.original = sh.original;
          out.push_back(std::move(n));
        }
      }
      shares = std::move(out);
      break;
    }
    switch (s.kind) {
      case K::kRoute:
        if (std::string_view(s.scope) == "forward") {
          const Hop h = ew_route_hop(forward_route(m_, s.resource, target.route_to, target.endpoint), "forward");
          for (auto& sh : shares) sh.hops.push_back(h);
        }
        break;
      case K::kFirewall: {
        std::vector<EwShare> out;
        const auto& fw = m_.firewalls[s.resource];
        const PacketSet to(Cube{IpSet::all(), target.addresses, model::kAllProtocols, PortSet::all(), PortSet::all()});
        for (auto& sh : shares) {
          for (auto& d : filter_through_firewall(m_, fw, sh.packets.intersect(to))) {
            if (!d.allow) continue;
            const auto& rule = rule_at(m_, fw, fw.order[d.position]);
            const bool application = rule.kind == model::FirewallRuleKind::kApplication;
            EwShare n;
            n.hops = sh.hops;
            n.hops.push_back(Hop{K::kFirewall, RK::kFirewall, s.resource, application ? "application" : "network",
                                 d.position, d.assumed ? kAssumedFqdnNote : ""});
            if (application) {
              n.original = d.packets;
              n.packets = ew_snat(m_, s.resource, d.packets);
              n.snat_firewall = s.resource;
            } else {
              n.packets = std::move(d.packets);
            }
            out.push_back(std::move(n));
          }
        }
        shares = std::move(out);
        break;
      }
      case K::kAppliance:
        for (auto& sh : shares) sh.hops.push_back(ew_hop(s));
        break;
      case K::kAdminRule: ew_apply_admin(m_, s.resource, e.dst, space_, shares); break;
      case K::kNsg:
      case K::kNoNsg: ew_apply_nsg(m_, s, model::Direction::kInbound, e.dst, space_, shares); break;
      default: break;
    }
  }
  e.result = std::move(shares);
}

void EastWest::evaluate() {
  const int jobs = std::max(1, options_.jobs);
  model::parallel_for(outbounds_.size(), jobs, [&](std::size_t i) { outbound(outbounds_[i]); });
  const auto progress = [&](std::size_t done) {
    if (options_.progress) options_.progress("east-west evaluations", done, evaluations_.size());
  };
  model::parallel_for(
      evaluations_.size(), jobs, [&](std::size_t i) { evaluation(evaluations_[i]); }, progress);
}

}  // namespace east_west_internal

ReachContext::ReachContext(const model::Model& m) : impl_(std::make_unique<east_west_internal::EwContext>(m)) {}
ReachContext::~ReachContext() = default;

Reach reach(const model::Model& m, const ReachSource& from, const ReachOptions& options) {
  const ReachContext context(m);
  return reach(m, from, options, context);
}

Reach reach(const model::Model& /*m*/, const ReachSource& from, const ReachOptions& options,
            const ReachContext& context) {
  Reach out;
  east_west_internal::EastWest engine(context.internal(), options, out);
  engine.run(from);
  return out;
}

}  // namespace exposim::solver
