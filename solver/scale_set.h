// Virtual machine scale sets behind a load balancer's inbound NAT pools
// (docs/model.md#scale-sets-and-inbound-nat-pools): the port arithmetic of a NAT pool, one definition for analyze
// (every instance's port, lb_targets in solver/load_balancer.cpp) and explain (the instance of one port,
// solver/explain/load_balancer.cpp).
#pragma once

#include <optional>

#include "model/model.h"

namespace exposim::solver {

// A NAT pool hands frontend port start + i to scale set instance i, up to the range's end.

/// The frontend port of scale set instance `instance` of NAT pool `pool` (it may lie past the range's end).
int nat_pool_port(const model::LbNatPool& pool, int instance);
/// The scale set instance that frontend `port` of NAT pool `pool` goes to; nullopt outside the range.
std::optional<int> nat_pool_instance(const model::LbNatPool& pool, int port);

}  // namespace exposim::solver
