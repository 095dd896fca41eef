// `exposim analyze`: everything the internet can reach, as a table, JSON or CSV (cli/analyze_report.h).
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/analyze_jsonl.h"
#include "cli/analyze_report.h"
#include "cli/analyzed_inputs.h"
#include "cli/attack_path_options.h"
#include "cli/attack_path_report.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/input_options.h"
#include "cli/output.h"
#include "cli/terminal.h"
#include "cli/text_table.h"
#include "cli/timing.h"

namespace exposim::cli {
namespace {

/// Tables longer than this suggest --summary on stderr.
constexpr std::size_t kSuggestSummary = 200;
/// Exposures a report of one record per exposure (table, JSON, CSV) may hold before analyze stops and asks for
/// --summary (docs/security.md): 2.4 times the 414,020 exposures of issue 18's rule-heavy 100,000-NIC estate, whose
/// JSON report was 1.1 GB; a JSON report at the limit is about 2.7 GB.
constexpr std::size_t kMaxExposures = 1'000'000;

struct Analyze {
  InputOptions input;
  std::string format = "table";
  std::string output;
  std::string sort = "risk";
  bool summary = false;
  int width = -1;  // -1: the terminal's (cli/terminal.h)
  int json_version = 1;
  std::size_t max_sources = kDefaultMaxSources;
  std::size_t max_exposures = kMaxExposures;  // 0: no limit
  AttackPathFlags attack;

  int run(std::ostream& out, std::ostream& err) const {
    if (json_version != 1 && format != "json" && format != "jsonl") {
      err << fmt::format("exposim: --json-version applies to --format json and jsonl, not {}\n", format);
      return kExitUsage;
    }
    if (!attack.critical.empty() && !attack.enabled) {
      err << "exposim: --critical applies with --attack-paths\n";
      return kExitUsage;
    }
    if (attack.enabled && (format == "csv" || format == "jsonl" || (format == "json" && summary))) {
      err << fmt::format("exposim: --attack-paths applies to --format table and json (without --summary), not {}\n",
                         format == "json" ? "the summary document" : format);
      return kExitUsage;
    }
    for (const auto& text : attack.critical) {
      if (const auto c = parse_critical_selector(text); !c.error.empty()) {
        err << "exposim: " << terminal_cell(c.error) << '\n';
        return kExitUsage;
      }
    }
    AnalyzedInputs in;
    // The attack paths are computed before the diagnostics are printed, so that reach()'s findings are among them.
    std::optional<solver::AttackPaths> paths;
    AfterSolve after_solve;
    if (attack.enabled) {
      after_solve = [&](const model::Model& m, const solver::Analysis& a) {
        const auto ta = Clock::now();
        paths = compute_attack_paths(m, a, attack, input.jobs, err);
        if (!paths) return model::Diagnostics{};
        if (input.timings) {
          err << fmt::format("exposim: timing: attack paths {:.3f} s ({} reach sources)\n", seconds_since(ta),
                             paths->sources);
        }
        return paths->findings;
      };
    }
    if (const int rc = analyze_inputs(input, SolveTiming::kDurationAndCounts, err, in, after_solve); rc != kExitOk) {
      return rc;
    }
    if (attack.enabled && !paths) return kExitUsage;
    const model::Model& m = in.model;
    const solver::Analysis& a = in.analysis;
    // JSON Lines streams one record at a time and --summary writes aggregates: neither grows with the exposures.
    if (max_exposures > 0 && !summary && format != "jsonl" && a.exposures.size() > max_exposures) {
      err << fmt::format(
          "exposim: error: the report would hold {} exposures, more than the limit of {}; --summary writes them as "
          "aggregates, --format jsonl streams them, --max-exposures N raises the limit (0: none)\n",
          with_thousands(a.exposures.size()), with_thousands(max_exposures));
      return kExitBadInput;
    }
    const auto t0 = Clock::now();
    std::size_t rows = 0;
    const int rc = write_output(
        output,
        [&](std::ostream& o) {
          if (format == "json") {
            write_json(o, m, a, in.diagnostics,
                       JsonOptions{json_version, summary, input.jobs, &input.directories, paths ? &*paths : nullptr});
          } else if (format == "jsonl") {
            write_json_lines(o, m, a, in.diagnostics, JsonOptions{json_version, summary, input.jobs});
          } else if (format == "csv") {
            write_csv(o, m, a);
          } else {
            TableOptions t;
            t.layout = detect_terminal(o);
            if (width >= 0) t.layout.columns = width;
            t.sort = sort == "name" ? TableSort::kName : TableSort::kRisk;
            t.summary = summary;
            t.max_sources = max_sources;
            // The table escapes what it prints itself (its colours are its own control sequences); without
            // colour it is written through the escaping stream as well.
            if (t.layout.colour) {
              rows = write_table(o, m, a, t);
            } else {
              write_terminal_safe(o, [&](std::ostream& safe) { rows = write_table(safe, m, a, t); });
            }
            if (paths) write_attack_paths_text(o, m, a, *paths);
          }
        },
        out, err);
    if (rows > kSuggestSummary) {
      err << fmt::format("exposim: the table has {} rows; --summary prints them as aggregates\n", with_thousands(rows));
    }
    if (input.timings) err << fmt::format("exposim: timing: report {:.3f} s\n", seconds_since(t0));
    return rc;
  }
};

}  // namespace

Command::Run analyze_command(CLI::App& cmd) {
  auto c = std::make_shared<Analyze>();
  add_input_options(cmd, c->input, kInputFilesHelp);
  cmd.add_option("-f,--format", c->format, "Output format (jsonl: JSON Lines, one record per line)")
      ->check(CLI::IsMember({"table", "json", "jsonl", "csv"}));
  cmd.add_option("--json-version", c->json_version,
                 "JSON and JSON Lines: 1 (each exposure lists its sources) or 2 (source sets written once, "
                 "referenced by id; path hops in the shape explain --json-version 2 writes)")
      ->check(CLI::IsMember({1, 2}));
  cmd.add_option("-o,--output", c->output, "Write the report to this file (atomically) instead of stdout");
  cmd.add_option("--sort", c->sort, "Table rows by risk (management ports from any source first) or by target name")
      ->check(CLI::IsMember({"risk", "name"}));
  cmd.add_flag("--summary", c->summary,
               "Aggregates instead of one record per exposure: table lines by protocol, ports and sources; JSON "
               "counts by severity, via and port");
  cmd.add_option("--max-sources", c->max_sources, "Table: CIDRs listed per SOURCES cell before \"+N more\" (0: all)")
      ->check(CLI::NonNegativeNumber);
  cmd.add_option("--max-exposures", c->max_exposures,
                 "Table, JSON and CSV: stop with exit 2 when the report would hold more than N exposures; --summary "
                 "and jsonl are not limited (0: no limit)")
      ->check(CLI::NonNegativeNumber);
  add_attack_path_options(cmd, c->attack);
  cmd.add_option("--width", c->width,
                 "Table: fit N columns (0: unlimited); default the terminal's width on a terminal, else unlimited")
      ->check(CLI::NonNegativeNumber);
  return [c](std::ostream& out, std::ostream& err) { return c->run(out, err); };
}

}  // namespace exposim::cli
