// The segmentation matrix (solver/segmentation.h): the flows of reach() from every subnet that holds a grouped ip
// configuration, folded into the cells of (source group, target group).
#include "solver/segmentation.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>

namespace exposim::solver {
namespace {

/// The groups an ip configuration is in (none when -1).
std::vector<int> segmentation_groups_of(const Grouping& g, model::IpConfigIndex x) {
  std::vector<int> out;
  if (x.nic < 0 || static_cast<std::size_t>(x.nic) >= g.ip_configuration_group.size()) return out;
  const auto& nic = g.ip_configuration_group[x.nic];
  if (x.ip_configuration < 0 || static_cast<std::size_t>(x.ip_configuration) >= nic.size()) return out;
  if (nic[x.ip_configuration] >= 0) out.push_back(nic[x.ip_configuration]);
  if (const auto it = g.extra_groups.find(x); it != g.extra_groups.end()) {
    out.insert(out.end(), it->second.begin(), it->second.end());
  }
  return out;
}

/// The groups a flow's target is in.
std::vector<int> segmentation_target_groups(const Grouping& g, const ReachFlow& f) {
  if (f.target_kind == model::ResourceKind::kPrivateEndpoint) {
    if (f.target < 0 || static_cast<std::size_t>(f.target) >= g.private_endpoint_group.size()) return {};
    const int id = g.private_endpoint_group[f.target];
    return id >= 0 ? std::vector<int>{id} : std::vector<int>{};
  }
  return segmentation_groups_of(g, model::IpConfigIndex{f.nic, f.ip_configuration});
}

/// Which flow is a cell's witness for its protocol: the smallest (source, target) in this order, then the first in
/// reach()'s order; so the witness does not depend on the order in which sources are evaluated.
auto segmentation_witness_key(const ReachFlow& f) {
  return std::tuple{f.source, static_cast<int>(f.target_kind), f.target, f.ip_configuration};
}

/// The cells as flows arrive.
class MatrixCells {
 public:
  explicit MatrixCells(const Grouping& g) : g_(g) {}

  void add(const ReachFlow& f) {
    const auto from = segmentation_groups_of(g_, f.source);
    if (from.empty()) return;
    const auto to = segmentation_target_groups(g_, f);
    const auto p = static_cast<std::size_t>(f.protocol);
    for (const int a : from) {
      for (const int b : to) {
        MatrixCell& c = cells_[{a, b}];
        c.from = a;
        c.to = b;
        c.ports[p] = c.ports[p].unite(f.ports);
        const auto w = std::find_if(c.witnesses.begin(), c.witnesses.end(),
                                    [&](const ReachFlow& x) { return x.protocol == f.protocol; });
        if (w == c.witnesses.end()) {
          c.witnesses.push_back(f);
        } else if (segmentation_witness_key(f) < segmentation_witness_key(*w)) {
          *w = f;
        }
      }
    }
  }

  std::vector<MatrixCell> take() && {
    std::vector<MatrixCell> out;
    out.reserve(cells_.size());
    for (auto& [key, c] : cells_) {
      std::sort(c.witnesses.begin(), c.witnesses.end(),
                [](const ReachFlow& a, const ReachFlow& b) { return a.protocol < b.protocol; });
      out.push_back(std::move(c));
    }
    return out;
  }

 private:
  const Grouping& g_;
  std::map<std::pair<int, int>, MatrixCell> cells_;  // ordered: the result is sorted by (from, to)
};

bool segmentation_grouped(const Grouping& g, model::IpConfigIndex x) { return !segmentation_groups_of(g, x).empty(); }

}  // namespace

Segmentation segmentation(const model::Model& m, const Grouping& groups, const ReachOptions& options) {
  // The sources: every subnet that holds a grouped ip configuration, each evaluated by reach() (which classes its ip
  // configurations by outbound treatment); the targets: grouped NICs and private endpoints only, in chunks small
  // enough that one call's flows (up to sources x targets x protocols) stay bounded in memory.
  constexpr std::size_t kPairsPerCall = 20000;
  std::vector<std::size_t> subnet_sources(m.subnets.size(), 0);
  std::vector<char> nic_grouped(m.nics.size(), 0);
  std::size_t targets = 0;
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    const auto& cfgs = m.nics[n].ip_configurations;
    for (std::size_t c = 0; c < cfgs.size(); ++c) {
      if (!segmentation_grouped(groups, {static_cast<int>(n), static_cast<int>(c)})) continue;
      nic_grouped[n] = 1;
      ++targets;
      if (cfgs[c].subnet.index >= 0) ++subnet_sources[cfgs[c].subnet.index];
    }
  }
  for (const int g : groups.private_endpoint_group) targets += g >= 0 ? 1 : 0;
  std::vector<int> subnets;
  for (std::size_t s = 0; s < subnet_sources.size(); ++s) {
    if (subnet_sources[s] > 0) subnets.push_back(static_cast<int>(s));
  }

  // Which chunk a target is in, for a given number of chunks: NICs then private endpoints, in index order, cut into
  // `chunks` runs of about the same number of targets.
  std::vector<int> nic_chunk(m.nics.size(), -1);
  std::vector<int> endpoint_chunk(groups.private_endpoint_group.size(), -1);
  int chunks_now = 0;
  const auto cut = [&](int chunks) {
    if (chunks == chunks_now) return;
    chunks_now = chunks;
    const std::size_t per = std::max<std::size_t>(1, (targets + static_cast<std::size_t>(chunks) - 1) / chunks);
    std::size_t seen = 0;
    for (std::size_t n = 0; n < m.nics.size(); ++n) {
      if (!nic_grouped[n]) continue;
      nic_chunk[n] = static_cast<int>(seen / per);
      seen += m.nics[n].ip_configurations.size();
    }
    for (std::size_t e = 0; e < endpoint_chunk.size(); ++e) {
      if (groups.private_endpoint_group[e] < 0) continue;
      endpoint_chunk[e] = static_cast<int>(seen / per);
      ++seen;
    }
  };
  int chunk = 0;
  ReachOptions inner;
  inner.jobs = options.jobs;
  inner.targets = [&](model::ResourceKind kind, int index) {
    if (index < 0) return false;
    if (kind == model::ResourceKind::kPrivateEndpoint) {
      if (static_cast<std::size_t>(index) >= endpoint_chunk.size() || endpoint_chunk[index] != chunk) return false;
    } else if (static_cast<std::size_t>(index) >= nic_chunk.size() || nic_chunk[index] != chunk) {
      return false;
    }
    return !options.targets || options.targets(kind, index);
  };

  Segmentation out;
  MatrixCells cells(groups);
  std::set<std::string> seen;  // findings already kept: every call to reach() may repeat one
  for (std::size_t k = 0; k < subnets.size(); ++k) {
    if (options.progress) options.progress("matrix", k, subnets.size());
    const std::size_t pairs = subnet_sources[subnets[k]] * targets;
    const int chunks = static_cast<int>(std::max<std::size_t>(1, (pairs + kPairsPerCall - 1) / kPairsPerCall));
    cut(chunks);
    ReachSource from;
    from.kind = ReachSource::Kind::kSubnet;
    from.subnet = subnets[k];
    std::size_t subnet_target_classes = 0;
    for (chunk = 0; chunk < chunks; ++chunk) {
      const Reach r = reach(m, from, inner);
      for (const auto& f : r.flows) cells.add(f);
      for (const auto& d : r.findings.items()) {
        if (seen.insert(model::to_string(d)).second) out.findings.add(d);
      }
      if (chunk == 0) out.source_classes += r.source_classes;
      subnet_target_classes += r.target_classes;
      out.evaluations += r.evaluations;
    }
    out.target_classes = std::max(out.target_classes, subnet_target_classes);
  }
  if (options.progress) options.progress("matrix", subnets.size(), subnets.size());
  out.cells = std::move(cells).take();
  return out;
}

}  // namespace exposim::solver
