// The NSG rules of the generated estates (bench/gen_estate_rules.h).
#include "bench/gen_estate_rules.h"

#include <initializer_list>

namespace exposim::bench {
namespace {

std::vector<std::string> ports_of(Rng& r, std::initializer_list<std::initializer_list<const char*>> choices) {
  const auto& c = *(choices.begin() + r.below(choices.size()));
  return {c.begin(), c.end()};
}

}  // namespace

/// A custom rule as administrators write them; `label` and access make the name, priority makes it unique.
RuleSpec make_rule(Rng& r, const RuleContext& c, int priority) {
  RuleSpec s;
  std::string_view label;
  auto one = [](std::string x) { return std::vector<std::string>{std::move(x)}; };
  if (r.percent(75)) {
    s.inbound = true;
    // Relative frequencies of the kinds below (case i has weight kWeights[i]).
    static constexpr std::array<std::uint32_t, 16> kWeights{48, 40, 40, 24, 32, 32, 16, 24,
                                                            16, 12, 32, 12, 1,  8,  8,  36};
    static constexpr std::uint32_t kTotal = [] {
      std::uint32_t t = 0;
      for (const auto w : kWeights) t += w;
      return t;
    }();
    std::uint32_t kind = r.below(kTotal);
    std::size_t pick = 0;
    while (kind >= kWeights[pick]) kind -= kWeights[pick++];
    if (pick == 15 && !c.dual_stack()) pick = 0;
    switch (pick) {
      case 0:  // web
      case 15: {
        label = pick == 0 ? "Web" : "Web-v6";
        s.ports = ports_of(r, {{"443"}, {"443"}, {"80", "443"}, {"8443"}});
        if (pick == 15) {
          s.source.prefixes = one(r.percent(50) ? "::/0" : "2a01:111::/32");
          s.destination.prefixes = one(c.subnet_v6(r));
          break;
        }
        const auto src = r.below(10);
        s.source.prefixes = src < 5 ? one("Internet") : src < 8 ? one("*") : RuleContext::public_cidrs(r, 2, 4);
        const auto dst = r.below(10);
        s.destination.prefixes = one(dst < 4   ? c.subnet_cidr(r)
                                     : dst < 7 ? std::string("*")
                                     : dst < 9 ? c.nic_ip(r)
                                               : std::string("VirtualNetwork"));
        break;
      }
      case 1:  // management from the corporate ranges
        label = "Mgmt-Corp";
        s.ports = ports_of(r, {{"22"}, {"3389"}, {"22", "3389"}, {"5985-5986"}});
        s.source.prefixes = RuleContext::public_cidrs(r, 2, 5);
        s.destination.prefixes = one(r.percent(50) ? c.subnet_cidr(r) : r.percent(50) ? c.nic_ip(r) : "*");
        break;
      case 2:  // management from private space
        label = "Mgmt-Internal";
        s.ports = ports_of(r, {{"22"}, {"3389"}, {"5985-5986"}});
        s.source.prefixes = one(RuleContext::private_cidr(r));
        s.destination.prefixes = one(r.percent(50) ? c.subnet_cidr(r) : "*");
        break;
      case 3:  // block management from the internet
        s.allow = false;
        label = "Block-Mgmt";
        s.ports = ports_of(r, {{"22", "3389"}, {"22"}, {"3389"}});
        s.source.prefixes = one(r.percent(70) ? "Internet" : "*");
        s.destination.prefixes = one("*");
        break;
      case 4:  // application port ranges
        label = "App";
        s.ports = ports_of(r, {{"8000-8100"}, {"30000-32767"}, {"1024-65535"}, {"9000-9100", "9443"}});
        s.source.prefixes = one(r.percent(60) ? std::string("VirtualNetwork") : RuleContext::private_cidr(r));
        s.destination.prefixes = one(c.subnet_cidr(r));
        break;
      case 5: {  // databases, to a few hosts
        label = "Db";
        s.ports = ports_of(r, {{"1433"}, {"5432"}, {"3306"}, {"6379"}, {"27017"}});
        s.source.prefixes = one(c.subnet_cidr(r));
        s.destination.prefixes.resize(1 + r.below(3));
        for (auto& d : s.destination.prefixes) d = c.nic_ip(r);
        break;
      }
      case 6:  // application security groups
        label = "Asg";
        s.ports = ports_of(r, {{"443"}, {"8443"}, {"1433"}, {"5432"}});
        s.source.asgs = one(c.asg(r));
        s.destination.asgs = one(c.asg(r));
        break;
      case 7: {  // UDP services
        label = "Udp";
        s.protocol = "Udp";
        s.ports = ports_of(r, {{"53"}, {"123"}, {"500", "4500"}, {"3478-3481"}, {"1194"}});
        const auto src = r.below(4);
        s.source.prefixes = one(src == 0   ? std::string("*")
                                : src == 1 ? std::string("Internet")
                                : src == 2 ? RuleContext::public_cidr(r)
                                           : std::string("VirtualNetwork"));
        s.destination.prefixes = one(r.percent(50) ? c.subnet_cidr(r) : "*");
        break;
      }
      case 8:  // ping
        label = "Icmp";
        s.protocol = "Icmp";
        s.source.prefixes = one(r.percent(50) ? "VirtualNetwork" : r.percent(50) ? "*" : "Internet");
        s.destination.prefixes = one("*");
        break;
      case 9:  // load balancer probes
        label = "LB-Probe";
        s.protocol = "*";
        s.source.prefixes = one("AzureLoadBalancer");
        s.destination.prefixes = one("*");
        break;
      case 10:  // one administrator's address
        label = "Admin";
        s.ports = ports_of(r, {{"22"}, {"3389"}, {"443"}, {"8080"}});
        s.source.prefixes = one(r.percent(50) ? RuleContext::public_ip(r) : RuleContext::public_ip(r) + "/32");
        s.destination.prefixes = one(c.nic_ip(r));
        break;
      case 11:  // deny the internet
        s.allow = false;
        label = "Internet";
        s.protocol = "*";
        s.source.prefixes = one("Internet");
        s.destination.prefixes = one("*");
        break;
      case 12:  // poor hygiene: everything from everywhere
        label = "Any-Any";
        s.protocol = "*";
        s.source.prefixes = one("*");
        s.destination.prefixes = one("*");
        break;
      case 13: {  // service tags other than the three the solver resolves
        static constexpr std::array<std::string_view, 4> kTags{"AzureFrontDoor.Backend", "GatewayManager", "AzureCloud",
                                                               "AzureMonitor"};
        label = "Svc-Tag";
        s.ports = one("443");
        s.source.prefixes = one(std::string(r.pick(kTags)));
        s.destination.prefixes = one(c.subnet_cidr(r));
        break;
      }
      default:  // 14: Defender for Cloud just-in-time deny rule
        s.allow = false;
        s.ports = ports_of(r, {{"22"}, {"3389"}, {"22", "3389", "5985", "5986"}});
        s.source.prefixes = one("*");
        s.destination.prefixes = one(c.nic_ip(r));
        s.name = fmt::format("SecurityCenter-JITRule_{}_{:08X}", priority, r.next() & 0xffffffffu);
        return s;
    }
  } else {
    s.inbound = false;
    switch (r.below(6)) {
      case 0:
      case 1:
        label = "Out-Https";
        s.ports = one("443");
        s.source.prefixes = one("*");
        s.destination.prefixes = one(r.percent(60) ? "Internet" : r.percent(50) ? "AzureCloud" : "*");
        break;
      case 2:
        s.allow = false;
        label = "Out-Internet";
        s.protocol = "*";
        s.source.prefixes = one("*");
        s.destination.prefixes = one("Internet");
        break;
      case 3:
        label = "Out-Udp";
        s.protocol = "Udp";
        s.ports = ports_of(r, {{"123"}, {"53"}});
        s.source.prefixes = one("*");
        s.destination.prefixes = one("*");
        break;
      case 4:
        label = "Out-Db";
        s.ports = ports_of(r, {{"1433"}, {"5432"}});
        s.source.prefixes = one(c.subnet_cidr(r));
        s.destination.prefixes = one(RuleContext::private_cidr(r));
        break;
      default:
        s.allow = false;
        label = "Out-Smtp";
        s.ports = one("25");
        s.source.prefixes = one("*");
        s.destination.prefixes = one("*");
        break;
    }
  }
  s.name = fmt::format("{}-{}-{}", s.allow ? "Allow" : "Deny", label, priority);
  return s;
}

/// A rule of the fragmented profile (issue 18): 80% inbound, 60% allow and 40% deny in any order, protocol
/// Tcp, Udp or `*`; sources `*` or `Internet` (15%), `VirtualNetwork` (15%), 1 to 8 random public /24s (30%), one
/// random 10.x.y.0/24 (20%) or a source ASG (20%); 20% of destinations an ASG, the rest `*`; destination ports
/// one of kFragmentedPorts, or (30%) a list of 2 to 5 of them without `*`.
RuleSpec make_fragmented_rule(Rng& r, const Estate& e, int priority) {
  static constexpr std::array<std::string_view, 12> kFragmentedPorts{
      "*", "22", "3389", "80", "443", "8080-8090", "1024-65535", "5985-5986", "53", "1433", "3306", "6379"};
  static constexpr std::array<std::string_view, 3> kFragmentedProtocols{"Tcp", "Udp", "*"};
  RuleSpec s;
  s.inbound = r.percent(80);
  s.allow = r.percent(60);
  s.protocol = r.pick(kFragmentedProtocols);
  const auto src = r.below(100);
  if (src < 15) {
    s.source.prefixes = {r.percent(50) ? "*" : "Internet"};
  } else if (src < 30) {
    s.source.prefixes = {"VirtualNetwork"};
  } else if (src < 60) {
    s.source.prefixes.resize(1 + r.below(8));
    for (auto& p : s.source.prefixes)
      p = fmt::format("{}.{}.{}.0/24", r.pick(kPublicFirstOctets), r.below(256), r.below(256));
  } else if (src < 80) {
    s.source.prefixes = {fmt::format("10.{}.{}.0/24", r.below(256), r.below(256))};
  } else {
    s.source.asgs = {e.fragmented_asg_id(r.below(kFragmentedAsgs))};
  }
  if (r.percent(20)) {
    s.destination.asgs = {e.fragmented_asg_id(r.below(kFragmentedAsgs))};
  } else {
    s.destination.prefixes = {"*"};
  }
  if (r.percent(30)) {
    // 2 to 5 distinct ports of the list, `*` excluded, in the list's order.
    const std::uint32_t want = 2 + r.below(4);
    std::array<bool, kFragmentedPorts.size()> taken{};
    for (std::uint32_t got = 0; got < want;) {
      const auto i = 1 + r.below(kFragmentedPorts.size() - 1);
      if (!taken[i]) taken[i] = true, ++got;
    }
    s.ports.clear();
    for (std::size_t i = 0; i < taken.size(); ++i) {
      if (taken[i]) s.ports.emplace_back(kFragmentedPorts[i]);
    }
  } else {
    s.ports = {std::string(r.pick(kFragmentedPorts))};
  }
  s.name = fmt::format("{}-{}-{}", s.allow ? "Allow" : "Deny", s.inbound ? "In" : "Out", priority);
  return s;
}

}  // namespace exposim::bench
