// What a re-analysis covers (solver/incremental.h): the targets whose entries an incremental analysis evaluates
// again. Apart from the incremental analysis, so that the family files of the analyzer that test the scope
// (solver/analyzer.h) do not depend on the analysis's types.
#pragma once

#include <cstddef>
#include <vector>

namespace exposim::solver {

struct Exposure;  // solver/analysis.h

/// What a re-analysis covers: every entry to the ip configurations of the NICs flagged in `nics`, the own
/// entries of the flagged firewalls (DNAT) and PaaS services, and (with `gateways`) of every Bastion host and
/// application gateway. Vectors are indexed like the Model's; shorter vectors mean "not flagged".
struct AnalysisScope {
  std::vector<char> nics;
  std::vector<char> firewalls;
  std::vector<char> paas;
  bool gateways{false};
  /// The change touched routes: the address space (internet-answerable sources per subnet) is rebuilt.
  bool routes{false};

  bool nic(int n) const { return n >= 0 && static_cast<std::size_t>(n) < nics.size() && nics[n] != 0; }
  bool firewall(int f) const { return f >= 0 && static_cast<std::size_t>(f) < firewalls.size() && firewalls[f] != 0; }
  bool paas_service(int s) const { return s >= 0 && static_cast<std::size_t>(s) < paas.size() && paas[s] != 0; }
  /// True when an exposure of this target is covered (NIC, firewall, Bastion / gateway, PaaS service). Defined in
  /// solver/incremental.cpp.
  bool covers(const Exposure& e) const;
};

}  // namespace exposim::solver
