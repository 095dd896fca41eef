// The segmentation matrix (docs/model.md, "Segmentation matrix"): for every pair of groups of an estate (subnets,
// VNets, ASGs, tag values: the grouping is the caller's), the protocols and ports that pass from any member of one to
// any member of the other, computed over classes of sources with identical outbound treatment and targets with
// identical inbound treatment (solver/east_west.h), never pair by pair of ip configurations.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "model/diagnostic.h"
#include "model/model.h"
#include "solver/east_west.h"

namespace exposim::solver {

/// A grouping of the estate for the segmentation matrix: group ids by ip configuration and by private endpoint (-1:
/// in no group), and the groups' names. solver/grouping.h builds the usual ones (subnet, VNet, ASG, tag).
struct Grouping {
  std::vector<std::vector<int>> ip_configuration_group;  // [nic][ip_configuration]
  std::vector<int> private_endpoint_group;               // [private endpoint]
  std::vector<std::string> names;
  /// The further groups of an ip configuration that belongs to more than one (an ip configuration in several ASGs
  /// is counted in each): ip configuration -> groups besides ip_configuration_group's, ascending. Most estates have
  /// none, so it is sparse.
  std::map<model::IpConfigIndex, std::vector<int>> extra_groups;
  /// [subnet]: the group of the subnet's own addresses when it holds no ip configuration (reach() then takes its
  /// whole prefix as the source, behind the subnet's NSG only, as for a firewall's subnet); -1 or absent: none. The
  /// usual groupings leave it empty; check's segmentation assertion fills it.
  std::vector<int> subnet_group;
  /// [PaaS service]: the group of a PaaS service's public endpoint, a target only (no group's source: a column of the
  /// matrix, never a row); -1 or absent: not a target. Empty (the default) leaves PaaS services out, as reach()
  /// without ReachOptions::paas does; add_paas_groups() (solver/grouping.h) gives each service its own group.
  std::vector<int> paas_service_group;
};

/// What passes from one group to another: the union of the flows' packets by protocol, and one witness flow per
/// protocol (the first in reach()'s order).
struct MatrixCell {
  int from{-1};
  int to{-1};
  std::array<model::PortSet, model::kProtocolCount> ports;  // destination ports that pass, by protocol
  std::vector<ReachFlow> witnesses;
  /// The flows reach() gives without merge_sources (one per source) from a member of `from` to a member of `to`.
  std::size_t flows{0};
  /// With a SegmentationExcess: the ports beyond what the cell allows, by protocol, and per protocol with some, the
  /// witness among the flows that carry them (chosen as `witnesses` are), its ports those beyond.
  std::array<model::PortSet, model::kProtocolCount> excess_ports;
  std::vector<ReachFlow> excess;
};

/// What a cell allows, for check's segmentation assertion: the ports of flow `f` from group `from` to group `to`
/// beyond what may pass (empty: it passes only what is allowed).
using SegmentationExcess = std::function<model::PortSet(int from, int to, const ReachFlow& f)>;

struct Segmentation {
  std::vector<MatrixCell> cells;  // non-empty cells only, sorted by (from, to)
  model::Diagnostics findings;
  std::size_t source_classes{0};  // the sum over the sources' subnets of reach()'s source classes
  std::size_t target_classes{0};  // the most target classes one subnet's sources met
  std::size_t evaluations{0};     // reach()'s distinct evaluations, summed
};

/// Every pair of groups: what passes from any member of one to any member of the other (a group to itself included),
/// computed over classes of sources with identical outbound treatment and targets with identical inbound treatment.
/// With Grouping::paas_service_group, also from every group to the PaaS services' public endpoints (a further reach()
/// per source subnet with ReachOptions::paas, its flows one per source: docs/model.md, "Segmentation matrix").
Segmentation segmentation(const model::Model& m, const Grouping& groups, const ReachOptions& options = {});
/// segmentation(), with each cell's ports beyond what `excess` allows and their witnesses (MatrixCell::excess).
Segmentation segmentation(const model::Model& m, const Grouping& groups, const ReachOptions& options,
                          const SegmentationExcess& excess);

}  // namespace exposim::solver
