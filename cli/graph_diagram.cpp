// Builds the diagram of `exposim graph` from the model's topology graph and the analysis (cli/graph_diagram.h).
#include "cli/graph_diagram.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include <fmt/format.h>

#include "model/topology.h"

namespace exposim::cli {
namespace {

using model::ResourceKind;
using solver::Exposure;
using solver::Hop;

/// A model resource: (kind, index); the internet is (kInternet, -1). Ordered, so maps over it are stable.
using Vertex = std::pair<int, int>;
Vertex vx(ResourceKind k, int i) { return {static_cast<int>(k), i}; }
ResourceKind kind_of(const Vertex& v) { return static_cast<ResourceKind>(v.first); }

// Path palettes: open ports in warm colours, Bastion sessions in greens, just-in-time paths in blues.
constexpr std::array kOpenPalette{"#d62728", "#ff7f0e", "#9467bd", "#8c564b",
                                  "#e377c2", "#b8860b", "#c71585", "#ff1493"};
constexpr std::array kBastionPalette{"#2ca02c", "#006d2c", "#41ab5d", "#00868b"};
constexpr std::array kJitPalette{"#1f77b4", "#08519c", "#3182bd", "#4b0082"};
constexpr const char* kBrokenColor = "#999999";

constexpr const char* kStructureColor = "#7f7f7f";

enum class PathClass { kOpen = 0, kBastion = 1, kJit = 2, kBroken = 3 };
const char* to_string(PathClass c) {
  switch (c) {
    case PathClass::kOpen: return "open";
    case PathClass::kBastion: return "bastion";
    case PathClass::kJit: return "jit";
    case PathClass::kBroken: return "broken";
  }
  return "open";
}

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

/// The k-th colour of a class: its palette first, then colours generated in the class's hue band (open: reds
/// to oranges and magentas, 330 to 50 degrees; Bastion: greens, 90 to 170; JIT: blues, 195 to 265), the hue
/// stepping by the golden ratio so that neighbours differ, with three saturation and value levels.
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

/// A name as it can be shown: control characters become visible escapes ("\n" as a backslash and an n), so
/// that the only line breaks in a label are the diagram's own.
std::string clean(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += ch;
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::string prefixes_text(const std::vector<model::IpPrefix>& prefixes) {
  std::vector<std::string> parts;
  for (const auto& p : prefixes) parts.push_back(p.to_string());
  return join(parts, "\n");
}

/// What the exposures of one path have in common, merged.
struct PathGroup {
  std::array<model::PortSet, model::kProtocolCount> ports;
  std::array<model::PortSet, model::kProtocolCount> entry_ports;
  std::array<bool, model::kProtocolCount> present{};
  bool translated{false};
  std::size_t exposures{0};
  std::set<Vertex> touches;  // every resource on the path, NSGs and route tables included
};

std::string ports_label(const std::array<model::PortSet, model::kProtocolCount>& ports,
                        const std::array<bool, model::kProtocolCount>& present) {
  std::vector<std::string> lines;
  for (int p = 0; p < model::kProtocolCount; ++p) {
    if (!present[p]) continue;
    const auto proto = static_cast<model::Protocol>(p);
    if (!model::has_ports(proto)) {
      lines.emplace_back(model::to_string(proto));
    } else {
      lines.push_back(fmt::format("{} {}", model::to_string(proto),
                                  ports[p].is_all() ? std::string("all") : model::to_string(ports[p])));
    }
  }
  return join(lines, "\n");
}

class Builder {
 public:
  Builder(const model::Model& m, const solver::Analysis& a, const DiagramOptions& o) : m_(m), a_(a), o_(o) {}

  DiagramResult run() {
    DiagramResult result;
    if (!o_.focus.empty() && !resolve_focus(result)) return result;
    collect_paths();
    place();
    if (focus_) expand_focus();
    add_clusters();
    add_nodes();
    add_structure();
    add_routes();
    if (focus_ && !focus_drawn()) {
      result.error = fmt::format("--focus: '{}' is a {}, which the diagram does not draw", clean(o_.focus),
                                 model::to_string(kind_of(*focus_)));
      return result;
    }
    finish(result.diagram);
    return result;
  }

 private:
  // ---- --focus ----

  bool resolve_focus(DiagramResult& result) {
    const auto& g = m_.topology().graph;
    if (auto v = m_.find(model::canonical_id(o_.focus)); v && v->kind != ResourceKind::kInternet) {
      focus_ = vx(v->kind, v->index);
    } else {
      std::vector<Vertex> exact;
      std::vector<Vertex> folded;
      const std::string want = model::canonical_id(o_.focus);
      for (auto [it, end] = boost::vertices(g); it != end; ++it) {
        const auto& gv = g[*it];
        const auto* r = m_.resource(gv);
        if (r == nullptr) continue;
        if (r->name == o_.focus) {
          exact.push_back(vx(gv.kind, gv.index));
        } else if (model::canonical_id(r->name) == want) {
          folded.push_back(vx(gv.kind, gv.index));
        }
      }
      const auto& found = exact.empty() ? folded : exact;
      if (found.empty()) {
        result.error = fmt::format("--focus: no resource is named '{}' and no resource has that id", clean(o_.focus));
        return false;
      }
      if (found.size() > 1) {
        result.error =
            fmt::format("--focus: '{}' names {} resources; give the id of one", clean(o_.focus), found.size());
        for (const auto& v : found) {
          const auto* r = m_.resource({kind_of(v), v.second});
          result.candidates.push_back(fmt::format("{} ({})", clean(r->id), model::to_string(kind_of(v))));
        }
        std::sort(result.candidates.begin(), result.candidates.end());
        return false;
      }
      focus_ = found.front();
    }
    // The NICs of a focused NIC, VM or scale set are drawn one by one, never collapsed.
    const auto k = kind_of(*focus_);
    if (k == ResourceKind::kNetworkInterface) focus_nics_.insert(focus_->second);
    if (k == ResourceKind::kVirtualMachine) {
      for (const auto& r : m_.vms[focus_->second].network_interfaces) {
        if (r.resolved()) focus_nics_.insert(r.index);
      }
    }
    if (k == ResourceKind::kScaleSet) {
      for (int n : m_.scale_sets[focus_->second].instance_nics) focus_nics_.insert(n);
    }
    return true;
  }

  bool focus_drawn() const {
    for (const auto& v : focus_set_) {
      if (node_of_.count(v)) return true;
    }
    return false;
  }

  /// The resources the focus stands for: itself, a VM's or scale set's NICs, everything in a subnet or VNet.
  void expand_focus() {
    const Vertex f = *focus_;
    focus_set_.insert(f);
    for (int n : focus_nics_) focus_set_.insert(vx(ResourceKind::kNetworkInterface, n));
    std::set<std::string> containers;
    if (kind_of(f) == ResourceKind::kSubnet) containers.insert(subnet_cluster(f.second));
    if (kind_of(f) == ResourceKind::kVirtualNetwork) {
      containers.insert(vnet_cluster(f.second));
      for (std::size_t s = 0; s < m_.subnets.size(); ++s) {
        if (m_.subnets[s].vnet.index == f.second) {
          containers.insert(subnet_cluster(static_cast<int>(s)));
          focus_set_.insert(vx(ResourceKind::kSubnet, static_cast<int>(s)));
        }
      }
    }
    if (containers.empty()) return;
    for (const auto& [v, c] : placement_) {
      if (containers.count(c)) focus_set_.insert(v);
    }
  }

  // ---- exposed paths ----

  std::vector<Vertex> path_vertices(const Exposure& e, std::set<Vertex>& touches) const {
    std::vector<Vertex> seq{vx(ResourceKind::kInternet, -1)};
    auto push = [&](Vertex v) {
      if (v.second < 0) return;
      touches.insert(v);
      if (seq.back() != v) seq.push_back(v);
    };
    if (e.public_ip >= 0) push(vx(ResourceKind::kPublicIp, e.public_ip));
    for (const auto& h : e.path) {
      switch (h.kind) {
        case Hop::Kind::kPublicIp: push(vx(ResourceKind::kPublicIp, h.resource)); break;
        case Hop::Kind::kLoadBalancer: push(vx(ResourceKind::kLoadBalancer, h.resource)); break;
        case Hop::Kind::kFirewall: push(vx(ResourceKind::kFirewall, h.resource)); break;
        case Hop::Kind::kApplicationGateway: push(vx(ResourceKind::kApplicationGateway, h.resource)); break;
        case Hop::Kind::kBastion: push(vx(ResourceKind::kBastionHost, h.resource)); break;
        case Hop::Kind::kAppliance: push(vx(ResourceKind::kNetworkInterface, h.resource)); break;
        case Hop::Kind::kPaas: push(vx(ResourceKind::kPaasService, h.resource)); break;
        case Hop::Kind::kNsg:
          if (h.resource >= 0) touches.insert(vx(ResourceKind::kNetworkSecurityGroup, h.resource));
          break;
        case Hop::Kind::kRoute:
          if (h.resource >= 0) touches.insert(vx(ResourceKind::kRouteTable, h.resource));
          break;
        default: break;
      }
    }
    if (e.nic >= 0) {
      push(vx(ResourceKind::kNetworkInterface, e.nic));
    } else {
      push(vx(e.target_kind, e.target));
    }
    return seq;
  }

  void add_exposure(const Exposure& e, PathClass cls) {
    std::set<Vertex> touches;
    auto seq = path_vertices(e, touches);
    auto& g = groups_[{static_cast<int>(cls), std::move(seq)}];
    const int p = static_cast<int>(e.protocol);
    g.present[p] = true;
    g.ports[p] = g.ports[p].unite(e.ports);
    g.entry_ports[p] = g.entry_ports[p].unite(e.entry_ports);
    if (model::has_ports(e.protocol) && e.entry_ports != e.ports) g.translated = true;
    ++g.exposures;
    g.touches.insert(touches.begin(), touches.end());
  }

  void collect_paths() {
    for (const auto& e : a_.exposures) {
      PathClass cls = PathClass::kOpen;
      if (e.via == solver::Via::kBastion) {
        cls = PathClass::kBastion;
      } else if (e.jit) {
        cls = PathClass::kJit;
      }
      add_exposure(e, cls);
    }
    if (!o_.exposed_only) {
      for (const auto& e : a_.broken) add_exposure(e, PathClass::kBroken);
    }
    for (const auto& [key, g] : groups_) {
      for (const auto& v : key.second) {
        if (kind_of(v) == ResourceKind::kNetworkInterface) on_path_nics_.insert(v.second);
      }
    }
  }

  // ---- clusters and placement ----

  std::string id_of(ResourceKind k, int index) const {
    const auto* r = m_.resource({k, index});
    if (r == nullptr) return "internet";
    if (!r->key.empty()) return diagram_id(r->key);
    return fmt::format("{}:{}", model::to_string(k), index);
  }
  std::string subnet_cluster(int s) const { return "cluster_" + id_of(ResourceKind::kSubnet, s); }
  std::string vnet_cluster(int v) const { return "cluster_" + id_of(ResourceKind::kVirtualNetwork, v); }

  void place_in_subnet(Vertex v, const model::Ref& subnet) {
    if (subnet.resolved() && !placement_.count(v)) placement_[v] = subnet_cluster(subnet.index);
  }

  /// Which frame each resource is drawn in: NICs, firewalls, Bastion hosts, application gateways, internal
  /// load balancers and private endpoints in their subnet; the rest at the top level.
  void place() {
    for (std::size_t i = 0; i < m_.nics.size(); ++i) {
      for (const auto& c : m_.nics[i].ip_configurations)
        place_in_subnet(vx(ResourceKind::kNetworkInterface, int(i)), c.subnet);
    }
    for (std::size_t i = 0; i < m_.firewalls.size(); ++i) {
      for (const auto& c : m_.firewalls[i].ip_configurations)
        place_in_subnet(vx(ResourceKind::kFirewall, int(i)), c.subnet);
    }
    for (std::size_t i = 0; i < m_.bastion_hosts.size(); ++i) {
      const auto& b = m_.bastion_hosts[i];
      const Vertex v = vx(ResourceKind::kBastionHost, int(i));
      for (const auto& c : b.ip_configurations) place_in_subnet(v, c.subnet);
      if (!placement_.count(v) && b.virtual_network.resolved()) placement_[v] = vnet_cluster(b.virtual_network.index);
    }
    for (std::size_t i = 0; i < m_.application_gateways.size(); ++i) {
      for (const auto& c : m_.application_gateways[i].gateway_ip_configurations) {
        place_in_subnet(vx(ResourceKind::kApplicationGateway, int(i)), c.subnet);
      }
    }
    for (std::size_t i = 0; i < m_.load_balancers.size(); ++i) {
      for (const auto& f : m_.load_balancers[i].frontends)
        place_in_subnet(vx(ResourceKind::kLoadBalancer, int(i)), f.subnet);
    }
    for (std::size_t i = 0; i < m_.private_endpoints.size(); ++i) {
      place_in_subnet(vx(ResourceKind::kPrivateEndpoint, int(i)), m_.private_endpoints[i].subnet);
    }
  }

  void add_clusters() {
    for (std::size_t i = 0; i < m_.vnets.size(); ++i) {
      const auto& v = m_.vnets[i];
      const std::string cid = vnet_cluster(int(i));
      clusters_[cid] = {cid, "virtual-network", clean(v.name), clean(v.name), "", v.id};
      const Vertex vv = vx(ResourceKind::kVirtualNetwork, int(i));
      // The frame carries the name; its anchor node the address space.
      add_node(vv, "virtual-network", clean(v.name), "", cid, v.id, "tab");
      nodes_.at(node(vv)).label =
          v.address_space.empty() ? std::string("virtual network") : prefixes_text(v.address_space);
    }
    for (std::size_t i = 0; i < m_.subnets.size(); ++i) {
      const auto& s = m_.subnets[i];
      const std::string cid = subnet_cluster(int(i));
      clusters_[cid] = {
          cid, "subnet", clean(s.name), clean(s.name), s.vnet.resolved() ? vnet_cluster(s.vnet.index) : std::string(),
          s.id};
      const Vertex sv = vx(ResourceKind::kSubnet, int(i));
      add_node(sv, "subnet", clean(s.name), "", cid, s.id, "plaintext");
      nodes_.at(node(sv)).label = s.prefixes.empty() ? std::string("subnet") : prefixes_text(s.prefixes);
    }
  }

  // ---- nodes ----

  std::string cluster_of(Vertex v) const {
    auto it = placement_.find(v);
    return it == placement_.end() ? std::string() : it->second;
  }

  void add_node(Vertex v, const std::string& kind, const std::string& name, const std::string& detail,
                const std::string& cluster, const std::string& resource_id, const char* shape) {
    DiagramNode n;
    n.id = v.second < 0 ? std::string("internet") : id_of(kind_of(v), v.second);
    n.kind = kind;
    n.name = name;
    n.label = detail.empty() ? name : name + "\n" + detail;
    n.cluster = cluster;
    n.resource_id = clean(resource_id);
    n.shape = shape;
    node_of_[v] = n.id;
    members_[n.id].insert(v);
    nodes_[n.id] = std::move(n);
  }

  void add_resource(ResourceKind k, int i, const std::string& detail, const char* shape) {
    const auto* r = m_.resource({k, i});
    const Vertex v = vx(k, i);
    add_node(v, model::to_string(k), clean(r->name), detail, cluster_of(v), r->id, shape);
  }

  std::string nic_addresses(const model::NetworkInterface& nic) const {
    std::vector<std::string> ips;
    for (const auto& c : nic.ip_configurations) {
      if (c.private_ip) ips.push_back(c.private_ip->to_string());
    }
    return join(ips, ", ");
  }

  void add_nics() {
    // NICs on no path (and not the focus, nor a route's next hop) are collapsed per subnet when there are two
    // or more of them: one node "N private NICs".
    std::map<std::string, std::vector<int>> collapsible;  // subnet cluster -> NICs
    for (std::size_t i = 0; i < m_.nics.size(); ++i) {
      const int n = static_cast<int>(i);
      const std::string c = cluster_of(vx(ResourceKind::kNetworkInterface, n));
      if (o_.expand_all || c.empty() || on_path_nics_.count(n) || focus_nics_.count(n) || next_hop_nics_.count(n)) {
        continue;
      }
      collapsible[c].push_back(n);
    }
    std::set<int> collapsed;
    for (const auto& [cluster, nics] : collapsible) {
      if (nics.size() < 2) continue;
      DiagramNode node;
      node.id = cluster.substr(std::string_view("cluster_").size()) + "#private-nics";
      node.kind = "private-nics";
      node.name = fmt::format("{} private NICs", nics.size());
      node.label = node.name;
      node.cluster = cluster;
      node.shape = "box3d";
      node.count = static_cast<int>(nics.size());
      for (int n : nics) {
        collapsed.insert(n);
        node_of_[vx(ResourceKind::kNetworkInterface, n)] = node.id;
        members_[node.id].insert(vx(ResourceKind::kNetworkInterface, n));
      }
      nodes_[node.id] = std::move(node);
    }
    for (std::size_t i = 0; i < m_.nics.size(); ++i) {
      const int n = static_cast<int>(i);
      if (collapsed.count(n)) continue;
      const auto& nic = m_.nics[i];
      const Vertex v = vx(ResourceKind::kNetworkInterface, n);
      const std::string name =
          nic.virtual_machine.resolved() ? clean(m_.vms[nic.virtual_machine.index].name) : clean(nic.name);
      add_node(v, "network-interface", name, nic_addresses(nic), cluster_of(v), nic.id, "box");
    }
  }

  void add_nodes() {
    add_node(vx(ResourceKind::kInternet, -1), "internet", "Internet", "", "", "", "ellipse");
    for (std::size_t i = 0; i < m_.public_ips.size(); ++i) {
      const auto& p = m_.public_ips[i];
      add_resource(ResourceKind::kPublicIp, int(i), p.address ? p.address->to_string() : "unallocated", "ellipse");
    }
    for (std::size_t i = 0; i < m_.nsgs.size(); ++i)
      add_resource(ResourceKind::kNetworkSecurityGroup, int(i), "NSG", "octagon");
    for (std::size_t i = 0; i < m_.route_tables.size(); ++i)
      add_resource(ResourceKind::kRouteTable, int(i), "route table", "note");
    for (std::size_t i = 0; i < m_.load_balancers.size(); ++i) {
      add_resource(ResourceKind::kLoadBalancer, int(i),
                   fmt::format("load balancer {}", model::to_string(m_.load_balancers[i].sku)), "invhouse");
    }
    for (std::size_t i = 0; i < m_.firewalls.size(); ++i) {
      std::string detail = "firewall";
      for (const auto& c : m_.firewalls[i].ip_configurations) {
        if (c.private_ip) {
          detail += " " + c.private_ip->to_string();
          break;
        }
      }
      add_resource(ResourceKind::kFirewall, int(i), detail, "hexagon");
    }
    for (std::size_t i = 0; i < m_.bastion_hosts.size(); ++i) {
      add_resource(ResourceKind::kBastionHost, int(i),
                   fmt::format("Bastion {}", model::to_string(m_.bastion_hosts[i].sku)), "house");
    }
    for (std::size_t i = 0; i < m_.application_gateways.size(); ++i) {
      add_resource(ResourceKind::kApplicationGateway, int(i), "application gateway", "trapezium");
    }
    for (std::size_t i = 0; i < m_.private_endpoints.size(); ++i) {
      add_resource(ResourceKind::kPrivateEndpoint, int(i), "private endpoint", "component");
    }
    for (std::size_t i = 0; i < m_.paas_services.size(); ++i) {
      const auto& s = m_.paas_services[i];
      add_resource(ResourceKind::kPaasService, int(i), fmt::format("{} (PaaS)", model::to_string(s.kind)), "cylinder");
    }
    for (std::size_t i = 0; i < m_.virtual_hubs.size(); ++i)
      add_resource(ResourceKind::kVirtualHub, int(i), "virtual hub", "doubleoctagon");
    find_next_hops();
    add_nics();
  }

  // ---- structural edges ----

  void edge(const std::string& from, const std::string& to, const char* kind, const std::string& label = {}) {
    if (from.empty() || to.empty() || from == to) return;
    edges_[{from, to, kind}].insert(label);
  }
  std::string node(Vertex v) const {
    auto it = node_of_.find(v);
    return it == node_of_.end() ? std::string() : it->second;
  }
  std::string node(ResourceKind k, int i) const { return node(vx(k, i)); }

  /// The connections held by the model's graph: NSGs, route tables, public IPs, load balancer backends,
  /// private endpoints, hub connections; then what the graph does not hold (Bastion and application gateway
  /// public IPs, peerings with their state).
  void add_structure() {
    const auto& g = m_.topology().graph;
    for (auto [it, end] = boost::edges(g); it != end; ++it) {
      const auto& from = g[boost::source(*it, g)];
      const auto& to = g[boost::target(*it, g)];
      const auto kind = g[*it].kind;
      // Containment is drawn as frames, peerings below, and the internet reaches public IPs by paths.
      if (kind == model::EdgeKind::kContains || kind == model::EdgeKind::kReaches ||
          kind == model::EdgeKind::kMemberOf || kind == model::EdgeKind::kPeeredWith ||
          (kind == model::EdgeKind::kAttachedTo && from.kind != ResourceKind::kPublicIp &&
           from.kind != ResourceKind::kPrivateEndpoint)) {
        continue;
      }
      const std::string a = node(from.kind, from.index);
      const std::string b = node(to.kind, to.index);
      switch (kind) {
        case model::EdgeKind::kSecuredBy: edge(a, b, "secured-by"); break;
        case model::EdgeKind::kRoutedBy: edge(a, b, "routed-by"); break;
        case model::EdgeKind::kBalancesTo: edge(a, b, "balances-to"); break;
        case model::EdgeKind::kConnectedTo: edge(a, b, "connected-to"); break;
        case model::EdgeKind::kAttachedTo:
          if (from.kind == ResourceKind::kPublicIp) edge(a, b, "attached");
          if (from.kind == ResourceKind::kPrivateEndpoint && to.kind == ResourceKind::kPaasService) {
            edge(a, b, "private-link");
          }
          break;
        default: break;
      }
    }
    for (std::size_t i = 0; i < m_.bastion_hosts.size(); ++i) {
      for (const auto& c : m_.bastion_hosts[i].ip_configurations) {
        if (c.public_ip.resolved()) {
          edge(node(ResourceKind::kPublicIp, c.public_ip.index), node(ResourceKind::kBastionHost, int(i)), "attached");
        }
      }
    }
    for (std::size_t i = 0; i < m_.application_gateways.size(); ++i) {
      for (const auto& f : m_.application_gateways[i].frontends) {
        if (f.public_ip.resolved()) {
          edge(node(ResourceKind::kPublicIp, f.public_ip.index), node(ResourceKind::kApplicationGateway, int(i)),
               "attached");
        }
      }
    }
    // Peerings: one edge per pair of VNets; "one-way" when only one side has a peering, "not connected" when a
    // side's peeringState is not Connected.
    std::map<std::pair<std::string, std::string>, std::pair<int, bool>> pairs;  // -> (sides, all connected)
    for (std::size_t i = 0; i < m_.vnets.size(); ++i) {
      for (const auto& p : m_.vnets[i].peerings) {
        if (!p.remote_vnet.resolved()) continue;
        std::string a = node(ResourceKind::kVirtualNetwork, int(i));
        std::string b = node(ResourceKind::kVirtualNetwork, p.remote_vnet.index);
        if (a == b) continue;
        if (b < a) std::swap(a, b);
        auto [it, fresh] = pairs.try_emplace({a, b}, std::make_pair(0, true));
        ++it->second.first;
        it->second.second = it->second.second && p.connected;
      }
    }
    for (const auto& [ends, state] : pairs) {
      std::string label = "peering";
      if (state.first < 2) label += " (one-way)";
      if (!state.second) label += " (not connected)";
      edge(ends.first, ends.second, "peering", label);
    }
  }

  std::map<std::string, Vertex> addresses() const {
    std::map<std::string, Vertex> at;
    for (std::size_t i = 0; i < m_.firewalls.size(); ++i) {
      for (const auto& c : m_.firewalls[i].ip_configurations) {
        if (c.private_ip) at.emplace(c.private_ip->to_string(), vx(ResourceKind::kFirewall, int(i)));
      }
    }
    for (std::size_t i = 0; i < m_.load_balancers.size(); ++i) {
      for (const auto& f : m_.load_balancers[i].frontends) {
        if (f.private_ip) at.emplace(f.private_ip->to_string(), vx(ResourceKind::kLoadBalancer, int(i)));
      }
    }
    for (std::size_t i = 0; i < m_.nics.size(); ++i) {
      for (const auto& c : m_.nics[i].ip_configurations) {
        if (c.private_ip) at.emplace(c.private_ip->to_string(), vx(ResourceKind::kNetworkInterface, int(i)));
      }
    }
    return at;
  }

  /// NICs that are a route's next hop stay visible (not collapsed).
  void find_next_hops() {
    bool any = false;
    for (const auto& rt : m_.route_tables) {
      for (const auto& r : rt.routes)
        any = any || (r.next_hop == model::NextHopType::kVirtualAppliance && r.next_hop_ip);
    }
    if (!any) return;
    address_of_ = addresses();
    for (const auto& rt : m_.route_tables) {
      for (const auto& r : rt.routes) {
        if (r.next_hop != model::NextHopType::kVirtualAppliance || !r.next_hop_ip) continue;
        auto it = address_of_.find(r.next_hop_ip->to_string());
        if (it != address_of_.end() && kind_of(it->second) == ResourceKind::kNetworkInterface) {
          next_hop_nics_.insert(it->second.second);
        }
      }
    }
  }

  /// User-defined routes as edges from the route table to the next hop: the internet, or the firewall, NIC or
  /// internal load balancer holding a virtual appliance address (a node "next-hop:IP" when none does).
  void add_routes() {
    for (std::size_t i = 0; i < m_.route_tables.size(); ++i) {
      const std::string rt = node(ResourceKind::kRouteTable, int(i));
      for (const auto& r : m_.route_tables[i].routes) {
        const std::string label = clean(r.prefix_text);
        if (r.next_hop == model::NextHopType::kInternet) {
          edge(rt, "internet", "route", label);
          continue;
        }
        if (r.next_hop != model::NextHopType::kVirtualAppliance || !r.next_hop_ip) continue;
        const std::string ip = r.next_hop_ip->to_string();
        auto it = address_of_.find(ip);
        if (it != address_of_.end()) {
          edge(rt, node(it->second), "route", label);
          continue;
        }
        const std::string id = "next-hop:" + ip;
        if (!nodes_.count(id)) {
          DiagramNode n;
          n.id = id;
          n.kind = "next-hop";
          n.name = ip;
          n.label = ip + "\nnext hop (not in input)";
          n.shape = "box";
          nodes_[id] = std::move(n);
        }
        edge(rt, id, "route", label);
      }
    }
  }

  // ---- selection and output ----

  void finish(Diagram& d) {
    const bool focus = focus_.has_value();
    // Which paths are drawn: all (exposed only drops broken flows earlier); with --focus, those touching it.
    std::vector<const std::pair<const std::pair<int, std::vector<Vertex>>, PathGroup>*> drawn;
    for (const auto& entry : groups_) {
      if (focus) {
        bool touches = false;
        for (const auto& v : focus_set_) touches = touches || entry.second.touches.count(v) > 0;
        if (!touches) continue;
      }
      drawn.push_back(&entry);
    }
    std::set<std::string> keep;
    const bool select = focus || o_.exposed_only;
    if (focus && !o_.exposed_only) {
      std::set<std::string> core;
      for (const auto& v : focus_set_) {
        const std::string n = node(v);
        if (!n.empty()) core.insert(n);
      }
      keep = core;
      // Structural neighbours (NSGs, route tables, public IPs, peers, backends), and each core node's subnet
      // with the subnet's own NSG and route table.
      std::set<std::string> anchors;
      for (const auto& id : core) {
        const auto& c = nodes_.at(id).cluster;
        if (c.rfind("cluster_", 0) == 0 && clusters_.at(c).kind == "subnet") anchors.insert(c.substr(8));
      }
      for (const auto& [key, labels] : edges_) {
        const auto& [from, to, kind] = key;
        if (core.count(from) || anchors.count(from)) keep.insert(to);
        if (core.count(to)) keep.insert(from);
      }
      keep.insert(anchors.begin(), anchors.end());
    }
    // Paths: colours by class in order, labels on the last edge (and the entry ports on the first).
    std::array<std::size_t, 4> next_colour{};
    std::set<std::string> used_colours;
    for (const auto* entry : drawn) {
      const auto cls = static_cast<PathClass>(entry->first.first);
      const auto& g = entry->second;
      DiagramPath p;
      p.path_class = to_string(cls);
      for (const auto& v : entry->first.second) {
        const std::string n = node(v);
        if (!n.empty() && (p.nodes.empty() || p.nodes.back() != n)) p.nodes.push_back(n);
      }
      if (p.nodes.size() < 2) continue;
      p.ports = ports_label(g.ports, g.present);
      if (g.translated) p.entry_ports = ports_label(g.entry_ports, g.present);
      if (cls == PathClass::kBroken) {
        p.color = kBrokenColor;
      } else {
        // Every path its own colour: skip a generated colour that rounds to one already taken (bounded, so
        // that an estate with more paths than distinct colours in the band still draws).
        std::size_t& k = next_colour[entry->first.first];
        p.color = path_colour(cls, k++);
        for (int tries = 0; used_colours.count(p.color) && tries < 64; ++tries) p.color = path_colour(cls, k++);
        used_colours.insert(p.color);
      }
      p.exposures = g.exposures;
      for (const auto& n : p.nodes) {
        keep.insert(n);
        if (cls != PathClass::kBroken && n != "internet") nodes_.at(n).exposed = true;
      }
      d.paths.push_back(std::move(p));
    }
    // Nodes and the frames holding them.
    std::set<std::string> frames;
    for (auto& [id, n] : nodes_) {
      if (select && !keep.count(id)) continue;
      for (std::string c = n.cluster; !c.empty(); c = clusters_.at(c).parent) frames.insert(c);
      d.nodes.push_back(n);
    }
    for (const auto& [id, c] : clusters_) {
      if (!select || frames.count(id)) d.clusters.push_back(c);
    }
    if (!o_.exposed_only) {
      for (const auto& [key, labels] : edges_) {
        const auto& [from, to, kind] = key;
        if (select && (!keep.count(from) || !keep.count(to))) continue;
        DiagramEdge e;
        e.from = from;
        e.to = to;
        e.kind = kind;
        std::vector<std::string> parts;
        for (const auto& l : labels) {
          if (!l.empty()) parts.push_back(l);
        }
        e.label = join(parts, "\n");
        e.color = e.kind == "peering" || e.kind == "connected-to" ? "#4a6fa5"
                  : e.kind == "route"                             ? "#1f4e79"
                  : e.kind == "private-link"                      ? "#6a3d9a"
                                                                  : kStructureColor;
        e.style = e.kind == "secured-by" || e.kind == "routed-by" || e.kind == "private-link" ? "dashed" : "solid";
        d.edges.push_back(std::move(e));
      }
    }
    for (std::size_t i = 0; i < d.paths.size(); ++i) {
      const auto& p = d.paths[i];
      const char* style = p.path_class == std::string_view("open")     ? "solid"
                          : p.path_class == std::string_view("broken") ? "dotted"
                                                                       : "dashed";
      const std::string prefix = p.path_class == std::string_view("bastion")  ? "Bastion: "
                                 : p.path_class == std::string_view("jit")    ? "JIT: "
                                 : p.path_class == std::string_view("broken") ? "broken: "
                                                                              : "";
      for (std::size_t h = 0; h + 1 < p.nodes.size(); ++h) {
        DiagramEdge e;
        e.from = p.nodes[h];
        e.to = p.nodes[h + 1];
        e.kind = "path";
        e.color = p.color;
        e.style = style;
        e.path = static_cast<int>(i);
        if (h + 2 == p.nodes.size()) {
          e.label = prefix + p.ports;
        } else if (h == 0 && !p.entry_ports.empty()) {
          e.label = prefix + p.entry_ports;
        }
        d.edges.push_back(std::move(e));
      }
    }
  }

  const model::Model& m_;
  const solver::Analysis& a_;
  const DiagramOptions& o_;
  std::optional<Vertex> focus_;
  std::set<int> focus_nics_;
  std::set<Vertex> focus_set_;
  std::map<std::pair<int, std::vector<Vertex>>, PathGroup> groups_;  // (class, nodes) -> merged exposures
  std::set<int> on_path_nics_;
  std::set<int> next_hop_nics_;
  std::map<std::string, Vertex> address_of_;  // private address -> firewall, load balancer or NIC
  std::map<Vertex, std::string> placement_;   // resource -> cluster id
  std::map<std::string, DiagramCluster> clusters_;
  std::map<std::string, DiagramNode> nodes_;
  std::map<Vertex, std::string> node_of_;  // resource -> node id (collapsed NICs: the subnet's collapsed node)
  std::map<std::string, std::set<Vertex>> members_;
  std::map<std::tuple<std::string, std::string, std::string>, std::set<std::string>> edges_;  // -> labels
};

}  // namespace

std::string diagram_id(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (char ch : key) {
    const auto c = static_cast<unsigned char>(ch);
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      std::string_view("/._:()@+=~-").find(ch) != std::string_view::npos;
    if (safe) {
      out += ch;
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

DiagramResult build_diagram(const model::Model& m, const solver::Analysis& a, const DiagramOptions& options) {
  return Builder(m, a, options).run();
}

}  // namespace exposim::cli
