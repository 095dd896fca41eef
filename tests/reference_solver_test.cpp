// A brute-force reference evaluator, kept in the tests only, that decides single packets by walking the NSG
// rules literally (docs/model.md: network security groups, public IPs, and the return route under routing and peering),
// cross-checked against solver::analyze on random small estates. It uses no packet-set or interval algebra and no
// solver function to decide; the estates are generated from a fixed seed and printed in full on any disagreement.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/analyze_report.h"
#include "model_builder.h"
#include "reference_estates.h"
#include "solver/address_space.h"
#include "solver/exposure.h"
#include "solver/nsg.h"
#include "test_scale.h"

namespace exposim::reference {
namespace {

using model::Access;
using model::IpAddress;
using model::IpFamily;
using model::NextHopType;
using model::Protocol;
using model::ProtocolMask;
using model::Sku;
using model::U128;
using solver::Hop;
using namespace exposim::testing;

/// The internet as docs/model.md lists it, before the estate's own spaces are taken out.
const std::vector<std::string> kNotInternetV4 = {
    "0.0.0.0/8",      "10.0.0.0/8",   "100.64.0.0/10",  "127.0.0.0/8",     "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24",   "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",  "198.18.0.0/15",  "198.51.100.0/24",
    "203.0.113.0/24", "224.0.0.0/4",  "240.0.0.0/4",    "168.63.129.16/32"};
const std::string kGlobalUnicastV6 = "2000::/3";
const std::vector<std::string> kNotInternetV6 = {"2001:db8::/32", "3fff::/20"};
const std::string kPlatform = "168.63.129.16";

// ---------------------------------------------------------------------------------------------------------
// The generated estate, in a readable form the reference interprets on its own.

struct RouteGen {
  std::string prefix;
  NextHopType next_hop{NextHopType::kInternet};
};
struct SubnetGen {
  std::string name, v4, v6;  // v6 empty when single-stack
  int nsg{-1};
  std::vector<RouteGen> routes;  // empty: no route table
};
struct IpCfgGen {
  IpFamily family{IpFamily::kV4};
  std::string ip;
  std::string pip_address;  // empty: no public IP
  Sku sku{Sku::kBasic};
  std::vector<std::string> asgs;
};
struct VmGen {
  std::string name;
  int subnet{0};
  int nsg{-1};
  std::vector<IpCfgGen> cfgs;
};
/// A peering to a VNet that is not in the input: its recorded remote space and local state decide.
struct PeeringGen {
  std::string remote_space;
  bool connected{true};
  bool allow_access{true};
};
struct EstateGen {
  std::uint32_t seed{0};
  std::vector<std::string> vnet_space;
  std::vector<PeeringGen> peerings;
  std::vector<NsgGen> nsgs;
  std::vector<SubnetGen> subnets;
  std::vector<VmGen> vms;
};

std::string describe(const EstateGen& e) {
  std::string s = fmt::format("estate seed {}: vnet v {}\n", e.seed, reference_list(e.vnet_space));
  for (const auto& p : e.peerings) {
    s += fmt::format("  peering to a remote VNet (not in the input) {} connected={} allowVirtualNetworkAccess={}\n",
                     p.remote_space, p.connected, p.allow_access);
  }
  for (const auto& g : e.nsgs) {
    s += fmt::format("  nsg {}\n", g.name);
    for (const auto& r : g.rules) {
      s += fmt::format("    {} prio {} {} {} src {} sport {} dst {} dport {}\n", r.name, r.priority,
                       r.access == Access::kAllow ? "Allow" : "Deny", protocols_text(r.protocols),
                       reference_list(r.sources), reference_list(r.source_ports), reference_list(r.destinations),
                       reference_list(r.destination_ports));
    }
  }
  for (const auto& sn : e.subnets) {
    std::vector<std::string> routes;
    for (const auto& rt : sn.routes) routes.push_back(rt.prefix + "->" + model::to_string(rt.next_hop));
    s += fmt::format("  subnet {} {} {} nsg={} routes {}\n", sn.name, sn.v4, sn.v6,
                     sn.nsg < 0 ? "-" : e.nsgs[sn.nsg].name, reference_list(routes));
  }
  for (const auto& vm : e.vms) {
    s += fmt::format("  vm {} subnet {} nic-nsg={}\n", vm.name, e.subnets[vm.subnet].name,
                     vm.nsg < 0 ? "-" : e.nsgs[vm.nsg].name);
    for (const auto& c : vm.cfgs) {
      s += fmt::format("    ipconfig {} pip {} {} asgs {}\n", c.ip, c.pip_address.empty() ? "-" : c.pip_address,
                       c.pip_address.empty() ? "" : model::to_string(c.sku), reference_list(c.asgs));
    }
  }
  return s;
}

constexpr int kEstates = test::rounds(500);
constexpr std::uint32_t kBaseSeed = 20240611;

EstateGen generate(std::uint32_t seed) {
  Rng r(seed);
  EstateGen e;
  e.seed = seed;
  const bool dual = r.chance(3);
  const bool public_space = r.chance(4);  // a VNet using public addresses privately
  const bool public_v6 = r.chance(2);
  e.vnet_space = {"10.0.0.0/16"};
  if (public_space) e.vnet_space.push_back("52.1.2.0/24");
  if (dual) e.vnet_space.push_back(public_v6 ? "2603:1030:7::/48" : "fd00:1::/48");
  if (r.chance(5)) {
    e.peerings.push_back(
        {r.of(std::vector<std::string>{"172.20.0.0/16", "52.1.0.0/16", "20.1.0.0/16"}), !r.chance(3), !r.chance(3)});
  }

  const int subnets = 1 + r.pick(3);
  const int vms = 1 + r.pick(4);
  const int nsgs = r.pick(4);

  for (int i = 0; i < subnets; ++i) {
    SubnetGen s;
    s.name = fmt::format("s{}", i);
    s.v4 = (public_space && i == 0) ? "52.1.2.0/24" : fmt::format("10.0.{}.0/24", i + 1);
    if (dual) s.v6 = fmt::format("{}:{}::/64", public_v6 ? "2603:1030:7" : "fd00:1:0", i + 1);
    s.nsg = r.pick(nsgs + 1) - 1;
    if (r.chance(3)) {  // a route table: a broad route, sometimes a more specific one inside it
      std::vector<std::string> broad = {"0.0.0.0/0", "0.0.0.0/0", "0.0.0.0/0", "52.0.0.0/8"};
      std::vector<std::string> narrow = {"52.1.0.0/16", "52.1.2.3/32", "20.0.0.0/6"};
      if (dual) {
        broad.push_back("::/0");
        narrow.push_back("2603:1000::/24");
      }
      const std::vector<NextHopType> hops = {NextHopType::kInternet, NextHopType::kInternet,
                                             NextHopType::kVirtualAppliance, NextHopType::kNone,
                                             NextHopType::kVirtualNetworkGateway};
      s.routes.push_back({r.of(broad), r.of(hops)});
      if (r.chance(2)) s.routes.push_back({r.of(narrow), r.of(hops)});
    }
    e.subnets.push_back(s);
  }
  for (int k = 0; k < vms; ++k) {
    VmGen vm;
    vm.name = fmt::format("vm{}", k);
    vm.subnet = r.pick(subnets);
    vm.nsg = r.pick(nsgs + 1) - 1;
    const auto& sn = e.subnets[vm.subnet];
    auto asgs = [&r] {
      std::vector<std::string> a;
      if (r.chance(3)) a.push_back("asg-a");
      if (r.chance(3)) a.push_back("asg-b");
      return a;
    };
    IpCfgGen v4;
    v4.ip = sn.v4.substr(0, sn.v4.rfind('.') + 1) + std::to_string((sn.v4 == "52.1.2.0/24" ? 3 : 4) + k);
    if (!r.chance(5)) v4.pip_address = fmt::format("20.0.{}.1", k);
    v4.sku = r.chance(2) ? Sku::kBasic : Sku::kStandard;
    v4.asgs = asgs();
    vm.cfgs.push_back(v4);
    if (dual && !r.chance(3)) {
      IpCfgGen v6;
      v6.family = IpFamily::kV6;
      v6.ip = sn.v6.substr(0, sn.v6.size() - 3) + std::to_string(4 + k);  // "...::/64" -> "...::4"
      if (!r.chance(4)) v6.pip_address = fmt::format("2603:1040::{}", k + 1);
      v6.sku = r.chance(2) ? Sku::kBasic : Sku::kStandard;
      v6.asgs = asgs();
      vm.cfgs.push_back(v6);
    }
    e.vms.push_back(vm);
  }

  // Rule pools: overlapping public CIDRs, tags, a private CIDR and an ASG.
  std::vector<std::string> sources = {"*",          "Internet",   "VirtualNetwork", "AzureLoadBalancer",
                                      "AzureCloud", "52.0.0.0/8", "52.1.0.0/16",    "52.1.2.3/32",
                                      "20.0.0.0/6", "10.0.0.0/8", "asg:asg-b",      "0.0.0.0/0"};
  std::vector<std::string> cidrs = {"52.0.0.0/8", "52.1.0.0/16", "52.1.2.3/32", "20.0.0.0/6", "10.0.0.0/8"};
  if (dual) {
    for (const char* s : {"::/0", "2603:1000::/24", "2001:db8::/32", "2603:1030:7::/48"}) {
      sources.push_back(s);
      cidrs.push_back(s);
    }
  }
  std::vector<std::string> destinations = {"*",        "*",         "asg:asg-a", "VirtualNetwork",
                                           "Internet", "10.0.1.99", "20.0.0.1"};
  for (const auto& sn : e.subnets) {
    destinations.push_back(sn.v4);
    if (dual) destinations.push_back(sn.v6);
  }
  for (const auto& vm : e.vms) {
    for (const auto& c : vm.cfgs) {
      destinations.push_back(c.ip);
      if (!c.pip_address.empty()) destinations.push_back(c.pip_address);  // never matches: NSGs see the private IP
    }
  }
  const std::vector<std::vector<std::string>> dports = {{"*"},   {"*"},         {"22"},           {"80"},   {"80-90"},
                                                        {"443"}, {"22", "443"}, {"80-90", "443"}, {"21-23"}};
  const std::vector<ProtocolMask> protocols = {tcp(), tcp(), udp(), icmp(), any_protocol(), any_protocol()};

  for (int g = 0; g < nsgs; ++g) {
    NsgGen nsg;
    nsg.name = fmt::format("nsg{}", g);
    const int rules = r.pick(7);
    std::set<int> used;
    for (int i = 0; i < rules; ++i) {
      int priority = 0;
      do priority = r.chance(2) ? 100 + 10 * r.pick(10) : 100 + r.pick(3997);
      while (!used.insert(priority).second);
      RuleGen rule;
      rule.name = fmt::format("rule{}", i);
      rule.priority = priority;
      rule.access = r.chance(2) ? Access::kAllow : Access::kDeny;
      rule.protocols = r.of(protocols);
      if (r.chance(6)) {  // augmented rule: several CIDRs
        rule.sources = {r.of(cidrs), r.of(cidrs)};
      } else {
        rule.sources = {r.of(sources)};
      }
      rule.destinations = {r.of(destinations)};
      rule.destination_ports = r.of(dports);
      rule.source_ports = r.chance(5) ? std::vector<std::string>{"1024-65535"} : std::vector<std::string>{"*"};
      nsg.rules.push_back(rule);
    }
    e.nsgs.push_back(nsg);
  }
  return e;
}

model::Model build(const EstateGen& e, model::Diagnostics& diags) {
  EstateBuilder b;
  b.vnet("v", e.vnet_space).asg("asg-a").asg("asg-b");
  for (const auto& p : e.peerings) {
    model::Peering peering;
    peering.name = "to-remote";
    peering.id = b.m.vnets.back().id + "/virtualNetworkPeerings/to-remote";
    peering.remote_vnet.id = model::canonical_id(rid("Microsoft.Network/virtualNetworks", "remote"));
    peering.remote_address_space = {prefix(p.remote_space)};
    peering.connected = p.connected;
    peering.allow_virtual_network_access = p.allow_access;
    b.m.vnets.back().peerings.push_back(peering);
  }
  add_nsgs(b, e.nsgs);
  for (const auto& sn : e.subnets) {
    std::string rt;
    if (!sn.routes.empty()) {
      rt = "rt-" + sn.name;
      b.route_table(rt, sn.routes[0].prefix, sn.routes[0].next_hop);
      for (std::size_t i = 1; i < sn.routes.size(); ++i) {
        model::Route route = b.m.route_tables.back().routes[0];
        route.name = "route-" + sn.routes[i].prefix;
        route.prefix = prefix(sn.routes[i].prefix);
        route.prefix_text = sn.routes[i].prefix;
        route.next_hop = sn.routes[i].next_hop;
        b.m.route_tables.back().routes.push_back(route);
      }
    }
    b.subnet("v", sn.name, sn.v4, sn.nsg < 0 ? "" : e.nsgs[sn.nsg].name, rt);
    if (!sn.v6.empty()) b.m.subnets.back().prefixes.push_back(prefix(sn.v6));
  }
  for (const auto& vm : e.vms) {
    for (std::size_t c = 0; c < vm.cfgs.size(); ++c) {
      if (!vm.cfgs[c].pip_address.empty()) {
        b.public_ip(fmt::format("{}-pip{}", vm.name, c), vm.cfgs[c].pip_address, vm.cfgs[c].sku);
      }
    }
    const auto& v4 = vm.cfgs[0];
    b.vm(vm.name, "v", e.subnets[vm.subnet].name, v4.ip, v4.pip_address.empty() ? "" : vm.name + "-pip0",
         vm.nsg < 0 ? "" : e.nsgs[vm.nsg].name, v4.asgs);
    for (std::size_t c = 1; c < vm.cfgs.size(); ++c) {  // a second (IPv6) ip configuration on the same NIC
      const auto& src = vm.cfgs[c];
      model::IpConfiguration cfg = b.m.nics.back().ip_configurations[0];
      cfg.name = fmt::format("ipconfig{}", c + 1);
      cfg.id = b.m.nics.back().id + "/ipConfigurations/" + cfg.name;
      cfg.key = model::canonical_id(cfg.id);
      cfg.private_ip = IpAddress::parse(src.ip);
      cfg.family = src.family;
      cfg.primary = false;
      cfg.public_ip = {};
      if (!src.pip_address.empty()) {
        cfg.public_ip.id =
            model::canonical_id(rid("Microsoft.Network/publicIPAddresses", fmt::format("{}-pip{}", vm.name, c)));
      }
      cfg.asgs.clear();
      for (const auto& a : src.asgs) {
        cfg.asgs.push_back(model::Ref{model::canonical_id(rid("Microsoft.Network/applicationSecurityGroups", a)), -1});
      }
      b.m.nics.back().ip_configurations.push_back(cfg);
    }
  }
  return b.done(&diags);
}

// ---------------------------------------------------------------------------------------------------------
// The reference: one packet at a time, rules walked literally by priority.

struct RefPacket {
  IpAddress source;
  Protocol protocol{Protocol::kTcp};
  std::uint16_t source_port{0};
  std::uint16_t destination_port{0};
};

std::string describe(const RefPacket& p) {
  return fmt::format("{} {} sport {} dport {}", model::to_string(p.protocol), p.source.to_string(), p.source_port,
                     p.destination_port);
}

struct ReferenceVerdict {
  bool allowed{false};
  int subnet_rule{-1};  // deciding rule (index into the model NSG's rules), -1 when no NSG or not reached
  int nic_rule{-1};
  friend bool operator==(const ReferenceVerdict&, const ReferenceVerdict&) = default;
};

struct RefRule {
  int model_index{-1};
  int priority{0};
  Access access{Access::kDeny};
  ProtocolMask protocols{0};
  Side source, destination;
  std::vector<PortRange> source_ports, destination_ports;
};

struct RefRoute {
  Block block;
  int length{0};
  NextHopType next_hop{NextHopType::kInternet};
};

/// A target as the reference sees it.
struct Target {
  int vm{-1}, cfg{-1};
  int subnet{-1};                   // index into EstateGen::subnets
  int subnet_nsg{-1}, nic_nsg{-1};  // indices into EstateGen::nsgs
  IpFamily family{IpFamily::kV4};
  IpAddress private_ip;
  Sku sku{Sku::kBasic};
  std::vector<std::string> asgs;
  int model_nic{-1}, model_cfg{-1}, model_pip{-1};
  int model_subnet_nsg{-1}, model_nic_nsg{-1};
};

class Reference {
 public:
  Reference(const EstateGen& e, const model::Model& m) {
    for (const auto& t : kNotInternetV4) excluded_.push_back(block_of(t));
    for (const auto& t : kNotInternetV6) excluded_.push_back(block_of(t));
    for (const auto& t : e.vnet_space) excluded_.push_back(block_of(t));
    for (const auto& p : e.peerings) excluded_.push_back(block_of(p.remote_space));
    for (const auto& sn : e.subnets) {
      excluded_.push_back(block_of(sn.v4));
      if (!sn.v6.empty()) excluded_.push_back(block_of(sn.v6));
    }
    global_v6_ = block_of(kGlobalUnicastV6);
    platform_ = addr(kPlatform);
    // VirtualNetwork, per subnet: the VNet's space, the platform address, the subnet's route prefixes.
    for (const auto& sn : e.subnets) {
      std::vector<Block> tag;
      for (const auto& t : e.vnet_space) tag.push_back(block_of(t));
      for (const auto& p : e.peerings) {
        if (p.connected && p.allow_access) tag.push_back(block_of(p.remote_space));
      }
      tag.push_back(block_of(kPlatform + "/32"));
      std::vector<RefRoute> routes;
      for (const auto& rt : sn.routes) {
        tag.push_back(block_of(rt.prefix));
        routes.push_back({block_of(rt.prefix), model::IpPrefix::parse(rt.prefix)->length, rt.next_hop});
      }
      vnet_tag_.push_back(tag);
      routes_.push_back(routes);
    }
    for (const auto& vm : e.vms) {
      for (const auto& c : vm.cfgs) {
        for (const auto& a : c.asgs) asg_members_[a].push_back(addr(c.ip));
      }
    }
    // Custom rules as generated, plus Azure's three inbound defaults as the docs list them.
    for (const auto& g : e.nsgs) {
      std::vector<RuleGen> all = g.rules;
      all.push_back({"AllowVnetInBound",
                     65000,
                     Access::kAllow,
                     model::kAllProtocols,
                     {"VirtualNetwork"},
                     {"VirtualNetwork"},
                     {"*"},
                     {"*"}});
      all.push_back({"AllowAzureLoadBalancerInBound",
                     65001,
                     Access::kAllow,
                     model::kAllProtocols,
                     {"AzureLoadBalancer"},
                     {"*"},
                     {"*"},
                     {"*"}});
      all.push_back({"DenyAllInBound", 65500, Access::kDeny, model::kAllProtocols, {"*"}, {"*"}, {"*"}, {"*"}});
      const auto& mg = m.nsgs[model_nsg(m, g.name)];
      std::vector<RefRule> rules;
      for (const auto& r : all) {
        RefRule rr;
        for (std::size_t i = 0; i < mg.rules.size(); ++i) {
          if (mg.rules[i].direction == model::Direction::kInbound && mg.rules[i].name == r.name)
            rr.model_index = static_cast<int>(i);
        }
        REQUIRE(rr.model_index >= 0);
        rr.priority = r.priority;
        rr.access = r.access;
        rr.protocols = r.protocols;
        rr.source = read_side(r.sources);
        rr.destination = read_side(r.destinations);
        rr.source_ports = read_ports(r.source_ports);
        rr.destination_ports = read_ports(r.destination_ports);
        rules.push_back(rr);
      }
      std::sort(rules.begin(), rules.end(), [](const RefRule& a, const RefRule& b) { return a.priority < b.priority; });
      nsgs_.push_back(rules);
    }
  }

  static int model_nsg(const model::Model& m, const std::string& name) {
    for (std::size_t i = 0; i < m.nsgs.size(); ++i) {
      if (m.nsgs[i].name == name) return static_cast<int>(i);
    }
    FAIL("nsg " << name << " not in the model");
    return -1;
  }

  bool is_internet(const IpAddress& a) const {
    if (a.family() == IpFamily::kV6 && !global_v6_.contains(a)) return false;
    return std::none_of(excluded_.begin(), excluded_.end(), [&a](const Block& b) { return b.contains(a); });
  }

  /// The internet of one family as sorted disjoint closed ranges (a sweep over the excluded blocks).
  std::vector<std::pair<U128, U128>> internet_ranges(IpFamily f) const {
    const Block all = f == IpFamily::kV4 ? block_of("0.0.0.0/0") : global_v6_;
    std::vector<Block> ex;
    for (const auto& b : excluded_) {
      if (b.v6 == (f == IpFamily::kV6) && b.hi >= all.lo && b.lo <= all.hi) ex.push_back(b);
    }
    std::sort(ex.begin(), ex.end(), [](const Block& a, const Block& b) { return a.lo < b.lo; });
    std::vector<std::pair<U128, U128>> out;
    U128 cur = all.lo;
    bool done = false;
    for (const auto& b : ex) {
      if (b.hi < cur) continue;
      if (b.lo > cur) out.emplace_back(cur, b.lo - 1);
      if (b.hi >= all.hi) {
        done = true;
        break;
      }
      cur = b.hi + 1;
    }
    if (!done) out.emplace_back(cur, all.hi);
    return out;
  }

  /// Whether a reply to `a` leaves through the public IP: the longest user-defined route of the subnet that
  /// covers `a` has next hop Internet, or no user-defined route covers it (system default route: Internet).
  /// Otherwise the return path is diverted and the connection never forms (docs/model.md#return-routing).
  bool answerable(int subnet, const IpAddress& a) const {
    int best_length = -1;
    NextHopType hop = NextHopType::kInternet;
    for (const auto& rt : routes_[subnet]) {
      if (rt.block.contains(a) && rt.length > best_length) {
        best_length = rt.length;
        hop = rt.next_hop;
      }
    }
    return hop == NextHopType::kInternet;
  }

  bool side_matches(const Side& s, const IpAddress& a, Access access, int subnet) const {
    if (s.any) return true;
    for (const auto& b : s.blocks) {
      if (b.contains(a)) return true;
    }
    if (s.internet && is_internet(a)) return true;
    if (s.vnet) {
      for (const auto& b : vnet_tag_[subnet]) {
        if (b.contains(a)) return true;
      }
    }
    if (s.platform && a == platform_) return true;
    if (s.unresolved && access == Access::kAllow && is_internet(a)) return true;  // deny: matches nothing
    for (const auto& name : s.asgs) {
      auto it = asg_members_.find(name);
      if (it != asg_members_.end() && std::find(it->second.begin(), it->second.end(), a) != it->second.end())
        return true;
    }
    return false;
  }

  bool destination_matches(const Side& s, const Target& t, Access access) const {
    // ASGs name ip configurations (membership), everything else names addresses.
    for (const auto& name : s.asgs) {
      if (std::find(t.asgs.begin(), t.asgs.end(), name) != t.asgs.end()) return true;
    }
    Side addresses = s;
    addresses.asgs.clear();
    return side_matches(addresses, t.private_ip, access, t.subnet);
  }

  /// First match by priority; every NSG ends with DenyAllInBound, so a rule always decides.
  const RefRule& decide_nsg(int nsg, const Target& t, const RefPacket& p) const {
    for (const auto& r : nsgs_[nsg]) {
      if (!(r.protocols & model::bit(p.protocol))) continue;
      if (model::has_ports(p.protocol)) {
        if (!in_ports(r.source_ports, p.source_port) || !in_ports(r.destination_ports, p.destination_port)) continue;
      }
      if (!side_matches(r.source, p.source, r.access, t.subnet)) continue;
      if (!destination_matches(r.destination, t, r.access)) continue;
      return r;
    }
    FAIL("no rule decided");
    return nsgs_[nsg].back();
  }

  ReferenceVerdict decide(const Target& t, const RefPacket& p) const {
    ReferenceVerdict v;
    // Only internet traffic of the public IP's family arrives.
    if (p.source.family() != t.family || !is_internet(p.source)) return v;
    if (!answerable(t.subnet, p.source)) return v;
    if (t.subnet_nsg < 0 && t.nic_nsg < 0) {
      v.allowed = t.sku == Sku::kBasic;  // Basic: open without NSG; Standard: closed
      return v;
    }
    if (t.subnet_nsg >= 0) {
      const auto& r = decide_nsg(t.subnet_nsg, t, p);
      v.subnet_rule = r.model_index;
      if (r.access == Access::kDeny) return v;
    }
    if (t.nic_nsg >= 0) {
      const auto& r = decide_nsg(t.nic_nsg, t, p);
      v.nic_rule = r.model_index;
      if (r.access == Access::kDeny) return v;
    }
    v.allowed = true;
    return v;
  }

 private:
  std::vector<Block> excluded_;
  Block global_v6_;
  IpAddress platform_;
  std::vector<std::vector<Block>> vnet_tag_;
  std::vector<std::vector<RefRoute>> routes_;  // per subnet
  std::map<std::string, std::vector<IpAddress>> asg_members_;
  std::vector<std::vector<RefRule>> nsgs_;
};

// ---------------------------------------------------------------------------------------------------------
// Probes: the boundaries of every CIDR in play, the non-internet ranges, a few random addresses.

std::vector<IpAddress> probe_sources(const EstateGen& e, Rng& r) {
  std::vector<std::string> cidrs = {"0.0.0.0/0",      "52.0.0.0/8",    "52.1.0.0/16",      "52.1.2.3/32",
                                    "20.0.0.0/6",     "10.0.0.0/8",    kGlobalUnicastV6,   "::/0",
                                    "2603:1000::/24", "2001:db8::/32", "2603:1030:7::/48", "fd00:1::/48",
                                    "2603:1040::/64"};
  cidrs.insert(cidrs.end(), kNotInternetV4.begin(), kNotInternetV4.end());
  cidrs.insert(cidrs.end(), kNotInternetV6.begin(), kNotInternetV6.end());
  cidrs.insert(cidrs.end(), e.vnet_space.begin(), e.vnet_space.end());
  for (const auto& p : e.peerings) cidrs.push_back(p.remote_space);
  for (const auto& sn : e.subnets) {
    cidrs.push_back(sn.v4);
    if (!sn.v6.empty()) cidrs.push_back(sn.v6);
    for (const auto& rt : sn.routes) cidrs.push_back(rt.prefix);
  }
  for (const auto& vm : e.vms) {
    for (const auto& c : vm.cfgs) {
      cidrs.push_back(c.ip);
      if (!c.pip_address.empty()) cidrs.push_back(c.pip_address);
    }
  }
  std::set<U128> values;
  for (const auto& c : cidrs) {
    const Block b = block_of(c);
    values.insert(b.lo);
    values.insert(b.hi);
    values.insert(b.lo + (b.hi - b.lo) / 2);
    values.insert(b.lo + (b.hi - b.lo) / 3);
    if (b.lo != 0) values.insert(b.lo - 1);
    if (b.hi != ~U128{0}) values.insert(b.hi + 1);
  }
  for (const char* a : {"168.63.129.16", "168.63.129.15", "168.63.129.17", "169.254.169.254", "8.8.8.8"}) {
    values.insert(addr(a).value);
  }
  for (int i = 0; i < 6; ++i) values.insert(IpAddress::v4(static_cast<std::uint32_t>(r.g())).value);
  for (int i = 0; i < 3; ++i) {
    U128 v = (U128{0x2000u + static_cast<unsigned>(r.pick(0x2000))} << 112) | (U128{r.g()} << 64) | r.g();
    values.insert(v);
  }
  std::vector<IpAddress> out;
  for (U128 v : values) out.push_back(IpAddress{v});
  return out;
}

constexpr Protocol kProtocols[] = {Protocol::kTcp, Protocol::kUdp, Protocol::kIcmp, Protocol::kEsp, Protocol::kAh};
constexpr std::uint16_t kDestinationPorts[] = {0, 21, 22, 23, 79, 80, 85, 90, 91, 443, 1024, 65535};
constexpr std::uint16_t kSourcePorts[] = {0, 1023, 1024, 65535};

// ---------------------------------------------------------------------------------------------------------
// The solver's side: which exposures of a target hold a packet, and their deciding rules.

bool holds(const solver::Exposure& x, const RefPacket& p) {
  if (x.protocol != p.protocol || !x.sources.contains(p.source.value)) return false;
  if (!model::has_ports(p.protocol)) return true;
  return x.ports.contains(p.destination_port) && x.source_ports.contains(p.source_port);
}

/// The deciding rules the path names: (subnet rule, NIC rule), -1 for a hop without NSG.
ReferenceVerdict path_rules(const solver::Exposure& x) {
  ReferenceVerdict v{true, -1, -1};
  for (const auto& h : x.path) {
    if (std::string_view(h.scope) == "subnet") v.subnet_rule = h.kind == Hop::Kind::kNsg ? h.rule : -1;
    if (std::string_view(h.scope) == "nic") v.nic_rule = h.kind == Hop::Kind::kNsg ? h.rule : -1;
  }
  return v;
}

std::string describe(const model::Model& m, const solver::Exposure& x) {
  std::string sources = "any";
  if (!x.any_source) {
    const auto cidrs = model::to_cidr_strings(x.sources);
    sources.clear();
    for (std::size_t i = 0; i < cidrs.size() && i < 16; ++i) sources += (i ? "," : "") + cidrs[i];
    if (cidrs.size() > 16) sources += fmt::format(",... ({} CIDRs)", cidrs.size());
  }
  std::string path;
  for (const auto& h : x.path) {
    if (h.kind == Hop::Kind::kNsg) {
      path += fmt::format(" > {}:{}/{}", h.scope, h.resource >= 0 ? m.nsgs[h.resource].name : "missing",
                          h.resource >= 0 && h.rule >= 0 ? m.nsgs[h.resource].rules[h.rule].name : "?");
    } else if (h.kind == Hop::Kind::kNoNsg) {
      path += fmt::format(" > {}:none", h.scope);
    }
  }
  return fmt::format("{} ports {} sports {} any_source {} sources {}{}", model::to_string(x.protocol),
                     model::to_string(x.ports), model::to_string(x.source_ports), x.any_source, sources, path);
}

std::string describe(const model::Model& m, const ReferenceVerdict& v, const Target& t) {
  auto rule = [&m](int nsg, int r) {
    if (nsg < 0) return std::string("none");
    return r < 0 ? m.nsgs[nsg].name + "/-" : m.nsgs[nsg].name + "/" + m.nsgs[nsg].rules[r].name;
  };
  return fmt::format("{} subnet:{} nic:{}", v.allowed ? "allowed" : "denied", rule(t.model_subnet_nsg, v.subnet_rule),
                     rule(t.model_nic_nsg, v.nic_rule));
}

struct Totals {
  std::size_t estates{0}, targets{0}, probes{0}, allowed{0}, exposures{0}, reverse_samples{0};
  // What the generator exercised (allowed probes by kind, and internet probes lost to return routing).
  std::size_t allowed_v6{0}, allowed_open_basic{0}, allowed_by_vnet_default{0}, unanswerable{0};
};

/// Cross-checks one estate; returns the number of disagreements (each reported with the full context).
int cross_check(const EstateGen& e, Totals& totals) {
  model::Diagnostics diags;
  const model::Model m = build(e, diags);
  INFO(describe(e));
  REQUIRE_FALSE(diags.has_errors());
  const Reference ref(e, m);
  const solver::Analysis analysis = solver::analyze(m);
  Rng r(e.seed ^ 0x9e3779b9u);
  const std::vector<IpAddress> sources = probe_sources(e, r);

  int failures = 0;
  auto fail = [&](const std::string& what) {
    if (++failures <= 5) FAIL_CHECK(what);
  };

  // Targets: every ip configuration; those without a public IP must have no exposure at all.
  std::vector<Target> targets;
  std::set<std::pair<int, int>> with_public_ip;
  for (std::size_t v = 0; v < e.vms.size(); ++v) {
    const auto& vm = e.vms[v];
    int nic = -1;
    for (std::size_t n = 0; n < m.nics.size(); ++n) {
      if (m.nics[n].name == vm.name + "-nic") nic = static_cast<int>(n);
    }
    REQUIRE(nic >= 0);
    for (std::size_t c = 0; c < vm.cfgs.size(); ++c) {
      if (vm.cfgs[c].pip_address.empty()) continue;
      Target t;
      t.vm = static_cast<int>(v);
      t.cfg = static_cast<int>(c);
      t.subnet = vm.subnet;
      t.subnet_nsg = e.subnets[vm.subnet].nsg;
      t.nic_nsg = vm.nsg;
      t.family = vm.cfgs[c].family;
      t.private_ip = addr(vm.cfgs[c].ip);
      t.sku = vm.cfgs[c].sku;
      t.asgs = vm.cfgs[c].asgs;
      t.model_nic = nic;
      t.model_cfg = static_cast<int>(c);
      REQUIRE(m.nics[nic].ip_configurations[c].private_ip == t.private_ip);
      t.model_pip = m.nics[nic].ip_configurations[c].public_ip.index;
      t.model_subnet_nsg = t.subnet_nsg < 0 ? -1 : Reference::model_nsg(m, e.nsgs[t.subnet_nsg].name);
      t.model_nic_nsg = t.nic_nsg < 0 ? -1 : Reference::model_nsg(m, e.nsgs[t.nic_nsg].name);
      targets.push_back(t);
      with_public_ip.insert({nic, static_cast<int>(c)});
    }
  }
  for (const auto& x : analysis.exposures) {
    if (!with_public_ip.count({x.nic, x.ip_configuration})) {
      fail(fmt::format("exposure of nic {} ipconfig {} without a public IP: {}", x.nic, x.ip_configuration,
                       describe(m, x)));
    }
  }

  for (const auto& t : targets) {
    ++totals.targets;
    std::vector<const solver::Exposure*> mine;
    for (const auto& x : analysis.exposures) {
      if (x.nic == t.model_nic && x.ip_configuration == t.model_cfg) mine.push_back(&x);
    }
    std::string solver_text;
    for (const auto* x : mine) solver_text += "\n    " + describe(m, *x);
    const std::string target_text =
        fmt::format("target {} ipconfig {} ({})", e.vms[t.vm].name, t.cfg, e.vms[t.vm].cfgs[t.cfg].ip);

    // Structure of each exposure: non-empty, any_source exact, portless protocols unconstrained, path shape.
    const auto internet = ref.internet_ranges(t.family);
    for (const auto* x : mine) {
      ++totals.exposures;
      std::vector<std::pair<U128, U128>> got;
      for (const auto& iv : x->sources.intervals()) got.emplace_back(iv.lo, iv.hi);
      bool ok = !x->sources.empty() && !x->ports.empty() && !x->source_ports.empty();
      ok = ok && x->any_source == (got == internet);
      ok = ok && (model::has_ports(x->protocol) || (x->ports.is_all() && x->source_ports.is_all()));
      ok = ok && x->public_ip == t.model_pip && x->path.size() == 5 && x->path.front().kind == Hop::Kind::kSource &&
           x->path[1].kind == Hop::Kind::kEntry && std::string_view(x->path[2].scope) == "subnet" &&
           std::string_view(x->path[3].scope) == "nic" && x->path[4].kind == Hop::Kind::kTarget;
      ok = ok &&
           (t.model_subnet_nsg < 0 ? x->path[2].kind == Hop::Kind::kNoNsg
                                   : x->path[2].kind == Hop::Kind::kNsg && x->path[2].resource == t.model_subnet_nsg);
      ok = ok && (t.model_nic_nsg < 0 ? x->path[3].kind == Hop::Kind::kNoNsg
                                      : x->path[3].kind == Hop::Kind::kNsg && x->path[3].resource == t.model_nic_nsg);
      if (!ok)
        fail(fmt::format("{}: malformed exposure {}\n  internet has {} ranges", target_text, describe(m, *x),
                         internet.size()));
    }
    // No packet in two exposures of one target.
    for (std::size_t i = 0; i < mine.size(); ++i) {
      for (std::size_t j = i + 1; j < mine.size(); ++j) {
        const auto& a = *mine[i];
        const auto& b = *mine[j];
        if (a.protocol == b.protocol && a.sources.intersects(b.sources) && a.ports.intersects(b.ports) &&
            a.source_ports.intersects(b.source_ports)) {
          fail(fmt::format("{}: overlapping exposures\n    {}\n    {}", target_text, describe(m, a), describe(m, b)));
        }
      }
    }

    auto compare = [&](const RefPacket& p) {
      ++totals.probes;
      const ReferenceVerdict want = ref.decide(t, p);
      if (want.allowed) {
        ++totals.allowed;
        if (t.family == IpFamily::kV6) ++totals.allowed_v6;
        if (t.model_subnet_nsg < 0 && t.model_nic_nsg < 0) ++totals.allowed_open_basic;
        if ((want.subnet_rule >= 0 && m.nsgs[t.model_subnet_nsg].rules[want.subnet_rule].name == "AllowVnetInBound") ||
            (want.nic_rule >= 0 && m.nsgs[t.model_nic_nsg].rules[want.nic_rule].name == "AllowVnetInBound")) {
          ++totals.allowed_by_vnet_default;
        }
      } else if (p.source.family() == t.family && ref.is_internet(p.source) && !ref.answerable(t.subnet, p.source)) {
        ++totals.unanswerable;
      }
      const solver::Exposure* found = nullptr;
      for (const auto* x : mine) {
        if (holds(*x, p)) {
          found = x;
          break;
        }
      }
      const bool agree = want.allowed ? (found && path_rules(*found) == want) : !found;
      if (!agree) {
        fail(fmt::format("{}\n  packet {}\n  reference: {}\n  solver: {}\n  exposures of the target:{}", target_text,
                         describe(p), describe(m, want, t),
                         found ? "allowed by " + describe(m, *found) : std::string("denied"), solver_text));
      }
    };

    // Probe set: every boundary address x protocol x ports (TCP/UDP); portless protocols take a few port pairs.
    for (const auto& src : sources) {
      const bool same_family = src.family() == t.family;
      for (Protocol proto : kProtocols) {
        if (model::has_ports(proto) && same_family) {
          for (auto dp : kDestinationPorts) {
            for (auto sp : kSourcePorts) compare(RefPacket{src, proto, sp, dp});
          }
        } else {
          compare(RefPacket{src, proto, 0, 0});
          if (same_family) compare(RefPacket{src, proto, 1024, 22});
        }
      }
    }
    // Reverse direction: the corners of every exposure the solver reports must be allowed by the reference,
    // with the same deciding rules.
    for (const auto* x : mine) {
      std::vector<U128> addrs;
      const auto& ivs = x->sources.intervals();
      const std::size_t step = std::max<std::size_t>(1, ivs.size() / 32);
      for (std::size_t i = 0; i < ivs.size(); i += step) {
        addrs.push_back(ivs[i].lo);
        addrs.push_back(ivs[i].hi);
        addrs.push_back(ivs[i].lo + (ivs[i].hi - ivs[i].lo) / 2);
      }
      std::vector<std::uint16_t> dps, sps;
      for (const auto& iv : x->ports.intervals()) dps.insert(dps.end(), {iv.lo, iv.hi});
      for (const auto& iv : x->source_ports.intervals()) sps.insert(sps.end(), {iv.lo, iv.hi});
      for (U128 a : addrs) {
        for (auto dp : dps) {
          for (auto sp : sps) {
            const RefPacket p{IpAddress{a}, x->protocol, sp, dp};
            ++totals.reverse_samples;
            const ReferenceVerdict want = ref.decide(t, p);
            if (!(want.allowed && path_rules(*x) == want)) {
              fail(
                  fmt::format("{}\n  packet {} (a corner of a reported exposure)\n  reference: {}\n  solver: allowed "
                              "by {}\n  exposures of the target:{}",
                              target_text, describe(p), describe(m, want, t), describe(m, *x), solver_text));
            }
          }
        }
      }
    }
  }
  ++totals.estates;
  CHECK(failures == 0);
  return failures;
}

}  // namespace

TEST_CASE("reference: the internet of docs/model.md is the solver's public space", "[solver][reference]") {
  EstateGen empty;
  model::Model m;
  const Reference ref(empty, m);
  auto text = [](const std::vector<std::pair<U128, U128>>& ranges) {
    std::vector<std::string> out;
    for (const auto& [lo, hi] : ranges) out.push_back(IpAddress{lo}.to_string() + "-" + IpAddress{hi}.to_string());
    return out;
  };
  std::vector<std::pair<U128, U128>> v4, v6;
  const model::IpSet public_v4 = solver::public_ipv4();  // kept alive: intervals() returns a reference
  const model::IpSet public_v6 = solver::public_ipv6();
  for (const auto& iv : public_v4.intervals()) v4.emplace_back(iv.lo, iv.hi);
  for (const auto& iv : public_v6.intervals()) v6.emplace_back(iv.lo, iv.hi);
  CHECK(text(ref.internet_ranges(IpFamily::kV4)) == text(v4));
  CHECK(text(ref.internet_ranges(IpFamily::kV6)) == text(v6));
  CHECK(ref.is_internet(addr("8.8.8.8")));
  CHECK(ref.is_internet(addr("168.63.129.15")));
  CHECK_FALSE(ref.is_internet(addr("168.63.129.16")));
  CHECK_FALSE(ref.is_internet(addr("100.127.255.255")));
  CHECK(ref.is_internet(addr("100.128.0.0")));
  CHECK(ref.is_internet(addr("2603:1030::1")));
  CHECK_FALSE(ref.is_internet(addr("2001:db8::1")));
  CHECK_FALSE(ref.is_internet(addr("fd00::1")));
}

TEST_CASE("reference: hand-worked verdicts on a tiny estate", "[solver][reference]") {
  // The reference is only as good as its own reading of the rules: check it against verdicts worked out by hand.
  EstateGen e;
  e.vnet_space = {"10.0.0.0/16"};
  // Fields: name, priority, access, protocols, sources, destinations, destination ports, source ports.
  e.nsgs = {{"sub",
             {{"deny-52-ssh", 100, Access::kDeny, tcp(), {"52.0.0.0/8"}, {"*"}, {"22"}, {"*"}},
              {"allow-all", 200, Access::kAllow, any_protocol(), {"*"}, {"*"}, {"22", "80-90"}, {"*"}}}},
            {"nic",
             {{"deny-cloud", 100, Access::kDeny, tcp(), {"AzureCloud"}, {"*"}, {"*"}, {"*"}},
              {"web-asg", 110, Access::kAllow, tcp(), {"Internet"}, {"asg:asg-a"}, {"80"}, {"1024-65535"}},
              {"ssh-ip", 120, Access::kAllow, tcp(), {"20.0.0.0/6"}, {"10.0.1.4"}, {"22"}, {"*"}}}}};
  e.subnets = {{"s0", "10.0.1.0/24", "", 0, {{"52.1.0.0/16", NextHopType::kVirtualAppliance}}}};
  e.vms = {{"vm0", 0, 1, {{IpFamily::kV4, "10.0.1.4", "20.0.0.1", Sku::kStandard, {"asg-a"}}}}};
  model::Diagnostics diags;
  const model::Model m = build(e, diags);
  REQUIRE_FALSE(diags.has_errors());
  const Reference ref(e, m);
  Target t;
  t.subnet = 0;
  t.subnet_nsg = 0;
  t.nic_nsg = 1;
  t.private_ip = addr("10.0.1.4");
  t.sku = Sku::kStandard;
  t.asgs = {"asg-a"};
  auto verdict = [&](const char* src, Protocol p, int sport, int dport) {
    const ReferenceVerdict v =
        ref.decide(t, RefPacket{addr(src), p, static_cast<std::uint16_t>(sport), static_cast<std::uint16_t>(dport)});
    auto name = [&m](int nsg, int r) { return r < 0 ? std::string("-") : m.nsgs[nsg].rules[r].name; };
    return fmt::format("{} {} {}", v.allowed ? "allow" : "deny", name(0, v.subnet_rule), name(1, v.nic_rule));
  };
  CHECK(verdict("52.9.9.9", Protocol::kTcp, 5000, 22) == "deny deny-52-ssh -");
  CHECK(verdict("21.0.0.1", Protocol::kTcp, 5000, 22) == "allow allow-all ssh-ip");
  CHECK(verdict("24.0.0.1", Protocol::kTcp, 5000, 22) == "deny allow-all DenyAllInBound");  // outside 20.0.0.0/6
  CHECK(verdict("24.0.0.1", Protocol::kTcp, 5000, 80) == "allow allow-all web-asg");        // AzureCloud deny: nothing
  CHECK(verdict("24.0.0.1", Protocol::kTcp, 1000, 80) == "deny allow-all DenyAllInBound");  // source port
  CHECK(verdict("24.0.0.1", Protocol::kUdp, 1000, 85) == "deny allow-all DenyAllInBound");
  CHECK(verdict("24.0.0.1", Protocol::kTcp, 5000, 91) == "deny DenyAllInBound -");
  CHECK(verdict("24.0.0.1", Protocol::kIcmp, 0, 0) == "deny allow-all DenyAllInBound");  // ports do not bind ICMP
  CHECK(verdict("52.1.0.9", Protocol::kTcp, 5000, 80) == "deny - -");  // reply would go to the appliance
  CHECK(verdict("10.1.0.1", Protocol::kTcp, 5000, 80) == "deny - -");  // not internet
  CHECK(verdict("168.63.129.16", Protocol::kTcp, 5000, 80) == "deny - -");
  CHECK(verdict("2603:1000::1", Protocol::kTcp, 5000, 80) == "deny - -");  // other family
  t.subnet_nsg = -1;
  t.nic_nsg = -1;
  CHECK(verdict("24.0.0.1", Protocol::kEsp, 0, 0) == "deny - -");  // Standard without NSG: closed
  t.sku = Sku::kBasic;
  CHECK(verdict("24.0.0.1", Protocol::kEsp, 0, 0) == "allow - -");  // Basic without NSG: open
  CHECK(verdict("52.1.0.9", Protocol::kEsp, 0, 0) == "deny - -");
}

TEST_CASE("reference: random small estates agree with the solver packet by packet", "[solver][reference]") {
  Totals totals;
  int failing_estates = 0;
  for (int i = 0; i < kEstates && failing_estates < 3; ++i) {
    const EstateGen e = generate(kBaseSeed + static_cast<std::uint32_t>(i));
    CAPTURE(e.seed);
    if (cross_check(e, totals) > 0) ++failing_estates;
  }
  INFO(fmt::format(
      "{} estates, {} targets, {} exposures, {} probes ({} allowed: {} IPv6, {} open Basic, {} by "
      "AllowVnetInBound; {} unanswerable), {} reverse samples",
      totals.estates, totals.targets, totals.exposures, totals.probes, totals.allowed, totals.allowed_v6,
      totals.allowed_open_basic, totals.allowed_by_vnet_default, totals.unanswerable, totals.reverse_samples));
  CHECK(totals.estates == static_cast<std::size_t>(kEstates));
  // The generator must exercise both verdicts and every feature substantially.
  CHECK(totals.allowed > totals.probes / 50);
  CHECK(totals.allowed < totals.probes / 2);
  CHECK(totals.allowed_v6 > totals.allowed / 100);
  CHECK(totals.allowed_open_basic > totals.allowed / 100);
  CHECK(totals.allowed_by_vnet_default > totals.allowed / 100);
  CHECK(totals.unanswerable > totals.probes / 100);
}

TEST_CASE("reference: random small estates give the same analysis on 1, 2 and 7 workers", "[solver][reference][jobs]") {
  // The distinct evaluations run on the workers and are placed in the order they were found (model/parallel.h):
  // the report's bytes must not depend on the number of workers nor on the scheduling.
  std::size_t exposures = 0;
  std::size_t evaluations = 0;
  for (int i = 0; i < kEstates / 5; ++i) {
    const EstateGen e = generate(kBaseSeed + 7919u + static_cast<std::uint32_t>(i));
    CAPTURE(e.seed);
    model::Diagnostics diags;
    const model::Model m = build(e, diags);
    REQUIRE_FALSE(diags.has_errors());
    std::string first;
    for (const int jobs : {1, 2, 7}) {
      CAPTURE(jobs);
      solver::AnalyzeOptions options;
      options.jobs = jobs;
      const solver::Analysis a = solver::analyze(m, options);
      std::ostringstream json;
      cli::write_json(json, m, a, a.findings.sorted());
      if (jobs == 1) {
        first = json.str();
        exposures += a.exposures.size();
        evaluations += a.distinct_evaluations;
        continue;
      }
      CHECK(json.str() == first);
    }
  }
  // The estates must give the workers something to share.
  CHECK(exposures > static_cast<std::size_t>(kEstates / 5));
  CHECK(evaluations > static_cast<std::size_t>(kEstates / 5));
}

}  // namespace exposim::reference
