// Compute in the analysis (docs/model.md#public-ips-and-reachability): every ip configuration with a public IP of
// its own is entered through it.
#include "solver/compute.h"

#include <cstddef>

#include "solver/analysis_scope.h"
#include "solver/analyzer.h"

namespace exposim::solver {

model::Sku instance_public_ip_sku(const model::Model& m, const model::IpConfiguration& cfg) {
  return cfg.public_ip.resolved() ? m.public_ips[cfg.public_ip.index].sku : model::Sku::kBasic;
}

}  // namespace exposim::solver

namespace exposim::solver::analysis_internal {

void Analyzer::instance_public_ips() {
  const auto each = [&](std::size_t n) {
    progress("network interfaces", n, m_.nics.size());
    const auto& nic = m_.nics[n];
    for (std::size_t c = 0; c < nic.ip_configurations.size(); ++c) {
      const auto& cfg = nic.ip_configurations[c];
      if (!cfg.public_ip.set()) continue;  // no public IP: not reachable through this path
      Entry entry;
      entry.public_ip = cfg.public_ip.index;
      entry.sku = instance_public_ip_sku(m_, cfg);
      target(static_cast<int>(n), static_cast<int>(c), entry);
    }
  };
  if (scope_ != nullptr) {  // the scope's NICs, in order: not a pass over every NIC
    for (const int n : scope_->nics.list()) {
      if (static_cast<std::size_t>(n) < m_.nics.size()) each(static_cast<std::size_t>(n));
    }
    return;
  }
  for (std::size_t n = 0; n < m_.nics.size(); ++n) each(n);
}

}  // namespace exposim::solver::analysis_internal
