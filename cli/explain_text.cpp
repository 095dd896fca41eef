// The words of explain(): each ReasonCode's sentence, from the data the solver returns and the names in the model.
#include "cli/explain_text.h"

#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "cli/broken_text.h"
#include "cli/explain_words.h"
#include "model/service_tags.h"
#include "solver/firewall.h"
#include "solver/words.h"

namespace exposim::cli {

// The data these sentences are written from (solver/explain.h and the solver functions that name routes and rules).
using solver::AddressMatchKind;
using solver::AddressMatchWhy;
using solver::collection_at;
using solver::EntryPoint;
using solver::FlowPacket;
using solver::ForwardedSources;
using solver::HopKind;
using solver::IpSet;
using solver::kAssumedFqdnNote;
using solver::LbBackend;
using solver::NotInternet;
using solver::NsgRuleWhy;
using solver::Reason;
using solver::ReasonCode;
using solver::RepliesThrough;
using solver::route_text;
using solver::RouteChoice;
using solver::rule_at;
using solver::to_string;
using solver::Verdict;

using explain_words::cidrs;
using explain_words::firewall_rule_text;
using explain_words::flow_text;
using explain_words::member_text;
using explain_words::pip_address;

namespace {

using model::Access;

}  // namespace

namespace explain_words {

/// "10.0.2.0/24", or the first three CIDRs and how many more.
std::string cidrs(const IpSet& s) {
  const auto all = model::to_cidr_strings(s);
  if (all.empty()) return "no address";
  std::string out;
  for (std::size_t i = 0; i < all.size() && i < 3; ++i) out += (i ? ", " : "") + all[i];
  if (all.size() > 3) out += fmt::format(" and {} more", all.size() - 3);
  return out;
}

}  // namespace explain_words

namespace {

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  return out;
}

/// "deny-rdp (100, deny): " / "DenyAllInBound (65500, deny, default rule): "
std::string rule_head(const model::SecurityRule& r) {
  return fmt::format("{} ({}, {}{}): ", r.name, r.priority, r.access == Access::kAllow ? "allow" : "deny",
                     r.is_default ? ", default rule" : "");
}

/// Which part of one side of a rule contains `a`.
std::string address_text(const char* side, const model::AddressMatch& mt, const AddressMatchWhy& w,
                         const model::IpAddress& a, const model::Model& m,
                         const char* seen_from = "the target's subnet") {
  const std::string addr = a.to_string();
  switch (w.kind) {
    case AddressMatchKind::kAny: return fmt::format("{} '*'", side);
    case AddressMatchKind::kPrefix:
      return fmt::format("{} '{}' contains {}", side, mt.prefixes[static_cast<std::size_t>(w.index)].to_string(), addr);
    case AddressMatchKind::kInternet: return fmt::format("{} tag 'Internet' contains {}", side, addr);
    case AddressMatchKind::kVirtualNetwork: {
      std::string out = fmt::format("{} tag 'VirtualNetwork' (as seen from {}) contains {}", side, seen_from, addr);
      if (w.route_table >= 0) {  // a user-defined route's prefix joins the tag: name the route
        const auto& rt = m.route_tables[static_cast<std::size_t>(w.route_table)];
        const auto& route = rt.routes[static_cast<std::size_t>(w.route)];
        out += fmt::format(" because route '{}' ({} -> {}) of route table '{}' puts {} into the tag", route.name,
                           route.prefix->to_string(), model::to_string(route.next_hop), rt.name,
                           route.prefix->to_string());
      }
      return out;
    }
    case AddressMatchKind::kAzureLoadBalancer: return fmt::format("{} tag 'AzureLoadBalancer' is {}", side, addr);
    case AddressMatchKind::kUnresolvedTag:
      return fmt::format("{} tag '{}' (unresolved: assumed to be the whole internet in an allow rule) contains {}",
                         side, mt.other_tags[static_cast<std::size_t>(w.index)], addr);
    case AddressMatchKind::kServiceTag: {
      const std::string& name = mt.other_tags[static_cast<std::size_t>(w.index)];
      const model::PublishedServiceTag* tag = m.service_tags ? m.service_tags->find(name) : nullptr;
      if (tag != nullptr && w.tag_prefix >= 0) {
        return fmt::format("{} tag '{}' contains {} (its published prefix {}, service tags file changeNumber {})", side,
                           name, addr, tag->prefixes[static_cast<std::size_t>(w.tag_prefix)].to_string(),
                           m.service_tags->change_number);
      }
      return fmt::format("{} tag '{}' contains {}", side, name, addr);
    }
    case AddressMatchKind::kAsg:
      return fmt::format("{} ASG '{}' has member {}", side, m.asgs[static_cast<std::size_t>(w.index)].name, addr);
    case AddressMatchKind::kOther: break;
  }
  return fmt::format("{} matches {}", side, addr);
}

/// A rule side as written: "'*'", "'10.0.0.0/16, tag Internet, ASG asg-web'".
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
  std::string out = "'";
  out += join(parts);
  out += '\'';
  return out;
}

/// The rule deciding one packet: its fields that match.
std::string packet_rule_text(const model::Model& m, const NsgRuleWhy& w) {
  const auto& r = m.nsgs[static_cast<std::size_t>(w.nsg)].rules[static_cast<std::size_t>(w.rule)];
  std::vector<std::string> parts;
  parts.push_back(address_text("source", r.source, w.source, w.address, m));
  if (model::has_ports(w.protocol)) {
    if (!r.source_ports.is_all()) {
      parts.push_back(fmt::format("source port {} in '{}'", w.source_port, model::to_string(r.source_ports)));
    }
    if (r.destination_ports.is_all()) {
      parts.push_back(fmt::format("port {} in '*'", w.destination_port));
    } else {
      parts.push_back(fmt::format("port {} in '{}'", w.destination_port, model::to_string(r.destination_ports)));
    }
  } else {
    parts.push_back(fmt::format("{} has no ports", model::to_string(w.protocol)));
  }
  parts.push_back(r.protocols == model::kAllProtocols
                      ? fmt::format("protocol '*' covers {}", model::to_string(w.protocol))
                      : fmt::format("protocol {}", model::to_string(w.protocol)));
  if (!r.destination.any) {
    parts.push_back(w.destination ? fmt::format("destination covers {}", w.destination->to_string())
                                  : "destination covers the target");
  }
  return rule_head(r) + join(parts);
}

/// An outbound rule deciding one packet of an east-west flow: its source side (when not '*') holds the source's own
/// address, its destination side the target's, and its ports and protocol the packet's.
std::string outbound_rule_text(const model::Model& m, const NsgRuleWhy& w) {
  const auto& r = m.nsgs[static_cast<std::size_t>(w.nsg)].rules[static_cast<std::size_t>(w.rule)];
  std::vector<std::string> parts;
  if (!r.source.any) parts.push_back(address_text("source", r.source, w.source, w.address, m, "the source's subnet"));
  if (w.destination) {
    parts.push_back(address_text("destination", r.destination, w.to_side, *w.destination, m, "the source's subnet"));
  }
  if (model::has_ports(w.protocol)) {
    if (!r.source_ports.is_all()) {
      parts.push_back(fmt::format("source port {} in '{}'", w.source_port, model::to_string(r.source_ports)));
    }
    parts.push_back(fmt::format("port {} in '{}'", w.destination_port,
                                r.destination_ports.is_all() ? "*" : model::to_string(r.destination_ports)));
  } else {
    parts.push_back(fmt::format("{} has no ports", model::to_string(w.protocol)));
  }
  parts.push_back(r.protocols == model::kAllProtocols
                      ? fmt::format("protocol '*' covers {}", model::to_string(w.protocol))
                      : fmt::format("protocol {}", model::to_string(w.protocol)));
  return rule_head(r) + join(parts);
}

std::string sources_text(ForwardedSources who, const IpSet& from) {
  switch (who) {
    case ForwardedSources::kUnnamed: return "";
    case ForwardedSources::kGatewaySubnet: return fmt::format("the gateway subnet {}", cidrs(from));
    case ForwardedSources::kGatewaySubnetThroughFirewall:
      return fmt::format("the gateway subnet's addresses the firewall lets through, {}", cidrs(from));
    case ForwardedSources::kBastionSubnet: return fmt::format("the Bastion subnet {}", cidrs(from));
    case ForwardedSources::kDeveloperBastion: return "the platform address sessions of a Developer Bastion come from";
  }
  return "";
}

/// The rule deciding the sources an entry point forwards from, on TCP.
std::string sources_rule_text(const model::Model& m, const NsgRuleWhy& w) {
  const auto& r = m.nsgs[static_cast<std::size_t>(w.nsg)].rules[static_cast<std::size_t>(w.rule)];
  return rule_head(r) + fmt::format("source {} matches {} ({}), port {} in '{}', protocol {}", side_text(m, r.source),
                                    cidrs(w.matched), sources_text(w.who, w.from), w.destination_port,
                                    r.destination_ports.is_all() ? "*" : model::to_string(r.destination_ports),
                                    r.protocols == model::kAllProtocols ? "'*' covers tcp" : "tcp");
}

/// "; the VirtualNetwork tag of the target's subnet leaves out VNet 'hub': peering 'p' of VNet 'spoke' has
/// allowVirtualNetworkAccess false, ..." when such a peering explains a deny; empty otherwise.
std::string peering_note(const model::Model& m, const NsgRuleWhy& w) {
  if (w.excluding_peering < 0) return "";
  const auto& vnet = m.vnets[m.subnets[static_cast<std::size_t>(w.subnet)].vnet.index];
  const auto& p = vnet.peerings[static_cast<std::size_t>(w.excluding_peering)];
  const std::string remote = p.remote_vnet.resolved() ? fmt::format("VNet '{}'", m.vnets[p.remote_vnet.index].name)
                                                      : std::string("the remote VNet");
  return fmt::format(
      "; the VirtualNetwork tag of the target's subnet leaves out {}: peering '{}' of VNet '{}' has "
      "allowVirtualNetworkAccess false, so AllowVnetInBound and rules naming VirtualNetwork no longer "
      "admit it (the peering still carries traffic a rule allows by address or ASG)",
      remote, p.name, vnet.name);
}

std::string private_ip_text(const model::IpConfiguration& cfg) {
  return cfg.private_ip ? cfg.private_ip->to_string() : "an unallocated private IP";
}

const char* through_text(RepliesThrough t) {
  switch (t) {
    case RepliesThrough::kNothing: break;
    case RepliesThrough::kTheLoadBalancer: return "the load balancer";
    case RepliesThrough::kThePublicIp: return "the public IP";
    case RepliesThrough::kItsPublicIp: return "its public IP";
  }
  return "";
}

std::string reply_route_text(const model::Model& m, const Reason& why) {
  const RouteChoice& r = why.route;
  const std::string to = why.address ? why.address->to_string() : "";
  std::string out;
  if (r.user) {
    out = fmt::format("the reply to {} takes {}", to, route_text(m, r));
  } else if (r.hub >= 0) {
    out = fmt::format("the reply to {} takes route {} -> {} learned from virtual hub '{}' ({})", to,
                      r.prefix.to_string(), model::to_string(r.next_hop), m.virtual_hubs[r.hub].name, r.hub_reason);
  } else {
    out = fmt::format("the reply to {} takes the system default route ({} -> Internet)", to, r.prefix.to_string());
    if (why.subnet < 0) out += " (the subnet is not in the input)";
  }
  const bool internet = r.next_hop == model::NextHopType::kInternet;
  if (why.replies_through == RepliesThrough::kNothing) {
    // No public IP: an internet client has no address to send to, and nothing the target sends is an answer.
    return out + (internet ? ", but the target has no public IP: what it sends to the internet leaves, if at all, "
                             "through outbound SNAT (a NAT gateway, a load balancer's outbound rule or default "
                             "outbound access) from another address, which answers no connection from the client"
                           : ": the reply does not even head for the internet, and the target has no public IP to "
                             "answer from");
  }
  const char* through = through_text(why.replies_through);
  return out + (internet
                    ? fmt::format(": replies leave through {} and reach the client", through)
                    : fmt::format(": replies do not leave through {}, so the client never gets an answer", through));
}

/// "public IP 'name' 20.1.2.3 (Standard)", or `missing` when it is not in the input.
std::string pip_text(const model::Model& m, int pip, const char* missing = "a public IP not in the input") {
  if (pip < 0) return missing;
  const auto& p = m.public_ips[static_cast<std::size_t>(pip)];
  return fmt::format("public IP '{}' {} ({})", p.name, p.address ? p.address->to_string() : "(unallocated)",
                     model::to_string(p.sku));
}

/// "ip configuration 'ipconfig1' of NIC 'nic-web' (10.0.1.4)"
std::string cfg_text(const model::Model& m, const model::IpConfigIndex& x) {
  const auto& nic = m.nics[static_cast<std::size_t>(x.nic)];
  const auto& cfg = nic.ip_configurations[static_cast<std::size_t>(x.ip_configuration)];
  return fmt::format("ip configuration '{}' of NIC '{}' ({})", cfg.name, nic.name, private_ip_text(cfg));
}

/// "frontend 'fe' of load balancer 'lb' (Standard)"
std::string lb_frontend_text(const model::Model& m, int l, int f) {
  const auto& balancer = m.load_balancers[static_cast<std::size_t>(l)];
  return fmt::format("frontend '{}' of load balancer '{}' ({})", balancer.frontends[static_cast<std::size_t>(f)].name,
                     balancer.name, model::to_string(balancer.sku));
}

/// A public IP's owner: "frontend 'fe' of application gateway 'agw' (Standard_v2)", "Bastion 'b' (Basic)".
std::string owner_text(const model::Model& m, const Reason& r) {
  if (r.entry.kind == model::ResourceKind::kApplicationGateway) {
    const auto& g = m.application_gateways[static_cast<std::size_t>(r.entry.index)];
    return fmt::format("frontend '{}' of {} ({})", g.frontends[static_cast<std::size_t>(r.frontend)].name,
                       entry_point_text(m, r.entry), g.sku_name.empty() ? g.tier : g.sku_name);
  }
  if (r.entry.kind == model::ResourceKind::kBastionHost) {
    return fmt::format("{} ({})", entry_point_text(m, r.entry),
                       model::to_string(m.bastion_hosts[static_cast<std::size_t>(r.entry.index)].sku));
  }
  return "";
}

/// The packet as an ip configuration's verdict names it: "tcp 81.2.69.200:49152 -> port 22", "icmp from 1.2.3.4".
std::string packet_text(const FlowPacket& p) {
  if (!model::has_ports(p.protocol)) {
    return fmt::format("{} from {}", model::to_string(p.protocol), p.source.to_string());
  }
  return fmt::format(
      "{} {}:{} -> port {}", model::to_string(p.protocol),
      p.source.family() == model::IpFamily::kV4 ? p.source.to_string() : fmt::format("[{}]", p.source.to_string()),
      p.source_port, p.destination_port);
}

}  // namespace

namespace explain_words {

/// "vm-web-1 (10.0.3.4)": a backend by its VM (else NIC) name and private IP.
std::string member_text(const model::Model& m, const model::IpConfigIndex& x) {
  const auto& nic = m.nics[static_cast<std::size_t>(x.nic)];
  const auto& cfg = nic.ip_configurations[static_cast<std::size_t>(x.ip_configuration)];
  const int vm = nic.virtual_machine.index;
  std::string name = vm >= 0 ? m.vms[static_cast<std::size_t>(vm)].name : nic.name;
  if (nic.ip_configurations.size() > 1) name += "/" + cfg.name;
  return fmt::format("{} ({})", name, cfg.private_ip ? cfg.private_ip->to_string() : "unallocated");
}

std::string ip_configuration_text(const model::Model& m, const model::IpConfigIndex& x) { return cfg_text(m, x); }

}  // namespace explain_words

namespace {

/// A load balancer hop: the rule that matches the packet and where it sends it.
std::string lb_text(const model::Model& m, const Reason& r) {
  const auto& lb = m.load_balancers[static_cast<std::size_t>(r.load_balancer)];
  // A forwarded leg through an internal load balancer names the entry point's connection to its frontend.
  const std::string packet =
      r.entry.index >= 0 ? fmt::format("the connection of {} to {} port {}", entry_point_text(m, r.entry),
                                       r.address ? r.address->to_string() : "its frontend", r.flow.destination_port)
      : model::has_ports(r.flow.protocol)
          ? fmt::format("{} port {}", model::to_string(r.flow.protocol), r.flow.destination_port)
          : std::string(model::to_string(r.flow.protocol));
  const auto rule = static_cast<std::size_t>(r.rule);
  auto member = [&](std::size_t i) { return member_text(m, r.members[i]); };
  switch (r.code) {
    case ReasonCode::kLbRule: {
      const auto& lr = lb.rules[rule];
      std::string pool_text;
      for (const auto& pool : lr.backend_pools) {
        if (pool.child < 0) continue;
        pool_text += fmt::format("{}'{}'", pool_text.empty() ? "pool " : " and ",
                                 lb.backend_pools[static_cast<std::size_t>(pool.child)].name);
      }
      if (pool_text.empty()) pool_text = "no backend pool";
      std::string out = fmt::format("{} matches load-balancing rule '{}' ({} -> {}) of '{}'", packet, lr.name,
                                    r.frontend_port, r.backend_port, lb.name);
      const auto pick = static_cast<std::size_t>(r.member);
      switch (r.backend) {
        case LbBackend::kNone:
          return out +
                 fmt::format(", but {} has no member of the frontend's IP version: the packet goes nowhere", pool_text);
        case LbBackend::kChosen:
          return out + fmt::format("; {} spreads flows over its members: traced {}, chosen with --backend", pool_text,
                                   member(pick));
        case LbBackend::kOnly:
          return out + fmt::format(", which forwards to {}, the only member of {}", member(pick), pool_text);
        case LbBackend::kFirst: {
          std::string others;
          for (std::size_t i = 1; i < r.members.size(); ++i) others += (i > 1 ? ", " : "") + member(i);
          return out + fmt::format(
                           "; {} spreads flows over {} members: traced the first in the documented order (NIC id, "
                           "then ip configuration name), {}; other members: {}; choose one with --backend",
                           pool_text, r.members.size(), member(pick), others);
        }
        default: return out;
      }
    }
    case ReasonCode::kLbNatRuleRange: {
      const auto& nr = lb.nat_rules[rule];
      const auto& pool = lb.backend_pools[static_cast<std::size_t>(nr.backend_pool.child)];
      std::string out =
          fmt::format("{} matches inbound NAT rule '{}' ({}..{} -> {}) of '{}'", packet, nr.name,
                      *nr.frontend_port_range_start, *nr.frontend_port_range_end, nr.backend_port, lb.name);
      switch (r.backend) {
        case LbBackend::kBeyondPool:
          return out + fmt::format(
                           ", but pool '{}' has {} member{} (NIC id, then ip configuration name): port {} goes to "
                           "none",
                           pool.name, pool.members.size(), pool.members.size() == 1 ? "" : "s",
                           r.flow.destination_port);
        case LbBackend::kOtherVersion:
          return out + fmt::format(": port {} is member {} of pool '{}', {}, not of the frontend's IP version",
                                   r.flow.destination_port, r.member + 1, pool.name, member(0));
        default:
          return out + fmt::format(
                           ": port {} goes to member {} of pool '{}' in the documented order (NIC id, then ip "
                           "configuration name), {}",
                           r.flow.destination_port, r.member + 1, pool.name, member(0));
      }
    }
    case ReasonCode::kLbNatRule: {
      const auto& nr = lb.nat_rules[rule];
      return fmt::format("{} matches inbound NAT rule '{}' ({} -> {}) of '{}'", packet, nr.name, nr.frontend_port,
                         nr.backend_port, lb.name) +
             (r.backend == LbBackend::kNone
                  ? ", but no ip configuration of the frontend's IP version lists it: the packet goes nowhere"
                  : fmt::format(", which forwards to {}", member(0)));
    }
    case ReasonCode::kLbNatPool: {
      const auto& np = lb.nat_pools[rule];
      return fmt::format("{} matches inbound NAT pool '{}' ({}..{} -> {}) of '{}'", packet, np.name,
                         np.frontend_port_range_start, np.frontend_port_range_end, np.backend_port, lb.name) +
             (r.backend == LbBackend::kNone
                  ? fmt::format(": port {} belongs to scale set instance {}, which has no ip configuration of the "
                                "frontend's IP version listing the pool: the packet goes nowhere",
                                r.flow.destination_port, r.member)
                  : fmt::format(": port {} goes to scale set instance {}, {}", r.flow.destination_port, r.member,
                                member(0)));
    }
    default: break;
  }
  return fmt::format("no load-balancing or inbound NAT rule of '{}' on frontend '{}' matches {}", lb.name,
                     lb.frontends[static_cast<std::size_t>(r.frontend)].name, packet);
}

}  // namespace

namespace explain_words {

/// The flow as one line for verdicts: "tcp 81.2.69.200:49152 -> 20.50.0.20:443".
std::string flow_text(const FlowPacket& p, const std::string& to) {
  const std::string from =
      p.source.family() == model::IpFamily::kV4 ? p.source.to_string() : fmt::format("[{}]", p.source.to_string());
  if (!model::has_ports(p.protocol)) return fmt::format("{} {} -> {}", model::to_string(p.protocol), from, to);
  return fmt::format("{} {}:{} -> {}:{}", model::to_string(p.protocol), from, p.source_port, to, p.destination_port);
}

/// The public IP's address as text, or "(unknown address)".
std::string pip_address(const model::Model& m, int pip) {
  return pip >= 0 && m.public_ips[static_cast<std::size_t>(pip)].address
             ? m.public_ips[static_cast<std::size_t>(pip)].address->to_string()
             : "(unknown address)";
}

}  // namespace explain_words

namespace {

/// The private address of network virtual appliance `r.entry` whose public IP is `r.public_ip`, as text.
std::string explain_appliance_private_text(const model::Model& m, const Reason& r) {
  const auto& nic = m.nics[static_cast<std::size_t>(r.entry.index)];
  for (const auto& c : nic.ip_configurations) {
    if (c.public_ip.index == r.public_ip && c.private_ip) return c.private_ip->to_string();
  }
  return "an unallocated private IP";
}

/// A network virtual appliance's hop (kApplianceForwards, kApplianceReturn) or verdict.
std::string explain_appliance_text(const model::Model& m, const Reason& r) {
  const std::string what = entry_point_text(m, r.entry);
  const std::string to = r.address ? r.address->to_string() : "an unallocated address";
  switch (r.code) {
    case ReasonCode::kApplianceForwards: {
      if (r.versions_differ) {
        return fmt::format("{}'s public IP {} and {} are of different IP versions: the appliance is not followed there",
                           what, pip_address(m, r.public_ip), to);
      }
      const std::string onward = r.backend_port >= 0 ? fmt::format("{} port {}", to, r.backend_port) : to;
      if (!r.passes) {
        return fmt::format(
            "{} forwards only what reaches its public IP {} and is answered there: {} does not ({} to {})", what,
            pip_address(m, r.public_ip), r.flow.source.to_string(), model::to_string(r.onward_protocol), onward);
      }
      return fmt::format(
          "assumed: {} forwards what reaches its public IP {} ({}) to {} ({}), keeping the client's address; its own "
          "filtering and address translation are unknown",
          what, pip_address(m, r.public_ip), packet_text(r.flow), onward, model::to_string(r.onward_protocol));
    }
    case ReasonCode::kApplianceReturn: {
      const std::string via = fmt::format("{} ({})", what, explain_appliance_private_text(m, r));
      const std::string client = r.address ? r.address->to_string() : "";
      return r.passes ? fmt::format("the reply to {} takes {}: back through {}, which answers the client", client,
                                    route_text(m, r.route), via)
                      : fmt::format(
                            "the reply to {} takes {}, not {}: the appliance never sees the answer, so the "
                            "connection through it fails",
                            client, route_text(m, r.route), via);
    }
    case ReasonCode::kAllowedThroughAppliance:
      return fmt::format("allowed: {} reaches {} through {} ({}), assumed to forward it, and replies return through it",
                         packet_text(r.flow), cfg_text(m, r.target), what, pip_address(m, r.public_ip));
    default: break;
  }
  return r.text;
}

/// A Bastion hop or verdict.
std::string bastion_text(const model::Model& m, const Reason& r) {
  const auto& b = m.bastion_hosts[static_cast<std::size_t>(r.entry.index)];
  const std::string what = entry_point_text(m, r.entry);
  const std::string sku = model::to_string(b.sku);
  const std::string target = r.target.nic >= 0 ? member_text(m, r.target) : "";
  auto vnet = [&](int v) { return m.vnets[static_cast<std::size_t>(v)].name; };
  switch (r.code) {
    case ReasonCode::kBastionShared:
      return fmt::format(
          "{} (Developer SKU) has no public IP of its own: sessions go through the Azure portal (a shared Bastion){}",
          what, r.session ? "" : "; follow one with --via bastion");
    case ReasonCode::kBastionPrivateOnly:
      return fmt::format("{} is private-only (Premium): no public IP, reachable only from private networks", what);
    case ReasonCode::kBastionNoPublicIp:
      return fmt::format("{} has no public IP: not reachable from the internet", what);
    case ReasonCode::kBastionHost:
      return r.passes ? fmt::format(
                            "Bastion '{}' ({}) accepts clients on TCP 443 (the portal's HTTPS session or the native "
                            "client's tunnel); a session needs Azure sign-in and RBAC rights",
                            b.name, sku)
                      : fmt::format(
                            "Bastion '{}' accepts clients on TCP 443 only; to follow a session to a VM use --via "
                            "bastion with --to the VM",
                            b.name);
    case ReasonCode::kBastionSession:
      if (r.flow.protocol != model::Protocol::kTcp) {
        return fmt::format("{} opens TCP sessions only (SSH, RDP, or a native client's tunnel)", what);
      }
      if (r.passes) {
        return fmt::format(
            "{} ({}) opens a session to port {} ({}); authenticated, mediated access: a session needs Azure sign-in "
            "and RBAC rights on the Bastion and the VM{}",
            what, sku, r.flow.destination_port,
            r.any_port ? "Standard and Premium reach any TCP port: custom ports, native client, IP-based connection"
                       : "Basic and Developer reach 22 and 3389",
            b.enable_shareable_link ? ", or a shareable link (no Azure account needed)" : "");
      }
      return fmt::format(
          "{} ({}) opens sessions to ports 22 and 3389 only: port {} needs the Standard or Premium SKU (custom ports)",
          what, sku, r.flow.destination_port);
    case ReasonCode::kBastionTargetIpv6:
      return fmt::format("{} is IPv6: Bastion sessions reach IPv4 addresses only", target);
    case ReasonCode::kBastionTargetVnetUnknown:
      return fmt::format("{}'s subnet is not in the input: its VNet is unknown", target);
    case ReasonCode::kBastionVnetUnknown: return fmt::format("{}'s own VNet is not in the input", what);
    case ReasonCode::kBastionReaches:
      return r.vnet == r.other_vnet ? fmt::format("{} is in VNet '{}', the Bastion's own", target, vnet(r.vnet))
                                    : fmt::format("{} is in VNet '{}', peered both ways with the Bastion's VNet '{}'",
                                                  target, vnet(r.vnet), vnet(r.other_vnet));
    case ReasonCode::kBastionDeveloperVnet:
      return fmt::format("{} (Developer SKU) reaches its own VNet '{}' only, not VNet '{}'", what, vnet(r.other_vnet),
                         vnet(r.vnet));
    case ReasonCode::kBastionCannotReach:
      return fmt::format("{} cannot reach {}: {}", what, target,
                         solver::peering_text(m, solver::peering_gap(m, r.other_vnet, r.vnet)));
    case ReasonCode::kBastionSubnetUnknown:
      return "the Bastion subnet is not in the input (or has no prefix): the address its sessions come from is "
             "unknown (analyze reports none)";
    case ReasonCode::kAllowedToBastionHost:
      return fmt::format("allowed: {} reaches Bastion host '{}'", flow_text(r.flow, pip_address(m, r.public_ip)),
                         b.name);
    case ReasonCode::kAllowedBastionSession:
      return fmt::format("allowed: {} through {} ({}:443) opens a session to {} on port {}, and replies return",
                         flow_text(r.flow, target), what, pip_address(m, r.public_ip), target, r.flow.destination_port);
    default: break;
  }
  return r.text;
}

}  // namespace

namespace explain_words {

/// "network rule 'r', collection 'c' (priority 200) of group 'g' in policy 'p'": a firewall rule and where it is.
std::string firewall_rule_text(const model::Model& m, const model::Firewall& fw,
                               const model::FirewallRulePosition& at) {
  const auto& c = collection_at(m, fw, at);
  std::string where = fmt::format("collection '{}' (priority {})", c.name, c.priority);
  if (at.policy >= 0) {
    const auto& policy = m.firewall_policies[static_cast<std::size_t>(at.policy)];
    where += fmt::format(" of group '{}' in policy '{}'", policy.groups[static_cast<std::size_t>(at.group)].name,
                         policy.name);
  }
  const auto& rule = c.rules[static_cast<std::size_t>(at.rule)];
  const char* kind = rule.kind == model::FirewallRuleKind::kNat       ? "DNAT"
                     : rule.kind == model::FirewallRuleKind::kNetwork ? "network"
                                                                      : "application";
  return fmt::format("{} rule '{}', {}", kind, rule.name, where);
}

}  // namespace explain_words

namespace {

/// A firewall DNAT hop or verdict.
std::string dnat_text(const model::Model& m, const Reason& r) {
  const auto& fw = m.firewalls[static_cast<std::size_t>(r.firewall)];
  // A public IP whose address is only known at deployment: "(unknown address)".
  const std::string address = r.address ? r.address->to_string() : r.public_ip >= 0 ? pip_address(m, r.public_ip) : "";
  const model::FirewallRule* rule = r.rule >= 0 ? &rule_at(m, fw, fw.order[static_cast<std::size_t>(r.rule)]) : nullptr;
  // Where the DNAT rule sends the packet: "10.1.1.4:22", "FQDN 'x' port 22".
  auto to = [&]() {
    const std::uint16_t port = rule->translated_port != 0 ? rule->translated_port : r.flow.destination_port;
    return rule->translated_address ? fmt::format("{}:{}", rule->translated_address->to_string(), port)
                                    : fmt::format("FQDN '{}' port {}", rule->translated_fqdn, port);
  };
  const std::string flow = fmt::format("{} {} -> {}:{}", model::to_string(r.flow.protocol), r.flow.source.to_string(),
                                       address, r.flow.destination_port);
  switch (r.code) {
    case ReasonCode::kFirewallEntry: {
      std::string out;
      if (r.public_ip >= 0) {
        const auto& p = m.public_ips[static_cast<std::size_t>(r.public_ip)];
        out = fmt::format("public IP '{}' {} ({}) belongs to firewall '{}'", p.name, address, model::to_string(p.sku),
                          fw.name);
        if (!p.address) {
          out +=
              " (its address is only known at deployment: a DNAT rule whose destination is not one of the "
              "firewall's known public addresses is assumed to take traffic to it)";
        }
      } else {
        const int hub = model::hub_of_firewall(m, r.firewall);
        out =
            fmt::format("{} is a public address of firewall '{}'{} (hubIPAddresses: not a public IP resource)", address,
                        fw.name, hub >= 0 ? fmt::format(" of secured virtual hub '{}'", m.virtual_hubs[hub].name) : "");
      }
      return out + (r.versions_differ ? ", but the client and the address are of different IP versions" : "");
    }
    case ReasonCode::kDnatNoRule:
      return fmt::format(
          "no DNAT rule of firewall '{}' takes {} {} port {}: the firewall drops it (network and application rules "
          "never admit inbound traffic to the firewall's own addresses)",
          fw.name, model::to_string(r.flow.protocol), r.flow.source.to_string(), r.flow.destination_port);
    case ReasonCode::kDnatRule:
      return fmt::format("{} translates {}:{} to {}; the source becomes the firewall's own address (SNAT)",
                         firewall_rule_text(m, fw, fw.order[static_cast<std::size_t>(r.rule)]), address,
                         r.flow.destination_port, to());
    case ReasonCode::kFirewallForward:
      return fmt::format("the firewall reaches {} by {}", address, route_text(m, r.route));
    case ReasonCode::kFirewallReturn:
      return r.passes ? fmt::format("the reply to the firewall's address {} takes {}: it returns to the firewall",
                                    address, route_text(m, r.route))
             : r.route.user
                 ? fmt::format(
                       "asymmetric routing: the reply to the firewall's address {} takes {}, not the firewall "
                       "instance directly, so the connection fails",
                       address, route_text(m, r.route))
                 : fmt::format("the reply to the firewall's address {} takes {} and is lost", address,
                               route_text(m, r.route));
    case ReasonCode::kFirewallAddressUnknown: return "the firewall's address is unknown";
    case ReasonCode::kAllowedDnatOutside:
      return fmt::format("allowed: {} is accepted by firewall '{}' and sent to {}, which is not in the input", flow,
                         fw.name, to());
    case ReasonCode::kAllowedDnat:
      return fmt::format("allowed: {} reaches {} on port {} through firewall '{}' (DNAT rule '{}'), and replies return",
                         flow, cfg_text(m, r.target), r.backend_port, fw.name, rule->name);
    default: break;
  }
  return r.text;
}

/// "52.1.2.3 is an internet address", or why it is not.
std::string source_text(const model::Model& m, const Reason& r) {
  const std::string src = r.flow.source.to_string();
  if (r.code == ReasonCode::kInternetSource) return fmt::format("{} is an internet address", src);
  const std::string p = r.prefix.to_string();
  std::string why;
  switch (r.not_internet) {
    case NotInternet::kVnetSpace:
      why = fmt::format("inside {}, address space of VNet '{}'", p, m.vnets[static_cast<std::size_t>(r.vnet)].name);
      break;
    case NotInternet::kPeeredSpace:
      why = fmt::format("inside {}, peered to VNet '{}'", p, m.vnets[static_cast<std::size_t>(r.vnet)].name);
      break;
    case NotInternet::kSubnetPrefix:
      why = fmt::format("inside {}, prefix of subnet '{}'", p, m.subnets[static_cast<std::size_t>(r.subnet)].name);
      break;
    case NotInternet::kPlatform: why = "Azure's platform address " + p; break;
    case NotInternet::kThisNetwork: why = "'this network' " + p; break;
    case NotInternet::kPrivate: why = "a private range " + p; break;
    case NotInternet::kSharedSpace: why = "shared address space (carrier-grade NAT) " + p; break;
    case NotInternet::kLoopback: why = "loopback " + p; break;
    case NotInternet::kLinkLocal: why = "link-local " + p; break;
    case NotInternet::kProtocolAssignments: why = "IETF protocol assignments " + p; break;
    case NotInternet::kDocumentation: why = "a documentation range " + p; break;
    case NotInternet::kRelay6to4: why = "the deprecated 6to4 relay range " + p; break;
    case NotInternet::kBenchmarking: why = "the benchmarking range " + p; break;
    case NotInternet::kMulticast: why = "multicast " + p; break;
    case NotInternet::kReserved: why = "reserved " + p; break;
    case NotInternet::kNotGlobalV6: why = "not global unicast IPv6 (outside 2000::/3)"; break;
    case NotInternet::kNotPublic: why = "not a public address"; break;
  }
  return fmt::format("{} is not an internet address ({}): such a packet does not come from the internet", src, why);
}

const char* version_text(model::IpFamily f) { return f == model::IpFamily::kV4 ? "IPv4" : "IPv6"; }

std::string one_clause(const model::Model& m, const Reason& r) {
  const std::string what = r.entry.index >= 0 ? entry_point_text(m, r.entry) : "";
  const std::string to = r.address ? r.address->to_string() : "an unallocated address";
  switch (r.code) {
    case ReasonCode::kText: return r.text;
    case ReasonCode::kForwardedLeg: return r.broken ? broken_text(m, *r.broken) : "";
    case ReasonCode::kNoNsg:  // an east-west private endpoint's stage says why it has none
      return *r.note ? fmt::format("no NSG at this scope: nothing is filtered here ({})", r.note)
                     : "no NSG at this scope: nothing is filtered here";
    case ReasonCode::kNoNsgAtEntry: return fmt::format("no NSG on {}'s subnet: nothing is filtered here", what);
    case ReasonCode::kNoNsgStandard:
      return fmt::format("no NSG on the subnet or the NIC: a Standard {} admits nothing unless an NSG allows it",
                         r.replies_through == RepliesThrough::kTheLoadBalancer ? "load balancer" : "public IP");
    case ReasonCode::kNoNsgBasic:
      return fmt::format("no NSG on the subnet or the NIC: a Basic {} is open on every port where no NSG applies",
                         r.replies_through == RepliesThrough::kTheLoadBalancer ? "load balancer" : "public IP");
    case ReasonCode::kNsgMissing: return "NSG referenced but not in the input: assumed to admit everything";
    case ReasonCode::kNsgNoMatch: return "no inbound rule matches: denied";
    case ReasonCode::kAdminNoRule:
      if (r.outbound) {
        return fmt::format("no outbound security admin rule of {} matches: the source's outbound NSGs decide",
                           m.vnets[static_cast<std::size_t>(r.vnet)].name);
      }
      return fmt::format("no security admin rule of {} matches: the NSGs decide",
                         m.vnets[static_cast<std::size_t>(r.vnet)].name);
    case ReasonCode::kAdminRule: {
      const auto& a = m.admin_rules[static_cast<std::size_t>(r.rule)];
      const char* effect =
          a.access == model::AdminAccess::kDeny ? "drops the packet whatever the NSGs say"
          : a.access == model::AdminAccess::kAlwaysAllow
              ? (r.outbound ? "admits the packet past the source's outbound NSGs"
                            : "admits the packet and skips the NSGs")
              : (r.outbound ? "hands the packet to the source's outbound NSGs" : "hands the packet to the NSGs");
      return fmt::format("{}security admin rule '{}' (priority {}, {}) of {} matches first: it {}",
                         r.outbound ? "outbound " : "", a.name, a.rule.priority, model::to_string(a.access),
                         m.vnets[static_cast<std::size_t>(r.vnet)].name, effect);
    }
    case ReasonCode::kNsgRule: {
      if (r.nsg.outbound) return outbound_rule_text(m, r.nsg);
      std::string out = packet_rule_text(m, r.nsg);
      if (!r.nsg.snat.empty()) {
        out += fmt::format(" (the source is the firewall's SNAT address in {})",
                           model::to_cidr_strings(r.nsg.snat).front());
      }
      return out + peering_note(m, r.nsg);
    }
    case ReasonCode::kNsgRuleAtEntry: {
      std::string out = packet_rule_text(m, r.nsg);
      const auto& rule = m.nsgs[static_cast<std::size_t>(r.nsg.nsg)].rules[static_cast<std::size_t>(r.nsg.rule)];
      if (!rule.destination.any) {
        out += fmt::format(
            " (the destination is taken as {}'s subnet or frontend: which instance a client reaches is not known)",
            what);
      }
      if (!r.nsg.snat.empty()) {  // behind a firewall's DNAT rule
        out += fmt::format(" (the source is the firewall's SNAT address in {})",
                           model::to_cidr_strings(r.nsg.snat).front());
      }
      return out;
    }
    case ReasonCode::kNsgRuleForSources: return sources_rule_text(m, r.nsg) + peering_note(m, r.nsg);
    case ReasonCode::kReplyRoute: return reply_route_text(m, r);
    case ReasonCode::kForwardRoute: return fmt::format("{} reaches {} by {}", what, to, route_text(m, r.route));
    case ReasonCode::kForwardInVnet: return fmt::format("{} reaches {} in its VNet", what, to);
    case ReasonCode::kReturnRoute:
      return fmt::format("the reply to the subnet of {} ({}) takes {}: it returns the way the connection came", what,
                         to, route_text(m, r.route));
    case ReasonCode::kReturnInEstate: return fmt::format("the reply returns to {} within the estate", what);
    case ReasonCode::kReturnNotEvaluated: return "not evaluated: the VNets are not connected";
    case ReasonCode::kOwnedPublicIp:
      return fmt::format("{} is {}{}", pip_text(m, r.public_ip), owner_text(m, r),
                         r.versions_differ ? ", but the client and the address are of different IP versions" : "");
    case ReasonCode::kLoadBalancerEntry:
      return fmt::format("{} is {}{}", pip_text(m, r.public_ip), lb_frontend_text(m, r.load_balancer, r.frontend),
                         r.versions_differ ? ", but the client and the frontend are of different IP versions" : "");
    case ReasonCode::kInstancePublicIp: {
      const std::string out =
          fmt::format("{} maps to {}", pip_text(m, r.public_ip, "a public IP not in the input (assumed Basic SKU)"),
                      cfg_text(m, r.target));
      if (!r.versions_differ) return out;
      const auto& cfg = m.nics[static_cast<std::size_t>(r.target.nic)]
                            .ip_configurations[static_cast<std::size_t>(r.target.ip_configuration)];
      return fmt::format("{}, but the client is {} and the target {}", out, version_text(r.flow.source.family()),
                         version_text(cfg.family));
    }
    case ReasonCode::kPrivateAddressOnly: {
      const auto& cfg = m.nics[static_cast<std::size_t>(r.target.nic)]
                            .ip_configurations[static_cast<std::size_t>(r.target.ip_configuration)];
      std::string pip = "its public IP";
      if (r.public_ip >= 0 && m.public_ips[static_cast<std::size_t>(r.public_ip)].address) {
        pip += fmt::format(" {}", m.public_ips[static_cast<std::size_t>(r.public_ip)].address->to_string());
      }
      return fmt::format("no internet entry: {} is the private address of {}; the internet reaches it only through {}",
                         private_ip_text(cfg), cfg_text(m, r.target), pip);
    }
    case ReasonCode::kNoPublicIp: return fmt::format("no internet entry: {} has no public IP", cfg_text(m, r.target));
    case ReasonCode::kAllowedThroughLoadBalancer: {
      const auto& balancer = m.load_balancers[static_cast<std::size_t>(r.load_balancer)];
      const auto rule = static_cast<std::size_t>(r.rule);
      const std::string& name = r.nat_pool ? balancer.nat_pools[rule].name
                                : r.nat    ? balancer.nat_rules[rule].name
                                           : balancer.rules[rule].name;
      return fmt::format("allowed: {} reaches {} on port {} through {} (rule '{}'), and replies return",
                         packet_text(r.flow), cfg_text(m, r.target), r.backend_port,
                         lb_frontend_text(m, r.load_balancer, r.frontend), name);
    }
    case ReasonCode::kLbRule:
    case ReasonCode::kLbNatRule:
    case ReasonCode::kLbNatRuleRange:
    case ReasonCode::kLbNatPool:
    case ReasonCode::kLbNoRule: return lb_text(m, r);
    case ReasonCode::kBastionShared:
    case ReasonCode::kBastionPrivateOnly:
    case ReasonCode::kBastionNoPublicIp:
    case ReasonCode::kBastionHost:
    case ReasonCode::kBastionSession:
    case ReasonCode::kBastionTargetIpv6:
    case ReasonCode::kBastionTargetVnetUnknown:
    case ReasonCode::kBastionVnetUnknown:
    case ReasonCode::kBastionReaches:
    case ReasonCode::kBastionDeveloperVnet:
    case ReasonCode::kBastionCannotReach:
    case ReasonCode::kBastionSubnetUnknown:
    case ReasonCode::kAllowedToBastionHost:
    case ReasonCode::kAllowedBastionSession: return bastion_text(m, r);
    case ReasonCode::kApplianceForwards:
    case ReasonCode::kApplianceReturn:
    case ReasonCode::kAllowedThroughAppliance: return explain_appliance_text(m, r);
    case ReasonCode::kFirewallEntry:
    case ReasonCode::kDnatNoRule:
    case ReasonCode::kDnatRule:
    case ReasonCode::kFirewallForward:
    case ReasonCode::kFirewallReturn:
    case ReasonCode::kFirewallAddressUnknown:
    case ReasonCode::kAllowedDnatOutside:
    case ReasonCode::kAllowedDnat: return dnat_text(m, r);
    case ReasonCode::kPaasIpv6Client:
    case ReasonCode::kPaasPortNotServed:
    case ReasonCode::kPaasServes:
    case ReasonCode::kPaasAccessDisabled:
    case ReasonCode::kPaasAccessPerimeter:
    case ReasonCode::kPaasAccessEnabled:
    case ReasonCode::kPaasDataEndpointDisabled:
    case ReasonCode::kPaasDataEndpointEnabled:
    case ReasonCode::kPaasPerimeterDecides:
    case ReasonCode::kPaasRule:
    case ReasonCode::kPaasDefaultAction:
    case ReasonCode::kPaasNotEvaluated:
    case ReasonCode::kAllowedPaas:
    case ReasonCode::kPrivateEndpoint: return explain_words::paas_text(m, r);
    case ReasonCode::kAgNotTcp:
    case ReasonCode::kAgNoListener:
    case ReasonCode::kAgListener:
    case ReasonCode::kAgSubnetUnknown:
    case ReasonCode::kAgNoBackend:
    case ReasonCode::kAgRouting:
    case ReasonCode::kAgFirewallPolicyMissing:
    case ReasonCode::kAgFirewallUnallocated:
    case ReasonCode::kAgFirewallCrossing:
    case ReasonCode::kAgFirewallDefaultDeny:
    case ReasonCode::kAgFirewallRule:
    case ReasonCode::kAllowedAgListener:
    case ReasonCode::kAllowedAgBackend: return explain_words::gateway_text(m, r);
    case ReasonCode::kInternetSource:
    case ReasonCode::kNotInternetSource: return source_text(m, r);
    case ReasonCode::kEastWestSource:
    case ReasonCode::kEastWestRoute:
    case ReasonCode::kEastWestFirewall:
    case ReasonCode::kEastWestAppliance:
    case ReasonCode::kEastWestReturn:
    case ReasonCode::kAllowedEastWest:
    case ReasonCode::kEastWestPaas:
    case ReasonCode::kAllowedEastWestPaas: return explain_words::east_west_text(m, r);
    case ReasonCode::kAllowedThroughPublicIp:
      return fmt::format("allowed: {} reaches {} through its public IP, and replies return", packet_text(r.flow),
                         cfg_text(m, r.target));
  }
  return r.text;
}

}  // namespace

std::string entry_point_text(const model::Model& m, const EntryPoint& e) {
  switch (e.kind) {
    case model::ResourceKind::kBastionHost:
      return fmt::format("Bastion '{}'", m.bastion_hosts[static_cast<std::size_t>(e.index)].name);
    case model::ResourceKind::kApplicationGateway:
      return fmt::format("application gateway '{}'", m.application_gateways[static_cast<std::size_t>(e.index)].name);
    case model::ResourceKind::kFirewall:
      return fmt::format("firewall '{}'", m.firewalls[static_cast<std::size_t>(e.index)].name);
    case model::ResourceKind::kNetworkInterface:  // a network virtual appliance
      return fmt::format("appliance '{}'", m.nics[static_cast<std::size_t>(e.index)].name);
    case model::ResourceKind::kPaasService: {
      const auto& s = m.paas_services[static_cast<std::size_t>(e.index)];
      return fmt::format("{} '{}'", model::to_string(s.kind), s.name);
    }
    default: break;
  }
  return "";
}

std::string reason_text(const model::Model& m, const Reason& r) {
  std::string out = one_clause(m, r);
  for (const auto& next : r.then) out += "; " + reason_text(m, next);
  return out;
}

std::string verdict_text(const model::Model& m, const Verdict& v) {
  if (v.allowed) return reason_text(m, v.why);
  std::string where = to_string(v.kind);
  if (*v.scope) where += fmt::format(" ({})", v.scope);
  const std::string_view scope = v.scope;
  if (v.kind == HopKind::kNsg && v.why.nsg.nsg >= 0 && (scope == "nic-outbound" || scope == "subnet-outbound")) {
    // An east-west source's own NSG: "NSG 'nsg-web' (outbound, NIC)".
    where = fmt::format("NSG '{}' (outbound, {})", m.nsgs[static_cast<std::size_t>(v.why.nsg.nsg)].name,
                        scope == "nic-outbound" ? "NIC" : "subnet");
  }
  std::string out = fmt::format("{} at {}: {}", v.broken ? "broken" : "denied", where, reason_text(m, v.why));
  if (v.kind == HopKind::kSource) out = "not internet traffic; " + out;
  return out;
}

std::string backend_member_text(const model::Model& m, const model::IpConfigIndex& x) { return member_text(m, x); }

}  // namespace exposim::cli
