// `exposim check`: its options, and running a spec against a loaded and analysed estate.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "check/spec.h"
#include "model/diagnostic.h"
#include "model/model.h"
#include "solver/exposure.h"

namespace CLI {
class App;
}

namespace exposim::cli {

struct CheckOptions {
  std::string spec;
  std::string junit;
  std::string sarif;
  std::string format = "text";
  std::string output;
};

/// Adds --spec, --junit, --sarif, --format and -o to the `check` subcommand.
void add_check_options(CLI::App& cmd, CheckOptions& o);

/// Reads and validates the spec; on errors prints every one of them to `err` and returns nullopt.
std::optional<check::Spec> load_check_spec(const CheckOptions& o, std::ostream& err);

/// Evaluates the spec and writes the reports. Returns 0 when every assertion holds, 1 when one fails,
/// 4 when a report could not be written (the others are still written).
int run_check(const CheckOptions& o, const std::vector<std::string>& inputs, const check::Spec& spec,
              const model::Model& m, const solver::Analysis& a, const std::vector<model::Diagnostic>& diagnostics,
              std::ostream& out, std::ostream& err);

}  // namespace exposim::cli
