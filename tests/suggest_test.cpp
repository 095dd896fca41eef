// "Did you mean": the distance, the nearest names, and every command that looks a name up (whatif's change
// documents, explain's --to, graph's --focus, check's selectors and flows).
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "cli/exit_codes.h"
#include "cli_support.h"
#include "model/suggest.h"

namespace {

namespace fs = std::filesystem;

using exposim::model::did_you_mean;
using exposim::model::name_distance;
using exposim::model::nearest_names;
using exposim::testing::hub_file;
using exposim::testing::run_exposim;
using exposim::testing::write_file;

std::vector<std::string> hub_and_spoke() {
  return {hub_file("firewall.json"), hub_file("hub.json"), hub_file("spokes.json")};
}

/// `exposim ARGS... FILES...` with the hub-and-spoke example's files inserted after the command.
exposim::testing::CliResult run_on_hub(const std::string& command, const std::vector<std::string>& args) {
  std::vector<std::string> all{command};
  for (const auto& f : hub_and_spoke()) all.push_back(f);
  all.insert(all.end(), args.begin(), args.end());
  return run_exposim(all);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("name distance counts insertions - deletions - substitutions and adjacent swaps - ignoring case",
          "[model][suggest]") {
  CHECK(name_distance("nsg-webb", "nsg-web") == 1);  // one deletion
  CHECK(name_distance("nsg-wbe", "nsg-web") == 1);   // one swap of adjacent characters
  CHECK(name_distance("nsg-wab", "nsg-web") == 1);   // one substitution
  CHECK(name_distance("NSG-Web", "nsg-web") == 0);   // case is not a difference
  CHECK(name_distance("abc", "") == 3);
  CHECK(name_distance("", "") == 0);
  CHECK(name_distance("ca", "abc") == 3);  // optimal string alignment: a swapped pair is not edited again
  CHECK(name_distance("kitten", "sitting") == 3);
}

TEST_CASE("nearest names: within a third of the length - nearest first - at most three", "[model][suggest]") {
  const std::vector<std::string> nsgs{"nsg-app", "nsg-db", "nsg-jump", "nsg-web"};
  // 8 characters: up to 2 edits. nsg-web is 1 away; nsg-db 3 (two deletions, one substitution), nsg-app 4.
  CHECK(nearest_names("nsg-webb", nsgs) == std::vector<std::string>{"nsg-web"});
  CHECK(nearest_names("nsg-missing", nsgs).empty());
  // Ties are in name order; the fourth is left out.
  const std::vector<std::string> vms{"vm-web2", "vm-web", "vm-web10", "vm-webx", "vm-db"};
  CHECK(nearest_names("vm-web1", vms) == std::vector<std::string>{"vm-web", "vm-web10", "vm-web2"});
  // Nearer comes first whatever the name order: vm-webb is 1 deletion away, vm-web 2.
  CHECK(nearest_names("vm-webb1", {"vm-web", "vm-webb"}) == std::vector<std::string>{"vm-webb", "vm-web"});
  // An id is compared by its last segment.
  CHECK(nearest_names("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg-webb",
                      nsgs) == std::vector<std::string>{"nsg-web"});
  // A short name allows one edit; a name given twice is suggested once.
  CHECK(nearest_names("fw", {"fx", "fw-hub", "fx"}) == std::vector<std::string>{"fx"});
  CHECK(nearest_names("", nsgs).empty());
}

TEST_CASE("did you mean: one - two or three names - quoted", "[model][suggest]") {
  CHECK(did_you_mean("nsg-webb", {"nsg-web", "nsg-app"}) == "did you mean 'nsg-web'?");
  CHECK(did_you_mean("vm-web1", {"vm-web", "vm-web2"}) == "did you mean 'vm-web' or 'vm-web2'?");
  CHECK(did_you_mean("vm-web1", {"vm-web", "vm-web2", "vm-web3"}) == "did you mean 'vm-web', 'vm-web2' or 'vm-web3'?");
  CHECK(did_you_mean("nsg-missing", {"nsg-web"}).empty());
  CHECK(exposim::model::with_suggestion("no NSG named 'nsg-webb'", "nsg-webb", {"nsg-web"}) ==
        "no NSG named 'nsg-webb'; did you mean 'nsg-web'?");
  CHECK(exposim::model::with_suggestion("no NSG named 'x'", "x", {"nsg-web"}) == "no NSG named 'x'");
}

TEST_CASE("whatif: a misspelled NSG or rule in a change document gets the nearest names", "[cli][suggest]") {
  const fs::path dir = exposim::testing::scratch_dir("suggest");
  SECTION("an NSG (model/edit.cpp)") {
    write_file(dir / "c.yaml",
               "changes:\n  - op: remove-nsg-rule\n    nsg: nsg-webb\n    rule: allow-http-from-internet\n");
    const auto r = run_on_hub("whatif", {"--change", (dir / "c.yaml").string()});
    CHECK(r.code == exposim::cli::kExitBadInput);
    CHECK(contains(r.err,
                   "error: no network security group named 'nsg-webb' in the inputs (give its name or resource id); "
                   "did you mean 'nsg-web'? [change-target-unknown]"));
  }
  SECTION("a rule to remove (model/edit.cpp)") {
    write_file(dir / "c.yaml",
               "changes:\n  - op: remove-nsg-rule\n    nsg: nsg-web\n    rule: allow-http-from-internt\n");
    const auto r = run_on_hub("whatif", {"--change", (dir / "c.yaml").string()});
    CHECK(r.code == exposim::cli::kExitBadInput);
    CHECK(contains(r.err,
                   "has no security rule named 'allow-http-from-internt'; did you mean 'allow-http-from-internet'?"));
  }
  SECTION("a rule to modify (importers/change.cpp)") {
    write_file(dir / "c.yaml",
               "changes:\n  - op: modify-nsg-rule\n    nsg: nsg-web\n    rule: alow-http-from-internet\n"
               "    set: {sourceAddressPrefix: 52.40.1.0/24}\n");
    const auto r = run_on_hub("whatif", {"--change", (dir / "c.yaml").string()});
    CHECK(r.code == exposim::cli::kExitBadInput);
    CHECK(contains(r.err,
                   "error: network security group 'nsg-web' has no rule named 'alow-http-from-internet'; did you mean "
                   "'allow-http-from-internet'? [change-target-unknown]"));
  }
  fs::remove_all(dir);
}

TEST_CASE("explain: a misspelled --to or Bastion gets the nearest names", "[cli][suggest]") {
  // vm-webx is one deletion from vm-web; the other VMs, NICs and public IPs are 3 or more away (vm-db: two
  // deletions and a substitution).
  auto r = run_on_hub("explain", {"--from", "81.2.69.200", "--to", "vm-webx", "--port", "22"});
  CHECK(r.code == exposim::cli::kExitBadInput);
  CHECK(contains(r.err,
                 "exposim: error: unknown target 'vm-webx': expected a public or private IP address, or the name or id "
                 "of a public IP, network interface or virtual machine in the input; did you mean 'vm-web'?\n"));
  r = run_on_hub("explain", {"--from", "81.2.69.200", "--to", "vm-db", "--via", "bastion:bas-hbu", "--port", "22"});
  CHECK(r.code == exposim::cli::kExitBadInput);
  CHECK(contains(r.err,
                 "--via bastion:bas-hbu: no Bastion host of that name, id or public IP in the input; did you "
                 "mean 'bas-hub'?\n"));
  // Nothing near: the message is unchanged.
  r = run_on_hub("explain", {"--from", "81.2.69.200", "--to", "no-such-vm", "--port", "22"});
  CHECK(contains(r.err, "in the input\n"));
  CHECK_FALSE(contains(r.err, "did you mean"));
}

TEST_CASE("graph: a misspelled --focus gets the nearest names", "[cli][suggest]") {
  const auto r = run_on_hub("graph", {"--focus", "nsg-webb"});
  CHECK(r.code == exposim::cli::kExitBadInput);
  CHECK(
      contains(r.err, "--focus: no resource is named 'nsg-webb' and no resource has that id; did you mean 'nsg-web'?"));
}

TEST_CASE("check: a selector or flow target that names nothing gets the nearest names", "[cli][suggest]") {
  const fs::path dir = exposim::testing::scratch_dir("suggest");
  write_file(dir / "spec.yaml", R"(version: 1
assertions:
  - name: web not exposed
    kind: not-exposed
    select: {name: vm-webb}
  - name: database subnet
    kind: not-exposed
    select: {subnet: snet-dbb}
  - name: a flow to a typo
    kind: flow
    from: 52.40.1.1
    to: vm-ap
    port: 443
    expect: denied
)");
  const auto r = run_on_hub("check", {"--spec", (dir / "spec.yaml").string()});
  CHECK(r.code != exposim::cli::kExitOk);
  CHECK(contains(r.out, "the selector matches no resource; name 'vm-webb': did you mean 'vm-web'?"));
  // snet-dbb: snet-db is one deletion away, snet-web two substitutions (d to w, b to e).
  CHECK(contains(r.out, "the selector matches no resource; subnet 'snet-dbb': did you mean 'snet-db' or 'snet-web'?"));
  CHECK(contains(r.out, "unknown target 'vm-ap'"));
  CHECK(contains(r.out, "did you mean 'vm-app'?"));
  fs::remove_all(dir);
}
