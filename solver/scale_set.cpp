// NAT pool port arithmetic (solver/scale_set.h).
#include "solver/scale_set.h"

namespace exposim::solver {

int nat_pool_port(const model::LbNatPool& pool, int instance) { return pool.frontend_port_range_start + instance; }

std::optional<int> nat_pool_instance(const model::LbNatPool& pool, int port) {
  if (port < pool.frontend_port_range_start || port > pool.frontend_port_range_end) return std::nullopt;
  return port - pool.frontend_port_range_start;
}

}  // namespace exposim::solver
