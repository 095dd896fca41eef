// whatif's east-west section (cli/whatif_east_west.h).
#include "cli/whatif_east_west.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <tuple>
#include <utility>

#include <fmt/format.h>

#include "cli/exit_codes.h"
#include "cli/markdown.h"
#include "cli/reach_query_text.h"
#include "cli/reach_report.h"
#include "cli/terminal.h"
#include "cli/text_table.h"
#include "cli/whatif_report.h"
#include "solver/reach_source.h"

namespace exposim::cli {

using nlohmann::ordered_json;
using solver::EastWestDelta;
using solver::ReachFlow;
using solver::WhatifDelta;

namespace {

/// The error of a --from on one side, and its candidates, as `exposim reach` prints them; `side` says which model
/// ("before the change", "after the change") when the other side resolved it.
void whatif_ew_error(const model::Model& m, const solver::ReachQueryError& e, std::string_view side,
                     std::ostream& err) {
  err << "exposim: error: " << terminal_cell(reach_error_text(m, e));
  if (!side.empty()) err << " (" << side << ")";
  err << '\n';
  for (const auto& c : reach_candidates_text(m, e)) err << "exposim: note: candidate: " << terminal_cell(c) << '\n';
}

/// Whether a --from or --to error only says that the text names nothing in this model: the source or target is then
/// absent from this side (no flows there), as a VM the change adds or removes.
bool whatif_ew_absent(const std::optional<solver::ReachQueryError>& e) {
  return e && (e->code == solver::ReachErrorCode::kUnknown || e->code == solver::ReachErrorCode::kUnheldAddress);
}

/// Decides a --from's or --to's errors on the two sides (`before_error` resolved in `before`, `after_error` in
/// `after`): absent on both sides, or an error of another kind on either, is printed on `err` with its candidates
/// (the side named when only that side has it) and returns true: the command's error. Absent on one side only is no
/// error (no flows there).
bool whatif_ew_side_errors(const model::Model& before, const std::optional<solver::ReachQueryError>& before_error,
                           const model::Model& after, const std::optional<solver::ReachQueryError>& after_error,
                           std::ostream& err) {
  const auto& b = before_error;
  const auto& a = after_error;
  if (b && a && whatif_ew_absent(b) && whatif_ew_absent(a)) {
    whatif_ew_error(before, *b, "", err);
    return true;
  }
  if (b && !whatif_ew_absent(b)) {
    whatif_ew_error(before, *b, a ? "" : "before the change", err);
    return true;
  }
  if (a && !whatif_ew_absent(a)) {
    whatif_ew_error(after, *a, "after the change", err);
    return true;
  }
  return false;
}

/// One side's reach options: `options`, restricted to `targets` when given (a --to); a --to that names nothing on
/// this side admits no target.
solver::ReachOptions whatif_ew_side_options(const solver::ReachOptions& options,
                                            const std::optional<solver::ResolvedReachTargets>& targets) {
  solver::ReachOptions out = options;
  if (targets) {
    out.targets = [t = &targets->targets, none = targets->error.has_value()](model::ResourceKind kind, int index) {
      return !none && t->admits(kind, index);
    };
  }
  return out;
}

/// The flows of one side: reach() from every source (broken flows are left out: a flow that breaks is closed), only
/// those to `targets` when given.
std::vector<ReachFlow> whatif_ew_flows(const model::Model& m, const std::vector<solver::ReachSource>& sources,
                                       const solver::ReachOptions& options,
                                       const std::optional<solver::ResolvedReachTargets>& targets,
                                       model::Diagnostics& findings) {
  std::vector<ReachFlow> out;
  const solver::ReachOptions side = whatif_ew_side_options(options, targets);
  for (const auto& s : sources) {
    solver::Reach r = solver::reach(m, s, side);
    for (auto& f : r.flows) {
      if (!targets || (!targets->error && targets->targets.contains(f))) out.push_back(std::move(f));
    }
    findings.append(r.findings);
  }
  return out;
}

/// The flows of subnet `x` to the PaaS public endpoints, for --east-west, whose reach() merges sources by class and
/// so leaves them out (ReachOptions::paas): reach() from the subnet without merge_sources, PaaS targets only (those
/// of `targets` when given), each flow then made a merged one (its source the subnet's addresses: no ip
/// configuration) and the flows of one target, path, ports and source ports united into one, as a merged reach()
/// unites a class's sources (the first flow's path kept, naming its first source).
std::vector<ReachFlow> whatif_ew_paas_flows(const model::Model& m, const solver::ReachSource& x,
                                            const solver::ReachOptions& options,
                                            const std::optional<solver::ResolvedReachTargets>& targets,
                                            model::Diagnostics& findings) {
  solver::ReachOptions paas = whatif_ew_side_options(options, targets);
  paas.merge_sources = false;
  paas.paas = true;
  paas.targets = [admits = paas.targets](model::ResourceKind kind, int index) {
    return kind == model::ResourceKind::kPaasService && (!admits || admits(kind, index));
  };
  solver::Reach r = solver::reach(m, x, paas);
  findings.append(r.findings);
  std::vector<ReachFlow> out;
  std::map<std::tuple<int, std::string, std::string, std::string>, std::size_t> at;
  for (auto& f : r.flows) {
    if (targets && (targets->error || !targets->targets.contains(f))) continue;
    f.source = {-1, -1};
    f.source_vm = -1;
    const auto key = std::tuple{f.target, solver::reach_path_signature(m, f), model::to_string(f.ports),
                                model::to_string(f.source_ports)};
    const auto [it, added] = at.try_emplace(key, out.size());
    if (added) {
      out.push_back(std::move(f));
    } else {
      out[it->second].sources = out[it->second].sources.unite(f.sources);
    }
  }
  return out;
}

std::string whatif_ew_counts_text(const EastWestWhatif& ew) {
  const DeltaCounts c = count_deltas(ew.diff.deltas);
  return fmt::format("{} opened, {} closed, {} changed, {} rerouted ({} flow{} before, {} after)", c.opened, c.closed,
                     c.changed, c.rerouted, ew.diff.before_flows, ew.diff.before_flows == 1 ? "" : "s",
                     ew.diff.after_flows);
}

/// The deciding hops of a flow's path, one string each (reach_rules_text's parts).
std::vector<std::string> whatif_ew_rule_parts(const model::Model& m, const ReachFlow& f) {
  const std::string text = reach_rules_text(m, f);
  std::vector<std::string> out;
  std::size_t b = 0;
  while (b <= text.size() && !text.empty()) {
    const std::size_t e = text.find(" > ", b);
    out.push_back(text.substr(b, e == std::string::npos ? std::string::npos : e - b));
    if (e == std::string::npos) break;
    b = e + 3;
  }
  return out;
}

std::string whatif_ew_join(const std::vector<std::string>& parts, std::size_t head, std::size_t tail) {
  std::string out;
  for (std::size_t i = head; i + tail < parts.size(); ++i) out += (out.empty() ? "" : " > ") + parts[i];
  return out;
}

/// The deciding hops that differ between the two paths of a rerouted piece, was and now (the common hops at both
/// ends left out, one kept when a side would be empty); both whole when none of them differs (a system route's).
std::pair<std::string, std::string> whatif_ew_reroute_text(const model::Model& before, const model::Model& after,
                                                           const solver::EastWestReroute& x) {
  const auto was = whatif_ew_rule_parts(before, x.before);
  const auto now = whatif_ew_rule_parts(after, x.after);
  std::size_t head = 0;
  while (head < was.size() && head < now.size() && was[head] == now[head]) ++head;
  std::size_t tail = 0;
  while (tail < was.size() - head && tail < now.size() - head &&
         was[was.size() - 1 - tail] == now[now.size() - 1 - tail]) {
    ++tail;
  }
  if (head == was.size() && head == now.size()) {
    return {whatif_ew_join(was, 0, 0), whatif_ew_join(now, 0, 0)};
  }
  if (head + tail == was.size() || head + tail == now.size()) {
    if (head > 0) {
      --head;
    } else if (tail > 0) {
      --tail;
    }
  }
  return {whatif_ew_join(was, head, tail), whatif_ew_join(now, head, tail)};
}

/// Every row of the section: change, then reach's columns (rules: "was ..., now ..." for a rerouted piece).
std::vector<std::vector<std::string>> whatif_ew_rows(const model::Model& before, const model::Model& after,
                                                     const EastWestWhatif& ew) {
  std::vector<std::vector<std::string>> rows;
  const auto add = [&](const char* what, std::vector<std::string> row) {
    row.insert(row.begin(), what);
    rows.push_back(std::move(row));
  };
  for (const auto& d : ew.diff.deltas) {
    if (d.kind == WhatifDelta::Kind::kRerouted) {
      for (const auto& x : d.reroutes) {
        auto row = reach_row(after, x.after);
        const auto [was, now] = whatif_ew_reroute_text(before, after, x);
        row.back() = fmt::format("was {}, now {}", was, now);
        add("rerouted", std::move(row));
      }
      continue;
    }
    for (const auto& f : d.opened)
      add(d.kind == WhatifDelta::Kind::kOpened ? "+ opened" : "+ more", reach_row(after, f));
    for (const auto& f : d.closed) {
      add(d.kind == WhatifDelta::Kind::kClosed ? "- closed" : "- less", reach_row(before, f));
    }
  }
  return rows;
}

}  // namespace

int run_east_west_whatif(const model::Model& before, const model::Model& after, const EastWestQuery& q,
                         EastWestWhatif& out, std::ostream& err) {
  out.from = q.from;
  out.every_subnet = q.every_subnet;
  out.to = q.to;
  // --to, resolved on each side: a name only one side has, or an address only one side holds, is absent from the
  // other (no target there); an error of another kind on either side, or nothing on both, is the command's error.
  std::optional<solver::ResolvedReachTargets> targets[2];
  if (!q.to.empty()) {
    targets[0] = solver::resolve_reach_targets(before, q.to);
    targets[1] = solver::resolve_reach_targets(after, q.to);
    if (whatif_ew_side_errors(before, targets[0]->error, after, targets[1]->error, err)) return kExitBadInput;
  }
  solver::ReachOptions options;
  options.jobs = q.jobs;
  options.merge_sources = q.every_subnet;
  // PaaS public endpoints are targets: with --from, reach()'s own; with --east-west, whose reach() merges sources,
  // whatif_ew_paas_flows() computes them per source and merges them alike.
  options.paas = !q.every_subnet;
  if (q.every_subnet) {
    // Every subnet, as `reach --from subnet:NAME` (one without ip configurations: its whole prefix); the flows of a
    // subnet's sources of one class merged (ReachOptions::merge_sources), keyed by the subnet. A subnet's keys are
    // its own, so that the subnets are compared one at a time (matched by canonical id): only one subnet's flows
    // are held at once, with the differences found so far.
    std::map<std::string, std::pair<int, int>> subnets;  // canonical id -> (index before, index after)
    for (std::size_t s = 0; s < before.subnets.size(); ++s) {
      subnets.emplace(before.subnets[s].key, std::pair{static_cast<int>(s), -1});
    }
    for (std::size_t s = 0; s < after.subnets.size(); ++s) {
      subnets.try_emplace(after.subnets[s].key, std::pair{-1, -1}).first->second.second = static_cast<int>(s);
    }
    std::size_t done = 0;
    for (const auto& [key, at] : subnets) {
      if (q.progress) q.progress("east-west", done++, subnets.size());
      std::vector<ReachFlow> flows[2];
      for (const int side : {0, 1}) {
        const int s = side == 0 ? at.first : at.second;
        if (s < 0) continue;
        solver::ReachSource x;
        x.kind = solver::ReachSource::Kind::kSubnet;
        x.subnet = s;
        const model::Model& m = side == 0 ? before : after;
        model::Diagnostics& findings = side == 0 ? out.findings_before : out.findings_after;
        flows[side] = whatif_ew_flows(m, {x}, options, targets[side], findings);
        auto paas = whatif_ew_paas_flows(m, x, options, targets[side], findings);
        std::move(paas.begin(), paas.end(), std::back_inserter(flows[side]));
        out.reach_calls += 2;
      }
      solver::EastWestDiff d = solver::diff_reach(before, flows[0], after, flows[1]);
      out.diff.grew = out.diff.grew || d.grew;
      out.diff.before_flows += d.before_flows;
      out.diff.after_flows += d.after_flows;
      for (auto& x : d.deltas) out.diff.deltas.push_back(std::move(x));
    }
    if (q.progress) q.progress("east-west", subnets.size(), subnets.size());
    // Sorted by key, as diff_reach() sorts one comparison's.
    std::stable_sort(out.diff.deltas.begin(), out.diff.deltas.end(),
                     [](const solver::EastWestDelta& a, const solver::EastWestDelta& b) { return a.key < b.key; });
    model::name_source_instances(before, out.findings_before);
    model::name_source_instances(after, out.findings_after);
    out.sources = "every subnet";
    return kExitOk;
  }
  std::vector<solver::ReachSource> sources_before;
  std::vector<solver::ReachSource> sources_after;
  for (const auto& text : q.from) {
    const auto b = solver::resolve_reach_source(before, text, q.gateway);
    const auto a = solver::resolve_reach_source(after, text, q.gateway);
    // A name only one side has, or an address only one side's ip configurations hold: the source is absent from
    // the other (no flows there).
    if (whatif_ew_side_errors(before, b.error, after, a.error, err)) return kExitBadInput;
    sources_before.insert(sources_before.end(), b.sources.begin(), b.sources.end());
    sources_after.insert(sources_after.end(), a.sources.begin(), a.sources.end());
    // In words as the after model has them (the before model's for a source the change removes).
    const model::Model& m = a.error ? before : after;
    for (const auto& s : a.error ? b.sources : a.sources) {
      out.sources += (out.sources.empty() ? "" : ", ") + reach_source_text(m, s);
    }
  }
  options.progress = q.progress;
  const auto flows_before = whatif_ew_flows(before, sources_before, options, targets[0], out.findings_before);
  const auto flows_after = whatif_ew_flows(after, sources_after, options, targets[1], out.findings_after);
  model::name_source_instances(before, out.findings_before);  // as `exposim reach` names them
  model::name_source_instances(after, out.findings_after);
  out.reach_calls = sources_before.size() + sources_after.size();
  out.diff = solver::diff_reach(before, flows_before, after, flows_after);
  return kExitOk;
}

void write_east_west_table(std::ostream& out, const model::Model& before, const model::Model& after,
                           const EastWestWhatif& ew) {
  out << "\neast-west from " << ew.sources;
  if (!ew.to.empty()) out << " to " << terminal_cell(ew.to);
  out << ":\n";
  const auto rows = whatif_ew_rows(before, after, ew);
  if (!rows.empty()) {
    write_text_table(out, {"CHANGE", "SOURCE", "TARGET", "IP", "PROTO", "PORTS", "SOURCES", "RULES"}, rows);
  }
  out << fmt::format("east-west: {}: reach {}\n", whatif_ew_counts_text(ew), ew.diff.grew ? "GREW" : "did not grow");
}

ordered_json east_west_json(const model::Model& before, const model::Model& after, const EastWestWhatif& ew) {
  ordered_json j;
  j["from"] = ew.every_subnet ? ordered_json(nullptr) : ordered_json(ew.from);
  j["every_subnet"] = ew.every_subnet;
  j["sources"] = ew.sources;
  j["to"] = ew.to.empty() ? ordered_json(nullptr) : ordered_json(ew.to);
  const DeltaCounts c = count_deltas(ew.diff.deltas);
  j["summary"] = {{"grew", ew.diff.grew},
                  {"opened", c.opened},
                  {"closed", c.closed},
                  {"changed", c.changed},
                  {"rerouted", c.rerouted},
                  {"flows_before", ew.diff.before_flows},
                  {"flows_after", ew.diff.after_flows}};
  const auto list = [](const model::Model& m, const std::vector<ReachFlow>& flows) {
    ordered_json a = ordered_json::array();
    for (const auto& f : flows) a.push_back(reach_flow_json(m, f));
    return a;
  };
  ordered_json deltas = ordered_json::array();
  for (const EastWestDelta& d : ew.diff.deltas) {
    ordered_json x;
    x["change"] = solver::to_string(d.kind);
    x["key"] = d.key;
    if (d.kind == WhatifDelta::Kind::kRerouted) {
      x["before"] = list(before, d.before);
      x["after"] = list(after, d.after);
      ordered_json moved = ordered_json::array();
      for (const auto& r : d.reroutes) {
        const auto [was, now] = whatif_ew_reroute_text(before, after, r);
        moved.push_back({{"was", was},
                         {"now", now},
                         {"before", reach_flow_json(before, r.before)},
                         {"after", reach_flow_json(after, r.after)}});
      }
      x["reroutes"] = std::move(moved);
    } else {
      x["opened"] = list(after, d.opened);
      x["closed"] = list(before, d.closed);
    }
    deltas.push_back(std::move(x));
  }
  j["differences"] = std::move(deltas);
  return j;
}

std::string east_west_markdown_summary(const EastWestWhatif& ew) {
  return fmt::format("**East-west: reach {}.** {}, from {}{}.\n", ew.diff.grew ? "grew" : "did not grow",
                     whatif_ew_counts_text(ew), md_cell(ew.sources),
                     ew.to.empty() ? std::string() : " to " + md_cell(ew.to));
}

void write_east_west_markdown(std::ostream& out, const model::Model& before, const model::Model& after,
                              const EastWestWhatif& ew, std::size_t& budget) {
  out << "\n### East-west\n\n";
  const auto rows = whatif_ew_rows(before, after, ew);
  if (rows.empty()) {
    out << "No difference east-west.\n";
    return;
  }
  md_table(out, {"change", "source", "target", "IP", "proto", "ports", "sources", "rules"}, rows, budget);
}

}  // namespace exposim::cli
