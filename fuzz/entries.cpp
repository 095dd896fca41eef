// The fuzz targets' entry points (fuzz/entries.h): untrusted bytes through the same library calls as the command
// line, with inputs from memory and reports into string streams.
#include "fuzz/entries.h"

#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "check/evaluate.h"
#include "check/spec_parser.h"
#include "cli/analyze_jsonl.h"
#include "cli/analyze_report.h"
#include "cli/check_report.h"
#include "cli/graph_diagram.h"
#include "cli/graph_report.h"
#include "cli/html_report.h"
#include "importers/arm/expression.h"
#include "importers/arm/template.h"
#include "importers/azure/resource_importer.h"
#include "importers/change.h"
#include "importers/terraform/plan.h"
#include "model/diagnostic.h"
#include "model/model.h"
#include "model/validate.h"
#include "solver/exposure.h"
#include "solver/recommendation.h"
#include "solver/work_budget.h"

namespace exposim::fuzz {
namespace {

std::string_view fuzz_entry_text(const std::uint8_t* data, std::size_t size) {
  return size == 0 ? std::string_view() : std::string_view(reinterpret_cast<const char*>(data), size);
}

/// The resource importer's read size here: its default (16 MiB, for files of hundreds of megabytes) would allocate
/// that much for every input.
constexpr std::size_t kFuzzChunkBytes = 4096;

/// The estate that change documents and check specs are applied to: a VNet with one subnet behind an NSG (SSH
/// allowed from the internet, RDP denied), a VM whose NIC has a Standard public IP. Names the fuzzer can find in
/// the dictionary and the seeds (nsg-web, allow-ssh, vm-web, ...).
constexpr std::string_view kFuzzEstate = R"([
 {"id": "/subscriptions/00000000-0000-0000-0000-00000000f022/resourceGroups/rg-fuzz/providers/Microsoft.Network/virtualNetworks/vnet-fuzz",
  "name": "vnet-fuzz", "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
  "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
   "subnets": [{"id": "/subscriptions/00000000-0000-0000-0000-00000000f022/resourceGroups/rg-fuzz/providers/Microsoft.Network/virtualNetworks/vnet-fuzz/subnets/web",
     "name": "web", "properties": {"addressPrefix": "10.0.1.0/24",
      "networkSecurityGroup": {"id": "/subscriptions/00000000-0000-0000-0000-00000000f022/resourceGroups/rg-fuzz/providers/Microsoft.Network/networkSecurityGroups/nsg-web"}}}]}},
 {"id": "/subscriptions/00000000-0000-0000-0000-00000000f022/resourceGroups/rg-fuzz/providers/Microsoft.Network/networkSecurityGroups/nsg-web",
  "name": "nsg-web", "type": "Microsoft.Network/networkSecurityGroups", "location": "westeurope",
  "properties": {"securityRules": [
   {"name": "allow-ssh", "properties": {"priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
     "sourceAddressPrefix": "Internet", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "22"}},
   {"name": "deny-rdp", "properties": {"priority": 200, "direction": "Inbound", "access": "Deny", "protocol": "Tcp",
     "sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "3389"}}]}},
 {"id": "/subscriptions/00000000-0000-0000-0000-00000000f022/resourceGroups/rg-fuzz/providers/Microsoft.Network/publicIPAddresses/pip-web",
  "name": "pip-web", "type": "Microsoft.Network/publicIPAddresses", "location": "westeurope", "sku": {"name": "Standard"},
  "properties": {"ipAddress": "20.1.2.3", "publicIPAllocationMethod": "Static"}},
 {"id": "/subscriptions/00000000-0000-0000-0000-00000000f022/resourceGroups/rg-fuzz/providers/Microsoft.Network/networkInterfaces/nic-web",
  "name": "nic-web", "type": "Microsoft.Network/networkInterfaces", "location": "westeurope",
  "properties": {"ipConfigurations": [{"name": "ipconfig1", "properties": {"privateIPAddress": "10.0.1.4",
    "subnet": {"id": "/subscriptions/00000000-0000-0000-0000-00000000f022/resourceGroups/rg-fuzz/providers/Microsoft.Network/virtualNetworks/vnet-fuzz/subnets/web"},
    "publicIPAddress": {"id": "/subscriptions/00000000-0000-0000-0000-00000000f022/resourceGroups/rg-fuzz/providers/Microsoft.Network/publicIPAddresses/pip-web"}}}],
   "virtualMachine": {"id": "/subscriptions/00000000-0000-0000-0000-00000000f022/resourceGroups/rg-fuzz/providers/Microsoft.Compute/virtualMachines/vm-web"}}},
 {"id": "/subscriptions/00000000-0000-0000-0000-00000000f022/resourceGroups/rg-fuzz/providers/Microsoft.Compute/virtualMachines/vm-web",
  "name": "vm-web", "type": "Microsoft.Compute/virtualMachines", "location": "westeurope",
  "properties": {"networkProfile": {"networkInterfaces": [{"id": "/subscriptions/00000000-0000-0000-0000-00000000f022/resourceGroups/rg-fuzz/providers/Microsoft.Network/networkInterfaces/nic-web"}]}}}
])";

/// The fixed estate imported, not yet validated (what change documents apply to).
const model::Model& fuzz_estate_imported() {
  static const model::Model estate = [] {
    model::Model m;
    model::Diagnostics diags;
    importers::azure::import_text(kFuzzEstate, "estate.json", m, diags);
    return m;
  }();
  return estate;
}

/// The fixed estate validated and analysed (what check specs are evaluated against).
struct FuzzAnalysedEstate {
  model::Model model;
  solver::Analysis analysis;
};

const FuzzAnalysedEstate& fuzz_estate_analysed() {
  static const FuzzAnalysedEstate estate = [] {
    FuzzAnalysedEstate e;
    e.model = fuzz_estate_imported();
    model::Diagnostics diags;
    model::validate(e.model, diags);
    e.analysis = solver::analyze(e.model);
    return e;
  }();
  return estate;
}

/// Every report analyze, graph and report write, into string streams (their bytes are dropped).
void write_every_report(const model::Model& m, const solver::Analysis& a,
                        const std::vector<model::Diagnostic>& diagnostics) {
  std::ostringstream out;
  cli::write_json(out, m, a, diagnostics, cli::JsonOptions{1, false});
  cli::write_json(out, m, a, diagnostics, cli::JsonOptions{2, false});
  cli::write_json(out, m, a, diagnostics, cli::JsonOptions{1, true});
  cli::write_json_lines(out, m, a, diagnostics, cli::JsonOptions{2, false});
  cli::write_json_lines(out, m, a, diagnostics, cli::JsonOptions{1, true});
  cli::write_csv(out, m, a);
  cli::TableOptions table;
  cli::write_table(out, m, a, table);
  table.layout.columns = 80;
  table.layout.colour = true;
  cli::write_table(out, m, a, table);
  table.summary = true;
  cli::write_table(out, m, a, table);
  const cli::DiagramResult diagram = cli::build_diagram(m, a, {});
  cli::write_dot(out, diagram.diagram);
  cli::write_graph_json(out, diagram.diagram);
  cli::DiagramOptions exposed;
  exposed.exposed_only = true;
  cli::write_dot(out, cli::build_diagram(m, a, exposed).diagram);
  const solver::Recommendations recommendations = solver::recommend(m, a);
  const cli::HtmlReportInput html{m, a, recommendations, diagnostics, {"estate.json"}, "", "no diagram"};
  cli::write_html_report(out, html);
}

}  // namespace

std::string_view fuzz_estate_text() { return kFuzzEstate; }

int fuzz_azure_resources(const std::uint8_t* data, std::size_t size) {
  model::Model m;
  model::Diagnostics diags;
  importers::azure::ImportOptions options;
  options.max_depth = 64;
  // Small chunks, of a size that varies with the input: elements, strings and literals straddle the reads.
  options.chunk_bytes = 1 + size % 97;
  importers::azure::Importer importer(m, diags, options);
  importer.add_text(fuzz_entry_text(data, size), "resources.json");
  importer.finish();
  return 0;
}

int fuzz_arm_template(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = fuzz_entry_text(data, size);
  const std::size_t cut = input.find(kArmTemplateSeparator);
  const std::string_view template_text = input.substr(0, cut);
  model::Diagnostics diags;
  importers::arm::TemplateOptions options;
  options.modelled_type = [](std::string_view lower_type) { return importers::azure::Importer::models(lower_type); };
  if (cut != std::string_view::npos) {
    const auto parameters =
        importers::arm::parse_arm_json(input.substr(cut + kArmTemplateSeparator.size()), "parameters.json", diags);
    if (parameters && importers::arm::is_parameters_file(*parameters)) {
      options.parameters = importers::arm::parameter_values(*parameters);
    }
  }
  const auto doc = importers::arm::parse_arm_json(template_text, "template.json", diags);
  if (!doc || !importers::arm::is_deployment_template(*doc)) return 0;
  std::vector<std::string> valueless;
  auto expanded = importers::arm::expand_template(*doc, "template.json", options, diags, &valueless);
  // The expansion imported as importers/inputs.cpp imports it: one array per file, located by template pointer.
  model::Model m;
  importers::azure::ImportOptions import;
  import.chunk_bytes = kFuzzChunkBytes;
  import.from_template = true;
  import.valueless_parameters = valueless;
  importers::azure::Importer importer(m, diags, import);
  nlohmann::json list = nlohmann::json::array();
  std::vector<std::string> pointers;
  for (auto& r : expanded) {
    list.push_back(std::move(r.resource));
    pointers.push_back(std::move(r.pointer));
  }
  importer.add_text(list.dump(), "template.json", &pointers);
  importer.finish();
  return 0;
}

int fuzz_arm_expression(const std::uint8_t* data, std::size_t size) {
  using importers::arm::Json;
  importers::arm::Context context;
  context.parameters = Json{{"prefix", "web"},
                            {"count", 3},
                            {"ports", Json::array({22, 3389})},
                            {"tags", Json{{"env", "prod"}}},
                            {"enabled", true}};
  context.parameter_defaults = Json{{"location", "[resourceGroup().location]"}, {"suffix", "[parameters('prefix')]"}};
  context.unknown_parameters["secret"] = "parameters('secret')";
  context.variables = Json{
      {"name", "[concat(parameters('prefix'), '-vnet')]"},
      {"subnets", Json::array({Json{{"name", "a"}, {"prefix", "10.0.0.0/24"}}})},
      {"copy", Json::array({Json{{"name", "rules"}, {"count", 2}, {"input", "[concat('r', copyIndex('rules'))]"}}})}};
  context.copy_indices[""] = 1;
  importers::arm::Evaluator evaluator(context);
  const std::string_view text = fuzz_entry_text(data, size);
  (void)evaluator.evaluate_string(text);
  // The same text as a value inside an object, with its unknown leaves recorded by pointer.
  std::vector<importers::arm::UnknownLeaf> unknowns;
  (void)evaluator.evaluate_json(Json{{"properties", Json::array({std::string(text)})}}, &unknowns);
  return 0;
}

int fuzz_terraform_plan(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz_entry_text(data, size);
  (void)importers::terraform::looks_like_terraform(text.substr(0, 4096));
  for (const auto side : {importers::terraform::PlanSide::kPlanned, importers::terraform::PlanSide::kPrior}) {
    model::Model m;
    model::Diagnostics diags;
    importers::azure::ImportOptions options;
    options.chunk_bytes = kFuzzChunkBytes;
    importers::terraform::import_plan(text, "plan.json", options, m, diags, side);
  }
  return 0;
}

int fuzz_whatif_change(const std::uint8_t* data, std::size_t size) {
  model::Model m = fuzz_estate_imported();
  model::Diagnostics diags;
  std::vector<model::Changed> changed;
  if (!importers::apply_change_text(fuzz_entry_text(data, size), "change.yaml", m, diags, changed)) return 0;
  model::validate(m, diags);
  if (diags.has_errors()) return 0;
  try {
    (void)solver::analyze(m);
  } catch (const solver::WorkBudgetExceeded&) {  // an NSG past the work budget: exit 2 on the command line
  }
  return 0;
}

int fuzz_check_spec(const std::uint8_t* data, std::size_t size) {
  model::Diagnostics diags;
  const auto spec = check::parse_spec(fuzz_entry_text(data, size), "spec.yaml", diags);
  if (!spec) return 0;
  const FuzzAnalysedEstate& estate = fuzz_estate_analysed();
  const std::vector<check::AssertionResult> results = check::evaluate(*spec, estate.model, estate.analysis);
  const cli::CheckReport report{estate.model, estate.analysis, *spec, results, {}};
  std::ostringstream out;
  cli::write_check_text(out, report);
  cli::write_check_json(out, report, diags.sorted());
  cli::write_check_junit(out, report);
  return 0;
}

int fuzz_analyze(const std::uint8_t* data, std::size_t size) {
  if (size > kAnalyzeMaxBytes) return 0;
  model::Model m;
  model::Diagnostics diags;
  importers::azure::ImportOptions options;
  options.chunk_bytes = kFuzzChunkBytes;
  importers::azure::import_text(fuzz_entry_text(data, size), "estate.json", m, diags, options);
  if (diags.has_errors()) return 0;  // as the command line: bad input is reported, not analysed
  model::validate(m, diags, model::ValidateOptions{true});
  if (diags.has_errors()) return 0;
  solver::Analysis analysis;
  try {
    analysis = solver::analyze(m);
  } catch (const solver::WorkBudgetExceeded&) {  // an NSG past the work budget: exit 2 on the command line
    return 0;
  }
  model::name_source_instances(m, analysis.findings);
  diags.append(analysis.findings);
  write_every_report(m, analysis, diags.sorted());
  return 0;
}

}  // namespace exposim::fuzz
