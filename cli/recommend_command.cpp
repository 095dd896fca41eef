// `exposim recommend`: Defender-style recommendations over the estate, as a table, JSON or SARIF
// (cli/recommend_report.h). Exit 0 whatever the findings (`check` with a `recommendation` assertion gates).
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/analyzed_inputs.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/input_options.h"
#include "cli/output.h"
#include "cli/recommend_options.h"
#include "cli/recommend_report.h"
#include "cli/terminal.h"
#include "cli/timing.h"

namespace exposim::cli {
namespace {

std::string joined(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out;
}

struct Recommend {
  InputOptions input;
  std::string format = "table";
  std::string output;
  bool all{false};
  std::string management_ports;
  std::string risky_ports;
  std::string ddos = "broad";
  int broad_prefix{0};
  std::vector<std::string> skip;
  std::string skip_file;

  /// The solver's options from the command line; on a bad value prints why and sets `rc`.
  std::optional<solver::RecommendOptions> options(std::ostream& err, int& rc) const {
    solver::RecommendOptions o;
    auto usage = [&](const std::string& message) {
      err << "exposim: error: " << message << "\nrun 'exposim recommend --help' for usage\n";
      rc = kExitUsage;
      return std::nullopt;
    };
    if (!management_ports.empty()) {
      const auto ports = parse_port_list(management_ports);
      if (!ports)
        return usage(
            fmt::format("--management-ports '{}' is not a list of ports, expected e.g. "
                        "22,3389,5985-5986",
                        management_ports));
      o.management_ports = *ports;
    }
    if (!risky_ports.empty()) {
      const auto ports = parse_port_list(risky_ports);
      if (!ports) {
        return usage(
            fmt::format("--risky-ports '{}' is not a list of ports, expected e.g. 21,23,445,1433", risky_ports));
      }
      o.risky_ports = *ports;
    }
    o.strict_ddos = ddos == "strict";
    o.broad_prefix = broad_prefix;
    const auto& catalog = solver::recommendation_catalog();
    const auto ids = split_ids(skip);
    if (const auto unknown = unknown_ids(ids, catalog); !unknown.empty()) {
      return usage(fmt::format("--skip: unknown recommendation id{} {} (docs/recommendations.md lists them)",
                               unknown.size() == 1 ? "" : "s", joined(unknown)));
    }
    o.skip.insert(ids.begin(), ids.end());
    if (!skip_file.empty()) {
      std::ifstream in(skip_file, std::ios::binary);
      if (!in) {
        err << fmt::format("exposim: error: {}: cannot read the skip file\n", skip_file);
        rc = kExitBadInput;
        return std::nullopt;
      }
      std::ostringstream text;
      text << in.rdbuf();
      const auto file_ids = skip_file_ids(text.str());
      if (const auto unknown = unknown_ids(file_ids, catalog); !unknown.empty()) {
        err << fmt::format("exposim: error: {}: unknown recommendation id{} {} (docs/recommendations.md lists them)\n",
                           skip_file, unknown.size() == 1 ? "" : "s", joined(unknown));
        rc = kExitBadInput;
        return std::nullopt;
      }
      o.skip.insert(file_ids.begin(), file_ids.end());
    }
    return o;
  }

  int run(std::ostream& out, std::ostream& err) const {
    int rc = kExitOk;
    const auto opts = options(err, rc);
    if (!opts) return rc;
    AnalyzedInputs in;
    if (const int irc = analyze_inputs(input, SolveTiming::kDuration, err, in); irc != kExitOk) return irc;
    const auto t0 = Clock::now();
    const auto recs = solver::recommend(in.model, in.analysis, *opts);
    if (input.timings) err << fmt::format("exposim: timing: recommend {:.3f} s\n", seconds_since(t0));
    const RecommendReport report{in.model, in.analysis, recs, solver::recommendation_catalog(), input.files, all};
    const auto t1 = Clock::now();
    rc = write_output(
        output,
        [&](std::ostream& o) {
          if (format == "json") {
            write_recommend_json(o, report, in.diagnostics);
          } else if (format == "sarif") {
            write_recommend_sarif(o, report);
          } else {
            write_terminal_safe(o, [&](std::ostream& safe) { write_recommend_table(safe, report); });
          }
        },
        out, err);
    if (input.timings) err << fmt::format("exposim: timing: report {:.3f} s\n", seconds_since(t1));
    return rc;
  }
};

}  // namespace

Command::Run recommend_command(CLI::App& cmd) {
  auto c = std::make_shared<Recommend>();
  add_input_options(cmd, c->input, kInputFilesHelp);
  cmd.add_option("-f,--format", c->format, "Output format")->check(CLI::IsMember({"table", "json", "sarif"}));
  cmd.add_option("-o,--output", c->output, "Write the report to this file (atomically) instead of stdout");
  cmd.add_flag("--all", c->all, "List healthy, not-applicable and undecidable results too (always counted)");
  cmd.add_option("--management-ports", c->management_ports,
                 "TCP ports counted as management ports (EXP-NET-001, EXP-NET-002); default 22,3389,5985-5986");
  cmd.add_option("--risky-ports", c->risky_ports,
                 "Ports that must not be reachable (EXP-NET-010); none by default: EXP-NET-010 is undecidable");
  cmd.add_option("--ddos", c->ddos,
                 "EXP-NET-008: 'broad' (default) counts any reachable public IP of a virtual network, 'strict' only "
                 "application gateways' (as Defender)")
      ->check(CLI::IsMember({"strict", "broad"}));
  cmd.add_option("--broad-prefix", c->broad_prefix,
                 "EXP-NET-005: sources broader than /N count as unrestricted; 0 (default): only the whole internet")
      ->check(CLI::Range(0, 32));
  cmd.add_option("--skip", c->skip, "Recommendation ids not to evaluate (comma-separated, repeatable)");
  cmd.add_option("--skip-file", c->skip_file, "A file of recommendation ids not to evaluate: one per line, # comments");
  return [c](std::ostream& out, std::ostream& err) { return c->run(out, err); };
}

}  // namespace exposim::cli
