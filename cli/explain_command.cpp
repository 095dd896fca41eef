// `exposim explain`: one packet followed hop by hop, as a table or JSON (cli/explain_report.h).
#include <algorithm>
#include <cctype>
#include <memory>
#include <string_view>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/explain_query_text.h"
#include "cli/explain_report.h"
#include "cli/input_options.h"
#include "cli/output.h"
#include "cli/pipeline.h"
#include "cli/terminal.h"
#include "model/suggest.h"
#include "solver/explain.h"

namespace exposim::cli {
namespace {

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
std::string explain_command_line(const InputOptions& in) {
  std::string c = "exposim explain";
  for (const auto& f : in.files) c += " " + shell_word(f);
  for (const auto& f : in.parameter_files) c += " --parameters " + shell_word(f);
  for (const auto& p : in.parameters) c += " --param " + shell_word(p);
  for (const auto& d : in.template_dirs) c += " --template-dir " + shell_word(d);
  for (const auto& d : in.allowed_dirs) c += " --allow-dir " + shell_word(d);
  if (in.allow_missing) c += " --allow-missing";
  return c;
}

struct Explain {
  InputOptions input;
  std::string from;
  std::string to;
  int port = -1;
  CLI::Option* port_option{nullptr};
  std::string protocol = "tcp";
  int source_port = 49152;
  std::string format = "table";
  int json_version = 1;
  std::string output;
  std::string backend;
  std::string via;

  int run(std::ostream& out, std::ostream& err) const {
    if (json_version != 1 && format != "json") {
      err << fmt::format("exposim: --json-version applies to --format json, not {}\n", format);
      return kExitUsage;
    }
    solver::FlowQuery q;
    // An IP address (the internet's, or a private one inside the estate), or a NIC, VM or ip configuration inside the
    // estate by name or id: an east-west flow (solver/flow_query.h).
    if (const auto source = model::IpAddress::parse(from)) {
      q.source = *source;
    } else if (from.empty() || !via.empty()) {
      err << fmt::format("exposim: error: --from: '{}' is not an IP address{}\n", from,
                         from.empty() ? "" : " (a resource name applies without --via)");
      return kExitUsage;
    } else {
      q.source_name = from;
    }
    q.target = to;
    q.backend = backend;
    if (!via.empty()) {
      const bool appliance = via.rfind("appliance", 0) == 0;
      (appliance ? q.via_appliance : q.via_bastion) = true;
      const std::size_t kind = appliance ? 9 : 7;  // "appliance", "bastion"
      if (via.size() > kind + 1) (appliance ? q.appliance : q.bastion) = via.substr(kind + 1);
      if (!backend.empty()) {
        err << fmt::format("exposim: error: --backend does not apply with --via {}\n",
                           appliance ? "appliance" : "bastion");
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
    // The inputs' diagnostics come first, also when the query names nothing in them: a warning about the input
    // (a resource not read, say) is often why a target is unknown.
    std::vector<model::Diagnostic> sorted;
    if (const int rc = finish_diagnostics(input, *policy, diags, {}, err, sorted); rc != kExitOk) return rc;
    const solver::FlowTrace t = solver::explain(m, q);
    if (t.status != solver::FlowTrace::Status::kOk) {
      err << "exposim: error: " << terminal_cell(query_error_text(m, t)) << '\n';
      const char* what = t.status == solver::FlowTrace::Status::kBadBackend ? "member" : "candidate";
      for (const auto& c : query_candidates_text(m, t.error)) {
        err << "exposim: note: " << what << ": " << terminal_cell(c) << '\n';
      }
      return kExitBadInput;
    }
    return write_output(
        output,
        [&](std::ostream& o) {
          if (format == "json") {
            write_explain_json(o, m, t, sorted, json_version);
          } else {
            write_terminal_safe(
                o, [&](std::ostream& safe) { write_explain_table(safe, m, t, explain_command_line(input)); });
          }
        },
        out, err);
  }
};

}  // namespace

Command::Run explain_command(CLI::App& cmd) {
  auto c = std::make_shared<Explain>();
  add_input_options(cmd, c->input, kInputFilesHelp);
  cmd.add_option("--from", c->from,
                 "Source: an IP address (an internet client, or a private address inside the estate), or the name or "
                 "id of a NIC or VM (or an ip configuration id) inside the estate: a private source follows the "
                 "east-west path hop by hop")
      ->required();
  cmd.add_option("--to", c->to,
                 "Target: public or private IP address, or the name or id of a public IP, NIC, VM, firewall, "
                 "application gateway, Bastion host, private endpoint or PaaS service (or its host name)")
      ->required();
  c->port_option =
      cmd.add_option("--port", c->port, "Destination port (required for tcp and udp)")->check(CLI::Range(0, 65535));
  cmd.add_option("--protocol", c->protocol, "tcp (default), udp, icmp, esp or ah")
      ->transform(CLI::IsMember({"tcp", "udp", "icmp", "esp", "ah"}, CLI::ignore_case));
  cmd.add_option("--source-port", c->source_port, "Source port (default 49152)")->check(CLI::Range(0, 65535));
  cmd.add_option("--backend", c->backend,
                 "Load balancer frontend and application gateway targets: the backend to trace (NIC or VM name, "
                 "or private IP); default: the first member of the rule's pool. A target that fits several ip "
                 "configurations: the one to trace (VM or NIC name or id, ip configuration id, or private IP)");
  cmd.add_option("--via", c->via,
                 "bastion or bastion:NAME: a Bastion session to the target (a VM, NIC or private IP) on --port, "
                 "entering at the Bastion's public IP on 443. appliance or appliance:NAME (its NIC or VM): through "
                 "a network virtual appliance's public IP, assumed to forward to the target on --port")
      ->check([](const std::string& v) {
        return v == "bastion" || v.rfind("bastion:", 0) == 0 || v == "appliance" || v.rfind("appliance:", 0) == 0
                   ? std::string()
                   : std::string("expected bastion, bastion:NAME, appliance or appliance:NAME");
      });
  cmd.add_option("-f,--format", c->format, "Output format")->check(CLI::IsMember({"table", "json"}));
  cmd.add_option("--json-version", c->json_version,
                 "JSON document version: 1 (default, stable) or 2 (hops in the shape analyze --json-version 2 "
                 "writes)")
      ->check(CLI::IsMember({1, 2}));
  cmd.add_option("-o,--output", c->output, "Write the report to this file (atomically) instead of stdout");
  return [c](std::ostream& out, std::ostream& err) { return c->run(out, err); };
}

}  // namespace exposim::cli
