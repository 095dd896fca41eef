// Report writers for `analyze`: JSON (docs/output-format.md) here, the table in cli/analyze_table.h, CSV in
// cli/analyze_csv.h. Each takes a std::ostream&.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "model/diagnostic.h"
#include "model/model.h"
#include "cli/analyze_csv.h"
#include "cli/analyze_table.h"
#include "solver/exposure.h"

namespace exposim::cli {

enum class Format { kTable, kJson, kCsv };

/// The stable JSON contract (format version 1), diagnostics included.
void write_json(std::ostream& out, const model::Model& m, const solver::Analysis& a,
                const std::vector<model::Diagnostic>& diagnostics);

/// "vm-web" (VM name when the NIC is attached to a VM, else the NIC name).
std::string target_name(const model::Model& m, const solver::Exposure& e);
/// "nsg-web/allow-ssh (100)", "no NSG", ... for one hop.
std::string describe_hop(const model::Model& m, const solver::Hop& h);

}  // namespace exposim::cli
