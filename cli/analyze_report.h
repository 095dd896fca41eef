// Report writers for `analyze`: table, JSON (docs/output-format.md) and CSV. Each takes a std::ostream&.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "model/diagnostic.h"
#include "model/model.h"
#include "solver/exposure.h"

namespace exposim::cli {

enum class Format { kTable, kJson, kCsv };

/// Aligned columns for a terminal; one line per exposure, then a summary line.
void write_table(std::ostream& out, const model::Model& m, const solver::Analysis& a);
/// The stable JSON contract (format version 1), diagnostics included.
void write_json(std::ostream& out, const model::Model& m, const solver::Analysis& a,
                const std::vector<model::Diagnostic>& diagnostics);
/// RFC 4180 CSV with a header row; lists inside a cell are separated by ';'.
void write_csv(std::ostream& out, const model::Model& m, const solver::Analysis& a);

/// "vm-web" (VM name when the NIC is attached to a VM, else the NIC name).
std::string target_name(const model::Model& m, const solver::Exposure& e);
/// "nsg-web/allow-ssh (100)", "no NSG", ... for one hop.
std::string describe_hop(const model::Model& m, const solver::Hop& h);

}  // namespace exposim::cli
