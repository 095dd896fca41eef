// exposim_bench_simdjson: the baseline `exposim analyze` is measured against, the time and peak memory
// of loading a file and parsing it into simdjson's DOM (and, with --nlohmann, into nlohmann_json's DOM).
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>
#include <nlohmann/json.hpp>

namespace exposim::bench {
namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

/// The process's peak resident set (VmHWM) in MB (10^6 bytes, the unit of the file sizes), or -1 when /proc is
/// unavailable.
double peak_rss_mb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      std::istringstream fields(line.substr(6));
      double kb = 0;
      fields >> kb;
      return kb * 1024.0 / 1e6;  // VmHWM is in KiB
    }
  }
  return -1;
}

/// Resets VmHWM to the current RSS (Linux 4.0+), so that each parser's peak is measured on its own.
void reset_peak_rss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
}

struct Run {
  double load{0};
  double parse{0};
  double total() const { return load + parse; }
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct Summary {
  std::string name;
  double load{0};
  double parse{0};
  double total{0};
  double best_total{0};
  double peak_mb{0};
  std::uint64_t elements{0};
  double warm_parse{-1};  // simdjson only
};

/// Median of each phase across runs; the total is the median of per-run totals.
Summary summarise(std::string name, const std::vector<Run>& runs, double peak, std::uint64_t elements) {
  std::vector<double> load, parse, total;
  for (const auto& r : runs) {
    load.push_back(r.load);
    parse.push_back(r.parse);
    total.push_back(r.total());
  }
  return Summary{
      std::move(name), median(load), median(parse), median(total), *std::min_element(total.begin(), total.end()), peak,
      elements};
}

/// One run: read the file into simdjson's padded buffer, then build a DOM with a fresh parser
/// (a one-shot command pays for the parser's buffers too).
std::optional<Run> simdjson_run(const std::string& path, std::uint64_t& elements, std::string& error) {
  Run r;
  const auto t0 = Clock::now();
  auto loaded = simdjson::padded_string::load(path);
  if (loaded.error()) {
    error = simdjson::error_message(loaded.error());
    return std::nullopt;
  }
  simdjson::padded_string json = std::move(loaded).value_unsafe();
  const auto t1 = Clock::now();
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (const auto err = parser.parse(json).get(doc); err) {
    error = simdjson::error_message(err);
    return std::nullopt;
  }
  const auto t2 = Clock::now();
  r.load = seconds(t0, t1);
  r.parse = seconds(t1, t2);
  simdjson::dom::array top;
  elements = doc.get_array().get(top) ? 0 : top.size();
  return r;
}

/// One run: read the file into a std::string, then nlohmann::json::parse (DOM freed outside the timing).
std::optional<Run> nlohmann_run(const std::string& path, std::uint64_t& elements, std::string& error) {
  Run r;
  const auto t0 = Clock::now();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open";
    return std::nullopt;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto t1 = Clock::now();
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  const auto t2 = Clock::now();
  if (doc.is_discarded()) {
    error = "invalid JSON";
    return std::nullopt;
  }
  r.load = seconds(t0, t1);
  r.parse = seconds(t1, t2);
  elements = doc.is_array() ? doc.size() : 0;
  return r;
}

/// Parse time with the memory already mapped: one parser and one buffer, parsed `runs` + 1 times, the
/// first run discarded. What simdjson costs without page faults (which dominate on some VMs).
std::optional<double> simdjson_warm_parse(const std::string& path, int runs, std::string& error) {
  auto loaded = simdjson::padded_string::load(path);
  if (loaded.error()) {
    error = simdjson::error_message(loaded.error());
    return std::nullopt;
  }
  const simdjson::padded_string json = std::move(loaded).value_unsafe();
  simdjson::dom::parser parser;
  std::vector<double> times;
  for (int i = 0; i <= runs; ++i) {
    const auto t0 = Clock::now();
    simdjson::dom::element doc;
    if (const auto err = parser.parse(json).get(doc); err) {
      error = simdjson::error_message(err);
      return std::nullopt;
    }
    if (i > 0) times.push_back(seconds(t0, Clock::now()));
  }
  return median(times);
}

using RunFn = std::function<std::optional<Run>(const std::string&, std::uint64_t&, std::string&)>;

std::optional<Summary> measure(std::string name, const RunFn& fn, const std::string& path, int runs,
                               std::string& error) {
  reset_peak_rss();
  std::vector<Run> all;
  std::uint64_t elements = 0;
  for (int i = 0; i < runs; ++i) {
    auto r = fn(path, elements, error);
    if (!r) return std::nullopt;
    all.push_back(*r);
  }
  return summarise(std::move(name), all, peak_rss_mb(), elements);
}

constexpr std::string_view kUsage =
    "usage: exposim_bench_simdjson FILE [--runs N] [--nlohmann] [--no-simdjson] [--machine]\n"
    "Times loading FILE and parsing it into simdjson's DOM with a fresh parser (median of N runs, default 3),\n"
    "its peak RSS, and the parse alone into a reused parser.\n"
    "--nlohmann also times nlohmann_json's DOM; --machine prints key=value lines for scripts.\n";

int run(int argc, char** argv) {
  std::string path;
  int runs = 3;
  bool with_nlohmann = false;
  bool with_simdjson = true;
  bool machine = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--nlohmann") {
      with_nlohmann = true;
    } else if (a == "--no-simdjson") {
      with_simdjson = false;
    } else if (a == "--machine") {
      machine = true;
    } else if (a == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (a == "-h" || a == "--help") {
      fmt::print("{}", kUsage);
      return 0;
    } else if (!a.empty() && a[0] != '-' && path.empty()) {
      path = a;
    } else {
      fmt::print(stderr, "exposim_bench_simdjson: error: unexpected argument '{}'\n{}", a, kUsage);
      return 2;
    }
  }
  if (path.empty()) {
    fmt::print(stderr, "exposim_bench_simdjson: error: no FILE\n{}", kUsage);
    return 2;
  }

  // A fixed mmap threshold (which also stops glibc from raising it as big blocks are freed): every run
  // maps its big buffers afresh and pays for their page faults, as a one-shot process does.
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  std::vector<Summary> results;
  std::string error;
  if (with_simdjson) {
    const auto s = measure("simdjson", simdjson_run, path, runs, error);
    if (!s) {
      fmt::print(stderr, "exposim_bench_simdjson: error: {}: simdjson: {}\n", path, error);
      return 1;
    }
    results.push_back(*s);
    const auto warm = simdjson_warm_parse(path, runs, error);
    if (!warm) {
      fmt::print(stderr, "exposim_bench_simdjson: error: {}: simdjson: {}\n", path, error);
      return 1;
    }
    results.back().warm_parse = *warm;
  }
  if (with_nlohmann) {
    const auto s = measure("nlohmann", nlohmann_run, path, runs, error);
    if (!s) {
      fmt::print(stderr, "exposim_bench_simdjson: error: {}: nlohmann_json: {}\n", path, error);
      return 1;
    }
    results.push_back(*s);
  }

  for (const auto& s : results) {
    if (machine) {
      fmt::print(
          "{0}_load_s={1:.3f}\n{0}_parse_s={2:.3f}\n{0}_total_s={3:.3f}\n{0}_best_total_s={4:.3f}\n"
          "{0}_peak_mb={5:.0f}\n{0}_elements={6}\n",
          s.name, s.load, s.parse, s.total, s.best_total, s.peak_mb, s.elements);
      if (s.warm_parse >= 0) fmt::print("{}_warm_parse_s={:.3f}\n", s.name, s.warm_parse);
      continue;
    }
    const std::string detail =
        s.name == "simdjson"
            ? fmt::format("simdjson {}.{}.{} DOM, {} kernel", int{simdjson::SIMDJSON_VERSION_MAJOR},
                          int{simdjson::SIMDJSON_VERSION_MINOR}, int{simdjson::SIMDJSON_VERSION_REVISION},
                          simdjson::get_active_implementation()->name())
            : fmt::format("nlohmann_json {}.{}.{} DOM", NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR,
                          NLOHMANN_JSON_VERSION_PATCH);
    fmt::print(
        "{}: {} top-level elements; load {:.3f} s + parse {:.3f} s = {:.3f} s (median of {}; best {:.3f} s); "
        "peak RSS {:.0f} MB\n",
        detail, s.elements, s.load, s.parse, s.total, runs, s.best_total, s.peak_mb);
    if (s.warm_parse >= 0) {
      fmt::print("  parse into an already-allocated parser (no page faults): {:.3f} s (median of {})\n", s.warm_parse,
                 runs);
    }
  }
  return 0;
}

}  // namespace
}  // namespace exposim::bench

int main(int argc, char** argv) { return exposim::bench::run(argc, argv); }
