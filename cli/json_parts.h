// JSON fragments shared by the report writers of several commands (private to the cli layer).
#pragma once

#include <nlohmann/json.hpp>

#include "model/model.h"

namespace exposim::cli {

/// The `target` object of the output contracts: the VM (or the NIC when it has none in the input), its
/// private IP, the NIC and the ip configuration (docs/output-format.md).
nlohmann::ordered_json target_json(const model::Model& m, int nic, int ip_configuration, int vm);

/// One diagnostic as in every output contract: severity, code, file, pointer or line/column, message.
nlohmann::ordered_json diagnostic_json(const model::Diagnostic& d);

}  // namespace exposim::cli
