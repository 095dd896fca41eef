// PaaS public endpoints reached from inside the estate (solver/east_west.h, ReachOptions::paas; docs/model.md, "PaaS
// public endpoints from inside the estate"): from each source class to the public endpoint of each PaaS service,
// over packet sets: the source VNet's outbound admin rules and the source's outbound NSGs with the service's public
// address as destination, the source subnet's route toward the service (a service endpoint, a user-defined route, the
// default route to the internet or to an Azure Firewall or appliance), the firewall's network and application rules,
// and the service's own firewall as it sees the source (the subnet through a service endpoint, else the source's
// egress public address). An App Service's SCM (Kudu) site is a second endpoint of the service: the same ways, with
// its own host name (a firewall's application rules) and restrictions (scopes "scm-..."). The stages are listed once
// (paas_outbound_stages(), paas_ways()) and each is decided by one function; reach() evaluates them over packet sets
// (EastWest::paas()), explain for one packet (paas_packet_paths()).
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "model/ascii.h"
#include "model/unknown.h"
#include "solver/address_space.h"
#include "solver/east_west_engine.h"
#include "solver/firewall.h"
#include "solver/network.h"
#include "solver/network_manager.h"
#include "solver/nsg.h"
#include "solver/paas.h"
#include "solver/paas_hop.h"
#include "solver/ports_and_sources.h"

namespace exposim::solver::east_west_internal {

using K = HopKind;
using RK = model::ResourceKind;
using model::PaasKind;

namespace {

/// Whether a destination names the service's public address: yes, no, or not known before deployment.
enum class PaasMatch : std::uint8_t { kYes, kNo, kUnknown };

std::string_view paas_trim(std::string_view t) {
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  return t;
}

/// A region as Azure compares it: lowercase, without spaces ("West Europe" and "westeurope" are one).
std::string paas_region(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c != ' ') out += model::ascii::lower(c);
  }
  return out;
}

/// The service tag of the service's public addresses: Storage, AzureKeyVault, Sql, AzureCosmosDB, AppService.
std::string_view paas_service_tag(PaasKind k) {
  switch (k) {
    case PaasKind::kStorage: return "Storage";
    case PaasKind::kKeyVault: return "AzureKeyVault";
    case PaasKind::kSqlServer:
    case PaasKind::kSqlManagedInstance: return "Sql";
    case PaasKind::kCosmosDb: return "AzureCosmosDB";
    case PaasKind::kAppService: return "AppService";
  }
  return "";
}

/// Whether service tag `tag` (with or without `.region`) holds the public address of `s`: AzureCloud and the
/// service's own tag do, in the service's region (unknown when the service's region is not known); other tags do not.
PaasMatch paas_tag_match(const model::PaasService& s, std::string_view tag) {
  tag = paas_trim(tag);
  if (tag.substr(0, model::kUnknownPrefix.size()) == model::kUnknownPrefix) return PaasMatch::kUnknown;
  const auto dot = tag.find('.');
  const std::string_view base = tag.substr(0, dot);
  if (!model::ascii::iequals(base, "AzureCloud") && !model::ascii::iequals(base, paas_service_tag(s.kind))) {
    return PaasMatch::kNo;
  }
  if (dot == std::string_view::npos) return PaasMatch::kYes;
  const std::string where = paas_region(s.location);
  if (where.empty() || model::is_assumed(s)) return PaasMatch::kUnknown;
  return paas_region(tag.substr(dot + 1)) == where ? PaasMatch::kYes : PaasMatch::kNo;
}

/// Whether address prefixes `prefixes` may hold the service's public address (which is only known at deployment):
/// unknown when one of them meets the public address space, else no.
PaasMatch paas_prefix_match(const std::vector<model::IpPrefix>& prefixes, const AddressSpace& space) {
  for (const auto& p : prefixes) {
    if (model::to_set(p).intersects(space.internet(model::IpFamily::kV4))) return PaasMatch::kUnknown;
  }
  return PaasMatch::kNo;
}

PaasMatch paas_or(PaasMatch a, PaasMatch b) {
  if (a == PaasMatch::kYes || b == PaasMatch::kYes) return PaasMatch::kYes;
  if (a == PaasMatch::kUnknown || b == PaasMatch::kUnknown) return PaasMatch::kUnknown;
  return PaasMatch::kNo;
}

/// Whether the destination side of an NSG rule or admin rule names the service's public address: `*`, Internet,
/// AzureCloud and the service's tag (in its region) do; VirtualNetwork, AzureLoadBalancer, application security
/// groups and other tags do not; an IP prefix of public space may (unknown).
PaasMatch paas_rule_destination(const model::SecurityRule& r, const model::PaasService& s, const AddressSpace& space) {
  const auto& d = r.destination;
  if (d.any) return PaasMatch::kYes;
  PaasMatch out = paas_prefix_match(d.prefixes, space);
  for (const model::ServiceTag t : d.tags) {
    if (t == model::ServiceTag::kInternet) out = PaasMatch::kYes;
  }
  for (const auto& tag : d.other_tags) out = paas_or(out, paas_tag_match(s, tag));
  return out;
}

/// An unknown match counts as a match for a rule that lets packets on, as none for one that drops them (never
/// hiding a path).
bool paas_applies(PaasMatch match, bool allows) {
  return match == PaasMatch::kYes || (match == PaasMatch::kUnknown && allows);
}

/// Whether a host name matches an FQDN pattern of a firewall rule (`*`, `*.blob.core.windows.net`, an exact name;
/// case-insensitive).
bool paas_fqdn_matches(std::string_view pattern, std::string_view host) {
  pattern = paas_trim(pattern);
  if (pattern == "*") return true;
  if (pattern.substr(0, 2) == "*.") {
    const std::string_view suffix = pattern.substr(1);  // ".blob.core.windows.net"
    return host.size() > suffix.size() && model::ascii::iequals(host.substr(host.size() - suffix.size()), suffix);
  }
  return model::ascii::iequals(pattern, host);
}

/// Whether an Azure Firewall network or application rule's destination names the service (`scm`: an App Service's
/// SCM site): network rules by their addresses, service tags and FQDNs, application rules by their target FQDNs (the
/// host name of the site the packet goes to; unknown when the input does not give it). A network rule's FQDN is
/// resolved to addresses, and the other site of the same App Service may share its address: it may match (unknown).
PaasMatch paas_firewall_destination(const model::FirewallRule& r, const model::PaasService& s, bool scm,
                                    const AddressSpace& space) {
  PaasMatch out = PaasMatch::kNo;
  if (r.kind == model::FirewallRuleKind::kNetwork) {
    const auto& d = r.destinations;
    if (d.any) return PaasMatch::kYes;
    out = paas_prefix_match(d.prefixes, space);
    if (!d.ip_groups.empty()) out = paas_or(out, PaasMatch::kUnknown);
    for (const auto& text : d.unresolved) out = paas_or(out, paas_tag_match(s, text));
  }
  // An application rule without target FQDNs names its targets in what exposim does not read (target URLs, web
  // categories): it may name the service.
  if (r.kind == model::FirewallRuleKind::kApplication && r.destination_fqdns.empty()) out = PaasMatch::kUnknown;
  const std::string_view host = scm ? s.scm_host_name : s.host_name;
  const std::string_view other = !s.has_scm ? std::string_view() : scm ? s.host_name : s.scm_host_name;
  for (const auto& fqdn : r.destination_fqdns) {
    if (host.empty()) {
      out = paas_or(out, PaasMatch::kUnknown);
    } else if (paas_fqdn_matches(fqdn, host)) {
      out = PaasMatch::kYes;
    } else if (r.kind == model::FirewallRuleKind::kNetwork && !other.empty() && paas_fqdn_matches(fqdn, other)) {
      out = paas_or(out, PaasMatch::kUnknown);
    }
  }
  if (r.unknown) out = paas_or(out, PaasMatch::kUnknown);
  return out;
}

/// Whether subnet endpoint `service` (as written) serves a service of kind `k`.
bool paas_endpoint_serves(std::string_view service, PaasKind k) {
  service = paas_trim(service);
  switch (k) {
    case PaasKind::kStorage:
      return model::ascii::iequals(service, "Microsoft.Storage") ||
             model::ascii::iequals(service, "Microsoft.Storage.Global");
    case PaasKind::kKeyVault: return model::ascii::iequals(service, "Microsoft.KeyVault");
    case PaasKind::kSqlServer: return model::ascii::iequals(service, "Microsoft.Sql");
    case PaasKind::kCosmosDb: return model::ascii::iequals(service, "Microsoft.AzureCosmosDB");
    case PaasKind::kAppService: return model::ascii::iequals(service, "Microsoft.Web");
    case PaasKind::kSqlManagedInstance: return false;  // its public data endpoint is not served by service endpoints
  }
  return false;
}

/// Whether subnet `subnet`'s service endpoints send traffic to `s` on the backbone: yes, no, or unknown (something
/// only known at deployment, or a region exposim cannot place: docs/model.md).
PaasMatch paas_endpoint_state(const model::Model& m, int subnet, const model::PaasService& s) {
  const auto& sn = m.subnets[subnet];
  PaasMatch out =
      sn.service_endpoints_unknown && s.kind != PaasKind::kSqlManagedInstance ? PaasMatch::kUnknown : PaasMatch::kNo;
  const std::string where = model::is_assumed(s) ? std::string{} : paas_region(s.location);
  const int vnet = sn.vnet.index;
  const std::string vnet_region =
      vnet >= 0 && !model::is_assumed(m.vnets[vnet]) ? paas_region(m.vnets[vnet].location) : std::string{};
  for (const auto& e : sn.service_endpoints) {
    if (e.unknown) {
      if (s.kind != PaasKind::kSqlManagedInstance) out = paas_or(out, PaasMatch::kUnknown);
      continue;
    }
    if (!paas_endpoint_serves(e.service, s.kind)) continue;
    // Microsoft.Storage.Global serves storage accounts in every region; the others their `locations`, by default
    // the virtual network's region (and, for storage, its paired region, which exposim does not know).
    if (model::ascii::iequals(paas_trim(e.service), "Microsoft.Storage.Global") || e.locations_unknown) {
      out = paas_or(out, e.locations_unknown ? PaasMatch::kUnknown : PaasMatch::kYes);
      continue;
    }
    PaasMatch here = PaasMatch::kNo;
    if (e.locations.empty()) {
      here = !where.empty() && where == vnet_region ? PaasMatch::kYes : PaasMatch::kUnknown;
    } else {
      for (const auto& l : e.locations) {
        if (paas_trim(l) == "*" || (!where.empty() && paas_region(l) == where)) here = PaasMatch::kYes;
      }
      if (here == PaasMatch::kNo && where.empty()) here = PaasMatch::kUnknown;
    }
    out = paas_or(out, here);
  }
  return out;
}

/// One way a source subnet's packets may take toward the service: a hop for the path, and where it leads.
struct PaasRoute {
  enum class Kind : std::uint8_t { kEndpoint, kInternet, kFirewall, kAppliance } kind{Kind::kInternet};
  Hop hop;
  int firewall{-1};
  Hop device;                                                  // kAppliance: the appliance hop
  model::NextHopType next_hop{model::NextHopType::kInternet};  // the route's (kEndpoint: none, left kInternet)
};

/// The route `r` of subnet `subnet` as a PaasRoute; none when it drops the packet (None), sends it on-premises
/// (VirtualNetworkGateway: forced tunnelling, not followed), or keeps it in the virtual network (VnetLocal).
std::optional<PaasRoute> paas_route_of(const model::Model& m, int subnet, const RouteChoice& r,
                                       const DeviceIndex& devices) {
  PaasRoute out;
  out.hop = ew_route_hop(r, "forward");
  out.next_hop = r.next_hop;
  if (r.next_hop == model::NextHopType::kInternet) {
    out.kind = PaasRoute::Kind::kInternet;
    return out;
  }
  // A Virtual WAN hub's route toward its firewall carries the firewall's address too.
  if (!r.next_hop_ip) return std::nullopt;
  const Device d = device_at(m, *r.next_hop_ip, &devices);
  const int vnet = m.subnets[subnet].vnet.index;
  if (d.kind == Device::Kind::kFirewall) {
    const int fw_subnet = firewall_side(m, m.firewalls[d.index]).subnet;
    const int fw_vnet = fw_subnet >= 0 ? m.subnets[fw_subnet].vnet.index : -1;
    if (fw_subnet >= 0 && !peering_connects(m, vnet, fw_vnet)) return std::nullopt;
    out.kind = PaasRoute::Kind::kFirewall;
    out.firewall = d.index;
    return out;
  }
  if (r.next_hop != model::NextHopType::kVirtualAppliance) return std::nullopt;
  out.kind = PaasRoute::Kind::kAppliance;
  if (d.kind == Device::Kind::kAppliance) {
    const int ap_vnet = d.subnet >= 0 ? m.subnets[d.subnet].vnet.index : -1;
    if (d.subnet >= 0 && !peering_connects(m, vnet, ap_vnet)) return std::nullopt;
    out.device = Hop{K::kAppliance, RK::kNetworkInterface, d.index, "", -1, kApplianceForwardsNote};
  } else {
    out.device = Hop{K::kAppliance, RK::kNetworkInterface, -1, "", -1, kUnknownApplianceNote};
  }
  return out;
}

/// A public address no route of subnet `subnet` names and no virtual network holds: what the subnet's route to the
/// internet is chosen for.
model::IpAddress paas_default_probe(const model::Model& m, int subnet) {
  std::vector<model::IpPrefix> named;
  const auto& sn = m.subnets[subnet];
  if (sn.route_table.resolved()) {
    for (const auto& r : m.route_tables[sn.route_table.index].routes) {
      if (r.prefix && r.prefix->length > 0) named.push_back(*r.prefix);
    }
  }
  for (const auto& v : m.vnets) {
    for (const auto& p : v.address_space) named.push_back(p);
    for (const auto& peering : v.peerings) {
      for (const auto& p : peering.remote_address_space) named.push_back(p);
    }
  }
  std::optional<model::IpAddress> first;
  for (const char* text : {"20.60.0.1", "52.239.0.1", "13.64.0.1", "40.64.0.1", "104.40.0.1", "191.232.0.1",
                           "23.96.0.1", "51.104.0.1", "4.150.0.1", "68.154.0.1"}) {
    const auto a = model::IpAddress::parse(text);
    if (!a) continue;
    if (!first) first = *a;
    if (std::none_of(named.begin(), named.end(), [&](const model::IpPrefix& p) { return p.contains(*a); })) return *a;
  }
  return *first;
}

/// Whether the routes of subnet `subnet` toward `s`: the service endpoint (when the subnet has one for it), a
/// user-defined route naming the service's tag (which wins over it: a user-defined route wins at an equal prefix), or
/// the route to the internet; and the user-defined routes whose prefix may hold the service's address, each an
/// alternative (the address is only known at deployment). Every alternative a reading that never hides a path.
std::vector<PaasRoute> paas_routes(const model::Model& m, int subnet, const model::PaasService& s,
                                   const AddressSpace& space, const DeviceIndex& devices) {
  std::vector<PaasRoute> out;
  const auto add = [&](const RouteChoice& r) {
    if (auto p = paas_route_of(m, subnet, r, devices)) out.push_back(*p);
  };
  const auto& sn = m.subnets[subnet];
  // User-defined routes naming the service's tag (the most specific first: Sql.region, Sql, AzureCloud.region,
  // AzureCloud), and those whose prefix may hold its address.
  std::optional<RouteChoice> tag_route;
  int tag_rank = 99;
  std::vector<RouteChoice> maybe;
  if (sn.route_table.resolved()) {
    const auto& table = m.route_tables[sn.route_table.index];
    for (std::size_t i = 0; i < table.routes.size(); ++i) {
      const auto& route = table.routes[i];
      RouteChoice r;
      r.user = true;
      r.route_table = sn.route_table.index;
      r.route = static_cast<int>(i);
      r.next_hop = route.next_hop;
      r.next_hop_ip = route.next_hop_ip;
      if (route.prefix) {
        r.prefix = *route.prefix;
        if (route.prefix->length > 0 && paas_prefix_match({*route.prefix}, space) != PaasMatch::kNo) maybe.push_back(r);
        continue;
      }
      const PaasMatch match = paas_tag_match(s, route.prefix_text);
      if (match == PaasMatch::kNo) continue;
      if (match == PaasMatch::kUnknown) {
        maybe.push_back(r);
        continue;
      }
      const std::string_view text = paas_trim(route.prefix_text);
      const bool regional = text.find('.') != std::string_view::npos;
      const bool cloud = model::ascii::iequals(text.substr(0, text.find('.')), "AzureCloud");
      const int rank = (cloud ? 2 : 0) + (regional ? 0 : 1);
      if (rank < tag_rank) {
        tag_rank = rank;
        tag_route = r;
      }
    }
  }
  const PaasMatch endpoint = paas_endpoint_state(m, subnet, s);
  PaasRoute through_endpoint;
  through_endpoint.kind = PaasRoute::Kind::kEndpoint;
  through_endpoint.hop = Hop{K::kRoute, RK::kRouteTable, -1, "forward", -1, kPaasServiceEndpointRoute};
  if (tag_route) {
    add(*tag_route);
  } else {
    if (endpoint != PaasMatch::kNo) out.push_back(through_endpoint);
    if (endpoint != PaasMatch::kYes) add(choose_route(m, subnet, paas_default_probe(m, subnet)));
  }
  for (const auto& r : maybe) add(r);
  return out;
}

/// The firewall of the site a path goes to: a service's own (its rules, default action and the scopes analyze names
/// them by), or (`scm`) an App Service's SCM (Kudu) site: its own restrictions, or the main site's with
/// `scmIpSecurityRestrictionsUseMain`, under the `scm-` scopes.
struct PaasSiteFirewall {
  const std::vector<model::PaasIpRule>* rules{nullptr};
  model::Access default_action{model::Access::kAllow};
  const char* rule_scope{""};
  const char* default_scope{"default-action"};
  const char* access_scope{"public-network-access"};
};

PaasSiteFirewall paas_site_firewall(const model::PaasService& s, bool scm) {
  if (!scm) return {&s.ip_rules, s.default_action, paas_rule_scope(s.kind), "default-action", "public-network-access"};
  const bool main = s.scm_uses_main;
  return {main ? &s.ip_rules : &s.scm_ip_rules, main ? s.default_action : s.scm_default_action,
          "scm-access-restrictions", "scm-default-action", "scm-public-network-access"};
}

/// The first of an App Service site's access restrictions that decides a request arriving through a service endpoint
/// from the subnet whose canonical id is `subnet_key` (a subnet restriction naming that subnet, or one the solver
/// could not read; an address rule that allows and could not be resolved, read as every source), or -1: the site's
/// default action decides.
int paas_site_endpoint_rule(const PaasSiteFirewall& site, const std::string& subnet_key) {
  for (std::size_t i = 0; i < site.rules->size(); ++i) {
    const auto& r = (*site.rules)[i];
    const bool hit = r.subnet_only ? model::canonical_id(r.text) == subnet_key || r.text.empty()
                                   : r.unresolved && r.action == model::Access::kAllow;
    if (hit) return static_cast<int>(i);
  }
  return -1;
}

/// What the service's firewall (`scm`: an App Service's SCM site's) decides of packets from sources it sees as
/// `egress` (public addresses; the whole internet when they are not known), or, `endpoint`, from subnet `subnet`
/// through a service endpoint: the hop of each decision that admits some of them.
std::vector<Hop> paas_admits(const model::Model& m, int service, bool scm, bool endpoint, int subnet,
                             const IpSet& egress, const AddressSpace& space) {
  const auto& s = m.paas_services[service];
  std::vector<Hop> out;
  const auto hop = [&](const char* scope, int rule, const char* note) {
    return Hop{K::kPaas, RK::kPaasService, service, scope, rule, note};
  };
  if (s.kind == PaasKind::kSqlManagedInstance) {
    // Its public data endpoint, decided by its subnet's NSG on the sources it sees (no service endpoint serves it).
    if (!data_endpoint_open(s)) return out;
    const NsgSlot slot = managed_instance_nsg(m, s);
    if (slot.state != NsgSlot::State::kPresent) {
      out.push_back(slot.state == NsgSlot::State::kNone
                        ? Hop{K::kNoNsg, RK::kSubnet, s.subnet.index, "subnet", -1, ""}
                        : Hop{K::kNsg, RK::kNetworkSecurityGroup, -1, "subnet", -1, ""});
      return out;
    }
    const PacketSet arriving(
        Cube{egress, IpSet::all(), model::bit(model::Protocol::kTcp), model::PortSet::all(), s.tcp_ports});
    for (const auto& d : managed_instance_decisions(m, space, s, arriving)) {
      if (d.access != model::Access::kAllow) continue;
      out.push_back(Hop{K::kNsg, RK::kNetworkSecurityGroup, slot.index, "subnet", d.rule,
                        d.rule == kNsgOverApproximated ? kNsgOverApproximatedNote : ""});
    }
    return out;
  }
  const PaasSiteFirewall site = paas_site_firewall(s, scm);
  switch (s.public_network_access) {
    case model::PublicNetworkAccess::kDisabled: return out;  // both sites
    case model::PublicNetworkAccess::kSecuredByPerimeter:
      out.push_back(hop(site.access_scope, -1, kPaasPerimeterNote));
      return out;
    case model::PublicNetworkAccess::kEnabled: break;
  }
  if (!endpoint) {
    for (const auto& d : paas_firewall(s, *site.rules, site.default_action, egress)) {
      if (d.access == model::Access::kAllow) {
        out.push_back(hop(d.rule >= 0 ? site.rule_scope : site.default_scope, d.rule, d.note));
      }
    }
    return out;
  }
  // Through a service endpoint the service sees the subnet and a private source address: virtual network rules (App
  // Service: subnet restrictions) admit it; address rules do not match it, but those the solver cannot resolve and
  // that allow (read as every source).
  const std::string& key = m.subnets[subnet].key;
  if (s.kind == PaasKind::kAppService) {
    if (const int i = paas_site_endpoint_rule(site, key); i >= 0) {
      if ((*site.rules)[i].action == model::Access::kAllow) out.push_back(hop(site.rule_scope, i, ""));
    } else if (site.default_action == model::Access::kAllow) {
      out.push_back(hop(site.default_scope, -1, ""));
    }
    return out;
  }
  if (s.default_action == model::Access::kAllow) {
    out.push_back(hop("default-action", -1, ""));
    return out;
  }
  if (s.kind != PaasKind::kCosmosDb || s.virtual_network_filter) {
    for (const auto& r : s.virtual_network_rules) {
      if (r.id == key || model::is_unknown(r)) {
        out.push_back(hop("virtual-network-rules", -1, model::is_unknown(r) ? kPaasUnknownVnetRuleNote : ""));
        return out;
      }
    }
  }
  for (std::size_t i = 0; i < s.ip_rules.size(); ++i) {
    const auto& r = s.ip_rules[i];
    if (r.unresolved && r.action == model::Access::kAllow) {
      out.push_back(hop(paas_rule_scope(s.kind), static_cast<int>(i), kPaasUnresolvedThroughEndpointNote));
      return out;
    }
  }
  return out;
}

/// The public addresses the internet sees ip configuration `x` (or, nic -1, an address of subnet `subnet`) leave
/// from: its subnet's NAT gateway's, else its own public IP's; empty when not known (a public IP not allocated yet,
/// a load balancer's outbound rule, default outbound access), which the caller reads as any address.
IpSet paas_egress(const model::Model& m, const model::IpConfigIndex& x, int subnet) {
  IpSet out;
  if (subnet >= 0 && m.subnets[subnet].nat_gateway.resolved()) {
    const auto& nat = m.nat_gateways[m.subnets[subnet].nat_gateway.index];
    for (const auto& r : nat.public_ips) {
      if (!r.resolved() || public_ip_address_unknown(m.public_ips[r.index])) return IpSet{};
      out = out.unite(model::to_set(*m.public_ips[r.index].address));
    }
    for (const auto& r : nat.public_ip_prefixes) {
      if (!r.resolved() || !m.public_ip_prefixes[r.index].ip_prefix) return IpSet{};
      out = out.unite(model::to_set(*m.public_ip_prefixes[r.index].ip_prefix));
    }
    return out;
  }
  if (x.nic < 0) return out;
  const auto& cfg = m.nics[x.nic].ip_configurations[x.ip_configuration];
  if (cfg.public_ip.resolved() && !public_ip_address_unknown(m.public_ips[cfg.public_ip.index])) {
    out = model::to_set(*m.public_ips[cfg.public_ip.index].address);
  }
  return out;
}

/// A firewall's public addresses, the source its traffic to the internet takes (SNAT); empty when one is not known.
IpSet paas_firewall_egress(const model::Model& m, int fw) {
  const auto& f = m.firewalls[fw];
  if (!firewall_unknown_public_ips(m, f).empty()) return IpSet{};
  IpSet out;
  for (const auto& [pip, address] : firewall_public_ips(m, f)) out = out.unite(model::to_set(address));
  return out;
}

/// The hop of the service's firewall (`scm`: an App Service's SCM site's) that stops packets from sources it sees as
/// `egress` (or, `endpoint`, from subnet `subnet` through a service endpoint) when paas_admits() admits none of them:
/// the setting or rule that decides, as analyze names it.
Hop paas_denial(const model::Model& m, int service, bool scm, bool endpoint, int subnet, const IpSet& egress,
                const AddressSpace& space) {
  const auto& s = m.paas_services[service];
  const auto hop = [&](const char* scope, int rule, const char* note) {
    return Hop{K::kPaas, RK::kPaasService, service, scope, rule, note};
  };
  if (s.kind == PaasKind::kSqlManagedInstance) {
    if (!data_endpoint_open(s)) return hop("public-data-endpoint", -1, "");
    const NsgSlot slot = managed_instance_nsg(m, s);
    const PacketSet arriving(
        Cube{egress, IpSet::all(), model::bit(model::Protocol::kTcp), model::PortSet::all(), s.tcp_ports});
    const auto decisions = managed_instance_decisions(m, space, s, arriving);
    return Hop{
        K::kNsg, RK::kNetworkSecurityGroup, slot.index, "subnet", decisions.empty() ? -1 : decisions.front().rule, ""};
  }
  const PaasSiteFirewall site = paas_site_firewall(s, scm);
  if (s.public_network_access == model::PublicNetworkAccess::kDisabled) return hop(site.access_scope, -1, "");
  if (!endpoint) {
    for (const auto& d : paas_firewall(s, *site.rules, site.default_action, egress)) {
      return hop(d.rule >= 0 ? site.rule_scope : site.default_scope, d.rule, d.note);
    }
    return hop(site.default_scope, -1, "");
  }
  if (s.kind == PaasKind::kAppService) {
    if (const int i = paas_site_endpoint_rule(site, m.subnets[subnet].key); i >= 0) return hop(site.rule_scope, i, "");
  }
  return hop(site.default_scope, -1, "");
}

// ---- The path toward a PaaS public endpoint: one list of stages (paas_outbound_stages(), paas_ways()), which reach()
// evaluates over packet sets (EastWest::paas()) and explain for one packet (paas_packet_paths()), each stage decided
// by one function (paas_pieces(), paas_service_sees(), paas_admits()) ----

/// One stage of the path from a source inside the estate to the public endpoint of a PaaS service.
struct PaasStage {
  enum class Kind : std::uint8_t {
    kSource,      // the source (hop)
    kAdminRules,  // the source VNet's outbound security admin rules (vnet): first match; Deny drops, AlwaysAllow
                  // skips the NSGs
    kNsg,         // an outbound NSG (slot; hop: the stage's hop when none applies): first match by priority
    kRoute,       // the source subnet's route toward the service (hop, next_hop)
    kFirewall,    // an Azure Firewall's network, then application rules (firewall): first match, deny by default
    kAppliance,   // an appliance, assumed to forward (hop)
    kService,     // the service's firewall as it sees the source (route: which address it sees)
  } kind{Kind::kSource};
  Hop hop;
  bool scm{false};  // kFirewall, kService: the way goes to an App Service's SCM (Kudu) site, not the main site
  int vnet{-1};
  NsgSlot slot;
  model::NextHopType next_hop{model::NextHopType::kInternet};
  int firewall{-1};
  PaasRoute::Kind route{PaasRoute::Kind::kInternet};
};

/// The source's hop: ip configuration `x`'s NIC, or (nic -1) subnet `subnet`.
Hop paas_source_hop(const model::IpConfigIndex& x, int subnet) {
  return x.nic >= 0 ? Hop{K::kSource, RK::kNetworkInterface, x.nic} : Hop{K::kSource, RK::kSubnet, subnet};
}

PaasStage paas_stage(PaasStage::Kind kind, const Hop& hop) {
  PaasStage s;
  s.kind = kind;
  s.hop = hop;
  return s;
}

/// The stages before the route, of ip configuration `x` (nic -1: an address of subnet `subnet`): the source, its
/// VNet's outbound admin rules (not on the subnets Azure exempts), the NIC's NSG, then the subnet's, outbound.
std::vector<PaasStage> paas_outbound_stages(const model::Model& m, const model::IpConfigIndex& x, int subnet) {
  std::vector<PaasStage> out;
  out.push_back(paas_stage(PaasStage::Kind::kSource, paas_source_hop(x, subnet)));
  if (const int vnet = admin_rules_outbound_vnet(m, subnet); vnet >= 0 && !admin_exempt_subnet(m, subnet)) {
    PaasStage admin = paas_stage(PaasStage::Kind::kAdminRules, admin_hop(vnet, -1, "outbound"));
    admin.vnet = vnet;
    out.push_back(admin);
  }
  for (const NsgStage& n : outbound_nsg_stages(m, x, subnet)) {  // the NIC's, then the subnet's (solver/nsg_stage.h)
    PaasStage st = paas_stage(PaasStage::Kind::kNsg, n.slot.state == NsgSlot::State::kNone
                                                         ? Hop{K::kNoNsg, n.owner_kind, n.owner, n.scope, -1, ""}
                                                         : Hop{K::kNsg, RK::kNetworkSecurityGroup, -1, n.scope});
    st.slot = n.slot;
    out.push_back(st);
  }
  return out;
}

/// The stages after the outbound ones, one list per route subnet `subnet` may take toward `s` (paas_routes()): the
/// route, a firewall's rules or an appliance, and the service; `scm`: toward an App Service's SCM (Kudu) site, whose
/// address and routes are the main site's but whose host name (a firewall's application rules) and restrictions are
/// its own. None when the routes carry nothing toward it.
std::vector<std::vector<PaasStage>> paas_ways(const model::Model& m, const AddressSpace& space,
                                              const DeviceIndex& devices, int subnet, const model::PaasService& s,
                                              bool scm) {
  std::vector<std::vector<PaasStage>> out;
  for (const PaasRoute& route : paas_routes(m, subnet, s, space, devices)) {
    std::vector<PaasStage> way;
    PaasStage r = paas_stage(PaasStage::Kind::kRoute, route.hop);
    r.next_hop = route.next_hop;
    way.push_back(r);
    if (route.kind == PaasRoute::Kind::kFirewall) {
      PaasStage f = paas_stage(PaasStage::Kind::kFirewall, Hop{K::kFirewall, RK::kFirewall, route.firewall, "default"});
      f.firewall = route.firewall;
      f.scm = scm;
      way.push_back(f);
    }
    if (route.kind == PaasRoute::Kind::kAppliance) way.push_back(paas_stage(PaasStage::Kind::kAppliance, route.device));
    PaasStage service;
    service.kind = PaasStage::Kind::kService;
    service.route = route.kind;
    service.firewall = route.firewall;
    service.scm = scm;
    way.push_back(service);
    out.push_back(std::move(way));
  }
  return out;
}

/// Packets one stage decided alike: the hop that decided them, whether they go on, and whether an AlwaysAllow admin
/// rule admitted them past the NSGs.
struct PaasPiece {
  PacketSet packets;
  Hop hop;
  bool passes{false};
  bool skip_nsgs{false};
};

/// What filter stage `st` (admin rules, NSG, firewall) decides of `packets` (TCP from a source of subnet `subnet`
/// to `s`), in the order its rules take them: the pieces that go on and, `stopped`, those it drops too. An unknown
/// destination match counts as a match for a rule that lets packets on, as none for one that drops them.
std::vector<PaasPiece> paas_pieces(const model::Model& m, const AddressSpace& space, const PaasStage& st, int subnet,
                                   const model::PaasService& s, const PacketSet& packets, bool stopped) {
  std::vector<PaasPiece> out;
  PacketSet rest = packets;
  const auto take = [&](const PacketSet& match, const Hop& hop, bool passes, bool skip_nsgs = false) {
    PacketSet taken = rest.intersect(match);
    if (taken.empty()) return;
    rest = rest.subtract(taken);
    if (passes || stopped) out.push_back(PaasPiece{std::move(taken), hop, passes, skip_nsgs});
  };
  switch (st.kind) {
    case PaasStage::Kind::kAdminRules:
      for (const int i : m.vnets[st.vnet].admin_rules_outbound) {
        if (rest.empty()) break;
        const auto& a = m.admin_rules[i];
        const bool allows = a.access != model::AdminAccess::kDeny;
        if (!paas_applies(paas_rule_destination(a.rule, s, space), allows)) continue;
        take(source_match(a.rule, subnet, space), admin_hop(st.vnet, i, "outbound"), allows,
             a.access == model::AdminAccess::kAlwaysAllow);
      }
      if (!rest.empty()) out.push_back(PaasPiece{std::move(rest), st.hop, true, false});  // no rule: to the NSGs
      return out;
    case PaasStage::Kind::kNsg: {
      if (st.slot.state != NsgSlot::State::kPresent) {
        out.push_back(PaasPiece{rest, st.hop, true, false});
        return out;
      }
      const auto& rules = m.nsgs[st.slot.index].rules;
      for (std::size_t i = 0; i < rules.size() && !rest.empty(); ++i) {
        const auto& r = rules[i];
        if (r.direction != model::Direction::kOutbound) continue;
        const bool allows = r.access == model::Access::kAllow;
        if (!paas_applies(paas_rule_destination(r, s, space), allows)) continue;
        take(source_match(r, subnet, space),
             Hop{K::kNsg, RK::kNetworkSecurityGroup, st.slot.index, st.hop.scope, static_cast<int>(i)}, allows);
      }
      if (stopped && !rest.empty()) {
        out.push_back(PaasPiece{
            std::move(rest), Hop{K::kNsg, RK::kNetworkSecurityGroup, st.slot.index, st.hop.scope, -1}, false, false});
      }
      return out;
    }
    case PaasStage::Kind::kFirewall: {
      const auto& f = m.firewalls[st.firewall];
      for (std::size_t p = 0; p < f.order.size() && !rest.empty(); ++p) {
        const auto& rule = rule_at(m, f, f.order[p]);
        if (rule.kind == model::FirewallRuleKind::kNat) continue;
        const bool allows = collection_at(m, f, f.order[p]).action == model::FirewallAction::kAllow;
        if (!paas_applies(paas_firewall_destination(rule, s, st.scm, space), allows)) continue;
        const bool application = rule.kind == model::FirewallRuleKind::kApplication;
        const model::ProtocolMask protocols = application ? model::bit(model::Protocol::kTcp) : rule.protocols;
        bool unresolved = false;  // sources exposim cannot resolve: everything for an allow, nothing for a deny
        const IpSet sources = firewall_addresses(m, rule.sources, &unresolved);
        if (unresolved && !allows) continue;
        take(PacketSet(Cube{sources, IpSet::all(), protocols, PortSet::all(), rule.destination_ports}),
             Hop{K::kFirewall, RK::kFirewall, st.firewall, application ? "application" : "network", static_cast<int>(p),
                 ""},
             allows);
      }
      if (stopped && !rest.empty()) out.push_back(PaasPiece{std::move(rest), st.hop, false, false});  // by default
      return out;
    }
    default: out.push_back(PaasPiece{rest, st.hop, true, false}); return out;  // source, route, appliance: on
  }
}

/// The public addresses the service sees a source of ip configuration `x` (nic -1: of subnet `subnet`) come from
/// at service stage `st`: none through a service endpoint (it sees the subnet), else the firewall's, the source's
/// own (its NAT gateway's, its public IP's), or, when not known or after an appliance, any public address.
IpSet paas_service_sees(const model::Model& m, const AddressSpace& space, const PaasStage& st,
                        const model::IpConfigIndex& x, int subnet) {
  if (st.route == PaasRoute::Kind::kEndpoint) return IpSet{};
  IpSet egress = st.route == PaasRoute::Kind::kFirewall   ? paas_firewall_egress(m, st.firewall)
                 : st.route == PaasRoute::Kind::kInternet ? paas_egress(m, x, subnet)
                                                          : IpSet{};
  if (egress.empty()) egress = space.internet(model::IpFamily::kV4);
  return egress;
}

/// The shares of `shares` that go on past stage `st` (not the source's, nor the service's), each with the hop that
/// decided it: reach()'s evaluation of a stage over packet sets.
std::vector<EwShare> paas_shares(const model::Model& m, const AddressSpace& space, const PaasStage& st, int subnet,
                                 const model::PaasService& s, std::vector<EwShare> shares) {
  if (st.kind == PaasStage::Kind::kRoute || st.kind == PaasStage::Kind::kAppliance) {
    for (auto& sh : shares) sh.hops.push_back(st.hop);
    return shares;
  }
  std::vector<EwShare> out;
  for (auto& sh : shares) {
    if (st.kind == PaasStage::Kind::kNsg && sh.skip_nsgs) {
      out.push_back(std::move(sh));
      continue;
    }
    for (auto& piece : paas_pieces(m, space, st, subnet, s, sh.packets, false)) {
      EwShare n;
      n.packets = std::move(piece.packets);
      n.hops = sh.hops;
      n.hops.push_back(piece.hop);
      n.skip_nsgs = sh.skip_nsgs || piece.skip_nsgs;
      n.snat_firewall = st.kind == PaasStage::Kind::kFirewall ? st.firewall : sh.snat_firewall;
      out.push_back(std::move(n));
    }
  }
  return out;
}

}  // namespace

void EastWest::paas() {
  if (options_.merge_sources) return;  // summaries leave PaaS out (ReachOptions::paas)
  const IpSet v4 = model::all_v4();
  for (std::size_t si = 0; si < m_.paas_services.size(); ++si) {
    const auto& s = m_.paas_services[si];
    const int service = static_cast<int>(si);
    if (s.tcp_ports.empty()) continue;
    if (options_.targets && !options_.targets(RK::kPaasService, service)) continue;
    if (s.kind != PaasKind::kSqlManagedInstance && s.public_network_access == model::PublicNetworkAccess::kDisabled) {
      continue;  // no public endpoint at all, whatever else
    }
    if (s.kind == PaasKind::kSqlManagedInstance && !data_endpoint_open(s)) continue;
    for (const auto& cls : classes_) {
      if (cls.subnet < 0 || (cls.rep.x.nic < 0 && is_gateway_subnet(m_, cls.subnet))) continue;
      const IpSet from = cls.addresses.intersect(v4);
      if (from.empty()) continue;
      // The outbound stages over the class's packets (its sources decide alike), then each way's.
      std::vector<EwShare> outbound(1);
      outbound.front().packets =
          PacketSet(Cube{from, IpSet::all(), model::bit(model::Protocol::kTcp), PortSet::all(), s.tcp_ports});
      for (const PaasStage& st : paas_outbound_stages(m_, cls.rep.x, cls.subnet)) {
        if (st.kind != PaasStage::Kind::kSource)
          outbound = paas_shares(m_, space_, st, cls.subnet, s, std::move(outbound));
      }
      if (outbound.empty()) continue;
      // The main site's ways, then an App Service's SCM (Kudu) site's: a second public endpoint, with flows of its
      // own (their kPaas hop in the scm- scopes).
      std::vector<std::vector<PaasStage>> ways = paas_ways(m_, space_, devices_, cls.subnet, s, false);
      if (s.has_scm) {
        for (auto& way : paas_ways(m_, space_, devices_, cls.subnet, s, true)) ways.push_back(std::move(way));
      }
      for (const auto& way : ways) {
        std::vector<EwShare> shares = outbound;
        for (std::size_t i = 0; i + 1 < way.size(); ++i) {
          shares = paas_shares(m_, space_, way[i], cls.subnet, s, std::move(shares));
        }
        const PaasStage& at_service = way.back();
        const bool endpoint = at_service.route == PaasRoute::Kind::kEndpoint;
        // What the service sees: the subnet (service endpoint), else a public address (the firewall's, each source's
        // own; an appliance's or an unknown one: any).
        const bool per_member = at_service.route == PaasRoute::Kind::kInternet;
        const IpSet seen = per_member ? IpSet{} : paas_service_sees(m_, space_, at_service, cls.rep.x, cls.subnet);
        for (const auto& sh : shares) {
          for (const auto& member : cls.members) {
            const PacketSet mine = sh.packets.intersect(
                PacketSet(Cube{member.addresses, IpSet::all(), model::kAllProtocols, PortSet::all(), PortSet::all()}));
            if (mine.empty()) continue;
            const IpSet egress = per_member ? paas_service_sees(m_, space_, at_service, member.x, member.subnet) : seen;
            for (const Hop& decided : paas_admits(m_, service, at_service.scm, endpoint, cls.subnet, egress, space_)) {
              std::vector<Hop> path;
              path.reserve(sh.hops.size() + 3);
              path.push_back(paas_source_hop(member.x, cls.subnet));
              for (Hop h : sh.hops) {
                if (h.kind == K::kNoNsg && std::string_view(h.scope) == "nic-outbound") h.resource = member.x.nic;
                path.push_back(h);
              }
              path.push_back(decided);
              path.push_back(Hop{K::kTarget, RK::kPaasService, service});
              for (const auto& f : split_by_ports(mine, model::Protocol::kTcp)) {
                ReachFlow flow;
                if (member.x.nic >= 0) {
                  flow.source = member.x;
                  flow.source_vm = member.vm;
                }
                flow.source_subnet = cls.subnet;
                flow.target_kind = RK::kPaasService;
                flow.target = service;
                flow.protocol = model::Protocol::kTcp;
                flow.ports = f.ports;
                flow.source_ports = f.source_ports;
                flow.sources = f.sources;
                flow.path = path;
                paas_flows_.push_back(std::move(flow));
              }
            }
          }
        }
      }
    }
  }
}

std::vector<std::vector<PaasStep>> paas_packet_paths(const model::Model& m, const AddressSpace& space,
                                                     const DeviceIndex& devices, const model::IpConfigIndex& x,
                                                     int subnet, const model::IpAddress& source, int source_port,
                                                     int port, int service, bool scm) {
  const auto& s = m.paas_services[service];
  const PacketSet packet(Cube{model::to_set(source), IpSet::all(), model::bit(model::Protocol::kTcp),
                              PortSet::single(source_port), PortSet::single(port)});
  // The stage `st` decided for the packet: its step on `path`, and whether the packet goes on. An AlwaysAllow admin
  // rule skips the NSGs.
  bool skip_nsgs = false;
  const auto decide = [&](std::vector<PaasStep>& path, const PaasStage& st) {
    if (st.kind == PaasStage::Kind::kNsg && skip_nsgs) return true;
    for (auto& piece : paas_pieces(m, space, st, subnet, s, packet, true)) {  // the one piece holding the packet
      path.push_back({piece.hop, piece.passes, st.next_hop});
      skip_nsgs = skip_nsgs || piece.skip_nsgs;
      return piece.passes;
    }
    return false;
  };
  std::vector<PaasStep> steps;
  for (const PaasStage& st : paas_outbound_stages(m, x, subnet)) {
    if (!decide(steps, st)) return {steps};
  }
  std::vector<std::vector<PaasStep>> out;
  for (const auto& way : paas_ways(m, space, devices, subnet, s, scm)) {
    std::vector<PaasStep> path = steps;
    bool on = true;
    for (std::size_t i = 0; on && i + 1 < way.size(); ++i) on = decide(path, way[i]);
    if (on) {
      const PaasStage& at_service = way.back();
      const bool endpoint = at_service.route == PaasRoute::Kind::kEndpoint;
      const IpSet egress = paas_service_sees(m, space, at_service, x, subnet);
      const std::vector<Hop> admits = paas_admits(m, service, scm, endpoint, subnet, egress, space);
      path.push_back(admits.empty() ? PaasStep{paas_denial(m, service, scm, endpoint, subnet, egress, space), false}
                                    : PaasStep{admits.front(), true});
    }
    out.push_back(std::move(path));
  }
  if (out.empty()) {
    steps.push_back({Hop{K::kRoute, RK::kRouteTable, -1, "forward", -1, solver::kPaasNoRouteNote}, false});
    return {steps};
  }
  return out;
}

}  // namespace exposim::solver::east_west_internal
