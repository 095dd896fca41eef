// A directory among the inputs (`exposim analyze DIR`): read recursively, its input files by their content in sorted
// order, the others skipped with a reason, and a summary on stderr (cli/input_directories.h). The fixture
// tests/data/input_dir/ (its README.md says what it holds) has nested folders, resource JSON in two shapes, a template
// with its parameter file, and four files that are not inputs.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "importers/inputs.h"
#include "tests/cli_support.h"

namespace {

using exposim::testing::run_exposim;

std::string input_dir_fixture() {
  // (a path join rather than string concatenation: GCC 12's -Warray-bounds misreads the inlined concatenation)
  return (std::filesystem::path(EXPOSIM_SOURCE_DIR) / "tests/data/input_dir").string();
}

/// The fixture's input files in the order the directory is read (sorted paths).
std::vector<std::string> input_dir_files() {
  const std::string d = input_dir_fixture();
  return {d + "/estate/compute/nic.json", d + "/estate/network.json", d + "/templates/app-nsg.json",
          d + "/templates/app-nsg.parameters.json"};
}

}  // namespace

TEST_CASE("a directory input is read recursively and analyses as its input files listed by hand", "[cli][inputs]") {
  const std::string d = input_dir_fixture();
  const auto from_dir = run_exposim({"analyze", d, "--format", "json"});
  std::vector<std::string> args{"analyze"};
  for (const auto& f : input_dir_files()) args.push_back(f);
  args.insert(args.end(), {"--format", "json"});
  const auto listed = run_exposim(args);
  REQUIRE(listed.code == 0);
  REQUIRE(from_dir.code == 0);
  // The same report, and with the directory its `directories`: the files read from it and those skipped (only
  // there: the files listed by hand keep the shape without it).
  auto dir_json = nlohmann::json::parse(from_dir.out);
  const auto listed_json = nlohmann::json::parse(listed.out);
  CHECK_FALSE(listed_json.contains("directories"));
  REQUIRE(dir_json.contains("directories"));
  const auto skipped = [&](const std::string& path, const std::string& reason) {
    return nlohmann::json{{"path", d + "/" + path}, {"reason", reason}};
  };
  const nlohmann::json want = nlohmann::json::array(
      {{{"directory", d},
        {"files", input_dir_files()},
        {"skipped",
         {skipped("README.md", "not a .json file"),
          skipped("reports/analyze.json",
                  "JSON that is not resource JSON, a template, a parameter file or a Terraform document"),
          skipped("service-tags.json", "a service-tag file: give it with --service-tags"),
          skipped("spec.yaml", "not a .json file")}}}});
  CHECK(dir_json["directories"] == want);
  dir_json.erase("directories");
  CHECK(dir_json == listed_json);
  // The one exposure: the template's allow-ssh with the parameter file's source, to nic-app's public IP.
  CHECK(listed.out.find("\"81.2.69.0/24\"") != std::string::npos);
  CHECK(listed.out.find("\"nic-app\"") != std::string::npos);
  CHECK(listed.err.empty());
  CHECK(from_dir.err ==
        fmt::format("exposim: {0}: 4 input files read (1 parameter file, 2 resource JSON, 1 template), 4 skipped\n"
                    "exposim: {0}/README.md: skipped: not a .json file\n"
                    "exposim: {0}/reports/analyze.json: skipped: JSON that is not resource JSON, a template, a "
                    "parameter file or a Terraform document\n"
                    "exposim: {0}/service-tags.json: skipped: a service-tag file: give it with --service-tags\n"
                    "exposim: {0}/spec.yaml: skipped: not a .json file\n",
                    d));
}

TEST_CASE("a directory input gives the same table as its input files listed by hand", "[cli][inputs]") {
  const std::string d = input_dir_fixture();
  const auto from_dir = run_exposim({"analyze", d});
  std::vector<std::string> args{"analyze"};
  for (const auto& f : input_dir_files()) args.push_back(f);
  const auto listed = run_exposim(args);
  CHECK(from_dir.code == 0);
  CHECK(from_dir.out == listed.out);
  CHECK(from_dir.out.find("81.2.69.0/24") != std::string::npos);
}

TEST_CASE("a directory input: symbolic link loops end and FIFOs are not opened and a file reached twice is read once",
          "[cli][inputs]") {
  namespace fs = std::filesystem;
  const fs::path scratch = exposim::testing::scratch_dir("input-dirs");
  const fs::path d = scratch / "estate";
  fs::remove_all(d);
  fs::create_directories(d / "sub");
  fs::copy_file(input_dir_fixture() + "/estate/network.json", d / "sub" / "network.json");
  fs::copy_file(input_dir_fixture() + "/estate/compute/nic.json", d / "nic.json");
  fs::copy(input_dir_fixture() + "/templates", d / "templates");
  fs::create_directory_symlink("..", d / "sub" / "up");             // a loop back to the directory itself
  fs::create_symlink(d / "nic.json", d / "sub" / "nic-link.json");  // the same file a second time
  REQUIRE(::mkfifo((d / "pipe.json").c_str(), 0600) == 0);          // would block if it were opened
  const auto r = run_exposim({"analyze", d.string(), "--format", "json"});
  CHECK(r.code == 0);
  CHECK(r.err == fmt::format("exposim: {0}: 4 input files read (1 parameter file, 2 resource JSON, 1 template), 3 "
                             "skipped\n"
                             "exposim: {0}/pipe.json: skipped: not a regular file (a FIFO, device or socket is never "
                             "opened)\n"
                             "exposim: {0}/sub/nic-link.json: skipped: a file already read (a second link to it)\n"
                             "exposim: {0}/sub/up/: skipped: a directory already read (a symbolic link loop or a "
                             "second link to it)\n",
                             d.string()));
  // Each file once: the one exposure of the fixture (a second nic.json would be a duplicate resource, exit 2).
  CHECK(r.out.find("\"81.2.69.0/24\"") != std::string::npos);
  fs::remove_all(scratch);
}

TEST_CASE("the kind of a file in an input directory is detected from its first bytes", "[importers][inputs]") {
  using exposim::importers::detect_input_kind;
  using exposim::importers::DetectedKind;
  CHECK(detect_input_kind("[]", false) == DetectedKind::kResources);
  CHECK(detect_input_kind(R"({"value": []})", false) == DetectedKind::kResources);
  CHECK(detect_input_kind(R"({"data": [], "count": 0})", false) == DetectedKind::kResources);
  CHECK(detect_input_kind(R"({"id": "/x", "properties": {"type": "no"}, "type": "Microsoft.Network/x"})", false) ==
        DetectedKind::kResources);
  CHECK(detect_input_kind(R"({"region": "westeurope", "deploymentStatus": "Deployed"})", false) ==
        DetectedKind::kResources);
  // A key only nested ("type" inside "properties") is not a top-level key.
  CHECK(detect_input_kind(R"({"properties": {"type": "x"}, "name": "a"})", false) == DetectedKind::kOtherJson);
  // ... but a long object whose keys may come later is read as resource JSON, never left out.
  CHECK(detect_input_kind(R"({"properties": {"type": "x"}, "name": "a")", true) == DetectedKind::kResources);
  CHECK(detect_input_kind(R"({"format": "exposim-analyze", "version": 1, "exposures": [)", true) ==
        DetectedKind::kOtherJson);
  CHECK(detect_input_kind(R"({"changeNumber": 7, "cloud": "Public", "values": []})", false) ==
        DetectedKind::kServiceTags);
  CHECK(detect_input_kind(
            R"({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"})",
            false) == DetectedKind::kTemplate);
  CHECK(detect_input_kind(
            R"({"$schema": "https://schema.management.azure.com/schemas/2015-01-01/deploymentParameters.json#"})",
            false) == DetectedKind::kParameters);
  CHECK(detect_input_kind(R"({"format_version": "1.2", "planned_values": {}})", false) == DetectedKind::kTerraform);
  CHECK(detect_input_kind("name: x\n", false) == DetectedKind::kNotJson);
  CHECK(detect_input_kind("", false) == DetectedKind::kNotJson);
}

namespace {

/// A template whose NSG `nsg` allows tcp 22 from its parameter sshSource, and its parameter file giving `source`.
void input_dir_template_folder(const std::filesystem::path& dir, const std::string& nsg, const std::string& source) {
  std::filesystem::create_directories(dir);
  exposim::testing::write_file(
      dir / "azuredeploy.json",
      fmt::format(R"({{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0", "parameters": {{"sshSource": {{"type": "string"}}}},
  "resources": [{{"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2023-09-01", "name": "{}",
    "location": "westeurope", "properties": {{"securityRules": [{{"name": "allow-ssh", "properties": {{
      "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
      "sourceAddressPrefix": "[parameters('sshSource')]", "sourcePortRange": "*",
      "destinationAddressPrefix": "*", "destinationPortRange": "22"}}}}]}}}}]}})",
                  nsg));
  exposim::testing::write_file(
      dir / "azuredeploy.parameters.json",
      fmt::format(R"({{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0", "parameters": {{"sshSource": {{"value": "{}"}}}}}})",
                  source));
}

/// The source prefixes of allow-ssh in the NSG named `nsg`, as text.
std::vector<std::string> input_dir_ssh_sources(const exposim::model::Model& m, const std::string& nsg) {
  std::vector<std::string> out;
  for (const auto& g : m.nsgs) {
    if (g.name != nsg) continue;
    for (const auto& r : g.rules) {
      if (r.name != "allow-ssh") continue;
      for (const auto& p : r.source.prefixes) out.push_back(p.to_string());
    }
  }
  return out;
}

}  // namespace

TEST_CASE("a parameter file found in an input directory applies to the templates of its own directory only",
          "[importers][inputs]") {
  namespace fs = std::filesystem;
  const fs::path root = exposim::testing::scratch_dir("input-dir-parameters");
  input_dir_template_folder(root / "a", "nsg-a", "81.2.69.0/24");
  input_dir_template_folder(root / "b", "nsg-b", "203.0.113.0/24");
  // The order a directory walk gives: sorted paths.
  const std::vector<std::string> paths{
      (root / "a/azuredeploy.json").string(), (root / "a/azuredeploy.parameters.json").string(),
      (root / "b/azuredeploy.json").string(), (root / "b/azuredeploy.parameters.json").string()};
  exposim::importers::InputOptions options;
  SECTION("found by a directory walk: each folder's template gets its own folder's value") {
    options.directory_inputs = paths;
    exposim::model::Model m;
    exposim::model::Diagnostics diags;
    exposim::importers::import_inputs(paths, options, m, diags);
    CHECK(input_dir_ssh_sources(m, "nsg-a") == std::vector<std::string>{"81.2.69.0/24"});
    CHECK(input_dir_ssh_sources(m, "nsg-b") == std::vector<std::string>{"203.0.113.0/24"});
  }
  SECTION("a --param override wins over a folder's parameter file") {
    options.directory_inputs = paths;
    options.parameters = {"sshSource=198.51.100.0/24"};
    exposim::model::Model m;
    exposim::model::Diagnostics diags;
    exposim::importers::import_inputs(paths, options, m, diags);
    CHECK(input_dir_ssh_sources(m, "nsg-a") == std::vector<std::string>{"198.51.100.0/24"});
    CHECK(input_dir_ssh_sources(m, "nsg-b") == std::vector<std::string>{"198.51.100.0/24"});
  }
  SECTION("named on the command line: every parameter file applies to every template, the later winning") {
    exposim::model::Model m;
    exposim::model::Diagnostics diags;
    exposim::importers::import_inputs(paths, options, m, diags);
    CHECK(input_dir_ssh_sources(m, "nsg-a") == std::vector<std::string>{"203.0.113.0/24"});
    CHECK(input_dir_ssh_sources(m, "nsg-b") == std::vector<std::string>{"203.0.113.0/24"});
  }
  fs::remove_all(root);
}
