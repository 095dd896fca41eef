// Azure Load Balancer (docs/model.md#load-balancers): the port arithmetic of inbound NAT rules (v2; NAT pools' is in
// solver/scale_set.h), the ip configurations a public frontend reaches, and the internal load balancer rules that
// carry a connection on to their pools' members. The public load balancer's entries in the analysis are in
// solver/load_balancer.cpp; explain follows a frontend in solver/explain/load_balancer.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "model/model.h"

namespace exposim::solver {

// Inbound NAT port arithmetic, one definition for analyze (every member's port) and explain (the member of one port).
// A v2 inbound NAT rule (a backend pool and a frontend port range) hands frontend port start + i to the pool's i-th
// member (NIC id, then ip configuration name), up to the range's end. A NAT pool's is in solver/scale_set.h.

/// The frontend port of member `i` of v2 NAT rule `rule`; nullopt past the range's end or when the range is not known.
std::optional<std::uint16_t> nat_rule_member_port(const model::LbNatRule& rule, std::size_t i);
/// The index of the member that frontend `port` of v2 NAT rule `rule` goes to (it may be past the pool's last
/// member); nullopt outside the range or when the range is not known.
std::optional<std::size_t> nat_rule_member_at(const model::LbNatRule& rule, int port);

/// How a frontend of a load balancer reaches one ip configuration: a load-balancing rule, to a member of its pools
/// (once, when it is in two of them); an inbound NAT rule, to its target (v1) or to a member of its backend pool
/// (v2: the i-th member gets frontend port start + i); a NAT pool, to a scale set instance (instance i gets start + i).
struct LbTarget {
  enum class Kind { kRule, kNatRule, kNatPool };
  Kind kind{Kind::kRule};
  int rule{-1};  // index into rules, nat_rules or nat_pools
  model::IpConfigIndex x;
  /// v2 NAT rule and NAT pool members: the member's frontend port, nullopt when the range is only known at
  /// deployment (every port). Load-balancing and v1 NAT rules: nullopt (the rule's own frontend port applies).
  std::optional<std::uint16_t> frontend_port;
};
/// Every ip configuration that the frontends with a public IP of load balancer `l` reach (only frontend `frontend`'s
/// when it is not -1), as analyze enters them: load-balancing rules, then inbound NAT rules, then NAT pools, each in
/// input order, and a rule's members in pool order. Internal frontends are never reached from the internet; a v2
/// NAT rule's members past its range's end, and scale set instances past a NAT pool's, get no port and are left out.
/// The one enumeration for analyze (the entries) and whatif (the scope of a frontend's public IP).
std::vector<LbTarget> lb_targets(const model::Model& m, int l, int frontend = -1);

/// A load-balancing rule of internal load balancer `l` that carries an application gateway's TCP connection to
/// frontend `frontend` on `port` on to its pools' members (a member of two pools once).
struct InternalLbLeg {
  int rule{-1};
  int frontend_port{-1};  // -1: HA ports
  std::uint16_t backend_port{0};
  std::vector<model::IpConfigIndex> members;
};
std::vector<InternalLbLeg> internal_lb_legs(const model::Model& m, int l, int frontend, std::uint16_t port);
/// Every load-balancing rule of `l` on `frontend` (a gateway whose backend port is only known at deployment).
std::vector<InternalLbLeg> internal_lb_legs_any(const model::Model& m, int l, int frontend);

}  // namespace exposim::solver
