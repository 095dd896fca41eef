// The command table and the dispatch: parse the command line, run the one command it names.
#include "cli/commands.h"

#include <exception>
#include <new>

#include <CLI/CLI.hpp>

#include "cli/exit_codes.h"
#include "cli/memory_limit.h"
#include "cli/output.h"
#include "cli/terminal.h"
#include "solver/work_budget.h"

namespace exposim::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> kCommands = {
      {"analyze", "Report everything the internet can reach, with paths and rules", analyze_command},
      {"explain", "Follow one packet hop by hop: what each hop decides and why", explain_command},
      {"reach", "Report what a source inside the estate (a VM, subnet, VNet or on-premises prefix) can reach",
       reach_command},
      {"graph", "Draw the estate and every exposed path (DOT, SVG, PNG or JSON)", graph_command},
      {"recommend",
       "Defender-style recommendations decided from exact reachability and resource properties (table, JSON or "
       "SARIF)",
       recommend_command},
      {"check", "Check a design against a spec of assertions (exit 1 when one fails)", check_command},
      {"whatif",
       "Compare the exposure after a change (or a second version of the estate) with the exposure now; exit 1 when "
       "it grew",
       whatif_command},
      {"matrix",
       "Segmentation matrix: which protocols and ports pass between every pair of subnets, VNets, ASGs or tag "
       "values (table, JSON, CSV, or a heat map in DOT or SVG)",
       matrix_command},
      {"report", "Write one self-contained HTML page for a design review: summary, exposures, recommendations, diagram",
       report_command},
  };
  return kCommands;
}

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  clear_protected_inputs();  // the inputs of an earlier command in this process (cli/output.h)
  try {
    CLI::App app{"exposim: what the internet can reach in an Azure network, computed before deployment"};
    app.name("exposim");
    app.require_subcommand(1);
    app.set_version_flag("--version", "exposim 0.1.0");
    std::vector<std::pair<CLI::App*, Command::Run>> runs;
    for (const auto& c : commands()) {
      auto* cmd = app.add_subcommand(c.name, c.summary);
      runs.emplace_back(cmd, c.options(*cmd));
    }

    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 parses a reversed vector
    try {
      app.parse(reversed);
    } catch (const CLI::CallForHelp&) {
      out << app.help();
      return kExitOk;
    } catch (const CLI::CallForVersion&) {
      out << "exposim 0.1.0\n";
      return kExitOk;
    } catch (const CLI::ParseError& e) {
      err << "exposim: error: " << e.what() << "\n"
          << "run 'exposim --help' for usage\n";
      return kExitUsage;
    }
    for (auto* sub : app.get_subcommands()) {
      for (auto& [cmd, run_command] : runs) {
        if (cmd == sub) return run_command(out, err);
      }
    }
    return kExitUsage;
  } catch (const std::bad_alloc&) {
    // Nothing here allocates: the allocation that failed may fail again.
    err << "exposim: error: out of memory";
    if (const std::uint64_t limit = memory_limit_applied(); limit > 0) {
      err << " (the limit is " << limit / (std::uint64_t{1} << 20) << " MiB; --max-memory raises it)";
    }
    err << '\n';
    return kExitBadInput;
  } catch (const solver::WorkBudgetExceeded& e) {
    // The message names an NSG from the input: escaped like every other text from it.
    err << "exposim: error: " << terminal_cell(e.what()) << '\n';
    return kExitBadInput;
  } catch (const std::exception& e) {
    err << "exposim: internal error: " << e.what() << '\n';
    return kExitInternal;
  }
}

}  // namespace exposim::cli
