// exposim_gen_estate: writes a large, realistic Azure estate (resource JSON, ARM REST shape) for benchmarks.
// Deterministic: same arguments, same bytes (a private splitmix64 stream per entity, no clocks, no hash maps).
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "bench/gen_estate_plan.h"
#include "bench/gen_estate_rules.h"

namespace exposim::bench {
namespace {

// ---- Resources, in the ARM REST shape (`az resource show`, Resource Graph) ----

/// name, id, etag, type, location, tags: the envelope of every top-level resource.
void write_envelope(JsonWriter& w, std::string_view name, const std::string& id, std::string_view etag,
                    std::string_view type, const VnetPlan& vp, Rng& r) {
  w.field("name", name);
  w.field("id", id);
  if (!etag.empty()) {
    w.key("etag");
    w.strf("W/\\\"{}\\\"", etag);
  }
  w.field("type", type);
  w.field("location", vp.location);
  w.key("tags");
  w.begin_object();
  w.field("env", vp.env);
  w.key("costCenter");
  w.strf("cc-{}", 1000 + r.below(200));
  w.end_object();
}

/// A child resource's name and id; in the full shape also its etag (children share their parent's, as in
/// Azure) and type.
void write_child_head(JsonWriter& w, bool full, std::string_view name, const std::string& parent_id,
                      std::string_view segment, std::string_view etag, std::string_view type) {
  w.field("name", name);
  w.key("id");
  w.strf("{}/{}/{}", parent_id, segment, name);
  if (!full) return;
  w.key("etag");
  w.strf("W/\\\"{}\\\"", etag);
  w.field("type", type);
}

/// A child's provisioningState: only in the full shape.
void write_child_state(JsonWriter& w, bool full) {
  if (full) w.field("provisioningState", "Succeeded");
}

void write_string_list(JsonWriter& w, std::string_view k, const std::vector<std::string>& items) {
  w.key(k);
  w.begin_array();
  for (const auto& s : items) w.str(s);
  w.end_array();
}

// ---- NSG rules, as JSON ----

void write_side(JsonWriter& w, std::string_view dir, const RuleSide& side) {
  if (side.asgs.empty() && side.prefixes.size() == 1) {
    w.key(fmt::format("{}AddressPrefix", dir));
    w.str(side.prefixes.front());
  }
  if (!side.asgs.empty()) {
    w.key(fmt::format("{}ApplicationSecurityGroups", dir));
    w.begin_array();
    for (const auto& id : side.asgs) w.id_object(id);
    w.end_array();
  }
}

void write_rule(JsonWriter& w, bool full, const std::string& nsg_id, std::string_view etag, std::string_view segment,
                const RuleSpec& s, int priority, std::string_view description = {}) {
  w.begin_object();
  write_child_head(w, full, s.name, nsg_id, segment, etag,
                   segment == "securityRules" ? "Microsoft.Network/networkSecurityGroups/securityRules"
                                              : "Microsoft.Network/networkSecurityGroups/defaultSecurityRules");
  w.key("properties");
  w.begin_object();
  write_child_state(w, full);
  if (!description.empty()) w.field("description", description);
  w.field("protocol", s.protocol);
  w.field("sourcePortRange", "*");
  if (s.ports.size() == 1) w.field("destinationPortRange", s.ports.front());
  write_side(w, "source", s.source);
  write_side(w, "destination", s.destination);
  w.field("access", s.allow ? "Allow" : "Deny");
  w.field_num("priority", priority);
  w.field("direction", s.inbound ? "Inbound" : "Outbound");
  // Plural fields: Azure returns all four, empty when unused; the lean shape keeps the used ones.
  auto plural = [&](std::string_view k, const std::vector<std::string>& items) {
    if (items.size() > 1) {
      write_string_list(w, k, items);
    } else if (full) {
      w.key(k);
      w.empty_array();
    }
  };
  plural("sourcePortRanges", {});
  plural("destinationPortRanges", s.ports);
  plural("sourceAddressPrefixes", s.source.prefixes);
  plural("destinationAddressPrefixes", s.destination.prefixes);
  w.end_object();
  w.end_object();
}

struct DefaultRule {
  std::string_view name;
  std::string_view description;
  bool inbound;
  bool allow;
  int priority;
  std::string_view source;
  std::string_view destination;
};
constexpr std::array<DefaultRule, 6> kDefaultRules{{
    {"AllowVnetInBound", "Allow inbound traffic from all VMs in VNET", true, true, 65000, "VirtualNetwork",
     "VirtualNetwork"},
    {"AllowAzureLoadBalancerInBound", "Allow inbound traffic from azure load balancer", true, true, 65001,
     "AzureLoadBalancer", "*"},
    {"DenyAllInBound", "Deny all inbound traffic", true, false, 65500, "*", "*"},
    {"AllowVnetOutBound", "Allow outbound traffic from all VMs to all VMs in VNET", false, true, 65000,
     "VirtualNetwork", "VirtualNetwork"},
    {"AllowInternetOutBound", "Allow outbound traffic from all VMs to Internet", false, true, 65001, "*", "Internet"},
    {"DenyAllOutBound", "Deny all outbound traffic", false, false, 65500, "*", "*"},
}};

/// The custom rules of NSG `k` in the default profile.
void write_default_rules_of(JsonWriter& w, const Estate& e, std::uint32_t k, Rng& r, const std::string& id,
                            std::string_view etag) {
  // Priorities: unique, ascending, spread over 100..4096; half the NSGs end with a deny-all at 4096.
  const RuleContext ctx(e, k);
  const std::uint32_t n = e.opt.rules;
  const std::uint32_t step = n == 0 ? 1 : 3997 / n;
  const bool deny_all_last = n >= 10 && r.percent(50);
  w.key("securityRules");
  w.begin_array();
  for (std::uint32_t i = 0; i < n; ++i) {
    int priority = static_cast<int>(100 + i * step + r.below(step));
    if (deny_all_last && i + 1 == n) {
      priority = 4096;
      RuleSpec s;
      s.name = "Deny-All-Inbound-4096";
      s.allow = false;
      s.protocol = "*";
      s.source.prefixes = {"*"};
      s.destination.prefixes = {"*"};
      write_rule(w, e.opt.full, id, etag, "securityRules", s, priority);
      continue;
    }
    write_rule(w, e.opt.full, id, etag, "securityRules", make_rule(r, ctx, priority), priority);
  }
  w.end_array();
}

void write_nsg(JsonWriter& w, const Estate& e, std::uint32_t k) {
  Rng r = Rng::for_entity(e.opt.seed, Domain::kNsg, k);
  const auto& vp = e.vnets[e.nsg_owner[k]];
  const std::string id = e.nsg_id(k);
  const std::string etag = r.guid();
  w.begin_object();
  write_envelope(w, e.nsg_name(k), id, etag, "Microsoft.Network/networkSecurityGroups", vp, r);
  w.key("properties");
  w.begin_object();
  w.field("provisioningState", "Succeeded");
  w.field("resourceGuid", r.guid());

  if (e.opt.profile == Profile::kFragmented) {
    // Priorities: unique, drawn at random in 100..4096 (written in ascending order).
    std::vector<int> priorities;
    std::vector<bool> used(4097, false);
    while (priorities.size() < std::min<std::uint32_t>(e.opt.rules, 3997)) {
      const int p = static_cast<int>(100 + r.below(3997));
      if (!used[static_cast<std::size_t>(p)]) used[static_cast<std::size_t>(p)] = true, priorities.push_back(p);
    }
    std::sort(priorities.begin(), priorities.end());
    w.key("securityRules");
    w.begin_array();
    for (const int p : priorities)
      write_rule(w, e.opt.full, id, etag, "securityRules", make_fragmented_rule(r, e, p), p);
    w.end_array();
  } else {
    write_default_rules_of(w, e, k, r, id, etag);
  }
  w.key("defaultSecurityRules");
  w.begin_array();
  for (const auto& d : kDefaultRules) {
    RuleSpec s;
    s.name = std::string(d.name);
    s.inbound = d.inbound;
    s.allow = d.allow;
    s.protocol = "*";
    s.source.prefixes = {std::string(d.source)};
    s.destination.prefixes = {std::string(d.destination)};
    write_rule(w, e.opt.full, id, etag, "defaultSecurityRules", s, d.priority, d.description);
  }
  w.end_array();

  if (!e.nsg_subnets[k].empty()) {
    w.key("subnets");
    w.begin_array();
    for (const auto s : e.nsg_subnets[k]) w.id_object(e.subnet_id(s));
    w.end_array();
  }
  if (!e.nsg_nics[k].empty()) {
    w.key("networkInterfaces");
    w.begin_array();
    for (const auto j : e.nsg_nics[k]) w.id_object(e.nic_id(j));
    w.end_array();
  }
  w.end_object();
  w.end_object();
}

void write_vnet(JsonWriter& w, const Estate& e, std::uint32_t v) {
  Rng r = Rng::for_entity(e.opt.seed, Domain::kVnet, v ^ 0x5a5a5a5au);
  const auto& vp = e.vnets[v];
  const std::string id = e.vnet_id(v);
  const std::string etag = r.guid();
  w.begin_object();
  write_envelope(w, fmt::format("vnet-{:03}", v), id, etag, "Microsoft.Network/virtualNetworks", vp, r);
  w.key("properties");
  w.begin_object();
  w.field("provisioningState", "Succeeded");
  w.field("resourceGuid", r.guid());
  w.key("addressSpace");
  w.begin_object();
  w.key("addressPrefixes");
  w.begin_array();
  w.str(e.vnet_v4(v));
  if (vp.dual_stack) w.str(e.vnet_v6(v));
  w.end_array();
  w.end_object();

  w.key("subnets");
  w.begin_array();
  for (std::uint32_t s = vp.first_subnet; s < vp.first_subnet + vp.subnet_count; ++s) {
    const auto& sp = e.subnets[s];
    w.begin_object();
    write_child_head(w, e.opt.full, e.subnet_name(s), id, "subnets", etag, "Microsoft.Network/virtualNetworks/subnets");
    w.key("properties");
    w.begin_object();
    write_child_state(w, e.opt.full);
    if (vp.dual_stack) {
      write_string_list(w, "addressPrefixes", {e.subnet_v4(s), e.subnet_v6(s)});
    } else {
      w.field("addressPrefix", e.subnet_v4(s));
    }
    if (sp.nsg >= 0) w.ref("networkSecurityGroup", e.nsg_id(static_cast<std::uint32_t>(sp.nsg)));
    if (sp.route_table >= 0) w.ref("routeTable", e.route_table_id(static_cast<std::uint32_t>(sp.route_table)));
    if (sp.service_endpoints) {
      w.key("serviceEndpoints");
      w.begin_array();
      w.begin_object();
      write_child_state(w, e.opt.full);
      w.field("service", "Microsoft.Storage");
      write_string_list(w, "locations", {std::string(vp.location)});
      w.end_object();
      w.end_array();
    }
    w.key("delegations");
    w.empty_array();
    w.field("privateEndpointNetworkPolicies", "Disabled");
    w.field("privateLinkServiceNetworkPolicies", "Enabled");
    w.end_object();
    w.end_object();
  }
  w.end_array();

  // Hub and spoke within each subscription: the hub peers with every spoke, each spoke with the hub.
  w.key("virtualNetworkPeerings");
  w.begin_array();
  auto peering = [&](std::uint32_t remote, bool from_hub) {
    w.begin_object();
    write_child_head(w, e.opt.full, fmt::format("peer-to-vnet-{:03}", remote), id, "virtualNetworkPeerings", etag,
                     "Microsoft.Network/virtualNetworks/virtualNetworkPeerings");
    w.key("properties");
    w.begin_object();
    write_child_state(w, e.opt.full);
    w.field("peeringState", "Connected");
    w.field("peeringSyncLevel", "FullyInSync");
    w.ref("remoteVirtualNetwork", e.vnet_id(remote));
    w.field_bool("allowVirtualNetworkAccess", true);
    w.field_bool("allowForwardedTraffic", !from_hub);
    w.field_bool("allowGatewayTransit", from_hub);
    w.field_bool("useRemoteGateways", false);
    w.key("remoteAddressSpace");
    w.begin_object();
    w.key("addressPrefixes");
    w.begin_array();
    w.str(e.vnet_v4(remote));
    if (e.vnets[remote].dual_stack) w.str(e.vnet_v6(remote));
    w.end_array();
    w.end_object();
    w.end_object();
    w.end_object();
  };
  if (e.opt.profile == Profile::kFragmented) {  // a chain: each VNet with the one before and the one after
    if (v > 0) peering(v - 1, false);
    if (v + 1 < e.vnets.size()) peering(v + 1, false);
  } else if (vp.hub == v) {
    for (std::uint32_t o = v + 1; o < e.vnets.size() && e.vnets[o].hub == v; ++o) peering(o, true);
  } else {
    peering(vp.hub, false);
  }
  w.end_array();
  w.field_bool("enableDdosProtection", false);
  w.end_object();
  w.end_object();
}

void write_route_table(JsonWriter& w, const Estate& e, std::uint32_t t) {
  Rng r = Rng::for_entity(e.opt.seed, Domain::kRouteTable, t);
  const auto& rt = e.route_tables[t];
  const auto v = e.subnets[rt.subnet].vnet;
  const auto& vp = e.vnets[v];
  const std::string id = e.route_table_id(t);
  const std::string etag = r.guid();
  w.begin_object();
  write_envelope(w, fmt::format("rt-{:04}", t), id, etag, "Microsoft.Network/routeTables", vp, r);
  w.key("properties");
  w.begin_object();
  w.field("provisioningState", "Succeeded");
  w.field("resourceGuid", r.guid());
  w.field_bool("disableBgpRoutePropagation", r.percent(50));
  w.key("routes");
  w.begin_array();
  auto route = [&](std::string_view name, const std::string& prefix, std::string_view hop, const std::string& ip) {
    w.begin_object();
    write_child_head(w, e.opt.full, name, id, "routes", etag, "Microsoft.Network/routeTables/routes");
    w.key("properties");
    w.begin_object();
    write_child_state(w, e.opt.full);
    w.field("addressPrefix", prefix);
    w.field("nextHopType", hop);
    if (!ip.empty()) w.field("nextHopIpAddress", ip);
    w.field_bool("hasBgpOverride", false);
    w.end_object();
    w.end_object();
  };
  const std::string nva = fmt::format("{}.{}.0.{}", vp.octet1, vp.octet2, rt.nva_host);
  route("default-to-nva", "0.0.0.0/0", "VirtualAppliance", nva);
  if (r.percent(50)) route("onprem", "192.168.0.0/16", "VirtualNetworkGateway", "");
  if (r.percent(30)) route("corp-via-nva", "10.0.0.0/8", "VirtualAppliance", nva);
  w.end_array();
  w.key("subnets");
  w.begin_array();
  w.id_object(e.subnet_id(rt.subnet));
  w.end_array();
  w.end_object();
  w.end_object();
}

void write_asg(JsonWriter& w, const Estate& e, std::uint32_t v, std::size_t role) {
  Rng r = Rng::for_entity(e.opt.seed, Domain::kAsg, v * kAsgRoles.size() + role);
  w.begin_object();
  write_envelope(w, e.asg_name(v, role), e.asg_id(v, role), r.guid(), "Microsoft.Network/applicationSecurityGroups",
                 e.vnets[v], r);
  w.key("properties");
  w.begin_object();
  w.field("provisioningState", "Succeeded");
  w.field("resourceGuid", r.guid());
  w.end_object();
  w.end_object();
}

/// Fragmented profile: estate-wide ASG `a`, in the first VNet's resource group.
void write_fragmented_asg(JsonWriter& w, const Estate& e, std::uint32_t a) {
  Rng r = Rng::for_entity(e.opt.seed, Domain::kAsg, a);
  w.begin_object();
  write_envelope(w, e.fragmented_asg_name(a), e.fragmented_asg_id(a), r.guid(),
                 "Microsoft.Network/applicationSecurityGroups", e.vnets[0], r);
  w.key("properties");
  w.begin_object();
  w.field("provisioningState", "Succeeded");
  w.field("resourceGuid", r.guid());
  w.end_object();
  w.end_object();
}

void write_pip(JsonWriter& w, const Estate& e, std::uint32_t p) {
  Rng r = Rng::for_entity(e.opt.seed, Domain::kPip, p);
  const auto j = e.pips[p];
  const auto& vp = e.vnets[e.nics[j].vnet];
  const bool standard = r.percent(70) || e.opt.profile == Profile::kFragmented;
  const bool dynamic = !standard && r.percent(50);
  const bool allocated = !dynamic || r.percent(90);  // a dynamic IP of a stopped VM has no address
  w.begin_object();
  write_envelope(w, e.pip_name(p), e.pip_id(p), r.guid(), "Microsoft.Network/publicIPAddresses", vp, r);
  w.key("sku");
  w.begin_object();
  w.field("name", standard ? "Standard" : "Basic");
  w.field("tier", "Regional");
  w.end_object();
  if (standard && r.percent(50)) write_string_list(w, "zones", {"1", "2", "3"});
  w.key("properties");
  w.begin_object();
  w.field("provisioningState", "Succeeded");
  w.field("resourceGuid", r.guid());
  if (allocated) w.field("ipAddress", e.pip_address(p));
  w.field("publicIPAddressVersion", "IPv4");
  w.field("publicIPAllocationMethod", dynamic ? "Dynamic" : "Static");
  w.field_num("idleTimeoutInMinutes", 4);
  w.key("ipTags");
  w.empty_array();
  w.key("ipConfiguration");
  w.begin_object();
  w.key("id");
  w.strf("{}/ipConfigurations/ipconfig1", e.nic_id(j));
  w.end_object();
  w.end_object();
  w.end_object();
}

void write_nic(JsonWriter& w, const Estate& e, std::uint32_t j) {
  Rng r = Rng::for_entity(e.opt.seed, Domain::kNic, j ^ 0xa5a5a5a5u);
  const auto& nic = e.nics[j];
  const auto& vp = e.vnets[nic.vnet];
  const std::string id = e.nic_id(j);
  const std::string etag = r.guid();
  const std::string subnet = e.subnet_id(nic.subnet);
  w.begin_object();
  write_envelope(w, e.nic_name(j), id, etag, "Microsoft.Network/networkInterfaces", vp, r);
  w.key("properties");
  w.begin_object();
  w.field("provisioningState", "Succeeded");
  w.field("resourceGuid", r.guid());
  w.key("ipConfigurations");
  w.begin_array();
  auto ipconfig = [&](std::string_view name, bool v6) {
    w.begin_object();
    write_child_head(w, e.opt.full, name, id, "ipConfigurations", etag,
                     "Microsoft.Network/networkInterfaces/ipConfigurations");
    w.key("properties");
    w.begin_object();
    write_child_state(w, e.opt.full);
    w.field("privateIPAddress", v6 ? e.nic_v6(j) : e.nic_v4(j));
    w.field("privateIPAllocationMethod", nic.ip_forwarding ? "Static" : "Dynamic");
    if (!v6 && nic.pip >= 0) w.ref("publicIPAddress", e.pip_id(static_cast<std::uint32_t>(nic.pip)));
    w.ref("subnet", subnet);
    w.field_bool("primary", !v6);
    w.field("privateIPAddressVersion", v6 ? "IPv6" : "IPv4");
    if (!v6 && nic.asg >= 0) {
      w.key("applicationSecurityGroups");
      w.begin_array();
      w.id_object(e.fragmented_asg_id(static_cast<std::uint32_t>(nic.asg)));
      w.end_array();
    }
    if (!v6 && nic.asg_mask != 0) {
      w.key("applicationSecurityGroups");
      w.begin_array();
      for (std::size_t role = 0; role < kAsgRoles.size(); ++role) {
        if (nic.asg_mask & (1u << role)) w.id_object(e.asg_id(nic.vnet, role));
      }
      w.end_array();
    }
    w.end_object();
    w.end_object();
  };
  ipconfig("ipconfig1", false);
  if (vp.dual_stack) ipconfig("ipconfig-v6", true);
  w.end_array();
  w.field_bool("enableAcceleratedNetworking", nic.accelerated);
  w.field_bool("enableIPForwarding", nic.ip_forwarding);
  if (nic.nsg >= 0) w.ref("networkSecurityGroup", e.nsg_id(static_cast<std::uint32_t>(nic.nsg)));
  w.field_bool("primary", nic.vm_nic == 0);
  w.ref("virtualMachine", e.vm_id(nic.vnet, nic.vm));
  w.field("nicType", "Standard");
  w.end_object();
  w.end_object();
}

/// The VM whose NICs are nics [first, last).
void write_vm(JsonWriter& w, const Estate& e, std::uint32_t first, std::uint32_t last) {
  const auto vm = e.nics[first].vm;
  const auto v = e.nics[first].vnet;
  Rng r = Rng::for_entity(e.opt.seed, Domain::kVm, vm);
  const bool windows = r.percent(35);
  w.begin_object();
  write_envelope(w, e.vm_name(vm), e.vm_id(v, vm), {}, "Microsoft.Compute/virtualMachines", e.vnets[v], r);
  w.key("properties");
  w.begin_object();
  w.field("vmId", r.guid());
  w.key("hardwareProfile");
  w.begin_object();
  w.field("vmSize", r.pick(kVmSizes));
  w.end_object();
  w.key("storageProfile");
  w.begin_object();
  w.key("osDisk");
  w.begin_object();
  w.field("osType", windows ? "Windows" : "Linux");
  w.field("createOption", "FromImage");
  w.end_object();
  w.end_object();
  w.key("networkProfile");
  w.begin_object();
  w.key("networkInterfaces");
  w.begin_array();
  for (std::uint32_t j = first; j < last; ++j) {
    w.begin_object();
    w.field("id", e.nic_id(j));
    w.key("properties");
    w.begin_object();
    w.field_bool("primary", j == first);
    w.end_object();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  w.field("provisioningState", "Succeeded");
  w.end_object();
  w.end_object();
}

struct Counts {
  std::uint64_t resources{0};
  std::vector<std::pair<std::string, std::uint64_t>> bytes_by_type;
};

/// Writes the whole estate as one JSON array; returns false on a write error.
bool write_estate(std::FILE* f, const Estate& e, Counts& counts) {
  JsonWriter w(f);
  std::uint64_t mark = 0;
  auto section = [&](std::string name) {
    counts.bytes_by_type.emplace_back(std::move(name), w.bytes() - mark);
    mark = w.bytes();
  };
  w.begin_array();
  for (std::uint32_t v = 0; v < e.vnets.size(); ++v) write_vnet(w, e, v);
  section("virtualNetworks");
  for (std::uint32_t k = 0; k < e.nsg_count; ++k) write_nsg(w, e, k);
  section("networkSecurityGroups");
  for (std::uint32_t t = 0; t < e.route_tables.size(); ++t) write_route_table(w, e, t);
  section("routeTables");
  std::uint64_t asgs = 0;
  if (e.opt.profile == Profile::kFragmented) {
    for (std::uint32_t a = 0; a < kFragmentedAsgs; ++a) write_fragmented_asg(w, e, a);
    asgs = kFragmentedAsgs;
  } else {
    for (std::uint32_t v = 0; v < e.vnets.size(); ++v) {
      for (std::size_t role = 0; role < kAsgRoles.size(); ++role) write_asg(w, e, v, role);
    }
    asgs = e.vnets.size() * kAsgRoles.size();
  }
  section("applicationSecurityGroups");
  for (std::uint32_t p = 0; p < e.pips.size(); ++p) write_pip(w, e, p);
  section("publicIPAddresses");
  for (std::uint32_t j = 0; j < e.nics.size(); ++j) write_nic(w, e, j);
  section("networkInterfaces");
  std::uint64_t vms = 0;
  for (std::uint32_t j = 0; j < e.nics.size();) {
    std::uint32_t end = j + 1;
    while (end < e.nics.size() && e.nics[end].vm == e.nics[j].vm) ++end;
    write_vm(w, e, j, end);
    ++vms;
    j = end;
  }
  section("virtualMachines");
  w.end_array();
  counts.resources = e.vnets.size() + e.nsg_count + e.route_tables.size() + asgs + e.pips.size() + e.nics.size() + vms;
  return w.finish();
}

// ---- Command line ----

constexpr std::string_view kUsage =
    "usage: exposim_gen_estate --nics N [--profile default|fragmented] [--nsgs K] [--rules R] [--seed S] [--full]\n"
    "                          [-q] -o FILE\n"
    "Writes a deterministic Azure estate (resource JSON array, ARM REST shape) with N NICs,\n"
    "K NSGs (default max(5, N/20)) of R custom rules each (default 60, at most 1000).\n"
    "--full also writes what Azure returns on child resources (etag, type, provisioningState,\n"
    "empty plural rule fields): about 1.26x the bytes for the same estate.\n"
    "--profile fragmented writes the rule-heavy estate of issue 18: VNets of 16 subnets peered in a\n"
    "chain, an NSG per subnet and on a quarter of the NICs from the pool, interleaved allow and deny\n"
    "rules over many small source prefixes, 50 ASGs, Standard public IPs on 30% of the NICs.\n";

std::optional<std::uint64_t> parse_number(std::string_view s) {
  std::uint64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

/// Returns the options, or an error message.
std::optional<Options> parse_args(int argc, char** argv, std::string& error) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "-q" || a == "--quiet") {
      o.quiet = true;
      continue;
    }
    if (a == "--full") {
      o.full = true;
      continue;
    }
    if (a == "-h" || a == "--help") {
      error = "";
      return std::nullopt;
    }
    if (i + 1 >= argc) {
      error = fmt::format("'{}' needs a value (or is unknown)", a);
      return std::nullopt;
    }
    const std::string_view val = argv[++i];
    if (a == "-o" || a == "--output") {
      o.output = val;
      continue;
    }
    if (a == "--profile") {
      if (val == "default") {
        o.profile = Profile::kDefault;
      } else if (val == "fragmented") {
        o.profile = Profile::kFragmented;
      } else {
        error = fmt::format("--profile: '{}' is not one of default, fragmented", val);
        return std::nullopt;
      }
      continue;
    }
    const auto n = parse_number(val);
    if (!n) {
      error = fmt::format("{}: '{}' is not a non-negative integer", a, val);
      return std::nullopt;
    }
    if (a == "--nics") {
      o.nics = *n;
    } else if (a == "--nsgs") {
      o.nsgs = *n;
    } else if (a == "--rules") {
      if (*n > kMaxRules) {
        error = fmt::format("--rules: {} is more than Azure's {} rules per NSG", *n, kMaxRules);
        return std::nullopt;
      }
      o.rules = static_cast<std::uint32_t>(*n);
    } else if (a == "--seed") {
      o.seed = *n;
    } else {
      error = fmt::format("unknown option '{}'", a);
      return std::nullopt;
    }
  }
  if (o.nics == 0 || o.nics > 10'000'000) {
    error = "--nics: expected 1..10000000";
    return std::nullopt;
  }
  if (o.nsgs && (*o.nsgs == 0 || *o.nsgs > 10'000'000)) {
    error = "--nsgs: expected 1..10000000";
    return std::nullopt;
  }
  if (o.output.empty()) {
    error = "-o FILE is required";
    return std::nullopt;
  }
  return o;
}

int run(int argc, char** argv) {
  std::string error = "no arguments";
  const auto opt = parse_args(argc, argv, error);
  if (!opt) {
    if (error.empty()) {
      fmt::print("{}", kUsage);
      return 0;
    }
    fmt::print(stderr, "exposim_gen_estate: error: {}\n{}", error, kUsage);
    return 2;
  }
  const Estate e = plan(*opt);

  // Atomic: a temporary file next to the target, renamed over it when complete.
  const std::string tmp = fmt::format("{}.tmp.{}", opt->output, ::getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) {
    fmt::print(stderr, "exposim_gen_estate: error: {}: {}\n", tmp, std::strerror(errno));
    return 1;
  }
  Counts counts;
  bool ok = write_estate(f, e, counts);
  ok = std::fflush(f) == 0 && ok;
  ok = ::fsync(::fileno(f)) == 0 && ok;
  ok = std::fclose(f) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), opt->output.c_str()) != 0) {
    fmt::print(stderr, "exposim_gen_estate: error: {}: write failed: {}\n", opt->output, std::strerror(errno));
    std::remove(tmp.c_str());
    return 1;
  }
  if (!opt->quiet) {
    std::uint64_t total = 0;
    for (const auto& [type, bytes] : counts.bytes_by_type) total += bytes;
    std::uint64_t subnets_nsg = 0;
    for (const auto& s : e.subnets) subnets_nsg += s.nsg >= 0 ? 1 : 0;
    std::uint64_t nic_nsg = 0;
    for (const auto& n : e.nics) nic_nsg += n.nsg >= 0 ? 1 : 0;
    fmt::print(
        "{}: {:.1f} MB, {} resources: {} virtualNetworks ({} subnets, {} with an NSG), {} "
        "networkSecurityGroups ({} custom rules), {} routeTables, {} applicationSecurityGroups, {} "
        "publicIPAddresses, {} networkInterfaces ({} with an NSG), {} virtualMachines\n",
        opt->output, static_cast<double>(total) / 1e6, counts.resources, e.vnets.size(), e.subnets.size(), subnets_nsg,
        e.nsg_count, std::uint64_t{e.nsg_count} * opt->rules, e.route_tables.size(),
        opt->profile == Profile::kFragmented ? std::uint64_t{kFragmentedAsgs} : e.vnets.size() * kAsgRoles.size(),
        e.pips.size(), e.nics.size(), nic_nsg, e.vnets.back().first_vm + e.vnets.back().vm_count);
    fmt::print("bytes by type:");
    for (const auto& [type, bytes] : counts.bytes_by_type) {
      fmt::print(" {} {:.1f} MB;", type, static_cast<double>(bytes) / 1e6);
    }
    fmt::print("\n");
  }
  return 0;
}

}  // namespace
}  // namespace exposim::bench

int main(int argc, char** argv) { return exposim::bench::run(argc, argv); }
