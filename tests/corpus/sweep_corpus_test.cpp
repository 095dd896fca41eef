// Corpus: the public quickstart folders of ../shared/corpus/sweep, run as a new user runs them: `exposim
// analyze azuredeploy.json` alone (no parameter file: ARM would prompt for the parameters without a default) and
// with the folder's azuredeploy.parameters.json. What Azure Resource Manager deploys, exposim analyses: every run
// must exit 0 within 30 s, and its warnings must be few and documented in docs/diagnostics.md.
#include <fmt/format.h>
#include <sys/wait.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kSweep = EXPOSIM_SHARED_DIR "/corpus/sweep";

/// Warnings one run may print at most. A run's warnings are worth reading only when each names one cause: a
/// template that needs more than this repeats itself. (Notes, shown with --verbose, are not counted.)
constexpr std::size_t kMaxWarnings = 15;

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Every code of docs/diagnostics.md's tables: the first cell of a row, `code`.
std::set<std::string> documented_codes() {
  std::set<std::string> codes;
  std::istringstream doc(read_text(fs::path(EXPOSIM_SOURCE_DIR) / "docs/diagnostics.md"));
  static const std::regex kRow(R"(^\| `([a-z0-9-]+)` \|)");
  std::string line;
  std::smatch m;
  while (std::getline(doc, line)) {
    if (std::regex_search(line, m, kRow)) codes.insert(m[1]);
  }
  return codes;
}

struct Run {
  int exit_code{-1};  // 124: timed out; above 128: killed by a signal
  std::string stderr_text;
  json report;  // the --format json report, null when the run wrote none
};

/// Runs `exposim analyze` on `args` with a 30 s limit, the report in JSON.
Run analyze(const std::vector<fs::path>& args, const fs::path& scratch) {
  const fs::path out = scratch / "report.json";
  const fs::path err = scratch / "stderr.txt";
  fs::remove(out);
  std::string cmd = fmt::format("timeout -s KILL 30 '{}' analyze --format json", EXPOSIM_BINARY);
  for (const auto& a : args) cmd += fmt::format(" '{}'", a.string());
  cmd += fmt::format(" > '{}' 2> '{}'", out.string(), err.string());
  Run r;
  const int status = std::system(cmd.c_str());
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.stderr_text = read_text(err);
  const std::string text = read_text(out);
  if (!text.empty()) r.report = json::parse(text, nullptr, false);
  return r;
}

struct Tally {
  std::size_t runs{0};
  std::size_t ok{0};
  std::size_t warnings{0};
  std::size_t max_warnings{0};
  std::size_t exposures{0};
  std::map<std::string, std::size_t> codes;  // warning code -> runs that print it
};

void check_run(const std::string& label, const Run& r, const std::set<std::string>& documented, Tally& t) {
  INFO(label);
  INFO(r.stderr_text.substr(0, 4000));
  ++t.runs;
  CHECK(r.exit_code == 0);
  CHECK(r.report.is_object());
  if (!r.report.is_object()) return;
  std::size_t warnings = 0;
  std::set<std::string> seen;
  for (const auto& d : r.report.value("diagnostics", json::array())) {
    const std::string code = d.value("code", "");
    CHECK(documented.count(code) == 1);
    if (d.value("severity", "") == "warning") {
      ++warnings;
      seen.insert(code);
    }
  }
  CHECK(warnings <= kMaxWarnings);
  if (r.exit_code == 0) ++t.ok;
  t.warnings += warnings;
  t.max_warnings = std::max(t.max_warnings, warnings);
  t.exposures += r.report.value("exposures", json::array()).size();
  for (const auto& c : seen) ++t.codes[c];
}

}  // namespace

TEST_CASE("every quickstart folder is analysed with and without its parameter file", "[corpus][sweep]") {
  if (!fs::is_directory(kSweep)) {
    WARN("no sweep corpus: skipped");
    return;
  }
  const auto documented = documented_codes();
  REQUIRE(documented.size() > 50);  // the table rows were found
  const fs::path scratch = fs::temp_directory_path() / fmt::format("exposim-sweep-{}", ::getpid());
  fs::create_directories(scratch);

  std::vector<fs::path> folders;
  for (const auto& e : fs::directory_iterator(kSweep)) {
    if (fs::exists(e.path() / "azuredeploy.json")) folders.push_back(e.path());
  }
  std::sort(folders.begin(), folders.end());
  CHECK(folders.size() >= 300);

  Tally alone, with_parameters;
  for (const auto& folder : folders) {
    const std::string name = folder.filename().string();
    check_run(name + " (template alone)", analyze({folder / "azuredeploy.json"}, scratch), documented, alone);
    const fs::path parameters = folder / "azuredeploy.parameters.json";
    if (fs::exists(parameters)) {
      check_run(name + " (with its parameter file)",
                analyze({folder / "azuredeploy.json", "--parameters", parameters}, scratch), documented,
                with_parameters);
    }
  }
  fs::remove_all(scratch);

  // The figures of the closing note and docs/arm-templates.md.
  for (const auto* t : {&alone, &with_parameters}) {
    std::string codes;
    for (const auto& [code, n] : t->codes) codes += fmt::format(" {}={}", code, n);
    WARN(
        fmt::format("sweep {}: {} runs, {} exit 0, {} exposures, {} warnings (at most {} in one run); runs "
                    "warning by code:{}",
                    t == &alone ? "without parameter files" : "with parameter files", t->runs, t->ok, t->exposures,
                    t->warnings, t->max_warnings, codes));
  }
}
