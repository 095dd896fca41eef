// The topology graph of a validated model (Boost.Graph): which resource contains, is attached to, is secured or
// routed by, ... which. Only code that walks edges includes this header; lookups by id are Model::find()
// (model/model.h).
#pragma once

#include <type_traits>

#include <boost/graph/adjacency_list.hpp>

#include "model/model.h"

namespace exposim::model {

enum class EdgeKind {
  kContains,     // VNet -> subnet, NIC -> (its VM is the reverse: VM -> NIC)
  kAttachedTo,   // NIC -> subnet, public IP -> NIC
  kSecuredBy,    // subnet/NIC -> NSG
  kRoutedBy,     // subnet -> route table
  kPeeredWith,   // VNet -> VNet (one edge per peering resource)
  kMemberOf,     // NIC -> ASG
  kReaches,      // internet -> public IP
  kBalancesTo,   // load balancer -> NIC (backend pool or inbound NAT rule membership)
  kConnectedTo,  // spoke VNet -> virtual hub (one edge per hub virtual network connection)
};
const char* to_string(EdgeKind k);

struct GraphEdge {
  EdgeKind kind{EdgeKind::kContains};
};
// Edges live in a vector (EdgeListS = vecS), not Boost's default std::list: a large estate has close to a
// million edges, never removed one by one, and a list node per edge costs about 40 MB at 100k NICs.
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, GraphVertex, GraphEdge,
                                    boost::no_property, boost::vecS>;
static_assert(std::is_same_v<Graph::vertex_descriptor, VertexId>, "Model::by_key holds the graph's vertices");

/// The graph validate() builds: vertex 0 is the internet, then one vertex per resource in the kind table's order
/// (Model::by_key maps canonical ids to them); edges as EdgeKind describes, from the resolved references.
struct Topology {
  Graph graph;
};

}  // namespace exposim::model
