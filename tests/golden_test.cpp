// Golden tests: every design in examples/ is analysed (and checked against its spec) by the real binary and
// compared byte for byte with examples/<name>/expected/; check's three output formats for a failing spec are
// compared with tests/data/check/expected/. The expected files were checked by hand against Azure's rules (see
// each example's README and the spec's comments); scripts/refresh-golden regenerates them for review.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli_support.h"

namespace {

namespace fs = std::filesystem;

using exposim::testing::read_file;

/// Runs a shell command from the source directory; returns stdout and sets the exit status.
std::string run(const std::string& command, int& status) {
  const std::string full = "cd '" EXPOSIM_SOURCE_DIR "' && " + command;
  FILE* pipe = ::popen(full.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  status = ::pclose(pipe);
  return out;
}

std::vector<std::string> inputs_of(const fs::path& dir) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".json") {
      files.push_back((fs::path("examples") / dir.filename() / e.path().filename()).string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("every example's analyze output matches its reviewed golden files", "[golden]") {
  const fs::path examples = fs::path(EXPOSIM_SOURCE_DIR) / "examples";
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(examples)) {
    if (e.is_directory() && fs::exists(e.path() / "expected")) dirs.push_back(e.path());
  }
  std::sort(dirs.begin(), dirs.end());
  REQUIRE(dirs.size() >= 3);
  for (const auto& dir : dirs) {
    const auto inputs = inputs_of(dir);
    REQUIRE_FALSE(inputs.empty());
    std::string args;
    for (const auto& f : inputs) args += " '" + f + "'";
    for (const auto& [format, file] :
         {std::pair{"table", "analyze.txt"}, std::pair{"json", "analyze.json"}, std::pair{"csv", "analyze.csv"}}) {
      INFO(dir.filename().string() << " --format " << format);
      int status = -1;
      const std::string got =
          run(std::string("'") + EXPOSIM_BINARY + "' analyze" + args + " --format " + format + " 2>/dev/null", status);
      CHECK(status == 0);
      CHECK(got == read_file(dir / "expected" / file));
    }
  }
}

TEST_CASE("the same input gives the same bytes whatever the order of the files", "[golden]") {
  int s1 = -1, s2 = -1;
  const std::string bin = std::string("'") + EXPOSIM_BINARY + "'";
  const std::string a = run(bin +
                                " analyze examples/open-management/nics.json examples/open-management/nsgs.json "
                                "examples/open-management/public-ips.json examples/open-management/vms.json "
                                "examples/open-management/vnets.json -f json 2>/dev/null",
                            s1);
  const std::string b = run(bin +
                                " analyze examples/open-management/vnets.json examples/open-management/vms.json "
                                "examples/open-management/public-ips.json examples/open-management/nsgs.json "
                                "examples/open-management/nics.json -f json 2>/dev/null",
                            s2);
  CHECK(s1 == 0);
  CHECK(s2 == 0);
  CHECK(a == b);
}

TEST_CASE("every example's check output matches its reviewed golden file", "[golden][check]") {
  const fs::path examples = fs::path(EXPOSIM_SOURCE_DIR) / "examples";
  int checked = 0;
  for (const auto& e : fs::directory_iterator(examples)) {
    const fs::path dir = e.path();
    if (!e.is_directory() || !fs::exists(dir / "spec.yaml")) continue;
    INFO(dir.filename().string());
    REQUIRE(fs::exists(dir / "expected" / "check.txt"));
    std::string args;
    for (const auto& f : inputs_of(dir)) args += " '" + f + "'";
    int status = -1;
    const std::string got = run(std::string("'") + EXPOSIM_BINARY + "' check" + args + " --spec 'examples/" +
                                    dir.filename().string() + "/spec.yaml' 2>/dev/null",
                                status);
    CHECK(WEXITSTATUS(status) == 0);  // every example's spec holds for it
    CHECK(got == read_file(dir / "expected" / "check.txt"));
    ++checked;
  }
  CHECK(checked >= 10);
}

TEST_CASE("check's text, JUnit and SARIF outputs for a failing spec match their reviewed golden files",
          "[golden][check]") {
  // tests/data/check/hub-and-spoke-failing.yaml says, assertion by assertion, what fails and why.
  const fs::path dir = fs::path(EXPOSIM_SOURCE_DIR) / "tests" / "data" / "check";
  const fs::path out = fs::temp_directory_path() / ("exposim-golden-check-" + std::to_string(::getpid()));
  fs::create_directories(out);
  std::string args;
  for (const auto& f : inputs_of(fs::path(EXPOSIM_SOURCE_DIR) / "examples" / "hub-and-spoke")) args += " '" + f + "'";
  int status = -1;
  const std::string got =
      run(std::string("'") + EXPOSIM_BINARY + "' check" + args +
              " --spec tests/data/check/hub-and-spoke-failing.yaml --junit '" + (out / "junit.xml").string() +
              "' --sarif '" + (out / "sarif.json").string() + "' 2>/dev/null",
          status);
  CHECK(WEXITSTATUS(status) == 1);  // findings
  CHECK(got == read_file(dir / "expected" / "hub-and-spoke-failing.txt"));
  CHECK(read_file(out / "junit.xml") == read_file(dir / "expected" / "hub-and-spoke-failing.junit.xml"));
  CHECK(read_file(out / "sarif.json") == read_file(dir / "expected" / "hub-and-spoke-failing.sarif.json"));
  // What the spec's comments work out by hand, so that a refreshed golden file cannot silently drift.
  CHECK_THAT(got, Catch::Contains("FAIL  no management port from the internet (no-management-ports): 1 exposure"));
  CHECK_THAT(got, Catch::Contains("vm-jump (10.1.1.4): management port 22 reachable from the internet via "
                                  "firewall-dnat"));
  CHECK_THAT(got, Catch::Contains("FAIL  a single public entry point (max-entry-points): 2 entry points (at most 1)"));
  CHECK_THAT(got, Catch::Contains("- snet-legacy (subnet): subnet has no NSG"));
  CHECK_THAT(got, Catch::Contains("FAIL  the partner reaches the database over RDP (flow): denied at firewall"));
  CHECK_THAT(got, Catch::Contains("PASS  the database is reached only through Bastion"));
  CHECK_THAT(got, Catch::EndsWith("5 assertions: 1 passed, 4 failed\n"));
  fs::remove_all(out);
}
