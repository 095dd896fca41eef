// Internet exposure of an estate: analyze() computes every target, protocol, port and source range the internet
// reaches, with the path taken and the deciding rule at every filter (the witness); what it returns is the Analysis
// of solver/analysis.h, which this header includes.
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>
#include <vector>

#include "model/model.h"
#include "solver/analysis.h"

namespace exposim::solver {

struct AnalyzeOptions {
  /// Called as the solve advances, for a progress display (the solver does no I/O; the CLI prints): the stage
  /// ("network interfaces", "load balancers", "firewalls", "distinct evaluations", "gateways", "PaaS services") and
  /// how many of its items are done, of `total`. May be empty.
  std::function<void(std::string_view stage, std::size_t done, std::size_t total)> progress;
  /// How many workers run the distinct evaluations (model/parallel.h), at least 1. The result does not depend on
  /// it. With more than 1, `progress` is still called from the calling thread only.
  int jobs{1};
  /// Whether evaluations share work (the default): each NSG rule's sources resolved once per batch of evaluations
  /// and VirtualNetwork context (solver/nsg_sources.h), and a subnet's NSG stage evaluated once for all the targets
  /// it treats alike. The result does not depend on it; off, every evaluation works alone (for differential tests
  /// and measurements).
  bool share_nsg_work{true};
};

/// Computes every exposure of a validated model.
Analysis analyze(const model::Model& m, const AnalyzeOptions& options = {});

}  // namespace exposim::solver
