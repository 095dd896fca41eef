// Times a one-rule what-if on a generated estate (docs/performance.md, "What-if"): load and analyse the estate,
// add one inbound rule to an NSG, then solve the change incrementally (solver/incremental.h) and fully, and
// check that both give the same exposures, broken flows and findings (item by item, not timed). The incremental
// figure is the whole IncrementalAnalysis::update: the scope of the change, the scoped solve and the splice.
// A second change, removing the public IP of that NSG's first NIC, changes how many exposures there are (the
// splice must then not move the exposures of other targets). Each update is also timed in the thread's CPU time,
// which leaves out the time a loaded machine makes it wait; the flat analysis (IncrementalAnalysis::take) is timed
// apart, since the update does not build it.
//
// With `--loop N`, each change is then undone and made again N times on one incremental analysis (2N + 1 updates
// after the measured runs, the last one making the change): the median and the 90th percentile of those updates' CPU
// time, each way, from more samples than the runs give and without copying the analysis between them, which is also
// the loop to profile (`perf record`). The analysis the loop ends with is checked against the full one too.
//
// With `--full-once`, the full re-analysis runs after the last update only (many runs of the update, each on a fresh
// copy of the analysis, cost the copies then, not a full analysis each).
//
//   exposim_whatif_bench ESTATE.json [--runs N] [--loop N] [--full-once]
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <time.h>

#include <fmt/format.h>

#include "importers/change.h"
#include "importers/inputs.h"
#include "model/validate.h"
#include "solver/exposure.h"
#include "solver/incremental.h"

namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

/// The CPU time this thread has used, in milliseconds: on a loaded machine the wall time of a millisecond-long step
/// is mostly the time the thread waits for a core, which this leaves out.
double thread_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

/// The CPU time of the whole process (every thread), in milliseconds.
double process_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  using namespace exposim;
  if (argc < 2) {
    fmt::print(stderr, "usage: exposim_whatif_bench ESTATE.json [--runs N] [--loop N] [--full-once]\n");
    return 3;
  }
  int runs = 5;
  int loop = 0;
  for (int i = 2; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--runs") runs = std::max(1, std::atoi(argv[i + 1]));
    if (std::string(argv[i]) == "--loop") loop = std::max(0, std::atoi(argv[i + 1]));
  }
  const bool full_once = std::find(argv + 2, argv + argc, std::string("--full-once")) != argv + argc;
  auto t0 = Clock::now();
  model::Model raw;
  model::Diagnostics diags;
  importers::import_inputs({argv[1]}, {}, raw, diags);
  if (diags.has_errors()) {
    fmt::print(stderr, "the estate has errors\n");
    return 2;
  }
  model::Model before = raw;
  model::validate(before, diags);
  fmt::print("load and validate: {:.0f} ms\n", ms_since(t0));
  t0 = Clock::now();
  solver::IncrementalAnalysis baseline(before);
  fmt::print("full analysis of the estate: {:.0f} ms, {} exposures, {} broken\n", ms_since(t0),
             baseline.exposure_count(), baseline.broken_count());
  fmt::print("the index of the scope (built with it): {} targets, {} (target, resource) pairs, about {:.1f} MB\n",
             baseline.scope_index().target_count(), baseline.scope_index().pair_count(),
             static_cast<double>(baseline.scope_index().memory_bytes()) / 1e6);
  {
    // What building the index costs: the full analysis an incremental analysis runs (analyze_traced), without and
    // with the index recorded (scope_index_of), CPU time of the process, median of 3.
    std::vector<double> plain;
    std::vector<double> indexed;
    for (int i = 0; i < 3; ++i) {
      double c0 = process_cpu_ms();
      solver::AnalysisTrace trace;
      (void)solver::analyze_traced(before, trace);
      plain.push_back(process_cpu_ms() - c0);
      c0 = process_cpu_ms();
      (void)solver::scope_index_of(before);
      indexed.push_back(process_cpu_ms() - c0);
    }
    fmt::print("full analysis (CPU, median of 3): {:.0f} ms without the index, {:.0f} ms recording it\n", median(plain),
               median(indexed));
  }

  // The NSG: that of the first NIC with a public IP (its own, else its subnet's) whose scope the incremental path
  // covers, so that the change is visible.
  int chosen = -1;
  int chosen_nic = -1;
  int tried = 0;
  for (std::size_t n = 0; n < before.nics.size() && chosen < 0 && tried < 50; ++n) {
    const auto& nic = before.nics[n];
    if (nic.ip_configurations.empty() || !nic.ip_configurations[0].public_ip.set()) continue;
    const int subnet = nic.ip_configurations[0].subnet.index;
    const int i = nic.nsg.index >= 0 ? nic.nsg.index : subnet >= 0 ? before.subnets[subnet].nsg.index : -1;
    if (i < 0) continue;
    ++tried;
    const std::vector<model::Changed> changed{{model::ResourceKind::kNetworkSecurityGroup, before.nsgs[i].key}};
    if (solver::scope_of_change(before, before, changed, baseline.scope_index())) {
      chosen = i;
      chosen_nic = static_cast<int>(n);
    }
  }
  if (chosen < 0) {
    fmt::print(stderr, "no NSG fits\n");
    return 1;
  }
  const auto& nsg = before.nsgs[chosen];
  int priority = 100;
  for (bool used = true; used; ++priority) {
    used = std::any_of(nsg.rules.begin(), nsg.rules.end(), [&](const model::SecurityRule& r) {
      return r.direction == model::Direction::kInbound && r.priority == priority;
    });
    if (!used) break;
  }
  const std::string change = fmt::format(
      R"({{"changes": [{{"op": "add-nsg-rule", "nsg": "{}", "rule": {{"name": "bench-open-ssh", "properties": {{
      "priority": {}, "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": "52.10.20.0/24",
      "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "22"}}}}}}]}})",
      nsg.id, priority);
  // One change: applied to a copy of the imported estate, validated, then solved `runs` times both ways.
  const auto measure = [&](const std::string& label, const std::string& change) -> int {
    model::Model after = raw;
    std::vector<model::Changed> changed;
    if (!importers::apply_change_text(change, "bench-change.json", after, diags, changed)) {
      fmt::print(stderr, "the change does not apply\n");
      return 2;
    }
    model::validate(after, diags);
    const auto scope = solver::scope_of_change(before, after, changed, baseline.scope_index());
    std::size_t scoped = 0;
    for (std::size_t n = 0; n < after.nics.size(); ++n) scoped += scope && scope->nic(static_cast<int>(n)) ? 1 : 0;
    fmt::print("change: {}: {} NICs in scope of {}\n", label, scoped, after.nics.size());

    std::vector<double> incremental;
    std::vector<double> incremental_cpu;
    std::vector<double> scope_part;
    std::vector<double> solve_part;
    std::vector<double> splice_part;
    std::vector<double> flat;
    std::vector<double> full;
    solver::Analysis inc_result;
    solver::Analysis full_result;
    for (int r = 0; r < runs; ++r) {
      solver::IncrementalAnalysis inc = baseline;  // a fresh copy of the analysed estate (not timed)
      const double cpu0 = thread_cpu_ms();
      t0 = Clock::now();
      if (!inc.update(before, after, changed)) {
        fmt::print(stderr, "the change fell back to a full analysis\n");
        return 1;
      }
      incremental.push_back(ms_since(t0));
      incremental_cpu.push_back(thread_cpu_ms() - cpu0);
      scope_part.push_back(inc.last_update_times().scope);
      solve_part.push_back(inc.last_update_times().solve);
      splice_part.push_back(inc.last_update_times().splice);
      t0 = Clock::now();
      solver::Analysis taken = inc.take();
      flat.push_back(ms_since(t0));
      inc_result = std::move(taken);  // (freeing the previous run's result: not timed)
      if (full_once && r + 1 < runs) continue;
      t0 = Clock::now();
      full_result = solver::analyze(after);
      full.push_back(ms_since(t0));
    }
    // Not timed: the incremental result against the full one, item by item.
    // Why a flow is broken, by value (each analysis allocates its own).
    const auto same_broken = [](const std::shared_ptr<const solver::Broken>& p,
                                const std::shared_ptr<const solver::Broken>& q) {
      if (p == nullptr || q == nullptr) return p == q;
      const auto fields = [](const solver::Broken& b) {
        return std::tuple(static_cast<int>(b.code), static_cast<int>(b.entry_kind), b.entry, b.target.nic,
                          b.target.ip_configuration, b.appliance, b.firewall, b.hub, b.subnet, b.from_vnet, b.to_vnet,
                          b.forwarded, static_cast<int>(b.via), b.from.has_value(), b.to.has_value());
      };
      return fields(*p) == fields(*q);
    };
    const auto same_items = [&](const std::vector<solver::Exposure>& x, const std::vector<solver::Exposure>& y) {
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        const auto& a = x[i];
        const auto& b = y[i];
        const bool hops = std::equal(a.path.begin(), a.path.end(), b.path.begin(), b.path.end(),
                                     [](const solver::Hop& h, const solver::Hop& k) {
                                       return h.kind == k.kind && h.resource == k.resource && h.rule == k.rule;
                                     });
        if (a.target_kind != b.target_kind || a.target != b.target || a.nic != b.nic ||
            a.ip_configuration != b.ip_configuration || a.public_ip != b.public_ip || a.via != b.via ||
            a.gateway != b.gateway || a.gateway_rule != b.gateway_rule || a.protocol != b.protocol ||
            !(a.ports == b.ports) || !(a.entry_ports == b.entry_ports) || !(a.source_ports == b.source_ports) ||
            !(a.sources == b.sources) || a.any_source != b.any_source || a.jit != b.jit ||
            !same_broken(a.broken, b.broken) || !hops) {
          return false;
        }
      }
      return true;
    };
    const auto equals_full = [&](const solver::Analysis& inc) {
      return same_items(inc.exposures, full_result.exposures) && same_items(inc.broken, full_result.broken) &&
             inc.targets_evaluated == full_result.targets_evaluated &&
             inc.findings.items() == full_result.findings.items() && inc.internet == full_result.internet;
    };
    bool same = equals_full(inc_result);
    fmt::print(
        "incremental update: {:.2f} ms (median of {}): scope of the change {:.2f} ms, scoped solve {:.2f} ms, "
        "splice {:.2f} ms\n",
        median(incremental), runs, median(scope_part), median(solve_part), median(splice_part));
    fmt::print("incremental update, CPU time of the thread: {:.2f} ms (median of {})\n", median(incremental_cpu), runs);
    fmt::print("the flat analysis after it (IncrementalAnalysis::take, not part of the update): {:.2f} ms\n",
               median(flat));
    fmt::print("full re-analysis:   {:.0f} ms (median of {})\n", median(full), full.size());
    fmt::print("after the change: {} exposures, {} broken, {} findings; incremental {} full analysis\n",
               inc_result.exposures.size(), inc_result.broken.size(), inc_result.findings.size(),
               same ? "equals the" : "DIFFERS FROM the");
    if (loop > 0) {
      // The change undone and made again on one analysis: every update is a one-change update of the model it holds.
      solver::IncrementalAnalysis inc = baseline;
      std::vector<double> made;
      std::vector<double> undone;
      for (int i = 0; i < 2 * loop + 1; ++i) {
        const bool make = i % 2 == 0;
        const double cpu0 = thread_cpu_ms();
        if (!(make ? inc.update(before, after, changed) : inc.update(after, before, changed))) {
          fmt::print(stderr, "the change fell back to a full analysis\n");
          return 1;
        }
        (make ? made : undone).push_back(thread_cpu_ms() - cpu0);
      }
      const auto p90 = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() * 9 / 10];
      };
      const bool loop_same = equals_full(inc.take());
      fmt::print(
          "loop of {} updates, CPU time of the thread: the change {:.3f} ms (median; 90th percentile {:.3f} ms), "
          "undone {:.3f} ms ({:.3f} ms); the analysis after it {} full analysis\n",
          made.size() + undone.size(), median(made), p90(made), median(undone), p90(undone),
          loop_same ? "equals the" : "DIFFERS FROM the");
      same = same && loop_same;
    }
    return same ? 0 : 1;
  };
  int status = measure(fmt::format("add rule 'bench-open-ssh' (priority {}) to NSG '{}'", priority, nsg.name), change);
  // A change that alters how many exposures there are (the splice then moves the exposures after the NIC's).
  const auto& nic = before.nics[chosen_nic];
  const std::string remove = fmt::format(R"({{"changes": [{{"op": "remove-public-ip", "nic": "{}"}}]}})", nic.id);
  status = std::max(status, measure(fmt::format("remove the public IP of NIC '{}'", nic.name), remove));
  return status;
}
