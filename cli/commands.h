// The command table of the exposim executable (ninja's subtool table): every command with its name, its line in
// `exposim --help`, its options and what it runs. One cli/<name>_command.cpp per command.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace exposim::cli {

/// One exposim command. `options` registers the command's options on its subcommand and returns what runs once
/// the command line is parsed (the option values live in the returned function's state); the function returns
/// the process exit code (cli/exit_codes.h), writing the report to `out` (or the -o file) and diagnostics to `err`.
struct Command {
  using Run = std::function<int(std::ostream& out, std::ostream& err)>;
  const char* name;     // exposim NAME
  const char* summary;  // its line in `exposim --help`
  Run (*options)(CLI::App& cmd);
};

/// Every command, in the order `exposim --help` lists them.
const std::vector<Command>& commands();

/// The options of each command, and what it runs (cli/<name>_command.cpp).
Command::Run analyze_command(CLI::App& cmd);
Command::Run explain_command(CLI::App& cmd);
Command::Run reach_command(CLI::App& cmd);
Command::Run graph_command(CLI::App& cmd);
Command::Run check_command(CLI::App& cmd);
Command::Run recommend_command(CLI::App& cmd);
Command::Run whatif_command(CLI::App& cmd);
Command::Run report_command(CLI::App& cmd);
Command::Run matrix_command(CLI::App& cmd);

/// Runs exposim with `args` (without the program name); returns the process exit code (cli/exit_codes.h).
/// Writes reports to `out` (or the -o file) and diagnostics to `err`. Never throws.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace exposim::cli
