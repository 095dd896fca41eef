// Azure Load Balancer (docs/model.md#load-balancers): the internal load balancer rules that carry a connection on
// to their pools' members. The public load balancer's entries in the analysis are in solver/load_balancer.cpp;
// explain follows a frontend in solver/explain/load_balancer.cpp.
#pragma once

#include <cstdint>
#include <vector>

#include "model/model.h"

namespace exposim::solver {

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
