// File safety (docs/security.md): a report replaces its output file atomically and never writes through a
// symbolic link; a failing writer leaves the old file and no temporary file; a linked template cannot read a file
// outside the directories the user allowed.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "cli/output.h"
#include "cli_support.h"

namespace {

namespace fs = std::filesystem;
using namespace exposim;
using namespace exposim::testing;
using nlohmann::json;

const char* const kFileSafetySchema = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";

/// A path under examples/ (appended piecewise: GCC 12 warns falsely on cli_support.h's example() inlined here).
std::string file_safety_example(const char* rel) {
  std::string path = EXPOSIM_SOURCE_DIR;
  path.append("/examples/").append(rel);
  return path;
}

/// The names in `dir`, sorted.
std::vector<std::string> file_safety_listing(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

/// A template deploying one NSG named `nsg`.
json file_safety_nsg_template(const std::string& nsg) {
  return {{"$schema", kFileSafetySchema},
          {"contentVersion", "1.0.0.0"},
          {"resources",
           {{{"type", "Microsoft.Network/networkSecurityGroups"},
             {"apiVersion", "2023-04-01"},
             {"name", nsg},
             {"location", "westeurope"},
             {"properties", json::object()}}}}};
}

/// A template whose one deployment links `relative` by templateLink.relativePath.
json file_safety_linking_template(const std::string& relative) {
  return {{"$schema", kFileSafetySchema},
          {"contentVersion", "1.0.0.0"},
          {"resources",
           {{{"type", "Microsoft.Resources/deployments"},
             {"apiVersion", "2022-09-01"},
             {"name", "linked"},
             {"properties", {{"mode", "Incremental"}, {"templateLink", {{"relativePath", relative}}}}}}}}};
}

}  // namespace

TEST_CASE("an output file replaces a symbolic link at its path and never writes the file it points to",
          "[cli][security]") {
  const fs::path dir = scratch_dir("file-safety-link");
  const fs::path victim = dir / "victim.txt";
  write_file(victim, "precious\n");
  const std::string input = file_safety_example("web-https-only/estate.json");
  const std::string before_input = read_file(input);
  // Every command with an output option, each into a link to the victim.
  const std::vector<std::vector<std::string>> runs = {
      {"analyze", input, "-o", (dir / "analyze.txt").string()},
      {"analyze", input, "--format", "csv", "-o", (dir / "analyze.csv").string()},
      {"graph", input, "--format", "dot", "-o", (dir / "graph.dot").string()},
      {"recommend", input, "-o", (dir / "recommend.txt").string()},
      {"explain", input, "--from", "81.2.69.200", "--to", "20.61.15.7", "--port", "443", "-o",
       (dir / "explain.txt").string()},
      {"whatif", input, "--after", input, "-o", (dir / "whatif.txt").string()},
  };
  for (const auto& args : runs) {
    const fs::path out = args.back();
    fs::create_symlink(victim, out);
    INFO(args[0] << " -o " << out.string());
    const auto r = run_exposim(args);
    CHECK(r.code == cli::kExitOk);
    CHECK(read_file(victim) == "precious\n");
    CHECK_FALSE(fs::is_symlink(fs::symlink_status(out)));
    CHECK(fs::is_regular_file(fs::symlink_status(out)));
    CHECK_FALSE(read_file(out).empty());
  }
  CHECK(read_file(input) == before_input);  // the input is only read
  // No temporary file is left behind.
  for (const auto& name : file_safety_listing(dir)) CHECK(name.find(".tmp.") == std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("a failing report writer leaves the old file and no temporary file", "[cli][security]") {
  const fs::path dir = scratch_dir("file-safety-fail");
  const fs::path out = dir / "report.txt";
  write_file(out, "old report\n");
  std::string error;
  // A writer that throws (out of memory, a bug): the exception goes on, the old file stays.
  CHECK_THROWS_AS(cli::write_file_atomically(
                      out.string(),
                      [](std::ostream& s) {
                        s << "half a report";
                        throw std::runtime_error("writer failed");
                      },
                      error),
                  std::runtime_error);
  CHECK(read_file(out) == "old report\n");
  CHECK(file_safety_listing(dir) == std::vector<std::string>{"report.txt"});
  // A writer whose stream fails: false with the reason, the old file stays.
  CHECK_FALSE(cli::write_file_atomically(
      out.string(), [](std::ostream& s) { s.setstate(std::ios::badbit); }, error));
  CHECK_THAT(error, Catch::Contains("report.txt: write failed"));
  CHECK(read_file(out) == "old report\n");
  CHECK(file_safety_listing(dir) == std::vector<std::string>{"report.txt"});
  // A directory that does not exist: exit 4 and nothing created.
  const auto r = run_exposim(
      {"analyze", file_safety_example("web-https-only/estate.json"), "-o", (dir / "no/such/dir.txt").string()});
  CHECK(r.code == cli::kExitOutputError);
  CHECK_THAT(r.err, Catch::Contains("cannot create a temporary file"));
  CHECK(file_safety_listing(dir) == std::vector<std::string>{"report.txt"});
  // A success replaces the file whole.
  REQUIRE(cli::write_file_atomically(
      out.string(), [](std::ostream& s) { s << "new report\n"; }, error));
  CHECK(read_file(out) == "new report\n");
  CHECK(file_safety_listing(dir) == std::vector<std::string>{"report.txt"});
  fs::remove_all(dir);
}

TEST_CASE("a linked template cannot read a file outside the allowed directories", "[cli][security][arm]") {
  const fs::path dir = scratch_dir("file-safety-linked");
  const fs::path in = dir / "in";
  const fs::path outside = dir / "outside";
  fs::remove_all(in);  // a section that failed half-way left its files
  fs::remove_all(outside);
  fs::create_directories(in / "modules");
  fs::create_directories(outside);
  write_file(outside / "secret.json", file_safety_nsg_template("nsg-outside").dump());
  write_file(in / "modules" / "inside.json", file_safety_nsg_template("nsg-inside").dump());
  const std::string main = (in / "main.json").string();
  const std::string in_real = fs::canonical(in).string();
  const std::string outside_real = fs::canonical(outside).string();

  SECTION("a path inside the template's directory is read") {
    write_file(main, file_safety_linking_template("modules/../modules/inside.json").dump());
    const auto r = run_exposim({"analyze", main, "--verbose"});
    CHECK(r.code == cli::kExitOk);
    // The linked template's one NSG is the expansion's one resource.
    CHECK_THAT(r.err, Catch::Contains("main.json: detected a deployment template, 1 resources after expansion"));
    CHECK(r.err.find("linked-template-outside") == std::string::npos);
  }
  SECTION("../ out of the directory is a warning and the file is not read") {
    write_file(main, file_safety_linking_template("../outside/secret.json").dump());
    const auto r = run_exposim({"analyze", main, "--verbose"});
    CHECK(r.code == cli::kExitOk);
    CHECK_THAT(r.err, Catch::Contains("main.json: detected a deployment template, 0 resources after expansion"));
    CHECK_THAT(r.err,
               Catch::Contains("main.json: /resources/0/properties/templateLink/relativePath: warning: deployment "
                               "'linked' links its template '../outside/secret.json': '" +
                               outside_real +
                               "/secret.json' lies outside the directories linked files may "
                               "be read from ('" +
                               in_real +
                               "'); it is not read (--allow-dir DIR allows a "
                               "directory); its resources are not analysed, so exposure they create is not "
                               "reported [linked-template-outside]"));
    // With --strict the same link is an error.
    const auto strict = run_exposim({"analyze", main, "--strict"});
    CHECK(strict.code == cli::kExitBadInput);
    CHECK_THAT(strict.err, Catch::Contains("relativePath: error: deployment 'linked' links its template"));
    // --allow-dir allows the other directory.
    const auto allowed = run_exposim({"analyze", main, "--verbose", "--allow-dir", outside.string()});
    CHECK(allowed.code == cli::kExitOk);
    CHECK_THAT(allowed.err, Catch::Contains("main.json: detected a deployment template, 1 resources after expansion"));
  }
  SECTION("../../etc/passwd is refused before it is opened") {
    std::string up;
    for (auto p = fs::canonical(in); p.has_relative_path(); p = p.parent_path()) up += "../";
    write_file(main, file_safety_linking_template(up + "etc/passwd").dump());
    const auto r = run_exposim({"analyze", main});
    CHECK(r.code == cli::kExitOk);
    CHECK_THAT(r.err, Catch::Contains("'/etc/passwd' lies outside the directories linked files may be read from"));
    CHECK(r.err.find("root:") == std::string::npos);
  }
  SECTION("a symbolic link out of the directory is refused") {
    fs::create_symlink(outside / "secret.json", in / "link.json");
    write_file(main, file_safety_linking_template("link.json").dump());
    const auto r = run_exposim({"analyze", main});
    CHECK(r.code == cli::kExitOk);
    CHECK_THAT(r.err, Catch::Contains("'" + outside_real + "/secret.json' lies outside"));
    CHECK_THAT(r.err, Catch::Contains("[linked-template-outside]"));
  }
  SECTION("a FIFO is refused, not opened (opening it would block)") {
    REQUIRE(::mkfifo((in / "pipe.json").c_str(), 0600) == 0);
    write_file(main, file_safety_linking_template("pipe.json").dump());
    const auto r = run_exposim({"analyze", main});
    CHECK(r.code == cli::kExitOk);
    CHECK_THAT(r.err, Catch::Contains("'" + in_real + "/pipe.json' is not a regular file"));
  }
  fs::remove_all(dir);
}

TEST_CASE("a report is never written over an input of its run", "[cli][security]") {
  const fs::path dir = scratch_dir("file-safety-input");
  const fs::path estate = dir / "estate.json";
  const std::string original = read_file(file_safety_example("web-https-only/estate.json"));
  write_file(estate, original);
  fs::remove(dir / "link.json");
  fs::create_symlink(estate, dir / "link.json");
  SECTION("the same path, and the same file by another path") {
    for (const fs::path& out : {estate, dir / "." / "estate.json"}) {
      const auto r = run_exposim({"analyze", estate.string(), "-o", out.string()});
      CHECK(r.code == cli::kExitOutputError);
      CHECK_THAT(r.err, Catch::Contains("exposim: error: " + out.string() + ": is the input '" + estate.string() +
                                        "': a report is never written over an input of its run"));
      CHECK(read_file(estate) == original);
    }
  }
  SECTION("the file an input's symbolic link leads to") {
    const auto r = run_exposim({"analyze", (dir / "link.json").string(), "--format", "csv", "-o", estate.string()});
    CHECK(r.code == cli::kExitOutputError);
    CHECK(read_file(estate) == original);
  }
  SECTION("a symbolic link to the input at the output path is replaced, the input stays") {
    fs::remove(dir / "out.json");
    fs::create_symlink(estate, dir / "out.json");
    const auto r = run_exposim({"analyze", estate.string(), "-o", (dir / "out.json").string()});
    CHECK(r.code == cli::kExitOk);
    CHECK(read_file(estate) == original);
    CHECK(fs::is_regular_file(fs::symlink_status(dir / "out.json")));
  }
  SECTION("a later command in the same process may write what an earlier one read") {
    const fs::path other = dir / "other.txt";
    write_file(other, "x");
    CHECK(run_exposim({"analyze", other.string()}).code == cli::kExitBadInput);  // not an estate
    const auto r = run_exposim({"analyze", estate.string(), "-o", other.string()});
    CHECK(r.code == cli::kExitOk);
    CHECK(read_file(other) != "x");
  }
  fs::remove_all(dir);
}
