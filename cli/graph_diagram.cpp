// Builds the diagram of `exposim graph` from the model's topology graph and the analysis (cli/graph_diagram.h):
// frames, nodes and structural edges here; exposed paths in cli/graph_paths.cpp, --focus in cli/graph_focus.cpp,
// each resource kind's node style (form, shape, label, frame) and the colours in cli/graph_palette.cpp.
#include "cli/graph_diagram.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include <fmt/format.h>

#include "cli/graph_focus.h"
#include "cli/graph_palette.h"
#include "cli/graph_paths.h"
#include "cli/terminal.h"
#include "model/topology.h"
#include "solver/attack_path.h"

namespace exposim::cli {
namespace {

using model::ResourceKind;

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

class Builder {
 public:
  Builder(const model::Model& m, const solver::Analysis& a, const DiagramOptions& o) : m_(m), a_(a), o_(o) {}

  DiagramResult run() {
    DiagramResult result;
    if (!o_.focus.empty()) {
      focus_ = resolve_focus(m_, o_.focus, result);
      if (!focus_) return result;
    }
    collect_paths();
    place();
    if (focus_) {
      focus_set_ = focus_vertices(m_, *focus_, placement_, [&](const Vertex& v) { return "cluster_" + id_of(v); });
    }
    add_nodes();
    add_structure();
    add_routes();
    if (focus_ && !focus_drawn()) {
      result.error = fmt::format("--focus: '{}' is a {}, which the diagram does not draw", clean_label(o_.focus),
                                 model::to_string(kind_of(focus_->vertex)));
      return result;
    }
    finish(result.diagram);
    return result;
  }

 private:
  // ---- --focus ----

  bool focus_drawn() const {
    for (const auto& v : focus_set_) {
      if (node_of_.count(v)) return true;
    }
    return false;
  }

  // ---- exposed paths ----

  void collect_paths() {
    groups_ = cli::collect_paths(a_, o_.exposed_only);
    for (const auto& [key, g] : groups_) {
      for (const auto& v : key.second) {
        if (kind_of(v) == ResourceKind::kNetworkInterface) on_path_nics_.insert(v.second);
      }
    }
    // --attack-paths: every NIC of a chain keeps its own node, as an exposed one does.
    if (o_.attack_paths != nullptr) {
      for (const auto& p : o_.attack_paths->paths) {
        on_path_nics_.insert(p.entry.nic);
        for (const auto& step : p.steps) {
          if (step.flows.front().nic >= 0) on_path_nics_.insert(step.flows.front().nic);
        }
      }
    }
  }

  // ---- attack paths ----

  /// The node of a step's target: its NIC's, its private endpoint's, or its PaaS service's (a public endpoint).
  std::string attack_node(const solver::ReachFlow& f) const {
    if (f.target_kind == ResourceKind::kPrivateEndpoint || f.target_kind == ResourceKind::kPaasService) {
      return node(f.target_kind, f.target);
    }
    return node(ResourceKind::kNetworkInterface, f.nic);
  }

  /// Each step of the attack paths as one (from, to) node pair, in the paths' order (the first time met), with its
  /// protocols and ports, one per line ("tcp 8080").
  std::vector<std::pair<std::pair<std::string, std::string>, std::vector<std::string>>> attack_steps() const {
    std::vector<std::pair<std::pair<std::string, std::string>, std::vector<std::string>>> out;
    if (o_.attack_paths == nullptr) return out;
    for (const auto& p : o_.attack_paths->paths) {
      std::string from = node(ResourceKind::kNetworkInterface, p.entry.nic);
      for (const auto& step : p.steps) {
        const std::string to = attack_node(step.flows.front());
        const std::pair<std::string, std::string> key{from, to};
        from = to;
        if (key.first.empty() || key.second.empty() || key.first == key.second) continue;
        if (std::any_of(out.begin(), out.end(), [&](const auto& o) { return o.first == key; })) continue;
        // Each protocol once, its ports united over the step's flows (paths differ, not what passes).
        std::vector<std::pair<model::Protocol, model::PortSet>> by_protocol;
        for (const auto& f : step.flows) {
          auto it = std::find_if(by_protocol.begin(), by_protocol.end(),
                                 [&](const auto& bp) { return bp.first == f.protocol; });
          if (it == by_protocol.end()) {
            by_protocol.emplace_back(f.protocol, f.ports);
          } else {
            it->second = it->second.unite(f.ports);
          }
        }
        std::vector<std::string> ports;
        for (const auto& [protocol, set] : by_protocol) {
          std::string text = model::to_string(protocol);
          if (model::has_ports(protocol)) {
            text.append(" ").append(set.is_all() ? std::string("all") : model::to_string(set));
          }
          ports.push_back(std::move(text));
        }
        out.emplace_back(key, std::move(ports));
      }
    }
    return out;
  }

  // ---- clusters and placement ----

  std::string id_of(ResourceKind k, int index) const {
    const auto* r = m_.resource({k, index});
    if (r == nullptr) return "internet";
    if (!r->key.empty()) return diagram_id(r->key);
    return fmt::format("{}:{}", model::to_string(k), index);
  }
  std::string id_of(const Vertex& v) const { return id_of(kind_of(v), v.second); }

  std::string frame_id(const model::GraphVertex& frame) const { return "cluster_" + id_of(frame.kind, frame.index); }

  /// Which frame each resource is drawn in (node_style(kind).frame): the rest at the top level.
  void place() {
    model::for_each_kind([&](const auto& row) {
      const NodeStyle& style = node_style(row.kind);
      if (style.frame == nullptr || style.form == NodeForm::kFrame) return;
      for (std::size_t i = 0; i < (m_.*row.items).size(); ++i) {
        if (auto frame = style.frame(m_, int(i))) placement_[vx(row.kind, int(i))] = frame_id(*frame);
      }
    });
  }

  /// A virtual network's or subnet's frame, and its anchor node carrying the address prefixes (the frame carries
  /// the name).
  void add_frame(const NodeStyle& style, int i) {
    const auto* r = m_.resource({style.kind, i});
    const std::string cid = frame_id({style.kind, i});
    std::string parent;
    if (style.frame != nullptr) {
      if (auto frame = style.frame(m_, i)) parent = frame_id(*frame);
    }
    clusters_[cid] = {cid, model::to_string(style.kind), clean_label(r->name), clean_label(r->name), parent, r->id};
    const Vertex v = vx(style.kind, i);
    add_node(v, model::to_string(style.kind), clean_label(r->name), "", cid, r->id, style.shape);
    auto& anchor = nodes_.at(node(v));
    anchor.label = style.detail(m_, i);
    anchor.anchor = true;
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
    n.resource_id = clean_label(resource_id);
    n.shape = shape;
    node_of_[v] = n.id;
    members_[n.id].insert(v);
    nodes_[n.id] = std::move(n);
  }

  void add_resource(const NodeStyle& style, int i) {
    const auto* r = m_.resource({style.kind, i});
    const Vertex v = vx(style.kind, i);
    add_node(v, model::to_string(style.kind), clean_label(r->name), style.detail(m_, i), cluster_of(v), r->id,
             style.shape);
  }

  void add_nics(const NodeStyle& style) {
    // NICs on no path (and not the focus, nor a route's next hop) are collapsed per subnet when there are two
    // or more of them: one node "N private NICs".
    std::map<std::string, std::vector<int>> collapsible;  // subnet cluster -> NICs
    for (std::size_t i = 0; i < m_.nics.size(); ++i) {
      const int n = static_cast<int>(i);
      const std::string c = cluster_of(vx(ResourceKind::kNetworkInterface, n));
      if (o_.expand_all || c.empty() || on_path_nics_.count(n) || (focus_ && focus_->nics.count(n)) ||
          next_hop_nics_.count(n)) {
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
          nic.virtual_machine.resolved() ? clean_label(m_.vms[nic.virtual_machine.index].name) : clean_label(nic.name);
      add_node(v, model::to_string(style.kind), name, style.detail(m_, n), cluster_of(v), nic.id, style.shape);
    }
  }

  /// The internet, then every resource kind as node_style() says.
  void add_nodes() {
    add_node(vx(ResourceKind::kInternet, -1), "internet", "Internet", "", "", "", "ellipse");
    find_next_hops();
    model::for_each_kind([&](const auto& row) {
      const NodeStyle& style = node_style(row.kind);
      const int count = static_cast<int>((m_.*row.items).size());
      switch (style.form) {
        case NodeForm::kNotDrawn: break;
        case NodeForm::kFrame:
          for (int i = 0; i < count; ++i) add_frame(style, i);
          break;
        case NodeForm::kNode:
          for (int i = 0; i < count; ++i) add_resource(style, i);
          break;
        case NodeForm::kNics: add_nics(style); break;
      }
    });
    // A security admin rule stands for its collection's node (on a path: the rule that decided).
    for (std::size_t i = 0; i < m_.admin_rules.size(); ++i) {
      const int c = m_.admin_rules[i].collection.index;
      const std::string n = c >= 0 ? node(ResourceKind::kAdminRuleCollection, c) : std::string();
      if (n.empty()) continue;
      node_of_[vx(ResourceKind::kAdminRule, int(i))] = n;
      members_[n].insert(vx(ResourceKind::kAdminRule, int(i)));
    }
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

  /// The connections held by the model's graph: NSGs, route tables, public IPs and prefixes, load balancer backends,
  /// private endpoints, hub connections, NAT gateways' subnets; then what the graph does not hold (public IPs taken
  /// from a prefix, Bastion and application gateway public IPs, peerings with their state).
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
           from.kind != ResourceKind::kPrivateEndpoint && from.kind != ResourceKind::kPublicIpPrefix &&
           from.kind != ResourceKind::kNatGateway)) {
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
          // A public IP or prefix serving a resource; a NAT gateway's subnets (its outbound translation).
          if (from.kind == ResourceKind::kPublicIp || from.kind == ResourceKind::kPublicIpPrefix) {
            edge(a, b, "attached");
          }
          if (from.kind == ResourceKind::kNatGateway) edge(a, b, "outbound");
          if (from.kind == ResourceKind::kPrivateEndpoint && to.kind == ResourceKind::kPaasService) {
            edge(a, b, "private-link");
          }
          break;
        default: break;
      }
    }
    // The public IPs taken from a prefix.
    for (std::size_t i = 0; i < m_.public_ip_prefixes.size(); ++i) {
      for (int p : m_.public_ip_prefixes[i].public_ips) {
        edge(node(ResourceKind::kPublicIpPrefix, int(i)), node(ResourceKind::kPublicIp, p), "allocated");
      }
    }
    for (std::size_t i = 0; i < m_.bastion_hosts.size(); ++i) {
      for (const auto& c : m_.bastion_hosts[i].ip_configurations) {
        if (c.public_ip.resolved()) {
          edge(node(ResourceKind::kPublicIp, c.public_ip.index), node(ResourceKind::kBastionHost, int(i)), "attached");
        }
      }
    }
    // A firewall's management public IP (forced tunnelling): attached to it, though never an entry.
    for (std::size_t i = 0; i < m_.firewalls.size(); ++i) {
      const auto& ref = m_.firewalls[i].management_public_ip;
      if (!ref.set()) continue;
      if (auto v = m_.find(ref.id); v && v->kind == ResourceKind::kPublicIp) {
        edge(node(ResourceKind::kPublicIp, v->index), node(ResourceKind::kFirewall, int(i)), "management",
             "management");
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
    // Security admin rules: their collection to each VNet where they apply, labelled with each rule's access, name
    // and priority, and "outbound" for an outbound rule (a Deny rule whose membership or deployment is undecided is
    // not applied: not drawn either).
    for (std::size_t v = 0; v < m_.vnets.size(); ++v) {
      for (const auto* list : {&m_.vnets[v].admin_rules, &m_.vnets[v].admin_rules_outbound}) {
        const bool outbound = list == &m_.vnets[v].admin_rules_outbound;
        for (int r : *list) {
          const auto& rule = m_.admin_rules[r];
          if (rule.collection.index < 0) continue;
          edge(node(ResourceKind::kAdminRuleCollection, rule.collection.index),
               node(ResourceKind::kVirtualNetwork, int(v)), "admin-rules",
               fmt::format("{} {} ({}{})", model::to_string(rule.access), clean_label(rule.name), rule.rule.priority,
                           outbound ? ", outbound" : ""));
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
      if (const auto& hub = m_.firewalls[i].hub_private_ip) {
        at.emplace(hub->to_string(), vx(ResourceKind::kFirewall, int(i)));
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

  /// The frame of the subnet whose prefixes hold `a`, else of the virtual network whose address space does, else
  /// "" (the top level).
  std::string frame_holding(const model::IpAddress& a) const {
    for (std::size_t i = 0; i < m_.subnets.size(); ++i) {
      for (const auto& p : m_.subnets[i].prefixes) {
        if (p.contains(a)) return frame_id({ResourceKind::kSubnet, int(i)});
      }
    }
    for (std::size_t i = 0; i < m_.vnets.size(); ++i) {
      for (const auto& p : m_.vnets[i].address_space) {
        if (p.contains(a)) return frame_id({ResourceKind::kVirtualNetwork, int(i)});
      }
    }
    return "";
  }

  /// User-defined routes as edges from the route table to the next hop: the internet, or the firewall, NIC or
  /// internal load balancer holding a virtual appliance address (a node "next-hop:IP" when none does).
  void add_routes() {
    for (std::size_t i = 0; i < m_.route_tables.size(); ++i) {
      const std::string rt = node(ResourceKind::kRouteTable, int(i));
      for (const auto& r : m_.route_tables[i].routes) {
        const std::string label = clean_label(r.prefix_text);
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
          n.label = ip + "\nnext hop: no resource\nin the input has it";
          n.shape = "box";
          n.cluster = frame_holding(*r.next_hop_ip);
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
    std::vector<const PathGroups::value_type*> drawn;
    for (const auto& entry : groups_) {
      if (focus) {
        bool touches = false;
        for (const auto& v : focus_set_) touches = touches || entry.second.touches.count(v) > 0;
        // A security admin rule on the path stands for its collection's node, which the focus may name.
        for (const auto& v : entry.second.touches) {
          if (kind_of(v) != ResourceKind::kAdminRule) continue;
          for (const auto& f : focus_set_) touches = touches || (node(f) == node(v) && !node(v).empty());
        }
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
      keep = focus_neighbourhood(core, nodes_, clusters_, edges_);
    }
    // Paths: colours by class in order, labels on the last edge (and the entry ports on the first).
    for (auto& p : draw_paths(drawn, [&](const Vertex& v) { return node(v); })) {
      for (const auto& n : p.nodes) {
        keep.insert(n);
        if (p.path_class != to_string(PathClass::kBroken) && n != "internet") nodes_.at(n).exposed = true;
      }
      d.paths.push_back(std::move(p));
    }
    // Attack paths: drawn whole, except that --focus keeps those of its neighbourhood only.
    const auto attacks = attack_steps();
    if (!focus) {
      for (const auto& [ends, ports] : attacks) {
        keep.insert(ends.first);
        keep.insert(ends.second);
      }
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
        e.color = structure_colour(e.kind);
        e.style = structure_style(e.kind);
        d.edges.push_back(std::move(e));
      }
    }
    add_path_edges(d);
    for (const auto& [ends, ports] : attacks) {
      if (select && (!keep.count(ends.first) || !keep.count(ends.second))) continue;
      DiagramEdge e;
      e.from = ends.first;
      e.to = ends.second;
      e.kind = "attack-path";
      e.label = join(ports, "\n");
      e.color = structure_colour(e.kind);
      e.style = structure_style(e.kind);
      d.edges.push_back(std::move(e));
    }
    // A public IP's attachment drawn as a path step already needs no second arrow.
    std::set<std::pair<std::string, std::string>> steps;
    for (const auto& e : d.edges) {
      if (e.kind == "path") steps.emplace(e.from, e.to);
    }
    d.edges.erase(std::remove_if(d.edges.begin(), d.edges.end(),
                                 [&](const DiagramEdge& e) {
                                   return e.kind == "attached" && steps.count({e.from, e.to});
                                 }),
                  d.edges.end());
  }

  const model::Model& m_;
  const solver::Analysis& a_;
  const DiagramOptions& o_;
  std::optional<Focus> focus_;
  std::set<Vertex> focus_set_;  // the resources the focus stands for
  PathGroups groups_;
  std::set<int> on_path_nics_;
  std::set<int> next_hop_nics_;
  std::map<std::string, Vertex> address_of_;  // private address -> firewall, load balancer or NIC
  std::map<Vertex, std::string> placement_;   // resource -> cluster id
  std::map<std::string, DiagramCluster> clusters_;
  std::map<std::string, DiagramNode> nodes_;
  std::map<Vertex, std::string> node_of_;  // resource -> node id (collapsed NICs: the subnet's collapsed node)
  std::map<std::string, std::set<Vertex>> members_;
  EdgeLabels edges_;
};

}  // namespace

std::string clean_label(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\r') {
      out += "\\r";
    } else if (ch == '\t') {
      out += "\\t";
    } else {
      out += ch;
    }
  }
  // The other control characters, C1 controls, bidirectional overrides and bytes that are not UTF-8 (which
  // Graphviz rejects) as terminal_text() escapes them: the label also appears in messages on the terminal.
  return terminal_text(out);
}

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
