// Node styles, path colours and edge styles of `exposim graph` (cli/graph_palette.h).
#include "cli/graph_palette.h"

#include <array>
#include <iterator>

#include <fmt/format.h>

#include "model/placement.h"
#include "model/unknown.h"

namespace exposim::cli {
namespace {

using model::GraphVertex;
using model::Model;
using model::ResourceKind;

// ---- node styles ----

/// Prefixes one a line, or `none` when there are none.
std::string prefixes_or(const std::vector<model::IpPrefix>& prefixes, const char* none) {
  if (prefixes.empty()) return none;
  std::string out;
  for (const auto& p : prefixes) {
    if (!out.empty()) out += '\n';
    out += p.to_string();
  }
  return out;
}

/// A frame's anchor: its prefixes; a resource the importer assumed says so, one whose prefixes are all unknown
/// (left out) says that.
std::string frame_detail(const model::ResourceBase& r, const std::vector<model::IpPrefix>& prefixes, const char* what) {
  if (model::is_assumed(r)) return fmt::format("{} not in the input", what);
  return prefixes_or(prefixes, "address space unknown");
}

/// The frame that holds a resource of kind `K`: its first subnet, else its virtual network (model/placement.h).
template <ResourceKind K>
std::optional<GraphVertex> placed(const Model& m, int i) {
  return model::placement(m, K, i).frame();
}

// One row per resource kind, in the order of model/resource_kinds.h: {kind, form, shape, detail line, frame,
// legend}. Security admin rule collections are drawn at the top level, linked to the VNets their rules apply to;
// an admin rule on an exposed path stands for its collection's node. Resources drawn in a subnet: NICs, firewalls,
// Bastion hosts (else in their VNet), application gateways, internal load balancers and private endpoints; the rest at
// the top level (a NAT gateway serves several subnets: an edge goes to each). Addresses exposim assumed (a
// firewall's first usable address, a template's public IP placeholder) end in kPlaceholderMark.
constexpr NodeStyle kNodeStyles[] = {
    {ResourceKind::kVirtualNetwork, NodeForm::kFrame, "tab",
     [](const Model& m, int i) { return frame_detail(m.vnets[i], m.vnets[i].address_space, "virtual network"); },
     nullptr, "virtual network: its address space"},
    {ResourceKind::kSubnet, NodeForm::kFrame, "plaintext",
     [](const Model& m, int i) { return frame_detail(m.subnets[i], m.subnets[i].prefixes, "subnet"); },
     placed<ResourceKind::kSubnet>, "subnet: its prefixes (grey text)"},
    {ResourceKind::kNetworkSecurityGroup, NodeForm::kNode, "octagon",
     [](const Model&, int) { return std::string("NSG"); }, nullptr, "network security group"},
    {ResourceKind::kApplicationSecurityGroup, NodeForm::kNotDrawn, nullptr, nullptr, nullptr, nullptr},
    {ResourceKind::kRouteTable, NodeForm::kNode, "note", [](const Model&, int) { return std::string("route table"); },
     nullptr, "route table"},
    {ResourceKind::kNetworkInterface, NodeForm::kNics, "box",
     [](const Model& m, int i) {
       std::string out;
       for (const auto& c : m.nics[i].ip_configurations) {
         if (!c.private_ip) continue;
         if (!out.empty()) out += ", ";
         out += c.private_ip->to_string();
       }
       return out.empty() ? std::string("private IP unknown") : out;
     },
     placed<ResourceKind::kNetworkInterface>, "VM (its NIC): private IP"},
    {ResourceKind::kPublicIp, NodeForm::kNode, "ellipse",
     [](const Model& m, int i) {
       const auto& p = m.public_ips[i];
       if (!p.address) return std::string("unallocated");
       return p.address->to_string() + (is_placeholder_public_address(*p.address) ? kPlaceholderMark : "");
     },
     nullptr, "public IP"},
    {ResourceKind::kVirtualMachine, NodeForm::kNotDrawn, nullptr, nullptr, nullptr, nullptr},
    {ResourceKind::kLoadBalancer, NodeForm::kNode, "invhouse",
     [](const Model& m, int i) { return fmt::format("load balancer {}", model::to_string(m.load_balancers[i].sku)); },
     placed<ResourceKind::kLoadBalancer>, "load balancer"},
    {ResourceKind::kIpGroup, NodeForm::kNotDrawn, nullptr, nullptr, nullptr, nullptr},
    {ResourceKind::kFirewallPolicy, NodeForm::kNotDrawn, nullptr, nullptr, nullptr, nullptr},
    {ResourceKind::kFirewall, NodeForm::kNode, "hexagon",
     [](const Model& m, int i) {
       const auto& fw = m.firewalls[i];
       for (const auto& c : fw.ip_configurations) {
         if (c.private_ip) return "firewall " + c.private_ip->to_string() + (c.placeholder ? kPlaceholderMark : "");
       }
       if (fw.hub_private_ip) return "firewall " + fw.hub_private_ip->to_string();
       return std::string("firewall");
     },
     placed<ResourceKind::kFirewall>, "Azure Firewall"},
    {ResourceKind::kBastionHost, NodeForm::kNode, "house",
     [](const Model& m, int i) { return fmt::format("Bastion {}", model::to_string(m.bastion_hosts[i].sku)); },
     placed<ResourceKind::kBastionHost>, "Bastion host"},
    {ResourceKind::kApplicationGateway, NodeForm::kNode, "trapezium",
     [](const Model&, int) { return std::string("application gateway"); }, placed<ResourceKind::kApplicationGateway>,
     "application gateway"},
    {ResourceKind::kPaasService, NodeForm::kNode, "cylinder",
     [](const Model& m, int i) { return fmt::format("{} (PaaS)", model::to_string(m.paas_services[i].kind)); }, nullptr,
     "PaaS service"},
    {ResourceKind::kPrivateEndpoint, NodeForm::kNode, "component",
     [](const Model&, int) { return std::string("private endpoint"); }, placed<ResourceKind::kPrivateEndpoint>,
     "private endpoint"},
    {ResourceKind::kScaleSet, NodeForm::kNotDrawn, nullptr, nullptr, nullptr, nullptr},
    {ResourceKind::kVirtualWan, NodeForm::kNotDrawn, nullptr, nullptr, nullptr, nullptr},
    {ResourceKind::kVirtualHub, NodeForm::kNode, "doubleoctagon",
     [](const Model&, int) { return std::string("virtual hub"); }, nullptr, "virtual hub"},
    {ResourceKind::kHubConnection, NodeForm::kNotDrawn, nullptr, nullptr, nullptr, nullptr},
    {ResourceKind::kHubRoutingIntent, NodeForm::kNotDrawn, nullptr, nullptr, nullptr, nullptr},
    {ResourceKind::kHubRouteTable, NodeForm::kNotDrawn, nullptr, nullptr, nullptr, nullptr},
    {ResourceKind::kJitPolicy, NodeForm::kNotDrawn, nullptr, nullptr, nullptr, nullptr},
    {ResourceKind::kDefenderPlan, NodeForm::kNotDrawn, nullptr, nullptr, nullptr, nullptr},
    {ResourceKind::kNetworkManager, NodeForm::kNotDrawn, nullptr, nullptr, nullptr, nullptr},
    {ResourceKind::kNetworkGroup, NodeForm::kNotDrawn, nullptr, nullptr, nullptr, nullptr},
    {ResourceKind::kNetworkGroupMember, NodeForm::kNotDrawn, nullptr, nullptr, nullptr, nullptr},
    {ResourceKind::kSecurityAdminConfiguration, NodeForm::kNotDrawn, nullptr, nullptr, nullptr, nullptr},
    {ResourceKind::kAdminRuleCollection, NodeForm::kNode, "septagon",
     [](const Model& m, int i) {
       const int c = m.admin_rule_collections[i].configuration.index;
       return c >= 0 ? fmt::format("admin rules of {}", m.security_admin_configurations[c].name)
                     : std::string("admin rules");
     },
     nullptr, "security admin rule collection (Virtual Network Manager)"},
    {ResourceKind::kAdminRule, NodeForm::kNotDrawn, nullptr, nullptr, nullptr, nullptr},
    {ResourceKind::kAdminDeployment, NodeForm::kNotDrawn, nullptr, nullptr, nullptr, nullptr},
    {ResourceKind::kNatGateway, NodeForm::kNode, "cds",
     [](const Model& m, int i) { return fmt::format("NAT gateway {} (outbound only)", m.nat_gateways[i].sku); },
     nullptr, "NAT gateway (outbound only)"},
    {ResourceKind::kPublicIpPrefix, NodeForm::kNode, "parallelogram",
     [](const Model& m, int i) {
       const auto& p = m.public_ip_prefixes[i];
       if (p.ip_prefix) return p.ip_prefix->to_string();
       return p.prefix_length ? fmt::format("/{} unallocated", *p.prefix_length) : std::string("unallocated");
     },
     nullptr, "public IP prefix"},
};

constexpr bool rows_follow_the_kind_table() {
  if (std::size(kNodeStyles) != model::kResourceKindCount) return false;
  for (std::size_t i = 0; i < model::kResourceKindCount; ++i) {
    const auto& row = kNodeStyles[i];
    if (row.kind != model::kResourceKinds[i]) return false;
    const bool drawn = row.form != NodeForm::kNotDrawn;
    if (drawn != (row.shape != nullptr) || drawn != (row.detail != nullptr) || drawn != (row.legend != nullptr)) {
      return false;
    }
  }
  return true;
}
static_assert(std::size(kNodeStyles) == model::kResourceKindCount,
              "every resource kind of model/resource_kinds.h needs a row here: how the diagram draws it");
static_assert(rows_follow_the_kind_table(),
              "kNodeStyles: one row per kind in the order of model/resource_kinds.h; a drawn kind has a shape and a "
              "detail line and a legend, a kind not drawn has none");

// One colour per path class (PathClass order): open red, restricted orange, Bastion green, JIT blue, broken grey.
constexpr std::array<const char*, kPathClassCount> kPathColours{"#d62728", "#ff7f0e", "#2ca02c", "#1f77b4", "#999999"};
constexpr std::array<const char*, kPathClassCount> kPathNames{"open", "restricted", "bastion", "jit", "broken"};
constexpr std::array<const char*, kPathClassCount> kPathLegends{
    "open to any internet source", "open to restricted sources", "Bastion session", "just-in-time (JIT) rule",
    "broken: admitted, no reply"};

constexpr const char* kStructureColor = "#7f7f7f";

}  // namespace

const NodeStyle& node_style(model::ResourceKind k) {
  // kResourceKinds starts at the enum's second value (the internet has no row).
  return kNodeStyles[static_cast<std::size_t>(k) - 1];
}

bool is_placeholder_public_address(const model::IpAddress& a) {
  static const auto kReserved = *model::IpPrefix::parse("240.0.0.0/4");
  return kReserved.contains(a);
}

const char* to_string(PathClass c) { return kPathNames[static_cast<std::size_t>(c)]; }

PathClass path_class(std::string_view name) {
  for (std::size_t i = 0; i < kPathNames.size(); ++i) {
    if (name == kPathNames[i]) return static_cast<PathClass>(i);
  }
  return PathClass::kOpen;
}

const char* path_colour(PathClass cls) { return kPathColours[static_cast<std::size_t>(cls)]; }

const char* path_legend(PathClass cls) { return kPathLegends[static_cast<std::size_t>(cls)]; }

const char* path_style(std::string_view path_class) {
  return path_class == std::string_view("open") || path_class == std::string_view("restricted") ? "solid"
         : path_class == std::string_view("broken")                                             ? "dotted"
                                                                                                : "dashed";
}

const char* path_label_prefix(std::string_view path_class) {
  return path_class == std::string_view("restricted") ? "restricted: "
         : path_class == std::string_view("bastion")  ? "Bastion: "
         : path_class == std::string_view("jit")      ? "JIT: "
         : path_class == std::string_view("broken")   ? "broken: "
                                                      : "";
}

const char* structure_colour(std::string_view kind) {
  return kind == "attack-path"                         ? "#c2185b"
         : kind == "peering" || kind == "connected-to" ? "#4a6fa5"
         : kind == "route"                             ? "#1f4e79"
         : kind == "private-link"                      ? "#6a3d9a"
         : kind == "admin-rules"                       ? "#8c564b"
                                                       : kStructureColor;
}

const char* structure_style(std::string_view kind) {
  return kind == "secured-by" || kind == "routed-by" || kind == "private-link" || kind == "management" ||
                 kind == "admin-rules" || kind == "outbound" || kind == "allocated"
             ? "dashed"
             : "solid";
}

const char* structure_legend(std::string_view kind) {
  return kind == "attack-path"    ? "attack path: an exposed target reaches it east-west (ports)"
         : kind == "secured-by"   ? "NSG of a subnet or NIC"
         : kind == "routed-by"    ? "route table of a subnet"
         : kind == "route"        ? "route: its prefixes to the next hop"
         : kind == "peering"      ? "VNet peering"
         : kind == "attached"     ? "public IP attached"
         : kind == "management"   ? "firewall management public IP"
         : kind == "balances-to"  ? "load balancer backend"
         : kind == "private-link" ? "private endpoint of a service"
         : kind == "connected-to" ? "VNet connected to a virtual hub"
         : kind == "admin-rules"  ? "security admin rules applied to a VNet (before its NSGs)"
         : kind == "outbound"     ? "NAT gateway of a subnet (outbound only)"
         : kind == "allocated"    ? "public IP taken from a prefix"
                                  : "";
}

}  // namespace exposim::cli
