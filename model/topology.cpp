// The topology graph: its vertices and edges, built by validation from the resolved references; and the Model's
// members that hold it.
#include "model/topology.h"

#include <set>

#include "model/resolver.h"

namespace exposim::model {

const char* to_string(EdgeKind k) {
  switch (k) {
    case EdgeKind::kContains: return "contains";
    case EdgeKind::kAttachedTo: return "attached-to";
    case EdgeKind::kSecuredBy: return "secured-by";
    case EdgeKind::kRoutedBy: return "routed-by";
    case EdgeKind::kPeeredWith: return "peered-with";
    case EdgeKind::kMemberOf: return "member-of";
    case EdgeKind::kReaches: return "reaches";
    case EdgeKind::kBalancesTo: return "balances-to";
    case EdgeKind::kConnectedTo: return "connected-to";
  }
  return "?";
}

Model::Model() = default;
Model::~Model() = default;
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;

Model::Model(const Model& o)
    :
#define EXPOSIM_KIND_COPY(Enum, name, member, Type, noun) member(o.member),
      EXPOSIM_RESOURCE_KINDS(EXPOSIM_KIND_COPY)
#undef EXPOSIM_KIND_COPY
          source_addresses(o.source_addresses),
      source_instances(o.source_instances),
      service_tags(o.service_tags),
      topology_(o.topology_ ? std::make_unique<Topology>(*o.topology_) : nullptr) {
  // The index must view this copy's strings, not the original's.
  for (const auto& [key, v] : o.by_key) {
    const ResourceBase* r = resource(topology_->graph[v]);
    if (r != nullptr) by_key.emplace(r->key, v);
  }
}

Model& Model::operator=(const Model& o) {
  if (this != &o) {
    Model copy(o);
    *this = std::move(copy);
  }
  return *this;
}

const SourceAddress* Model::source_address(std::string_view key) const {
  if (source_addresses.empty()) return nullptr;
  auto it = source_addresses.find(std::string(key));
  return it == source_addresses.end() ? nullptr : &it->second;
}

void name_source_instances(const Model& m, Diagnostics& diags, std::size_t from) {
  if (m.source_instances.empty()) return;
  for (std::size_t k = from; k < diags.size(); ++k) {
    Diagnostic& d = diags.at(k);
    // The instance's object is ".../resources/N": cut the pointer after the last such step.
    const std::string& p = d.where.pointer;
    const auto at = p.rfind("/resources/");
    if (at == std::string::npos) continue;
    auto end = at + 11;
    while (end < p.size() && p[end] >= '0' && p[end] <= '9') ++end;
    if (end == at + 11) continue;
    auto it = m.source_instances.find(d.where.file.str() + "\n" + p.substr(0, end));
    if (it == m.source_instances.end() || d.message.rfind(it->second + ":", 0) == 0) continue;
    d.message = it->second + ": " + d.message;
  }
}

const Topology& Model::topology() const {
  static const Topology kEmpty;
  return topology_ ? *topology_ : kEmpty;
}

Topology& Model::topology() {
  if (!topology_) topology_ = std::make_unique<Topology>();
  return *topology_;
}

std::optional<GraphVertex> Model::find(std::string_view key) const {
  auto it = by_key.find(key);
  if (it == by_key.end()) return std::nullopt;
  return topology_->graph[it->second];
}

void build_vertices(Model& m) {
  Graph& g = m.topology().graph;
  g.clear();
  m.by_key.clear();
  boost::add_vertex(GraphVertex{ResourceKind::kInternet, -1}, g);
  for_each_kind([&](const auto& row) {
    const auto& items = m.*row.items;
    for (std::size_t i = 0; i < items.size(); ++i) {
      auto v = boost::add_vertex(GraphVertex{row.kind, static_cast<int>(i)}, g);
      if (!items[i].key.empty()) m.by_key.emplace(std::string_view(items[i].key), v);
    }
  });
}

void build_edges(Model& m) {
  Graph& g = m.topology().graph;
  auto edge = [&](VertexId from, VertexId to, EdgeKind kind) { boost::add_edge(from, to, GraphEdge{kind}, g); };
  auto vertex = [&](const Ref& ref) { return m.by_key.at(ref.id); };
  auto of = [&](const ResourceBase& r) { return m.by_key.at(r.key); };
  // Entry points: public IP -> Bastion or gateway, entry point -> its subnet, gateway -> backend NICs.
  for (const auto& b : m.bastion_hosts) {
    const VertexId bv = of(b);
    for (const auto& c : b.ip_configurations) {
      if (c.public_ip.resolved()) edge(vertex(c.public_ip), bv, EdgeKind::kAttachedTo);
      if (c.subnet.resolved()) edge(bv, vertex(c.subnet), EdgeKind::kAttachedTo);
    }
  }
  for (const auto& ag : m.application_gateways) {
    const VertexId gv = of(ag);
    for (const auto& fe : ag.frontends) {
      if (fe.public_ip.resolved()) edge(vertex(fe.public_ip), gv, EdgeKind::kAttachedTo);
    }
    for (const auto& c : ag.gateway_ip_configurations) {
      if (c.subnet.resolved()) edge(gv, vertex(c.subnet), EdgeKind::kAttachedTo);
    }
    std::set<int> nics;
    for (const auto& pool : ag.backend_pools) {
      for (const auto& x : pool.members) nics.insert(x.nic);
    }
    for (int n : nics) edge(gv, of(m.nics[n]), EdgeKind::kBalancesTo);
  }
  for (const auto& s : m.subnets) {
    const VertexId sv = of(s);
    if (s.vnet.resolved()) edge(vertex(s.vnet), sv, EdgeKind::kContains);
    if (s.nsg.resolved()) edge(sv, vertex(s.nsg), EdgeKind::kSecuredBy);
    if (s.route_table.resolved()) edge(sv, vertex(s.route_table), EdgeKind::kRoutedBy);
  }
  for (const auto& vnet : m.vnets) {
    for (const auto& p : vnet.peerings) {
      if (p.remote_vnet.resolved()) edge(of(vnet), vertex(p.remote_vnet), EdgeKind::kPeeredWith);
    }
  }
  for (const auto& nic : m.nics) {
    const VertexId nv = of(nic);
    if (nic.nsg.resolved()) edge(nv, vertex(nic.nsg), EdgeKind::kSecuredBy);
    if (nic.virtual_machine.resolved()) edge(vertex(nic.virtual_machine), nv, EdgeKind::kContains);
    for (const auto& cfg : nic.ip_configurations) {
      if (cfg.subnet.resolved()) edge(nv, vertex(cfg.subnet), EdgeKind::kAttachedTo);
      if (cfg.public_ip.resolved()) edge(vertex(cfg.public_ip), nv, EdgeKind::kAttachedTo);
      for (const auto& a : cfg.asgs) {
        if (a.resolved()) edge(nv, vertex(a), EdgeKind::kMemberOf);
      }
    }
  }
  for (const auto& pip : m.public_ips) edge(0, of(pip), EdgeKind::kReaches);
  for (const auto& s : m.scale_sets) {
    std::set<VertexId> instances;  // the instance VM when known, else the instance NIC
    for (int n : s.instance_nics) {
      const auto& nic = m.nics[n];
      instances.insert(nic.virtual_machine.resolved() ? vertex(nic.virtual_machine) : of(nic));
    }
    for (VertexId v : instances) edge(of(s), v, EdgeKind::kContains);
  }
  for (const auto& fw : m.firewalls) {
    const VertexId fv = of(fw);
    for (const auto& c : fw.ip_configurations) {
      if (c.subnet.resolved()) edge(fv, vertex(c.subnet), EdgeKind::kAttachedTo);
      if (c.public_ip.resolved()) edge(vertex(c.public_ip), fv, EdgeKind::kAttachedTo);
    }
    if (fw.policy.resolved()) edge(fv, vertex(fw.policy), EdgeKind::kSecuredBy);
  }
  for (const auto& p : m.firewall_policies) {
    if (p.base_policy.resolved()) edge(of(p), vertex(p.base_policy), EdgeKind::kMemberOf);
  }
  for (const auto& hub : m.virtual_hubs) {
    const VertexId hv = of(hub);
    if (hub.virtual_wan.resolved()) edge(vertex(hub.virtual_wan), hv, EdgeKind::kContains);
    if (hub.azure_firewall.resolved()) edge(hv, vertex(hub.azure_firewall), EdgeKind::kSecuredBy);
    for (int c : hub.connections) {
      const auto& conn = m.hub_connections[c];
      edge(hv, of(conn), EdgeKind::kContains);
      if (conn.remote_vnet.resolved()) edge(vertex(conn.remote_vnet), hv, EdgeKind::kConnectedTo);
    }
    for (int r : hub.routing_intents) edge(hv, of(m.hub_routing_intents[r]), EdgeKind::kContains);
    for (int t : hub.route_tables) edge(hv, of(m.hub_route_tables[t]), EdgeKind::kContains);
  }
  for (const auto& lb : m.load_balancers) {
    const VertexId lv = of(lb);
    for (const auto& fe : lb.frontends) {
      if (fe.public_ip.resolved()) edge(vertex(fe.public_ip), lv, EdgeKind::kAttachedTo);
      if (fe.public_ip_prefix.resolved()) edge(vertex(fe.public_ip_prefix), lv, EdgeKind::kAttachedTo);
    }
    std::set<int> nics;
    for (const auto& pool : lb.backend_pools) {
      for (const auto& x : pool.members) nics.insert(x.nic);
    }
    for (const auto& r : lb.nat_rules) {
      for (const auto& x : r.targets) nics.insert(x.nic);
    }
    for (const auto& p : lb.nat_pools) {
      for (const auto& x : p.members) nics.insert(x.target.nic);
    }
    for (int n : nics) edge(lv, of(m.nics[n]), EdgeKind::kBalancesTo);
  }
  // Outbound addressing: a NAT gateway's public IPs and prefixes are attached to it, and it to its subnets; a public
  // IP taken from a prefix is drawn from it (docs/model.md, "NAT gateways and public IP prefixes").
  for (const auto& gw : m.nat_gateways) {
    const VertexId gv = of(gw);
    for (const auto& p : gw.public_ips) {
      if (p.resolved()) edge(vertex(p), gv, EdgeKind::kAttachedTo);
    }
    for (const auto& p : gw.public_ip_prefixes) {
      if (p.resolved()) edge(vertex(p), gv, EdgeKind::kAttachedTo);
    }
    for (const auto& s : gw.subnets) {
      if (s.resolved()) edge(gv, vertex(s), EdgeKind::kAttachedTo);
    }
  }
  for (const auto& prefix : m.public_ip_prefixes) {
    for (int p : prefix.public_ips) edge(of(prefix), of(m.public_ips[p]), EdgeKind::kContains);
  }
  for (const auto& pe : m.private_endpoints) {
    const VertexId pv = of(pe);
    if (pe.subnet.resolved()) edge(pv, vertex(pe.subnet), EdgeKind::kAttachedTo);
    for (const auto& c : pe.connections) {
      if (c.target.resolved()) edge(pv, vertex(c.target), EdgeKind::kAttachedTo);
    }
  }
}

}  // namespace exposim::model
