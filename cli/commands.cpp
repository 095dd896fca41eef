// Command table, input pipeline (import, validate, diagnostics), analyze, explain, and atomic output.
#include "cli/commands.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string_view>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/check_command.h"
#include "cli/exit_codes.h"
#include "cli/explain_report.h"
#include "cli/graph_command.h"
#include "cli/input_options.h"
#include "cli/analyze_report.h"
#include "cli/whatif_command.h"
#include "solver/explain.h"
#include "solver/exposure.h"

namespace exposim::cli {
namespace {

using Clock = std::chrono::steady_clock;

/// A shell word: as is when it is plain, else in single quotes.
std::string shell_word(const std::string& w) {
  const bool plain = !w.empty() && std::all_of(w.begin(), w.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           std::string_view("/._-=:,+@%").find(c) != std::string_view::npos;
  });
  if (plain) return w;
  std::string out = "'";
  for (char c : w) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// "exposim explain" and the inputs as the user gave them, for the commands explain prints.
std::string explain_command(const InputOptions& in) {
  std::string c = "exposim explain";
  for (const auto& f : in.files) c += " " + shell_word(f);
  for (const auto& f : in.parameter_files) c += " --parameters " + shell_word(f);
  for (const auto& p : in.parameters) c += " --param " + shell_word(p);
  for (const auto& d : in.template_dirs) c += " --template-dir " + shell_word(d);
  if (in.allow_missing) c += " --allow-missing";
  return c;
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

/// Streams a report to the -o file (atomically) or to `out`; no copy of the report is held in memory.
int emit(const std::string& output, const std::function<void(std::ostream&)>& write, std::ostream& out,
         std::ostream& err) {
  if (output.empty() || output == "-") {
    write(out);
    out.flush();
    return out ? kExitOk : kExitOutputError;
  }
  std::string error;
  if (!write_file_atomically(output, write, error)) {
    err << "exposim: error: " << error << '\n';
    return kExitOutputError;
  }
  return kExitOk;
}

struct AnalyzeCommand {
  InputOptions input;
  std::string format = "table";
  std::string output;

  void add(CLI::App& app) {
    auto* cmd = app.add_subcommand("analyze", "Report everything the internet can reach, with paths and rules");
    add_input_options(*cmd, input, kInputFilesHelp);
    cmd->add_option("-f,--format", format, "Output format")->check(CLI::IsMember({"table", "json", "csv"}));
    cmd->add_option("-o,--output", output, "Write the report to this file (atomically) instead of stdout");
  }

  int run(std::ostream& out, std::ostream& err) {
    model::Model m;
    model::Diagnostics diags;
    std::optional<DiagnosticPolicy> policy;
    if (const int rc = load_inputs(input, err, m, diags, policy); rc != kExitOk) return rc;
    auto t0 = Clock::now();
    solver::Analysis a = solver::analyze(m);
    if (input.timings) {
      err << fmt::format("exposim: timing: solve {:.3f} s ({} targets, {} distinct evaluations)\n", seconds_since(t0),
                         a.targets_evaluated, a.distinct_evaluations);
    }
    std::vector<model::Diagnostic> sorted;
    if (const int rc = finish_diagnostics(input, *policy, diags, std::move(a.findings), err, sorted); rc != kExitOk) {
      return rc;
    }
    t0 = Clock::now();
    const int rc = emit(
        output,
        [&](std::ostream& o) {
          if (format == "json") {
            write_json(o, m, a, sorted);
          } else if (format == "csv") {
            write_csv(o, m, a);
          } else {
            write_table(o, m, a);
          }
        },
        out, err);
    if (input.timings) err << fmt::format("exposim: timing: report {:.3f} s\n", seconds_since(t0));
    return rc;
  }
};

struct ExplainCommand {
  InputOptions input;
  std::string from;
  std::string to;
  int port = -1;
  CLI::Option* port_option{nullptr};
  std::string protocol = "tcp";
  int source_port = 49152;
  std::string format = "table";
  std::string output;
  std::string backend;
  std::string via;

  void add(CLI::App& app) {
    auto* cmd = app.add_subcommand("explain", "Follow one packet hop by hop: what each hop decides and why");
    add_input_options(*cmd, input, kInputFilesHelp);
    cmd->add_option("--from", from, "Source (client) IP address")->required();
    cmd->add_option("--to", to,
                    "Target: public or private IP address, or the name or id of a public IP, NIC, VM, firewall, "
                    "application gateway, Bastion host, private endpoint or PaaS service (or its host name)")
        ->required();
    port_option =
        cmd->add_option("--port", port, "Destination port (required for tcp and udp)")->check(CLI::Range(0, 65535));
    cmd->add_option("--protocol", protocol, "tcp (default), udp, icmp, esp or ah")
        ->transform(CLI::IsMember({"tcp", "udp", "icmp", "esp", "ah"}, CLI::ignore_case));
    cmd->add_option("--source-port", source_port, "Source port (default 49152)")->check(CLI::Range(0, 65535));
    cmd->add_option("--backend", backend,
                    "Load balancer frontend and application gateway targets: the backend to trace (NIC or VM name, "
                    "or private IP); default: the first member of the rule's pool. A target that fits several ip "
                    "configurations: the one to trace (VM or NIC name or id, ip configuration id, or private IP)");
    cmd->add_option("--via", via,
                    "bastion or bastion:NAME: a Bastion session to the target (a VM, NIC or private IP) on --port, "
                    "entering at the Bastion's public IP on 443")
        ->check([](const std::string& v) {
          return v == "bastion" || v.rfind("bastion:", 0) == 0 ? std::string()
                                                               : std::string("expected bastion or bastion:NAME");
        });
    cmd->add_option("-f,--format", format, "Output format")->check(CLI::IsMember({"table", "json"}));
    cmd->add_option("-o,--output", output, "Write the report to this file (atomically) instead of stdout");
  }

  int run(std::ostream& out, std::ostream& err) {
    solver::FlowQuery q;
    const auto source = model::IpAddress::parse(from);
    if (!source) {
      err << fmt::format("exposim: error: --from: '{}' is not an IP address\n", from);
      return kExitUsage;
    }
    q.source = *source;
    q.target = to;
    q.backend = backend;
    if (!via.empty()) {
      q.via_bastion = true;
      if (via.size() > 8) q.bastion = via.substr(8);
      if (!backend.empty()) {
        err << "exposim: error: --backend does not apply with --via bastion\n";
        return kExitUsage;
      }
    }
    for (int p = 0; p < model::kProtocolCount; ++p) {
      if (protocol == model::to_string(static_cast<model::Protocol>(p))) q.protocol = static_cast<model::Protocol>(p);
    }
    if (model::has_ports(q.protocol)) {
      if (port_option->count() == 0) {
        err << fmt::format("exposim: error: --port is required for {}\n", protocol);
        return kExitUsage;
      }
      q.destination_port = static_cast<std::uint16_t>(port);
      q.source_port = static_cast<std::uint16_t>(source_port);
    }
    model::Model m;
    model::Diagnostics diags;
    std::optional<DiagnosticPolicy> policy;
    if (const int rc = load_inputs(input, err, m, diags, policy); rc != kExitOk) return rc;
    const solver::FlowTrace t = solver::explain(m, q);
    if (t.status != solver::FlowTrace::Status::kOk) {
      err << "exposim: error: " << t.error << '\n';
      const char* what = t.status == solver::FlowTrace::Status::kBadBackend ? "member" : "candidate";
      for (const auto& c : t.candidates) err << "exposim: note: " << what << ": " << c << '\n';
      return kExitBadInput;
    }
    std::vector<model::Diagnostic> sorted;
    if (const int rc = finish_diagnostics(input, *policy, diags, {}, err, sorted); rc != kExitOk) return rc;
    return emit(
        output,
        [&](std::ostream& o) {
          if (format == "json") {
            write_explain_json(o, m, t, sorted);
          } else {
            write_explain_table(o, m, t, explain_command(input));
          }
        },
        out, err);
  }
};

struct GraphCommand {
  InputOptions input;
  GraphOptions options;

  void add(CLI::App& app) {
    auto* cmd = app.add_subcommand("graph", "Draw the estate and every exposed path (DOT, SVG, PNG or JSON)");
    add_input_options(*cmd, input, kInputFilesHelp);
    cmd->add_option("-f,--format", options.format,
                    "dot (default), svg or png (rendered by Graphviz's 'dot' from PATH), or json; default: from the "
                    "-o file's extension")
        ->check(CLI::IsMember({"dot", "svg", "png", "json"}));
    cmd->add_option("-o,--output", options.output, "Write the diagram to this file (atomically) instead of stdout");
    cmd->add_option("--focus", options.diagram.focus,
                    "Draw one resource (name or id) with its neighbourhood and the exposed paths touching it");
    cmd->add_flag("--exposed-only", options.diagram.exposed_only, "Draw only what lies on exposed paths");
    cmd->add_flag("--expand-all", options.diagram.expand_all, "Never collapse private NICs into one node per subnet");
  }

  int run(std::ostream& out, std::ostream& err) {
    model::Model m;
    model::Diagnostics diags;
    std::optional<DiagnosticPolicy> policy;
    if (const int rc = load_inputs(input, err, m, diags, policy); rc != kExitOk) return rc;
    auto t0 = Clock::now();
    solver::Analysis a = solver::analyze(m);
    if (input.timings) err << fmt::format("exposim: timing: solve {:.3f} s\n", seconds_since(t0));
    std::vector<model::Diagnostic> sorted;
    if (const int rc = finish_diagnostics(input, *policy, diags, std::move(a.findings), err, sorted); rc != kExitOk) {
      return rc;
    }
    t0 = Clock::now();
    const int rc = run_graph(m, a, options, out, err);
    if (input.timings) err << fmt::format("exposim: timing: graph {:.3f} s\n", seconds_since(t0));
    return rc;
  }
};

struct CheckCommand {
  InputOptions input;
  CheckOptions options;

  void add(CLI::App& app) {
    auto* cmd = app.add_subcommand("check", "Check a design against a spec of assertions (exit 1 when one fails)");
    add_input_options(*cmd, input, kInputFilesHelp);
    add_check_options(*cmd, options);
  }

  int run(std::ostream& out, std::ostream& err) {
    const auto spec = load_check_spec(options, err);
    if (!spec) return kExitBadInput;
    model::Model m;
    model::Diagnostics diags;
    std::optional<DiagnosticPolicy> policy;
    if (const int rc = load_inputs(input, err, m, diags, policy); rc != kExitOk) return rc;
    solver::Analysis a = solver::analyze(m);
    std::vector<model::Diagnostic> sorted;
    if (const int rc = finish_diagnostics(input, *policy, diags, std::move(a.findings), err, sorted); rc != kExitOk) {
      return rc;
    }
    return run_check(options, input.files, *spec, m, a, sorted, out, err);
  }
};

}  // namespace

bool write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write,
                           std::string& error) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string tmp = (dir / ("." + target.filename().string() + ".tmp.XXXXXX")).string();
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    error = fmt::format("{}: cannot create a temporary file in '{}': {}", path, dir.string(), std::strerror(errno));
    return false;
  }
  const mode_t mask = ::umask(0);  // mkstemp creates 0600; give the report the permissions a new file gets
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  ::close(fd);
  auto fail = [&](const std::string& what) {
    error = fmt::format("{}: {}: {}", path, what, std::strerror(errno));
    ::unlink(tmp.c_str());
    return false;
  };
  {
    std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
    if (!file) return fail("cannot open the temporary file");
    write(file);
    file.flush();
    if (!file) return fail("write failed");
  }
  const int sync_fd = ::open(tmp.c_str(), O_RDONLY);
  if (sync_fd < 0 || ::fsync(sync_fd) != 0) {
    if (sync_fd >= 0) ::close(sync_fd);
    return fail("cannot flush the file to disk");
  }
  ::close(sync_fd);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return fail("cannot replace the file");
  return true;
}

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  try {
    CLI::App app{"exposim: what the internet can reach in an Azure network, computed before deployment"};
    app.name("exposim");
    app.require_subcommand(1);
    app.set_version_flag("--version", "exposim 0.1.0");
    AnalyzeCommand analyze;
    analyze.add(app);
    ExplainCommand explain;
    explain.add(app);
    GraphCommand graph;
    graph.add(app);
    CheckCommand check;
    check.add(app);
    WhatifCommand whatif;
    whatif.add(app);

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
      if (sub->get_name() == "analyze") return analyze.run(out, err);
      if (sub->get_name() == "explain") return explain.run(out, err);
      if (sub->get_name() == "graph") return graph.run(out, err);
      if (sub->get_name() == "check") return check.run(out, err);
      if (sub->get_name() == "whatif") return whatif.run(out, err);
    }
    return kExitUsage;
  } catch (const std::bad_alloc&) {
    err << "exposim: error: out of memory\n";
    return kExitInternal;
  } catch (const std::exception& e) {
    err << "exposim: internal error: " << e.what() << '\n';
    return kExitInternal;
  }
}

}  // namespace exposim::cli
