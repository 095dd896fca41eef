// The solve alone (solver::analyze) on an estate file, timed in wall and CPU seconds (the process's user plus system
// time, so that the figure means something on a loaded machine), with and without the shared NSG work
// (AnalyzeOptions::share_nsg_work: rule sources resolved once per batch, subnet stages shared) and on 1 or more
// workers. Each variant's exposures are compared with the first one's, untimed. docs/performance.md, "Scale on
// rule-heavy estates", reports its figures.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "importers/inputs.h"
#include "model/validate.h"
#include "solver/exposure.h"

namespace {

using SolveBenchClock = std::chrono::steady_clock;

/// The process's CPU seconds so far (every thread, user plus system).
double solve_bench_cpu() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double solve_bench_median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

/// The fields of an exposure that the comparison looks at.
bool solve_bench_same(const exposim::solver::Analysis& a, const exposim::solver::Analysis& b) {
  if (a.exposures.size() != b.exposures.size() || a.broken.size() != b.broken.size()) return false;
  for (std::size_t i = 0; i < a.exposures.size(); ++i) {
    const auto& x = a.exposures[i];
    const auto& y = b.exposures[i];
    if (x.nic != y.nic || x.ip_configuration != y.ip_configuration || x.protocol != y.protocol || x.ports != y.ports ||
        x.sources != y.sources || x.source_ports != y.source_ports || x.path.size() != y.path.size()) {
      return false;
    }
    for (std::size_t h = 0; h < x.path.size(); ++h) {
      if (x.path[h].rule != y.path[h].rule || x.path[h].resource != y.path[h].resource) return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace exposim;
  if (argc < 2) {
    fmt::print(stderr, "usage: exposim_solve_bench ESTATE.json [--runs N] [--jobs \"1 2\"] [--no-baseline]\n");
    return 3;
  }
  int runs = 3;
  std::vector<int> jobs{1, 2};
  bool baseline = true;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--runs" && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
    if (a == "--no-baseline") baseline = false;
    if (a == "--jobs" && i + 1 < argc) {
      jobs.clear();
      std::string list = argv[++i];
      for (std::size_t at = 0; at < list.size();) {
        const std::size_t end = std::min(list.find(' ', at), list.size());
        if (end > at) jobs.push_back(std::max(1, std::atoi(list.substr(at, end - at).c_str())));
        at = end + 1;
      }
    }
  }
  model::Model m;
  model::Diagnostics diags;
  importers::import_inputs({argv[1]}, {}, m, diags);
  model::validate(m, diags);
  if (diags.has_errors()) {
    fmt::print(stderr, "the estate has errors\n");
    return 2;
  }
  std::optional<solver::Analysis> first;
  for (const bool share : {false, true}) {
    if (!share && !baseline) continue;
    for (const int j : jobs) {
      std::vector<double> wall;
      std::vector<double> cpu;
      solver::Analysis a;
      for (int r = 0; r < runs; ++r) {
        solver::AnalyzeOptions options;
        options.jobs = j;
        options.share_nsg_work = share;
        const double c0 = solve_bench_cpu();
        const auto t0 = SolveBenchClock::now();
        a = solver::analyze(m, options);
        wall.push_back(std::chrono::duration<double>(SolveBenchClock::now() - t0).count());
        cpu.push_back(solve_bench_cpu() - c0);
      }
      bool same = true;
      if (!first) {
        first = std::move(a);
      } else {
        same = solve_bench_same(*first, a);
      }
      fmt::print(
          "share_nsg_work={} jobs={}: solve {:.3f} s wall, {:.3f} s CPU (median of {}), {} distinct "
          "evaluations, {} exposures{}\n",
          share ? "on" : "off", j, solve_bench_median(wall), solve_bench_median(cpu), runs, first->distinct_evaluations,
          first->exposures.size(), same ? "" : "; DIFFERENT from the first");
      if (!same) return 1;
    }
  }
  return 0;
}
