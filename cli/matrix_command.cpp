// `exposim matrix`: the segmentation matrix of an estate (solver/segmentation.h) by subnet, VNet, ASG or tag, as a
// table, JSON, CSV, or a heat map (DOT, or SVG through Graphviz's `dot`).
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/dot_render.h"
#include "cli/exit_codes.h"
#include "cli/input_options.h"
#include "cli/matrix_report.h"
#include "cli/output.h"
#include "cli/pipeline.h"
#include "cli/progress.h"
#include "cli/terminal.h"
#include "cli/timing.h"
#include "solver/grouping.h"
#include "solver/segmentation.h"

namespace exposim::cli {
namespace {

/// Whether `by` names a grouping: "subnet", "vnet", "asg" or "tag:KEY".
bool matrix_by_valid(const std::string& by) {
  return by == "subnet" || by == "vnet" || by == "asg" || (by.rfind("tag:", 0) == 0 && by.size() > 4);
}

/// The grouping `by` names (matrix_by_valid()).
solver::Grouping matrix_grouping(const model::Model& m, const std::string& by) {
  if (by == "vnet") return solver::group_by_vnet(m);
  if (by == "asg") return solver::group_by_asg(m);
  if (by.rfind("tag:", 0) == 0) return solver::group_by_tag(m, std::string_view(by).substr(4));
  return solver::group_by_subnet(m);
}

struct Matrix {
  InputOptions input;
  std::string by{"subnet"};
  std::string format{"table"};
  std::string output;
  bool paas{false};  // --paas: the PaaS services' public endpoints as target-only columns

  int run(std::ostream& out, std::ostream& err) const {
    if (!matrix_by_valid(by)) {
      err << "exposim: error: --by: '" << terminal_cell(by) << "' is not subnet, vnet, asg or tag:KEY\n";
      return kExitUsage;
    }
    model::Model m;
    model::Diagnostics diags;
    std::optional<DiagnosticPolicy> policy;
    Progress progress(err, progress_wanted(err, input.quiet));
    if (const int rc = load_inputs(input, err, m, diags, policy, &progress); rc != kExitOk) return rc;
    const auto t0 = Clock::now();
    solver::Grouping groups = matrix_grouping(m, by);
    if (paas) solver::add_paas_groups(m, groups);
    solver::ReachOptions options;
    options.jobs = input.jobs;
    if (progress.enabled()) {
      options.progress = [&](std::string_view stage, std::size_t done, std::size_t total) {
        progress.update(solve_progress_text(stage, done, total));
      };
    }
    solver::Segmentation s = solver::segmentation(m, groups, options);
    progress.clear();
    if (input.timings) {
      err << fmt::format("exposim: timing: solve {:.3f} s ({} groups, {} cells, {} source classes, {} evaluations)\n",
                         seconds_since(t0), groups.names.size(), s.cells.size(), s.source_classes, s.evaluations);
    }
    std::vector<model::Diagnostic> sorted;
    if (const int rc = finish_diagnostics(input, *policy, diags, std::move(s.findings), err, sorted); rc != kExitOk) {
      return rc;
    }
    const MatrixReport report{m, groups, s, by};
    std::function<void(std::ostream&)> write;
    std::string rendered;
    if (format == "json") {
      write = [&](std::ostream& o) { write_matrix_json(o, report, sorted); };
    } else if (format == "csv") {
      write = [&](std::ostream& o) { write_matrix_csv(o, report); };
    } else if (format == "dot") {
      write = [&](std::ostream& o) { write_matrix_dot(o, report); };
    } else if (format == "svg") {
      std::ostringstream text;
      write_matrix_dot(text, report);
      if (const int rc = render_with_dot(format, text.str(), rendered, err); rc != kExitOk) return rc;
      write = [&](std::ostream& o) { o.write(rendered.data(), static_cast<std::streamsize>(rendered.size())); };
    } else {
      write = [&](std::ostream& o) {
        write_terminal_safe(o, [&](std::ostream& safe) { write_matrix_table(safe, report); });
      };
    }
    return write_output(output, write, out, err);
  }
};

}  // namespace

Command::Run matrix_command(CLI::App& cmd) {
  auto c = std::make_shared<Matrix>();
  add_input_options(cmd, c->input, kInputFilesHelp);
  cmd.add_option("--by", c->by,
                 "Group the estate's ip configurations and private endpoints by subnet (default), vnet, asg, or "
                 "tag:KEY (the VM's value of tag KEY, else the NIC's)");
  cmd.add_option("-f,--format", c->format,
                 "table (default), json, csv, dot (a heat map for Graphviz) or svg (rendered by Graphviz's 'dot' "
                 "from PATH)")
      ->check(CLI::IsMember({"table", "json", "csv", "dot", "svg"}));
  cmd.add_option("-o,--output", c->output, "Write the matrix to this file (atomically) instead of stdout");
  cmd.add_flag("--paas", c->paas,
               "Also the public endpoint of every PaaS service, as a column of its own (paas:NAME): what each group "
               "reaches of it from inside the estate");
  return [c](std::ostream& out, std::ostream& err) { return c->run(out, err); };
}

}  // namespace exposim::cli
