// The validation pass: resolves references, adds Azure's platform defaults, builds the graph.
#pragma once

#include "model/diagnostic.h"
#include "model/model.h"

namespace exposim::model {

struct ValidateOptions {
  /// References to resources absent from the input are errors unless this is set; then they are
  /// warnings and the conservative assumption is taken (absent NSG = no filtering; absent subnet =
  /// no subnet NSG; absent public IP = Basic SKU with unknown address), which never hides an exposure.
  bool allow_missing{false};
};

/// Resolves every Ref, merges back-references (NSG -> subnets/NICs, public IP -> ip configuration,
/// VM <-> NIC), adds the six default rules to NSGs that lack them, sorts rules by (direction, priority),
/// checks priorities are unique per direction, and builds the topology graph (model/topology.h) and model.by_key.
/// Duplicate resource ids keep the first definition (a warning names the second).
void validate(Model& model, Diagnostics& diags, const ValidateOptions& options = {});

}  // namespace exposim::model
