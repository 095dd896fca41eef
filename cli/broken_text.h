// The words of a broken flow (solver/broken.h): why a flow that passes every filter cannot work, as analyze's
// writers (table, JSON, and what reuses them) and explain's route hops print it.
#pragma once

#include <string>

#include "model/model.h"
#include "solver/broken.h"

namespace exposim::cli {

/// One line: "asymmetric routing: replies to these clients take route 'to-fw' (0.0.0.0/0 -> VirtualAppliance
/// 10.0.1.4) of route table 'rt', not the public IP, so the connection fails". Names are resolved through `m`.
std::string broken_text(const model::Model& m, const solver::Broken& b);

}  // namespace exposim::cli
