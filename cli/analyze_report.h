// Report writers for `analyze`: JSON (docs/output-format.md) here, the table in cli/analyze_table.h, CSV in
// cli/analyze_csv.h. Each takes a std::ostream&.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "cli/analyze_csv.h"
#include "cli/analyze_table.h"
#include "model/diagnostic.h"
#include "model/model.h"
#include "solver/hop.h"

namespace exposim::solver {
struct Analysis;  // solver/analysis.h
struct Exposure;
struct AttackPaths;  // solver/attack_path.h
}  // namespace exposim::solver

namespace exposim::cli {

enum class Format { kTable, kJson, kCsv };

/// The stable JSON contract (format version 1), diagnostics included.
void write_json(std::ostream& out, const model::Model& m, const solver::Analysis& a,
                const std::vector<model::Diagnostic>& diagnostics);

/// What analyze's JSON and JSON Lines hold (docs/output-format.md).
struct DirectoryInputs;

struct JsonOptions {
  /// 1: each exposure lists its `sources`; 2: distinct source sets are written once (`source_sets`) and each
  /// exposure's `sources` is the id of its set. Everything else is the same in both.
  int version{1};
  /// The counts document (`exposim-analyze-summary`) instead of the exposures; `version` is then ignored.
  bool summary{false};
  /// Workers that format the exposures (--jobs, cli/ordered_records.h); the bytes are the same for any number.
  int jobs{1};
  /// The directories given as inputs and what each held (cli/input_directories.h): written as `directories` when
  /// there is one, so that runs on files alone keep their shape exactly. Version 1 and 2 alike.
  const std::vector<DirectoryInputs>* directories{nullptr};
  /// analyze --attack-paths: written as `attack_paths` (cli/attack_path_report.h), before the diagnostics; absent
  /// otherwise, so that other runs keep their shape exactly. Version 1 and 2 alike.
  const solver::AttackPaths* attack_paths{nullptr};
};

/// The JSON document of `options`: version 1 (as write_json above), version 2, or the summary document.
void write_json(std::ostream& out, const model::Model& m, const solver::Analysis& a,
                const std::vector<model::Diagnostic>& diagnostics, const JsonOptions& options);

/// "vm-web" (VM name when the NIC is attached to a VM, else the NIC name).
std::string target_name(const model::Model& m, const solver::Exposure& e);
/// "nsg-web/allow-ssh (100)", "no NSG", ... for one hop.
std::string describe_hop(const model::Model& m, const solver::Hop& h);

}  // namespace exposim::cli
