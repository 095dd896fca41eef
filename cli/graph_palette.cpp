// Node styles, path colours and edge styles of `exposim graph` (cli/graph_palette.h).
#include "cli/graph_palette.h"

#include <array>
#include <cmath>
#include <iterator>

#include <fmt/format.h>

#include "model/placement.h"

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

/// The frame that holds a resource of kind `K`: its first subnet, else its virtual network (model/placement.h).
template <ResourceKind K>
std::optional<GraphVertex> placed(const Model& m, int i) {
  return model::placement(m, K, i).frame();
}

// One row per resource kind, in the order of model/resource_kinds.h: {kind, form, shape, detail line, frame}.
// Resources drawn in a subnet: NICs, firewalls, Bastion hosts (else in their VNet), application gateways,
// internal load balancers and private endpoints; the rest at the top level.
constexpr NodeStyle kNodeStyles[] = {
    {ResourceKind::kVirtualNetwork, NodeForm::kFrame, "tab",
     [](const Model& m, int i) { return prefixes_or(m.vnets[i].address_space, "virtual network"); }, nullptr},
    {ResourceKind::kSubnet, NodeForm::kFrame, "plaintext",
     [](const Model& m, int i) { return prefixes_or(m.subnets[i].prefixes, "subnet"); }, placed<ResourceKind::kSubnet>},
    {ResourceKind::kNetworkSecurityGroup, NodeForm::kNode, "octagon",
     [](const Model&, int) { return std::string("NSG"); }, nullptr},
    {ResourceKind::kApplicationSecurityGroup, NodeForm::kNotDrawn, nullptr, nullptr, nullptr},
    {ResourceKind::kRouteTable, NodeForm::kNode, "note", [](const Model&, int) { return std::string("route table"); },
     nullptr},
    {ResourceKind::kNetworkInterface, NodeForm::kNics, "box",
     [](const Model& m, int i) {
       std::string out;
       for (const auto& c : m.nics[i].ip_configurations) {
         if (!c.private_ip) continue;
         if (!out.empty()) out += ", ";
         out += c.private_ip->to_string();
       }
       return out;
     },
     placed<ResourceKind::kNetworkInterface>},
    {ResourceKind::kPublicIp, NodeForm::kNode, "ellipse",
     [](const Model& m, int i) {
       const auto& p = m.public_ips[i];
       return p.address ? p.address->to_string() : std::string("unallocated");
     },
     nullptr},
    {ResourceKind::kVirtualMachine, NodeForm::kNotDrawn, nullptr, nullptr, nullptr},
    {ResourceKind::kLoadBalancer, NodeForm::kNode, "invhouse",
     [](const Model& m, int i) { return fmt::format("load balancer {}", model::to_string(m.load_balancers[i].sku)); },
     placed<ResourceKind::kLoadBalancer>},
    {ResourceKind::kIpGroup, NodeForm::kNotDrawn, nullptr, nullptr, nullptr},
    {ResourceKind::kFirewallPolicy, NodeForm::kNotDrawn, nullptr, nullptr, nullptr},
    {ResourceKind::kFirewall, NodeForm::kNode, "hexagon",
     [](const Model& m, int i) {
       for (const auto& c : m.firewalls[i].ip_configurations) {
         if (c.private_ip) return "firewall " + c.private_ip->to_string();
       }
       return std::string("firewall");
     },
     placed<ResourceKind::kFirewall>},
    {ResourceKind::kBastionHost, NodeForm::kNode, "house",
     [](const Model& m, int i) { return fmt::format("Bastion {}", model::to_string(m.bastion_hosts[i].sku)); },
     placed<ResourceKind::kBastionHost>},
    {ResourceKind::kApplicationGateway, NodeForm::kNode, "trapezium",
     [](const Model&, int) { return std::string("application gateway"); }, placed<ResourceKind::kApplicationGateway>},
    {ResourceKind::kPaasService, NodeForm::kNode, "cylinder",
     [](const Model& m, int i) { return fmt::format("{} (PaaS)", model::to_string(m.paas_services[i].kind)); },
     nullptr},
    {ResourceKind::kPrivateEndpoint, NodeForm::kNode, "component",
     [](const Model&, int) { return std::string("private endpoint"); }, placed<ResourceKind::kPrivateEndpoint>},
    {ResourceKind::kScaleSet, NodeForm::kNotDrawn, nullptr, nullptr, nullptr},
    {ResourceKind::kVirtualWan, NodeForm::kNotDrawn, nullptr, nullptr, nullptr},
    {ResourceKind::kVirtualHub, NodeForm::kNode, "doubleoctagon",
     [](const Model&, int) { return std::string("virtual hub"); }, nullptr},
    {ResourceKind::kHubConnection, NodeForm::kNotDrawn, nullptr, nullptr, nullptr},
    {ResourceKind::kHubRoutingIntent, NodeForm::kNotDrawn, nullptr, nullptr, nullptr},
    {ResourceKind::kHubRouteTable, NodeForm::kNotDrawn, nullptr, nullptr, nullptr},
    {ResourceKind::kJitPolicy, NodeForm::kNotDrawn, nullptr, nullptr, nullptr},
    {ResourceKind::kDefenderPlan, NodeForm::kNotDrawn, nullptr, nullptr, nullptr},
};

constexpr bool rows_follow_the_kind_table() {
  if (std::size(kNodeStyles) != model::kResourceKindCount) return false;
  for (std::size_t i = 0; i < model::kResourceKindCount; ++i) {
    const auto& row = kNodeStyles[i];
    if (row.kind != model::kResourceKinds[i]) return false;
    const bool drawn = row.form != NodeForm::kNotDrawn;
    if (drawn != (row.shape != nullptr) || drawn != (row.detail != nullptr)) return false;
  }
  return true;
}
static_assert(std::size(kNodeStyles) == model::kResourceKindCount,
              "every resource kind of model/resource_kinds.h needs a row here: how the diagram draws it");
static_assert(rows_follow_the_kind_table(),
              "kNodeStyles: one row per kind in the order of model/resource_kinds.h; a drawn kind has a shape and a "
              "detail line, a kind not drawn has neither");

// Path palettes: open ports in warm colours, Bastion sessions in greens, just-in-time paths in blues.
constexpr std::array kOpenPalette{"#d62728", "#ff7f0e", "#9467bd", "#8c564b",
                                  "#e377c2", "#b8860b", "#c71585", "#ff1493"};
constexpr std::array kBastionPalette{"#2ca02c", "#006d2c", "#41ab5d", "#00868b"};
constexpr std::array kJitPalette{"#1f77b4", "#08519c", "#3182bd", "#4b0082"};
constexpr const char* kBrokenColor = "#999999";

constexpr const char* kStructureColor = "#7f7f7f";

/// A colour as "#rrggbb" from hue (degrees), saturation and value in [0, 1].
std::string hsv_colour(double hue, double saturation, double value) {
  hue = std::fmod(hue, 360.0);
  if (hue < 0) hue += 360.0;
  const double c = value * saturation;
  const double x = c * (1 - std::fabs(std::fmod(hue / 60.0, 2.0) - 1));
  const double m = value - c;
  double r = 0, g = 0, b = 0;
  switch (static_cast<int>(hue / 60.0)) {
    case 0: r = c, g = x; break;
    case 1: r = x, g = c; break;
    case 2: g = c, b = x; break;
    case 3: g = x, b = c; break;
    case 4: r = x, b = c; break;
    default: r = c, b = x; break;
  }
  auto byte = [&](double v) { return static_cast<int>(std::lround((v + m) * 255)); };
  return fmt::format("#{:02x}{:02x}{:02x}", byte(r), byte(g), byte(b));
}

}  // namespace

const NodeStyle& node_style(model::ResourceKind k) {
  // kResourceKinds starts at the enum's second value (the internet has no row).
  return kNodeStyles[static_cast<std::size_t>(k) - 1];
}

const char* to_string(PathClass c) {
  switch (c) {
    case PathClass::kOpen: return "open";
    case PathClass::kBastion: return "bastion";
    case PathClass::kJit: return "jit";
    case PathClass::kBroken: return "broken";
  }
  return "open";
}

std::string path_colour(PathClass cls, std::size_t k) {
  auto from = [&](const auto& palette, double hue_from, double hue_width) {
    if (k < palette.size()) return std::string(palette[k]);
    const std::size_t j = k - palette.size();
    constexpr double kGolden = 0.6180339887498949;
    const double step = static_cast<double>(j) * kGolden;
    const double hue = hue_from + (step - std::floor(step)) * hue_width;
    constexpr std::array kSaturation{0.85, 0.65, 1.0};
    constexpr std::array kValue{0.80, 0.60, 0.95};
    return hsv_colour(hue, kSaturation[j % 3], kValue[(j / 3) % 3]);
  };
  switch (cls) {
    case PathClass::kOpen: return from(kOpenPalette, 330.0, 80.0);
    case PathClass::kBastion: return from(kBastionPalette, 90.0, 80.0);
    case PathClass::kJit: return from(kJitPalette, 195.0, 70.0);
    case PathClass::kBroken: break;
  }
  return kBrokenColor;
}

const char* path_style(std::string_view path_class) {
  return path_class == std::string_view("open")     ? "solid"
         : path_class == std::string_view("broken") ? "dotted"
                                                    : "dashed";
}

const char* path_label_prefix(std::string_view path_class) {
  return path_class == std::string_view("bastion")  ? "Bastion: "
         : path_class == std::string_view("jit")    ? "JIT: "
         : path_class == std::string_view("broken") ? "broken: "
                                                    : "";
}

const char* structure_colour(std::string_view kind) {
  return kind == "peering" || kind == "connected-to" ? "#4a6fa5"
         : kind == "route"                           ? "#1f4e79"
         : kind == "private-link"                    ? "#6a3d9a"
                                                     : kStructureColor;
}

const char* structure_style(std::string_view kind) {
  return kind == "secured-by" || kind == "routed-by" || kind == "private-link" ? "dashed" : "solid";
}

}  // namespace exposim::cli
