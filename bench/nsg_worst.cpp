// The worst NSGs Azure accepts, measured: one VM behind a public IP whose subnet's NSG has up to 1,000 rules (Azure's
// most), allow and deny alternating, their sources up to 4,000 addresses (Azure's most per NSG, counted apart for
// sources and destinations) and their port ranges staggered so that every boundary starts a cell of its own. Prints
// the work units (solver/work_budget.h) the NSG's evaluation over cells needs for the internet's packets, the time
// and memory it takes under a budget, and the time analyze takes (with the over-approximation past the budget).
// docs/performance.md, "NSGs at Azure's maxima", reports its figures.
//
//   exposim_nsg_worst --rules 1000 --profile disjoint --ranges 1 [--budget UNITS] [--write FILE]
//
// Profiles (rule i, allow when i is even):
//   disjoint  4 public /24s of its own (4,000 sources at 1,000 rules)
//   mixed     even rules: the Internet tag; odd rules: 8 public /24s of their own
//   any       any source (*)
// Each rule has `ranges` destination port ranges and as many source port ranges (1,023 ports higher), window j of
// rule i starting at j * (60000 / ranges) + i (2i for odd j) and 60000 / (2 * ranges) - 1000 ports wide: a window
// overlaps the windows of the next rules.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "importers/inputs.h"
#include "model/validate.h"
#include "solver/address_space.h"
#include "solver/exposure.h"
#include "solver/nsg.h"
#include "solver/nsg_cells.h"
#include "solver/work_budget.h"

namespace {

using NsgWorstClock = std::chrono::steady_clock;

double nsg_worst_seconds(NsgWorstClock::time_point t0) {
  return std::chrono::duration<double>(NsgWorstClock::now() - t0).count();
}

long nsg_worst_peak_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

std::string nsg_worst_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i == 0 ? "\"" : ", \"") + items[i] + "\"";
  return out + "]";
}

/// The public /24 number k (k < 65536 * 4): 20.a.b.0/24 and on into 21.x.y.0/24.
std::string nsg_worst_slash24(int k) { return fmt::format("{}.{}.{}.0/24", 20 + k / 65536, (k / 256) % 256, k % 256); }

std::string nsg_worst_estate(int rules, const std::string& profile, int ranges) {
  const std::string sub = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/";
  const std::string subnet_id = sub + "Microsoft.Network/virtualNetworks/vnet/subnets/web";
  const std::string nsg_id = sub + "Microsoft.Network/networkSecurityGroups/nsg-worst";
  const std::string pip_id = sub + "Microsoft.Network/publicIPAddresses/pip-1";
  const std::string nic_id = sub + "Microsoft.Network/networkInterfaces/nic-1";
  const std::string vm_id = sub + "Microsoft.Compute/virtualMachines/vm-1";
  const int step = 60000 / ranges;
  const int width = std::max(1, step / 2 - 1000);
  std::string list;
  for (int i = 0; i < rules; ++i) {
    std::vector<std::string> sources;
    if (profile == "any") {
      sources.push_back("*");
    } else if (profile == "mixed" && i % 2 == 0) {
      sources.push_back("Internet");
    } else {
      const int per = profile == "mixed" ? 8 : 4;
      for (int k = 0; k < per; ++k) sources.push_back(nsg_worst_slash24(i * per + k));
    }
    std::vector<std::string> dports;
    std::vector<std::string> sports;
    for (int j = 0; j < ranges; ++j) {
      const int at = j * step + i * (1 + j % 2);  // odd windows step by 2: their classes differ from the even ones'
      dports.push_back(fmt::format("{}-{}", at + 1, at + width));
      sports.push_back(fmt::format("{}-{}", at + 1024, at + 1023 + width));
    }
    list += fmt::format(
        R"({}{{"name": "r{}", "properties": {{"priority": {}, "direction": "Inbound", "access": "{}", )"
        R"("protocol": "*", "sourceAddressPrefixes": {}, "sourcePortRanges": {}, "destinationAddressPrefix": "*", )"
        R"("destinationPortRanges": {}}}}})",
        i == 0 ? "" : ",\n", i, 100 + i, i % 2 == 0 ? "Allow" : "Deny", nsg_worst_list(sources), nsg_worst_list(sports),
        nsg_worst_list(dports));
  }
  return fmt::format(
      R"([{{"type": "Microsoft.Network/virtualNetworks", "name": "vnet", "id": "{0}Microsoft.Network/virtualNetworks/vnet",
  "properties": {{"addressSpace": {{"addressPrefixes": ["10.0.0.0/16"]}}, "subnets": [{{"name": "web", "id": "{1}",
  "properties": {{"addressPrefix": "10.0.1.0/24", "networkSecurityGroup": {{"id": "{2}"}}}}}}]}}}},
 {{"type": "Microsoft.Network/networkSecurityGroups", "name": "nsg-worst", "id": "{2}",
  "properties": {{"securityRules": [
{3}]}}}},
 {{"type": "Microsoft.Network/publicIPAddresses", "name": "pip-1", "id": "{4}", "sku": {{"name": "Standard"}},
  "properties": {{"ipAddress": "20.250.1.10", "publicIPAllocationMethod": "Static"}}}},
 {{"type": "Microsoft.Network/networkInterfaces", "name": "nic-1", "id": "{5}", "properties": {{
  "virtualMachine": {{"id": "{6}"}}, "ipConfigurations": [{{"name": "ipconfig1", "properties": {{"primary": true,
  "privateIPAddress": "10.0.1.4", "subnet": {{"id": "{1}"}}, "publicIPAddress": {{"id": "{4}"}}}}}}]}}}},
 {{"type": "Microsoft.Compute/virtualMachines", "name": "vm-1", "id": "{6}",
  "properties": {{"networkProfile": {{"networkInterfaces": [{{"id": "{5}"}}]}}}}}}]
)",
      sub, subnet_id, nsg_id, list, pip_id, nic_id, vm_id);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace exposim;
  int rules = 1000;
  int ranges = 1;
  std::string profile = "disjoint";
  std::string write;
  std::uint64_t budget = solver::kNsgWorkBudget;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    const std::string v = argv[i + 1];
    if (a == "--rules") rules = std::max(1, std::min(1000, std::atoi(v.c_str())));
    if (a == "--ranges") ranges = std::max(1, std::min(64, std::atoi(v.c_str())));
    if (a == "--profile") profile = v;
    if (a == "--write") write = v;
    if (a == "--budget") budget = std::strtoull(v.c_str(), nullptr, 10);
  }
  if (profile != "disjoint" && profile != "mixed" && profile != "any") {
    fmt::print(stderr,
               "usage: exposim_nsg_worst [--rules N] [--profile disjoint|mixed|any] [--ranges K] "
               "[--budget UNITS] [--write FILE]\n");
    return 3;
  }
  const std::string text = nsg_worst_estate(rules, profile, ranges);
  const std::string path = write.empty() ? "/tmp/exposim-nsg-worst.json" : write;
  std::ofstream(path) << text;
  model::Model m;
  model::Diagnostics diags;
  importers::import_inputs({path}, {}, m, diags);
  model::validate(m, diags);
  if (write.empty()) std::remove(path.c_str());
  if (diags.has_errors()) {
    fmt::print(stderr, "the estate has errors\n");
    return 2;
  }
  model::Diagnostics findings;
  const solver::AddressSpace space(m, findings);
  const auto& cfg = m.nics[0].ip_configurations[0];
  const solver::Destination dst{cfg.private_ip, cfg.subnet.index, &cfg.asgs};
  const solver::PacketSet arriving(solver::Cube{space.internet(model::IpFamily::kV4), solver::IpSet::all(),
                                                model::kAllProtocols, model::PortSet::all(), model::PortSet::all()});
  fmt::print("{} rules, profile {}, {} port range(s) per side: ", rules, profile, ranges);
  auto t0 = NsgWorstClock::now();
  try {
    std::uint64_t spent = 0;
    const auto d = solver::evaluate_nsg_cells_each(m.nsgs[0], model::Direction::kInbound, {&arriving}, dst, space,
                                                   nullptr, budget, &spent);
    fmt::print("cells: {} units, {:.3f} s, {} decisions, peak {} MB; ", spent, nsg_worst_seconds(t0), d[0].size(),
               nsg_worst_peak_mb());
  } catch (const solver::WorkBudgetExceeded& e) {
    fmt::print("cells: at least {} units (past the budget of {}), refused in {:.3f} s; ", e.needed(), budget,
               nsg_worst_seconds(t0));
  }
  std::fflush(stdout);  // before analyze, which may run for minutes
  t0 = NsgWorstClock::now();
  const auto a = solver::analyze(m);
  int over = 0;
  for (const auto& f : a.findings.items()) over += f.code == "nsg-over-approximated" ? 1 : 0;
  fmt::print("analyze: {:.3f} s, {} exposures{}, peak {} MB\n", nsg_worst_seconds(t0), a.exposures.size(),
             over > 0 ? " (over-approximated)" : "", nsg_worst_peak_mb());
  return 0;
}
