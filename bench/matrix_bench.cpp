// The segmentation matrix (solver::segmentation) of an estate file by subnet, timed in wall and CPU seconds (the
// process's user plus system time), with the progress of its sources on stderr when asked. docs/performance.md,
// "Segmentation matrix", reports its figures.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "importers/inputs.h"
#include "model/validate.h"
#include "solver/grouping.h"
#include "solver/segmentation.h"

namespace {

using MatrixBenchClock = std::chrono::steady_clock;

double matrix_bench_cpu() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace exposim;
  if (argc < 2) {
    fmt::print(stderr, "usage: exposim_matrix_bench ESTATE.json [--by subnet|vnet|asg] [--jobs N] [--progress]\n");
    return 3;
  }
  std::string by = "subnet";
  int jobs = 1;
  bool progress = false;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--by" && i + 1 < argc) by = argv[++i];
    if (a == "--jobs" && i + 1 < argc) jobs = std::max(1, std::atoi(argv[++i]));
    if (a == "--progress") progress = true;
  }
  model::Model m;
  model::Diagnostics diags;
  importers::import_inputs({argv[1]}, {}, m, diags);
  model::validate(m, diags);
  if (diags.has_errors()) {
    fmt::print(stderr, "the estate has errors\n");
    return 2;
  }
  const solver::Grouping g = by == "vnet"  ? solver::group_by_vnet(m)
                             : by == "asg" ? solver::group_by_asg(m)
                                           : solver::group_by_subnet(m);
  solver::ReachOptions options;
  options.jobs = jobs;
  const auto t0 = MatrixBenchClock::now();
  const double c0 = matrix_bench_cpu();
  if (progress) {
    options.progress = [&](std::string_view stage, std::size_t done, std::size_t total) {
      fmt::print(stderr, "{} {}/{} after {:.1f} s wall, {:.1f} s CPU\n", stage, done, total,
                 std::chrono::duration<double>(MatrixBenchClock::now() - t0).count(), matrix_bench_cpu() - c0);
    };
  }
  const solver::Segmentation s = solver::segmentation(m, g, options);
  const double wall = std::chrono::duration<double>(MatrixBenchClock::now() - t0).count();
  const double cpu = matrix_bench_cpu() - c0;
  std::size_t witnesses = 0;
  for (const auto& c : s.cells) witnesses += c.witnesses.size();
  fmt::print(
      "matrix by {} jobs={}: {:.3f} s wall, {:.3f} s CPU; {} NICs, {} groups, {} cells, {} witnesses, {} source "
      "classes, {} target classes, {} evaluations\n",
      by, jobs, wall, cpu, m.nics.size(), g.names.size(), s.cells.size(), witnesses, s.source_classes, s.target_classes,
      s.evaluations);
  return 0;
}
