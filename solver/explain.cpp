// explain(): one packet through the modelled path, with the reason at every hop. The decisions reuse
// the analysis' own rules (AddressSpace, evaluate_nsg, the Basic/Standard rule, the return route).
#include "solver/explain.h"

#include <algorithm>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include <fmt/format.h>

#include "solver/address_space.h"
#include "solver/explain_internal.h"
#include "solver/exposure.h"
#include "solver/firewall.h"
#include "solver/nsg_eval.h"
#include "solver/routing.h"

namespace exposim::solver {
namespace explain_internal {

using model::Access;
using model::Direction;
using model::IpAddress;

struct Candidate {
  int nic{-1};
  int cfg{-1};
  bool via_public{false};
  friend auto operator<=>(const Candidate&, const Candidate&) = default;
};

bool named(const model::ResourceBase& r, const std::string& canonical, const std::string& lowered) {
  return r.key == canonical || lower(r.name) == lowered;
}

/// The ip configurations a NIC stands for as a target: those with a public IP, else all of them.
void nic_candidates(const model::Model& m, int n, std::set<Candidate>& out) {
  const auto& cfgs = m.nics[n].ip_configurations;
  bool any_public = false;
  for (const auto& c : cfgs) any_public = any_public || c.public_ip.set();
  for (std::size_t c = 0; c < cfgs.size(); ++c) {
    if (!any_public || cfgs[c].public_ip.set()) out.insert({n, static_cast<int>(c), cfgs[c].public_ip.set()});
  }
}

/// The ip configurations a public IP is attached to (normally one).
std::vector<Candidate> attached_to(const model::Model& m, int pip) {
  std::vector<Candidate> out;
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    const auto& cfgs = m.nics[n].ip_configurations;
    for (std::size_t c = 0; c < cfgs.size(); ++c) {
      if (cfgs[c].public_ip.index == pip) out.push_back({static_cast<int>(n), static_cast<int>(c), true});
    }
  }
  return out;
}

std::string candidate_label(const model::Model& m, const Candidate& c) {
  const auto& nic = m.nics[c.nic];
  const auto& cfg = nic.ip_configurations[c.cfg];
  std::string label = model::ip_configuration_id(nic, cfg);
  const int vm = nic.virtual_machine.index;
  label +=
      vm >= 0 ? fmt::format(" (VM '{}', NIC '{}', ", m.vms[vm].name, nic.name) : fmt::format(" (NIC '{}', ", nic.name);
  label += fmt::format("private {}", cfg.private_ip ? cfg.private_ip->to_string() : "unallocated");
  if (c.via_public && cfg.public_ip.resolved()) {
    const auto& pip = m.public_ips[cfg.public_ip.index];
    label += fmt::format(", public {}", pip.address ? pip.address->to_string() : pip.name + " (unallocated)");
  }
  return label + ")";
}

/// Resolves the target text to ip configurations; fills the error fields of `t` when it cannot. When the text
/// fits several, `backend` (a NIC or VM name or id, an ip configuration id, or a private IP) chooses among them.
std::optional<Candidate> resolve_target(const model::Model& m, const std::string& text, const std::string& backend,
                                        model::IpFamily family, FlowTrace& t) {
  std::set<Candidate> found;
  std::vector<std::string> unattached;  // public IPs that matched but lead nowhere
  auto add_pip = [&](int p) {
    const auto to = attached_to(m, p);
    if (to.empty()) unattached.push_back(m.public_ips[p].name);
    found.insert(to.begin(), to.end());
  };
  if (const auto ip = IpAddress::parse(text)) {
    for (std::size_t p = 0; p < m.public_ips.size(); ++p) {
      if (m.public_ips[p].address == ip) add_pip(static_cast<int>(p));
    }
    for (std::size_t n = 0; n < m.nics.size(); ++n) {
      const auto& cfgs = m.nics[n].ip_configurations;
      for (std::size_t c = 0; c < cfgs.size(); ++c) {
        if (cfgs[c].private_ip == ip) found.insert({static_cast<int>(n), static_cast<int>(c), false});
      }
    }
  } else {
    const std::string canonical = model::canonical_id(text);
    const std::string lowered = lower(text);
    for (std::size_t p = 0; p < m.public_ips.size(); ++p) {
      if (named(m.public_ips[p], canonical, lowered)) add_pip(static_cast<int>(p));
    }
    for (std::size_t n = 0; n < m.nics.size(); ++n) {
      if (named(m.nics[n], canonical, lowered)) nic_candidates(m, static_cast<int>(n), found);
      const auto& cfgs = m.nics[n].ip_configurations;
      for (std::size_t c = 0; c < cfgs.size(); ++c) {
        if (cfgs[c].key == canonical) found.insert({static_cast<int>(n), static_cast<int>(c), cfgs[c].public_ip.set()});
      }
    }
    for (const auto& vm : m.vms) {
      if (!named(vm, canonical, lowered)) continue;
      for (const auto& ref : vm.network_interfaces) {
        if (ref.resolved()) nic_candidates(m, ref.index, found);
      }
    }
  }
  const bool by_address = IpAddress::parse(text).has_value();
  if (!backend.empty()) {
    if (found.size() <= 1) {
      t.status = FlowTrace::Status::kBadBackend;
      t.error = fmt::format(
          "--backend '{}' applies only when the target is a load balancer frontend's public IP, an "
          "application gateway, or a target that fits several ip configurations",
          backend);
      return std::nullopt;
    }
    std::set<Candidate> chosen;
    for (const auto& c : found) {
      if (names_member(m, model::IpConfigIndex{c.nic, c.cfg}, backend)) chosen.insert(c);
    }
    if (chosen.size() == 1) return *chosen.begin();
    t.status = FlowTrace::Status::kBadBackend;
    for (const auto& c : found) t.candidates.push_back(candidate_label(m, c));
    std::sort(t.candidates.begin(), t.candidates.end());
    t.error = chosen.empty() ? fmt::format("--backend '{}' names none of the {} ip configurations that '{}' fits",
                                           backend, found.size(), text)
                             : fmt::format(
                                   "--backend '{}' still fits {} of the ip configurations that '{}' fits: give an ip "
                                   "configuration id",
                                   backend, chosen.size(), text);
    return std::nullopt;
  }
  if (found.size() == 1) return *found.begin();
  if (found.size() > 1) {
    // A dual-stack NIC or VM: the ip configuration of the client's IP version is the one it can reach.
    std::vector<Candidate> same;
    for (const auto& c : found) {
      if (m.nics[c.nic].ip_configurations[c.cfg].family == family) same.push_back(c);
    }
    if (same.size() == 1) return same.front();
  }
  if (found.empty()) {
    if (!unattached.empty()) {
      t.status = FlowTrace::Status::kBadTarget;
      t.error = fmt::format("public IP '{}' is not attached to any ip configuration in the input", unattached.front());
    } else {
      t.status = FlowTrace::Status::kUnknownTarget;
      t.error = fmt::format(
          "unknown target '{}': expected a public or private IP address, or the name or id of a "
          "public IP, network interface or virtual machine in the input",
          text);
    }
    return std::nullopt;
  }
  t.status = FlowTrace::Status::kAmbiguousTarget;
  for (const auto& c : found) t.candidates.push_back(candidate_label(m, c));
  std::sort(t.candidates.begin(), t.candidates.end());
  // The candidates are listed (the CLI prints them as notes); --backend or an ip configuration id chooses one.
  t.error = by_address ? fmt::format(
                             "ambiguous target '{}': the address belongs to {} ip configurations (a private address "
                             "used in two VNets, or a public IP referenced by two NICs); choose one with --backend "
                             "(its VM or NIC name or id) or give its ip configuration id as the target",
                             text, found.size())
                       : fmt::format(
                             "ambiguous target '{}': it names {} ip configurations; choose one with --backend (its VM "
                             "or NIC name or id, or its private IP) or give its ip configuration id as the target",
                             text, found.size());
  return std::nullopt;
}

/// Why an address is not in the internet (docs/model.md): the estate's space first, then the special ranges.
std::string not_internet_because(const model::Model& m, const IpAddress& a) {
  for (const auto& vnet : m.vnets) {
    for (const auto& p : vnet.address_space) {
      if (p.contains(a)) return fmt::format("inside {}, address space of VNet '{}'", p.to_string(), vnet.name);
    }
    for (const auto& peering : vnet.peerings) {
      for (const auto& p : peering.remote_address_space) {
        if (p.contains(a)) return fmt::format("inside {}, peered to VNet '{}'", p.to_string(), vnet.name);
      }
    }
  }
  for (const auto& s : m.subnets) {
    for (const auto& p : s.prefixes) {
      if (p.contains(a)) return fmt::format("inside {}, prefix of subnet '{}'", p.to_string(), s.name);
    }
  }
  static const std::pair<const char*, const char*> kRanges[] = {
      {"168.63.129.16/32", "Azure's platform address"},
      {"0.0.0.0/8", "'this network'"},
      {"10.0.0.0/8", "a private range"},
      {"100.64.0.0/10", "shared address space (carrier-grade NAT)"},
      {"127.0.0.0/8", "loopback"},
      {"169.254.0.0/16", "link-local"},
      {"172.16.0.0/12", "a private range"},
      {"192.0.0.0/24", "IETF protocol assignments"},
      {"192.0.2.0/24", "a documentation range"},
      {"192.88.99.0/24", "the deprecated 6to4 relay range"},
      {"192.168.0.0/16", "a private range"},
      {"198.18.0.0/15", "the benchmarking range"},
      {"198.51.100.0/24", "a documentation range"},
      {"203.0.113.0/24", "a documentation range"},
      {"224.0.0.0/4", "multicast"},
      {"240.0.0.0/4", "reserved"},
      {"2001:db8::/32", "a documentation range"},
      {"3fff::/20", "a documentation range"},
  };
  for (const auto& [text, what] : kRanges) {
    const auto p = *model::IpPrefix::parse(text);
    if (p.contains(a)) return fmt::format("{} {}", what, p.to_string());
  }
  return a.family() == model::IpFamily::kV6 ? "not global unicast IPv6 (outside 2000::/3)" : "not a public address";
}

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

std::string protocol_reason(const model::SecurityRule& r, model::Protocol p) {
  if (r.protocols == model::kAllProtocols) return fmt::format("protocol '*' covers {}", model::to_string(p));
  return fmt::format("protocol {}", model::to_string(p));
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

/// `through`: what the replies must leave through ("the public IP", "the load balancer"); nullptr when the target
/// has no public IP at all (nothing it sends can answer an internet client).
TraceHop route_hop(const model::Model& m, int subnet, const IpAddress& client, const char* through) {
  TraceHop h;
  h.kind = TraceHop::Kind::kRoute;
  h.resource_kind = model::ResourceKind::kSubnet;
  h.resource = subnet;
  const model::Route* best = nullptr;
  if (subnet >= 0 && m.subnets[subnet].route_table.resolved()) {
    const int rt = m.subnets[subnet].route_table.index;
    const auto& routes = m.route_tables[rt].routes;
    for (std::size_t i = 0; i < routes.size(); ++i) {
      const auto& r = routes[i];
      // Longest prefix wins; among equal prefixes the first listed (as in AddressSpace::internet_answerable).
      if (!r.prefix || !r.prefix->contains(client)) continue;
      if (best && best->prefix->length >= r.prefix->length) continue;
      best = &r;
      h.route_table = rt;
      h.route = static_cast<int>(i);
    }
  }
  const std::string to = client.to_string();
  if (best) {
    h.next_hop = best->next_hop;
    const auto& rt = m.route_tables[h.route_table];
    std::string hop = model::to_string(best->next_hop);
    if (best->next_hop_ip) hop = fmt::format("{} {}", hop, best->next_hop_ip->to_string());
    h.reason = fmt::format("the reply to {} takes route '{}' ({} -> {}) of route table '{}'", to, best->name,
                           best->prefix->to_string(), hop, rt.name);
  } else if (const auto hub = subnet >= 0 && client.family() == model::IpFamily::kV4
                                  ? model::hub_default_route(m, m.subnets[subnet].vnet.index)
                                  : std::nullopt) {
    h.next_hop = model::NextHopType::kVirtualNetworkGateway;
    h.reason = fmt::format(
        "the reply to {} takes route 0.0.0.0/0 -> VirtualNetworkGateway learned from virtual hub "
        "'{}' ({})",
        to, m.virtual_hubs[hub->hub].name, model::hub_default_reason(m, *hub));
  } else {
    h.next_hop = model::NextHopType::kInternet;
    h.reason = fmt::format("the reply to {} takes the system default route ({} -> Internet)", to,
                           client.family() == model::IpFamily::kV4 ? "0.0.0.0/0" : "::/0");
    if (subnet < 0) h.reason += " (the subnet is not in the input)";
  }
  h.passes = h.next_hop == model::NextHopType::kInternet;
  h.breaks = true;  // analyze reports such sources as broken (diverted replies)
  if (through == nullptr) {
    // No public IP: an internet client has no address to send to, and nothing the target sends is an answer.
    h.passes = false;
    h.reason += h.next_hop == model::NextHopType::kInternet
                    ? ", but the target has no public IP: what it sends to the internet leaves, if at all, through "
                      "outbound SNAT (a NAT gateway, a load balancer's outbound rule or default outbound access) from "
                      "another address, which answers no connection from the client"
                    : ": the reply does not even head for the internet, and the target has no public IP to answer from";
    return h;
  }
  h.reason += h.passes ? fmt::format(": replies leave through {} and reach the client", through)
                       : fmt::format(": replies do not leave through {}, so the client never gets an answer", through);
  return h;
}

/// The public load balancer frontends whose public IP the target text names (address, name or id).
std::vector<std::pair<int, int>> frontends_named(const model::Model& m, const std::string& text) {
  const auto ip = IpAddress::parse(text);
  const std::string canonical = model::canonical_id(text);
  const std::string lowered = lower(text);
  std::vector<std::pair<int, int>> out;
  for (std::size_t l = 0; l < m.load_balancers.size(); ++l) {
    const auto& fes = m.load_balancers[l].frontends;
    for (std::size_t f = 0; f < fes.size(); ++f) {
      if (!fes[f].public_ip.resolved()) continue;
      const auto& pip = m.public_ips[fes[f].public_ip.index];
      if (ip ? pip.address == ip : named(pip, canonical, lowered)) out.emplace_back(l, f);
    }
  }
  return out;
}

std::string member_label(const model::Model& m, const model::IpConfigIndex& x) {
  const auto& nic = m.nics[x.nic];
  const auto& cfg = nic.ip_configurations[x.ip_configuration];
  const int vm = nic.virtual_machine.index;
  std::string name = vm >= 0 ? m.vms[vm].name : nic.name;
  if (nic.ip_configurations.size() > 1) name += "/" + cfg.name;
  return fmt::format("{} ({})", name, cfg.private_ip ? cfg.private_ip->to_string() : "unallocated");
}

/// Does the --backend text name this member (NIC or VM name or id, ip configuration id, or private IP)?
bool names_member(const model::Model& m, const model::IpConfigIndex& x, const std::string& text) {
  const auto& nic = m.nics[x.nic];
  const auto& cfg = nic.ip_configurations[x.ip_configuration];
  if (const auto ip = IpAddress::parse(text)) return cfg.private_ip == ip;
  const std::string canonical = model::canonical_id(text);
  const std::string lowered = lower(text);
  if (named(nic, canonical, lowered) || cfg.key == canonical) return true;
  const int vm = nic.virtual_machine.index;
  return vm >= 0 && named(m.vms[vm], canonical, lowered);
}

/// What a load balancer frontend does with the packet: the rule that matches and the backend it goes to.
struct LbChoice {
  TraceHop hop;
  std::optional<model::IpConfigIndex> backend;  // none: no rule matches, or the rule forwards nowhere
  bool floating_ip{false};
};

/// Matches the packet against the frontend's load-balancing rules, then its inbound NAT rules, as analyze()
/// enumerates them. Fills t's error fields (kBadBackend) when --backend names no member.
LbChoice load_balancer_hop(const model::Model& m, int l, int f, const FlowQuery& q, FlowTrace& t) {
  const auto& lb = m.load_balancers[l];
  const auto& fe = lb.frontends[f];
  const model::IpFamily family = m.public_ips[fe.public_ip.index].family;
  LbChoice c;
  TraceHop& h = c.hop;
  h.kind = TraceHop::Kind::kLoadBalancer;
  h.resource_kind = model::ResourceKind::kLoadBalancer;
  h.resource = l;
  const bool ported = model::has_ports(q.protocol);
  const std::string packet = ported ? fmt::format("{} port {}", model::to_string(q.protocol), q.destination_port)
                                    : std::string(model::to_string(q.protocol));
  auto of_family = [&](const model::IpConfigIndex& x) {
    return m.nics[x.nic].ip_configurations[x.ip_configuration].family == family;
  };
  auto bad_backend = [&](const std::string& why, const std::vector<model::IpConfigIndex>& members) {
    t.status = FlowTrace::Status::kBadBackend;
    t.error = why;
    for (const auto& x : members) t.candidates.push_back(member_label(m, x));
  };
  // The position of the member --backend names (0 without --backend), or members.size() when it names none.
  auto chosen = [&](const std::vector<model::IpConfigIndex>& members) {
    if (q.backend.empty()) return std::size_t{0};
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (names_member(m, members[i], q.backend)) return i;
    }
    return members.size();
  };
  // An inbound NAT rule or pool (`what` "rule" or "pool") that forwards the packet to `to` (at most one
  // backend for the packet's port): the backend, or why --backend cannot be it.
  auto forward_nat = [&](const char* what, const std::string& name, const std::vector<model::IpConfigIndex>& to) {
    if (to.empty()) {
      if (!q.backend.empty()) {
        bad_backend(fmt::format("--backend '{}': inbound NAT {} '{}' of '{}' forwards {} to no backend", q.backend,
                                what, name, lb.name, packet),
                    {});
      }
      return c;
    }
    const std::size_t pick = chosen(to);
    if (pick == to.size()) {
      bad_backend(fmt::format("--backend '{}': inbound NAT {} '{}' of '{}' forwards {} only to {}", q.backend, what,
                              name, lb.name, packet, member_label(m, to.front())),
                  to);
      return c;
    }
    c.backend = to[pick];
    h.passes = true;
    return c;
  };
  // Load-balancing rules: the frontend port (0: HA ports, every port unchanged) and the protocol.
  for (std::size_t r = 0; r < lb.rules.size() && ported; ++r) {
    const auto& rule = lb.rules[r];
    if (rule.frontend.child != f || !(rule.protocols & model::bit(q.protocol))) continue;
    if (rule.frontend_port != 0 && rule.frontend_port != q.destination_port) continue;
    h.lb_rule = static_cast<int>(r);
    h.frontend_port = q.destination_port;
    h.backend_port = rule.frontend_port == 0 ? q.destination_port : rule.backend_port;
    c.floating_ip = rule.enable_floating_ip;
    std::set<model::IpConfigIndex> done;  // as analyze: a member of two of the rule's pools once
    std::vector<std::string> pools;
    for (const auto& pool : rule.backend_pools) {
      if (pool.child < 0) continue;
      pools.push_back(fmt::format("'{}'", lb.backend_pools[pool.child].name));
      for (const auto& x : lb.backend_pools[pool.child].members) {
        if (done.insert(x).second && of_family(x)) h.backends.push_back(x);
      }
    }
    std::string pool_text = pools.empty() ? "no backend pool" : "pool " + pools.front();
    for (std::size_t i = 1; i < pools.size(); ++i) pool_text += " and " + pools[i];
    h.reason = fmt::format("{} matches load-balancing rule '{}' ({} -> {}) of '{}'", packet, rule.name, h.frontend_port,
                           h.backend_port, lb.name);
    if (h.backends.empty()) {
      h.reason +=
          fmt::format(", but {} has no member of the frontend's IP version: the packet goes nowhere", pool_text);
      if (!q.backend.empty())
        bad_backend(fmt::format("--backend '{}': load-balancing rule '{}' of '{}' has no backend", q.backend, rule.name,
                                lb.name),
                    {});
      return c;
    }
    const std::size_t pick = chosen(h.backends);
    if (pick == h.backends.size()) {
      bad_backend(fmt::format("--backend '{}' is not a member of {} of load balancer '{}' (rule '{}')", q.backend,
                              pool_text, lb.name, rule.name),
                  h.backends);
      return c;
    }
    c.backend = h.backends[pick];
    h.passes = true;
    if (!q.backend.empty()) {
      h.reason += fmt::format("; {} spreads flows over its members: traced {}, chosen with --backend", pool_text,
                              member_label(m, *c.backend));
    } else if (h.backends.size() == 1) {
      h.reason += fmt::format(", which forwards to {}, the only member of {}", member_label(m, *c.backend), pool_text);
    } else {
      std::string others;
      for (std::size_t i = 1; i < h.backends.size(); ++i)
        others += (i > 1 ? ", " : "") + member_label(m, h.backends[i]);
      h.reason += fmt::format(
          "; {} spreads flows over {} members: traced the first in the documented order (NIC id, "
          "then ip configuration name), {}; other members: {}; choose one with --backend",
          pool_text, h.backends.size(), member_label(m, *c.backend), others);
    }
    return c;
  }
  // Inbound NAT rules: one frontend port (or, v2, a range handing port start + i to the i-th member).
  for (std::size_t r = 0; r < lb.nat_rules.size() && ported; ++r) {
    const auto& rule = lb.nat_rules[r];
    if (rule.frontend.child != f || !(rule.protocols & model::bit(q.protocol))) continue;
    std::vector<model::IpConfigIndex> to;
    std::string how;
    if (rule.backend_pool.set()) {
      if (rule.backend_pool.child < 0 || !rule.frontend_port_range_start || !rule.frontend_port_range_end) continue;
      const int start = *rule.frontend_port_range_start;
      if (q.destination_port < start || q.destination_port > *rule.frontend_port_range_end) continue;
      const auto& pool = lb.backend_pools[rule.backend_pool.child];
      const auto i = static_cast<std::size_t>(q.destination_port - start);
      h.reason = fmt::format("{} matches inbound NAT rule '{}' ({}..{} -> {}) of '{}'", packet, rule.name, start,
                             *rule.frontend_port_range_end, rule.backend_port, lb.name);
      if (i >= pool.members.size()) {
        how = fmt::format(", but pool '{}' has {} member{} (NIC id, then ip configuration name): port {} goes to none",
                          pool.name, pool.members.size(), pool.members.size() == 1 ? "" : "s", q.destination_port);
      } else if (!of_family(pool.members[i])) {
        how = fmt::format(": port {} is member {} of pool '{}', {}, not of the frontend's IP version",
                          q.destination_port, i + 1, pool.name, member_label(m, pool.members[i]));
      } else {
        to.push_back(pool.members[i]);
        how = fmt::format(
            ": port {} goes to member {} of pool '{}' in the documented order (NIC id, then ip "
            "configuration name), {}",
            q.destination_port, i + 1, pool.name, member_label(m, pool.members[i]));
      }
    } else {
      if (rule.frontend_port != q.destination_port) continue;
      h.reason = fmt::format("{} matches inbound NAT rule '{}' ({} -> {}) of '{}'", packet, rule.name,
                             rule.frontend_port, rule.backend_port, lb.name);
      for (const auto& x : rule.targets) {
        if (of_family(x)) to.push_back(x);
      }
      how = to.empty() ? ", but no ip configuration of the frontend's IP version lists it: the packet goes nowhere"
                       : fmt::format(", which forwards to {}", member_label(m, to.front()));
    }
    h.reason += how;
    h.lb_rule = static_cast<int>(r);
    h.lb_nat = true;
    h.frontend_port = q.destination_port;
    h.backend_port = rule.backend_port;
    c.floating_ip = rule.enable_floating_ip;
    return forward_nat("rule", rule.name, to);
  }
  // Inbound NAT pools (scale sets): port start + i goes to instance i (docs/model.md, "Scale sets").
  for (std::size_t r = 0; r < lb.nat_pools.size() && ported; ++r) {
    const auto& pool = lb.nat_pools[r];
    if (pool.frontend.child != f || !(pool.protocols & model::bit(q.protocol))) continue;
    if (q.destination_port < pool.frontend_port_range_start || q.destination_port > pool.frontend_port_range_end) {
      continue;
    }
    const int instance = q.destination_port - pool.frontend_port_range_start;
    std::vector<model::IpConfigIndex> to;
    for (const auto& x : pool.members) {
      if (x.instance == instance && of_family(x.target)) to.push_back(x.target);
    }
    h.reason = fmt::format("{} matches inbound NAT pool '{}' ({}..{} -> {}) of '{}'", packet, pool.name,
                           pool.frontend_port_range_start, pool.frontend_port_range_end, pool.backend_port, lb.name);
    h.reason += to.empty() ? fmt::format(
                                 ": port {} belongs to scale set instance {}, which has no ip configuration of "
                                 "the frontend's IP version listing the pool: the packet goes nowhere",
                                 q.destination_port, instance)
                           : fmt::format(": port {} goes to scale set instance {}, {}", q.destination_port, instance,
                                         member_label(m, to.front()));
    h.lb_rule = static_cast<int>(r);
    h.lb_nat = true;
    h.lb_nat_pool = true;
    h.frontend_port = q.destination_port;
    h.backend_port = pool.backend_port;
    c.floating_ip = pool.enable_floating_ip;
    return forward_nat("pool", pool.name, to);
  }
  h.reason = fmt::format("no load-balancing or inbound NAT rule of '{}' on frontend '{}' matches {}", lb.name, fe.name,
                         packet);
  return c;  // a --backend has nothing to choose from: the hop says why the packet stops
}

/// Marks the hops reached, the first that stops the packet, and the verdict.
void finish_trace(FlowTrace& t, const std::string& allowed_reason) {
  bool stopped = false;
  for (std::size_t i = 0; i < t.hops.size(); ++i) {
    t.hops[i].reached = !stopped;
    if (!stopped && !t.hops[i].passes) {
      stopped = true;
      t.stopped_at = static_cast<int>(i);
    }
  }
  t.allowed = !stopped;
  if (t.allowed) {
    t.reason = allowed_reason;
  } else {
    const TraceHop& h = t.hops[t.stopped_at];
    std::string where = to_string(h.kind);
    if (*h.scope) where += fmt::format(" ({})", h.scope);
    // Broken: every filter passes, only the path fails (analyze reports such flows under `broken`).
    t.broken = std::all_of(t.hops.begin(), t.hops.end(), [](const TraceHop& x) { return x.passes || x.breaks; });
    t.reason = fmt::format("{} at {}: {}", t.broken ? "broken" : "denied", where, h.reason);
    if (h.kind == TraceHop::Kind::kSource) t.reason = "not internet traffic; " + t.reason;
  }
}

/// A firewall's public address: a public IP resource (`public_ip`), or a secured virtual hub firewall's
/// `hubIPAddresses` address (`public_ip` -1: not a resource).
struct FirewallAddress {
  int firewall{-1};
  int public_ip{-1};
  IpAddress address;
};

/// The firewall public addresses that `text` names: the address itself, a public IP's name or id, or the
/// firewall's own name or id (all its addresses).
std::vector<FirewallAddress> firewalls_named(const model::Model& m, const std::string& text) {
  std::vector<FirewallAddress> out;
  const auto ip = IpAddress::parse(text);
  const std::string canonical = model::canonical_id(text);
  const std::string lowered = lower(text);
  for (std::size_t f = 0; f < m.firewalls.size(); ++f) {
    const auto pips = firewall_public_ips(m, m.firewalls[f]);
    const bool itself = !ip && named(m.firewalls[f], canonical, lowered);
    for (const auto& [p, address] : pips) {
      const bool by_name = !ip && p >= 0 && named(m.public_ips[p], canonical, lowered);
      if (itself || (ip && address == *ip) || by_name) out.push_back(FirewallAddress{static_cast<int>(f), p, address});
    }
  }
  return out;
}

TraceHop source_hop(const model::Model& m, const AddressSpace& space, const IpAddress& src, FlowTrace& t) {
  TraceHop source;
  source.kind = TraceHop::Kind::kSource;
  t.internet_source = space.internet().contains(src.value);
  source.passes = t.internet_source;
  source.reason = t.internet_source
                      ? fmt::format("{} is an internet address", src.to_string())
                      : fmt::format("{} is not an internet address ({}): such a packet does not come from the internet",
                                    src.to_string(), not_internet_because(m, src));
  return source;
}

std::string rule_label(const model::Model& m, const model::Firewall& fw, const model::FirewallRulePosition& at) {
  const auto& c = collection_at(m, fw, at);
  std::string where = fmt::format("collection '{}' (priority {})", c.name, c.priority);
  if (at.policy >= 0) {
    const auto& policy = m.firewall_policies[at.policy];
    where += fmt::format(" of group '{}' in policy '{}'", policy.groups[at.group].name, policy.name);
  }
  const auto& rule = c.rules[at.rule];
  const char* kind = rule.kind == model::FirewallRuleKind::kNat       ? "DNAT"
                     : rule.kind == model::FirewallRuleKind::kNetwork ? "network"
                                                                      : "application";
  return fmt::format("{} rule '{}', {}", kind, rule.name, where);
}

/// A packet to a firewall's public address (a public IP, or a secured hub firewall's address): the DNAT rule,
/// then the translated target as analyze() sees it.
void explain_dnat(const model::Model& m, FlowTrace& t, const FirewallAddress& at) {
  const FlowQuery& q = t.query;
  const int f = at.firewall;
  const int pip = at.public_ip;
  const auto& fw = m.firewalls[f];
  const bool ported = model::has_ports(q.protocol);
  t.firewall = f;
  t.public_ip = pip;
  if (pip < 0) t.entry_address = at.address;
  t.via_public_ip = true;
  model::Diagnostics scratch;
  const AddressSpace space(m, scratch);
  const IpAddress& src = q.source;
  t.hops.push_back(source_hop(m, space, src, t));
  const IpAddress* address = &at.address;
  TraceHop entry;
  entry.kind = TraceHop::Kind::kEntry;
  entry.resource_kind = model::ResourceKind::kPublicIp;
  entry.resource = pip;
  entry.passes = src.family() == at.address.family();
  if (pip >= 0) {
    const auto& p = m.public_ips[pip];
    entry.reason = fmt::format("public IP '{}' {} ({}) belongs to firewall '{}'", p.name, address->to_string(),
                               model::to_string(p.sku), fw.name);
  } else {
    const int hub = model::hub_of_firewall(m, f);
    entry.reason = fmt::format("{} is a public address of firewall '{}'{} (hubIPAddresses: not a public IP resource)",
                               address->to_string(), fw.name,
                               hub >= 0 ? fmt::format(" of secured virtual hub '{}'", m.virtual_hubs[hub].name) : "");
  }
  if (!entry.passes) entry.reason += ", but the client and the address are of different IP versions";
  t.hops.push_back(entry);

  // firewall: the first DNAT rule (in Azure's order) whose share of the internet holds the packet.
  TraceHop hop;
  hop.kind = TraceHop::Kind::kFirewall;
  hop.resource_kind = model::ResourceKind::kFirewall;
  hop.resource = f;
  const Packet packet{src.value, address->value, q.protocol, ported ? q.source_port : std::uint16_t{0},
                      ported ? q.destination_port : std::uint16_t{0}};
  const model::FirewallRule* rule = nullptr;
  for (const auto& match : dnat_matches(m, fw, space.internet(address->family()))) {
    if (!match.packets.contains(packet)) continue;
    t.firewall_rule = hop.rule = match.position;
    rule = &rule_at(m, fw, fw.order[match.position]);
    break;
  }
  std::string to;
  std::optional<IpAddress> translated;
  std::uint16_t port = q.destination_port;
  if (rule == nullptr) {
    hop.reason = fmt::format(
        "no DNAT rule of firewall '{}' takes {} {} port {}: the firewall drops it (network and "
        "application rules never admit inbound traffic to the firewall's own addresses)",
        fw.name, model::to_string(q.protocol), src.to_string(), q.destination_port);
  } else {
    hop.passes = true;
    translated = rule->translated_address;
    if (rule->translated_port != 0) port = rule->translated_port;
    to = translated ? fmt::format("{}:{}", translated->to_string(), port)
                    : fmt::format("FQDN '{}' port {}", rule->translated_fqdn, port);
    hop.reason = fmt::format("{} translates {}:{} to {}; the source becomes the firewall's own address (SNAT)",
                             rule_label(m, fw, fw.order[hop.rule]), address->to_string(), q.destination_port, to);
  }
  t.hops.push_back(hop);
  const std::string flow = fmt::format("{} {} -> {}:{}", model::to_string(q.protocol), src.to_string(),
                                       address->to_string(), q.destination_port);

  // The target: an ip configuration holding the translated address.
  std::optional<std::pair<int, int>> target;
  if (translated) {
    for (std::size_t n = 0; n < m.nics.size() && !target; ++n) {
      const auto& cfgs = m.nics[n].ip_configurations;
      for (std::size_t c = 0; c < cfgs.size(); ++c) {
        if (cfgs[c].private_ip == translated) {
          target = std::make_pair(static_cast<int>(n), static_cast<int>(c));
          break;
        }
      }
    }
  }
  if (!target) {
    finish_trace(t, rule == nullptr ? ""
                                    : fmt::format("allowed: {} is accepted by firewall '{}' and sent to {}, which "
                                                  "is not in the input",
                                                  flow, fw.name, to));
    return;
  }
  const auto [n, c] = *target;
  const auto& nic = m.nics[n];
  const auto& cfg = nic.ip_configurations[c];
  t.nic = n;
  t.ip_configuration = c;
  t.vm = nic.virtual_machine.index;
  const int subnet = cfg.subnet.index;
  const FirewallSide side = firewall_side(m, fw);
  const std::optional<IpAddress>& snat = side.address;
  const IpSet& snat_set = side.snat;

  // forward: peering between the firewall's VNet and the target's, and the firewall subnet's route.
  TraceHop forward;
  forward.kind = TraceHop::Kind::kRoute;
  forward.scope = "forward";
  forward.resource_kind = model::ResourceKind::kSubnet;
  forward.resource = side.subnet;
  RouteChoice to_target;
  forward.reason = dnat_forward_blocks(m, fw, side, *translated, subnet, to_target);
  forward.next_hop = to_target.next_hop;
  if (to_target.user) {
    forward.route_table = to_target.route_table;
    forward.route = to_target.route;
  }
  forward.passes = forward.reason.empty();
  forward.breaks = true;  // analyze reports the DNAT flow as broken
  if (forward.passes) {
    forward.reason = fmt::format("the firewall reaches {} by {}", translated->to_string(), describe(m, to_target));
  }
  t.hops.push_back(forward);

  // nsg: subnet, then NIC, seeing the SNAT addresses (any of them passing admits the flow, as in analyze).
  const NsgSlot subnet_nsg = subnet_nsg_slot(m, cfg.subnet);
  const Destination dst{cfg.private_ip, subnet, &cfg.asgs};
  FlowQuery at_target = q;
  at_target.destination_port = port;
  if (snat) at_target.source = *snat;
  PacketSet arriving(Cube{snat_set, IpSet::all(), model::bit(q.protocol),
                          ported ? PortSet::single(q.source_port) : PortSet::all(),
                          ported ? PortSet::single(port) : PortSet::all()});
  auto nsg_hop = [&](const NsgSlot& s, const char* scope, model::ResourceKind owner_kind, int owner) {
    TraceHop h;
    h.scope = scope;
    if (s.state == NsgSlot::State::kNone) {
      h.kind = TraceHop::Kind::kNoNsg;
      h.resource_kind = owner_kind;
      h.resource = owner;
      h.passes = true;
      h.reason = "no NSG at this scope: nothing is filtered here";
      return h;
    }
    h.kind = TraceHop::Kind::kNsg;
    h.resource_kind = model::ResourceKind::kNetworkSecurityGroup;
    if (s.state == NsgSlot::State::kMissing) {
      h.passes = true;
      h.reason = "NSG referenced but not in the input: assumed to admit everything";
      return h;
    }
    h.resource = s.index;
    const auto& nsg = m.nsgs[s.index];
    const auto decisions = evaluate_nsg(nsg, Direction::kInbound, arriving, dst, space);
    const RuleDecision* decided = decisions.empty() ? nullptr : &decisions.front();
    for (const auto& d : decisions) {
      if (d.access == Access::kAllow) {
        decided = &d;
        break;
      }
    }
    if (decided == nullptr) {
      h.reason = "no inbound rule matches: denied";
      arriving = PacketSet{};
      return h;
    }
    h.rule = decided->rule;
    h.passes = decided->access == Access::kAllow;
    h.reason =
        rule_reason(nsg.rules[h.rule], at_target, dst, m, space) +
        fmt::format(" (the source is the firewall's SNAT address in {})", model::to_cidr_strings(snat_set).front());
    if (!h.passes) h.reason += peering_access_note(m, space, subnet, snat_set);
    if (h.passes) arriving = decided->packets;
    return h;
  };
  t.hops.push_back(nsg_hop(subnet_nsg, "subnet", model::ResourceKind::kSubnet, subnet));
  t.hops.push_back(nsg_hop(nsg_slot(nic.nsg), "nic", model::ResourceKind::kNetworkInterface, n));

  // route: the replies to the SNAT address must go back to the firewall directly (docs/model.md#azure-firewall).
  TraceHop back;
  back.kind = TraceHop::Kind::kRoute;
  back.scope = "return";
  back.resource_kind = model::ResourceKind::kSubnet;
  back.resource = subnet;
  back.breaks = true;
  if (snat) {
    const RouteChoice r = choose_route(m, subnet, *snat);
    back.next_hop = r.next_hop;
    if (r.user) {
      back.route_table = r.route_table;
      back.route = r.route;
    }
    back.passes = r.next_hop == model::NextHopType::kVnetLocal || r.next_hop == model::NextHopType::kVnetPeering;
    back.reason = back.passes
                      ? fmt::format("the reply to the firewall's address {} takes {}: it returns to the firewall",
                                    snat->to_string(), describe(m, r))
                  : r.user ? fmt::format(
                                 "asymmetric routing: the reply to the firewall's address {} takes {}, not "
                                 "the firewall instance directly, so the connection fails",
                                 snat->to_string(), describe(m, r))
                           : fmt::format("the reply to the firewall's address {} takes {} and is lost",
                                         snat->to_string(), describe(m, r));
  } else {
    back.reason = "the firewall's address is unknown";
  }
  t.hops.push_back(back);
  const std::string cfg_text =
      fmt::format("ip configuration '{}' of NIC '{}' ({})", cfg.name, nic.name, cfg.private_ip->to_string());
  finish_trace(t, fmt::format("allowed: {} reaches {} on port {} through firewall '{}' ({}), and replies return", flow,
                              cfg_text, port, fw.name, "DNAT rule '" + rule->name + "'"));
}

/// The entries other than its own public IP through which analyze() reaches ip configuration (nic, cfg) with the
/// query's packet (protocol, the target's port, the client), in analyze()'s order, one per entry.
std::vector<OtherEntry> entries_reaching(const model::Model& m, const Analysis& analysis, const FlowQuery& q, int nic,
                                         int cfg) {
  std::vector<OtherEntry> out;
  const bool ported = model::has_ports(q.protocol);
  const std::string id = model::ip_configuration_id(m.nics[nic], m.nics[nic].ip_configurations[cfg]);
  std::set<std::tuple<std::string, std::string, int, std::string>> seen;
  for (const auto& e : analysis.exposures) {
    if (e.nic != nic || e.ip_configuration != cfg || e.protocol != q.protocol) continue;
    if ((ported && !e.ports.contains(q.destination_port)) || !e.sources.contains(q.source.value)) continue;
    std::optional<IpAddress> at = e.entry_address;
    if (e.public_ip >= 0) at = m.public_ips[e.public_ip].address;
    if (!at) continue;  // an unallocated entry address: nothing to send the packet to
    OtherEntry o;
    o.via = to_string(e.via);
    o.target = at->to_string();
    // The entry's port: the target's own when the entry keeps it, else the entry's (a translated port).
    o.port = !ported || e.entry_ports.contains(q.destination_port) || e.entry_ports.empty()
                 ? q.destination_port
                 : e.entry_ports.intervals().front().lo;
    const std::string where = ported ? fmt::format("{}:{}", o.target, o.port) : o.target;
    switch (e.via) {
      case Via::kFirewallDnat: {
        const auto& fw = m.firewalls[e.gateway];
        o.description = fmt::format("DNAT rule '{}' of firewall '{}' at {}",
                                    rule_at(m, fw, fw.order[e.gateway_rule]).name, fw.name, where);
        break;
      }
      case Via::kLoadBalancer:
      case Via::kLoadBalancerNat:
        o.backend = id;
        o.description =
            fmt::format("{}load balancer '{}' at {}", e.via == Via::kLoadBalancerNat ? "an inbound NAT rule of " : "",
                        m.load_balancers[e.load_balancer].name, where);
        break;
      case Via::kApplicationGateway:
        o.backend = id;
        o.description = fmt::format("listener '{}' of application gateway '{}' at {}",
                                    m.application_gateways[e.gateway].listeners[e.gateway_rule].name,
                                    m.application_gateways[e.gateway].name, where);
        break;
      case Via::kBastion:
        o.target = q.target;
        o.port = q.destination_port;
        o.bastion = m.bastion_hosts[e.gateway].name;
        o.description =
            fmt::format("a session through Bastion '{}' at {}:443 (authenticated access)", o.bastion, at->to_string());
        break;
      case Via::kAppliance:
        o.traceable = false;
        o.description = fmt::format("network virtual appliance '{}' at {} (explain does not follow appliances)",
                                    m.nics[e.gateway].name, where);
        break;
      case Via::kPublicIp:
      case Via::kPaasPublic: continue;  // the target's own public IP (it has none), or no ip configuration
    }
    if (seen.insert({o.via, o.target, o.port, o.bastion}).second) out.push_back(std::move(o));
  }
  return out;
}

}  // namespace explain_internal

using namespace explain_internal;

const char* to_string(TraceHop::Kind k) {
  switch (k) {
    case TraceHop::Kind::kSource: return "source";
    case TraceHop::Kind::kEntry: return "entry";
    case TraceHop::Kind::kLoadBalancer: return "load-balancer";
    case TraceHop::Kind::kNsg: return "nsg";
    case TraceHop::Kind::kNoNsg: return "no-nsg";
    case TraceHop::Kind::kRoute: return "route";
    case TraceHop::Kind::kFirewall: return "firewall";
    case TraceHop::Kind::kApplicationGateway: return "application-gateway";
    case TraceHop::Kind::kBastion: return "bastion";
    case TraceHop::Kind::kPaas: return "paas";
  }
  return "?";
}

FlowTrace explain(const model::Model& m, const FlowQuery& q, const Analysis* analysis) {
  FlowTrace t;
  t.query = q;
  if (!model::has_ports(q.protocol)) t.query.destination_port = t.query.source_port = 0;
  const bool ported = model::has_ports(q.protocol);
  std::optional<Candidate> target;
  std::optional<LbChoice> lb;
  if (q.via_bastion) {
    explain_via_bastion(m, t);
    return t;
  }
  if (explain_entry_point(m, t)) return t;
  if (const auto fws = firewalls_named(m, q.target); !fws.empty()) {
    if (fws.size() > 1) {
      t.status = FlowTrace::Status::kAmbiguousTarget;
      for (const auto& a : fws) {
        t.candidates.push_back(
            a.public_ip >= 0 ? m.public_ips[a.public_ip].id
                             : fmt::format("{} (firewall '{}')", a.address.to_string(), m.firewalls[a.firewall].name));
      }
      std::sort(t.candidates.begin(), t.candidates.end());
      t.error = fmt::format("ambiguous target '{}': it names {} firewall public IPs", q.target, fws.size());
      return t;
    }
    if (!q.backend.empty()) {
      t.status = FlowTrace::Status::kBadBackend;
      t.error =
          fmt::format("--backend '{}' applies only when the target is a load balancer frontend's public IP", q.backend);
      return t;
    }
    explain_dnat(m, t, fws.front());
    return t;
  }
  const auto frontends = frontends_named(m, q.target);
  if (frontends.size() > 1) {
    t.status = FlowTrace::Status::kAmbiguousTarget;
    for (const auto& [l, f] : frontends) t.candidates.push_back(m.load_balancers[l].frontends[f].id);
    std::sort(t.candidates.begin(), t.candidates.end());
    t.error = fmt::format("ambiguous target '{}': it names {} load balancer frontends", q.target, frontends.size());
    return t;
  }
  if (frontends.size() == 1) {
    const auto [l, f] = frontends.front();
    t.load_balancer = l;
    t.frontend = f;
    t.via_public_ip = true;
    t.public_ip = m.load_balancers[l].frontends[f].public_ip.index;
    lb = load_balancer_hop(m, l, f, t.query, t);
    if (t.status != FlowTrace::Status::kOk) return t;
    if (lb->backend) target = Candidate{lb->backend->nic, lb->backend->ip_configuration, true};
  } else {
    target = resolve_target(m, q.target, q.backend, q.source.family(), t);
    if (!target) return t;
  }
  const IpAddress& src = q.source;
  const std::string flow =
      ported ? fmt::format("{} {}:{} -> port {}", model::to_string(q.protocol),
                           src.family() == model::IpFamily::kV4 ? src.to_string() : "[" + src.to_string() + "]",
                           q.source_port, q.destination_port)
             : fmt::format("{} from {}", model::to_string(q.protocol), src.to_string());

  model::Diagnostics scratch;  // findings about the estate are analyze's to report
  const AddressSpace space(m, scratch);

  // source: only internet addresses are attackers' packets (docs/model.md, "The internet").
  t.hops.push_back(source_hop(m, space, src, t));

  auto finish = [&](const std::string& allowed_reason) { finish_trace(t, allowed_reason); };

  std::string lb_text;  // "frontend 'fe' of load balancer 'lb' (Standard)"
  auto lb_entry = [&]() {
    const auto& pip = m.public_ips[t.public_ip];
    TraceHop entry;
    entry.kind = TraceHop::Kind::kEntry;
    entry.resource_kind = model::ResourceKind::kPublicIp;
    entry.resource = t.public_ip;
    entry.passes = src.family() == pip.family;
    entry.reason =
        fmt::format("public IP '{}' {} ({}) is {}", pip.name, pip.address ? pip.address->to_string() : "(unallocated)",
                    model::to_string(pip.sku), lb_text);
    if (!entry.passes) entry.reason += ", but the client and the frontend are of different IP versions";
    return entry;
  };
  if (lb) {
    const auto& balancer = m.load_balancers[t.load_balancer];
    lb_text = fmt::format("frontend '{}' of load balancer '{}' ({})", balancer.frontends[t.frontend].name,
                          balancer.name, model::to_string(balancer.sku));
  }
  if (lb && !target) {  // no rule matches, or the rule forwards nowhere: the trace ends at the load balancer
    t.hops.push_back(lb_entry());
    t.hops.push_back(lb->hop);
    finish("");
    return t;
  }

  const auto& nic = m.nics[target->nic];
  const auto& cfg = nic.ip_configurations[target->cfg];
  t.nic = target->nic;
  t.ip_configuration = target->cfg;
  t.vm = nic.virtual_machine.index;
  t.via_public_ip = target->via_public;
  if (!lb) t.public_ip = cfg.public_ip.index;
  const int subnet = cfg.subnet.index;

  // entry: the public IP of the target's ip configuration (or the load balancer frontend's).
  TraceHop entry;
  entry.kind = TraceHop::Kind::kEntry;
  entry.resource_kind = model::ResourceKind::kPublicIp;
  entry.resource = cfg.public_ip.index;
  const std::string private_ip = cfg.private_ip ? cfg.private_ip->to_string() : "an unallocated private IP";
  const std::string cfg_text = fmt::format("ip configuration '{}' of NIC '{}' ({})", cfg.name, nic.name, private_ip);
  model::Sku sku = model::Sku::kBasic;
  if (lb) {
    entry = lb_entry();
    sku = m.load_balancers[t.load_balancer].sku;
  } else if (target->via_public) {
    std::string pip_text = "a public IP not in the input (assumed Basic SKU)";
    if (cfg.public_ip.resolved()) {
      const auto& pip = m.public_ips[cfg.public_ip.index];
      sku = pip.sku;
      pip_text = fmt::format("public IP '{}' {} ({})", pip.name,
                             pip.address ? pip.address->to_string() : "(unallocated)", model::to_string(pip.sku));
    }
    entry.passes = src.family() == cfg.family;
    entry.reason = entry.passes ? fmt::format("{} maps to {}", pip_text, cfg_text)
                                : fmt::format("{} maps to {}, but the client is {} and the target {}", pip_text,
                                              cfg_text, src.family() == model::IpFamily::kV4 ? "IPv4" : "IPv6",
                                              cfg.family == model::IpFamily::kV4 ? "IPv4" : "IPv6");
  } else if (cfg.public_ip.set()) {
    std::string pip = "its public IP";
    if (cfg.public_ip.resolved() && m.public_ips[cfg.public_ip.index].address) {
      pip = fmt::format("{} {}", pip, m.public_ips[cfg.public_ip.index].address->to_string());
    }
    entry.reason = fmt::format(
        "no internet entry: {} is the private address of {}; the internet reaches it only "
        "through {}",
        private_ip, cfg_text, pip);
  } else {
    entry.reason = fmt::format("no internet entry: {} has no public IP", cfg_text);
  }
  t.hops.push_back(entry);
  if (lb) t.hops.push_back(lb->hop);

  // nsg: the subnet's, then the NIC's (docs/model.md#network-security-groups), decided by the same first-match
  // evaluation as the analysis.
  const NsgSlot subnet_nsg = subnet_nsg_slot(m, cfg.subnet);
  const NsgSlot nic_nsg = nsg_slot(nic.nsg);
  const bool no_nsg = subnet_nsg.state == NsgSlot::State::kNone && nic_nsg.state == NsgSlot::State::kNone;
  // Behind a load balancer the NSGs see the backend port, and with floating IP the frontend's address.
  FlowQuery at_target = t.query;
  if (lb) at_target.destination_port = static_cast<std::uint16_t>(lb->hop.backend_port);
  const std::optional<IpAddress> dst_ip = lb && lb->floating_ip ? m.public_ips[t.public_ip].address : cfg.private_ip;
  const Destination dst{dst_ip, subnet, &cfg.asgs};
  const PacketSet packet(Cube{model::to_set(src), IpSet::all(), model::bit(q.protocol),
                              ported ? PortSet::single(q.source_port) : PortSet::all(),
                              ported ? PortSet::single(at_target.destination_port) : PortSet::all()});
  auto nsg_hop = [&](const NsgSlot& s, const char* scope, model::ResourceKind owner_kind, int owner) {
    TraceHop h;
    h.scope = scope;
    switch (s.state) {
      case NsgSlot::State::kPresent: {
        h.kind = TraceHop::Kind::kNsg;
        h.resource_kind = model::ResourceKind::kNetworkSecurityGroup;
        h.resource = s.index;
        const auto& nsg = m.nsgs[s.index];
        const auto decisions = evaluate_nsg(nsg, Direction::kInbound, packet, dst, space);
        if (decisions.empty()) {
          h.reason = "no inbound rule matches: denied";
        } else {
          h.rule = decisions.front().rule;
          h.passes = decisions.front().access == Access::kAllow;
          h.reason = rule_reason(nsg.rules[h.rule], at_target, dst, m, space);
        }
        return h;
      }
      case NsgSlot::State::kMissing:
        h.kind = TraceHop::Kind::kNsg;
        h.resource_kind = model::ResourceKind::kNetworkSecurityGroup;
        h.passes = true;
        h.reason = "NSG referenced but not in the input: assumed to admit everything";
        return h;
      case NsgSlot::State::kNone: break;
    }
    h.kind = TraceHop::Kind::kNoNsg;
    h.resource_kind = owner_kind;
    h.resource = owner;
    h.passes = true;
    h.reason = "no NSG at this scope: nothing is filtered here";
    if (no_nsg && target->via_public) {
      const char* what = lb ? "load balancer" : "public IP";
      if (sku == model::Sku::kStandard) {
        if (std::string_view(scope) == "nic") {  // the packet stops once both scopes are known to have none
          h.passes = false;
          h.reason = fmt::format(
              "no NSG on the subnet or the NIC: a Standard {} admits nothing unless an NSG allows "
              "it",
              what);
        }
      } else {
        h.reason = fmt::format(
            "no NSG on the subnet or the NIC: a Basic {} is open on every port where no NSG "
            "applies",
            what);
      }
    }
    return h;
  };
  t.hops.push_back(nsg_hop(subnet_nsg, "subnet", model::ResourceKind::kSubnet, subnet));
  t.hops.push_back(nsg_hop(nic_nsg, "nic", model::ResourceKind::kNetworkInterface, target->nic));

  // route: the reply must go back out through the public IP or load balancer (docs/model.md, "Return routing").
  const bool has_public_ip = lb || cfg.public_ip.set();
  t.hops.push_back(route_hop(m, subnet, src,
                             lb                   ? "the load balancer"
                             : target->via_public ? "the public IP"
                             : has_public_ip      ? "its public IP"
                                                  : nullptr));

  if (lb) {
    const auto& balancer = m.load_balancers[t.load_balancer];
    const std::string rule = lb->hop.lb_nat_pool ? balancer.nat_pools[lb->hop.lb_rule].name
                             : lb->hop.lb_nat    ? balancer.nat_rules[lb->hop.lb_rule].name
                                                 : balancer.rules[lb->hop.lb_rule].name;
    finish(fmt::format("allowed: {} reaches {} on port {} through {} (rule '{}'), and replies return", flow, cfg_text,
                       lb->hop.backend_port, lb_text, rule));
  } else {
    finish(fmt::format("allowed: {} reaches {} through its public IP, and replies return", flow, cfg_text));
  }
  // Not allowed directly: the other entries through which analyze() reaches the target with this packet. Without
  // a public IP of its own, follow the first (Bastion sessions and appliances are only listed); with one, list them.
  if (!lb && t.internet_source && !t.allowed) {
    std::optional<Analysis> own;
    const Analysis& a = analysis != nullptr ? *analysis : own.emplace(analyze(m));
    auto others = entries_reaching(m, a, t.query, t.nic, t.ip_configuration);
    for (std::size_t i = 0; i < others.size() && !has_public_ip; ++i) {
      const OtherEntry& o = others[i];
      if (!o.traceable || !o.bastion.empty()) continue;
      FlowQuery alt = t.query;
      alt.target = o.target;
      alt.destination_port = o.port;
      alt.backend = o.backend;
      FlowTrace via = explain(m, alt, &a);
      if (via.status != FlowTrace::Status::kOk || !via.allowed) continue;  // never expected: analyze agrees
      via.redirected_from = q.target;
      via.direct = t.reason;
      others.erase(others.begin() + static_cast<std::ptrdiff_t>(i));
      via.other_entries = std::move(others);
      return via;
    }
    t.other_entries = std::move(others);
  }
  return t;
}

}  // namespace exposim::solver
