// Corpus: real `terraform show -json` plans by others (../shared/corpus/tfplan), and the exposure its SOURCES.md
// states for each. Exposures are "target ports sources" (PaaS public endpoints) or the VM side's lines.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/analyze_report.h"
#include "importers/inputs.h"
#include "model/validate.h"
#include "solver/exposure.h"

namespace {

using namespace exposim;
namespace fs = std::filesystem;
using Lines = std::vector<std::string>;

const std::string kPlans = EXPOSIM_SHARED_DIR "/corpus/tfplan/";

struct TerraformCase {
  model::Model model;
  model::Diagnostics diags;
  solver::Analysis analysis;
};

/// Imports, validates and analyses one plan; the analysis runs even after errors (a plan Azure would reject is
/// reported, and what it would expose is still asserted).
TerraformCase run_terraform_case(const std::string& name) {
  TerraformCase c;
  importers::import_inputs({kPlans + name + "/plan.json"}, {}, c.model, c.diags);
  model::validate(c.model, c.diags, model::ValidateOptions{true});
  c.analysis = solver::analyze(c.model);
  return c;
}

/// "target ports sources" for every exposure, sorted.
Lines terraform_exposures(const TerraformCase& c) {
  Lines out;
  for (const auto& e : c.analysis.exposures) {
    std::string sources = e.any_source ? "any" : "";
    if (!e.any_source) {
      for (const auto& s : model::to_cidr_strings(e.sources)) sources += (sources.empty() ? "" : ",") + s;
    }
    out.push_back(fmt::format("{} {} {} {}", cli::target_name(c.model, e), model::to_string(e.protocol),
                              model::to_string(e.ports), sources));
  }
  std::sort(out.begin(), out.end());
  return out;
}

Lines codes(const TerraformCase& c, model::Severity at_least) {
  Lines out;
  for (const auto& d : c.diags.sorted()) {
    if (d.severity >= at_least) out.push_back(d.code);
  }
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool present() {
  if (fs::is_directory(kPlans)) return true;
  WARN("no " << kPlans << ": Terraform plan corpus skipped");
  return false;
}

}  // namespace

TEST_CASE("tfplan regula-nsg-rules-no-nic: rules on no NSG in use reach nothing; duplicate priorities are rejected",
          "[corpus][terraform]") {
  if (!present()) return;
  auto c = run_terraform_case("regula-nsg-rules-no-nic");
  // Five separate rules on testnsg share priority 100 inbound: Azure rejects the plan at apply. Two of them
  // (invalidrule2 and validrule2) are both named validrule2: one Azure id, the second left out.
  CHECK(codes(c, model::Severity::kError) == Lines{"duplicate-priority", "terraform-duplicate-id"});
  CHECK(c.model.nsgs.size() == 4);
  CHECK(terraform_exposures(c).empty());
}

TEST_CASE("tfplan checkov-nsg-deny-rdp-no-nic: nothing reachable", "[corpus][terraform]") {
  if (!present()) return;
  auto c = run_terraform_case("checkov-nsg-deny-rdp-no-nic");
  CHECK(codes(c, model::Severity::kWarning).empty());
  REQUIRE(c.model.nsgs.size() == 2);
  CHECK(terraform_exposures(c).empty());
}

TEST_CASE("tfplan regula-storage-network-rules: default Allow, unconfigured (assumed), an IP rule, Deny",
          "[corpus][terraform]") {
  if (!present()) return;
  auto c = run_terraform_case("regula-storage-network-rules");
  CHECK(terraform_exposures(c) == Lines{"invalidstorageaccount1 tcp 443,445 any",
                                        "invalidstorageaccount2 tcp 443,445 any",
                                        "validstorageaccount1 tcp 443,445 100.0.0.1/32"});
  CHECK(codes(c, model::Severity::kNote) == Lines{"assumed-default"});
}

TEST_CASE("tfplan regula-storage-bypass: bypass does not admit internet clients", "[corpus][terraform]") {
  if (!present()) return;
  auto c = run_terraform_case("regula-storage-bypass");
  CHECK(terraform_exposures(c) ==
        Lines{"invalidstorageaccount1 tcp 443,445 any", "validstorageaccount1 tcp 443,445 100.0.0.1/32"});
  CHECK(codes(c, model::Severity::kWarning).empty());
}

TEST_CASE("tfplan tfc-storage-ip-rule: one IP rule", "[corpus][terraform]") {
  if (!present()) return;
  auto c = run_terraform_case("tfc-storage-ip-rule");
  CHECK(terraform_exposures(c) == Lines{"storageaccountname tcp 443,445 100.1.1.123/32"});
}

TEST_CASE("tfplan tfc-storage-unknown-network-rules: both accounts public by default (assumed)",
          "[corpus][terraform]") {
  if (!present()) return;
  auto c = run_terraform_case("tfc-storage-unknown-network-rules");
  CHECK(terraform_exposures(c) == Lines{"myprivatestorageacct tcp 443,445 any", "mystorageacct tcp 443,445 any"});
  CHECK(codes(c, model::Severity::kNote) == Lines{"assumed-default"});
}
