// analyze's CSV for auditors: the columns, `any` for any source, the entry port of a DNAT, every hop's rule in
// path order, and cells escaped for spreadsheets. Expected rows worked out by hand from the estates.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "cli/analyze_csv.h"
#include "cli_support.h"
#include "model_builder.h"
#include "solver/exposure.h"

namespace {

using exposim::cli::csv_cell;
using namespace exposim::testing;

const char* const kHeader =
    "target,target_type,target_id,target_ip,entry_ip,entry_name,via,protocol,ports,sources,any_source,jit,"
    "subnet_nsg_rule,nic_nsg_rule,entry_ports,path_rules";

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

/// The line of `csv` that starts with `prefix`, or "" when none does.
std::string line_starting(const std::string& csv, const std::string& prefix) {
  for (const auto& l : lines(csv)) {
    if (l.rfind(prefix, 0) == 0) return l;
  }
  return "";
}

}  // namespace

TEST_CASE("csv cells: RFC 4180 quoting - and a leading quote before what a spreadsheet runs as a formula",
          "[cli][csv]") {
  CHECK(csv_cell("nsg-web/allow-ssh (100)") == "nsg-web/allow-ssh (100)");
  CHECK(csv_cell("") == "");
  CHECK(csv_cell("=1+2") == "'=1+2");
  CHECK(csv_cell("+1") == "'+1");
  CHECK(csv_cell("-1") == "'-1");
  CHECK(csv_cell("@SUM(A1)") == "'@SUM(A1)");
  CHECK(csv_cell("\tx") == "'\tx");
  CHECK(csv_cell("\rx") == "\"'\rx\"");  // escaped, then quoted for the line break
  CHECK(csv_cell("a,b") == "\"a,b\"");
  CHECK(csv_cell("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_cell("=a,b") == "\"'=a,b\"");
  CHECK(csv_cell("a=b") == "a=b");  // only the first character matters
}

TEST_CASE("csv: a restricted source - both NSG columns - the path's rules - and a formula-like NSG name escaped",
          "[cli][csv]") {
  // The subnet's NSG admits 52.10.0.0/16 on 22; the NIC's NSG (named like a spreadsheet formula) admits 22 from
  // anywhere: the VM is reached on tcp 22 from 52.10.0.0/16 only, through its public IP.
  EstateBuilder b;
  const std::string evil = "=cmd|' /C calc'!A0";
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg-web", {{"allow-ssh", 100, kAllow, tcp(), {"52.10.0.0/16"}, {"22"}}})
      .nsg(evil, {{"allow-ssh", 110, kAllow, tcp(), {"*"}, {"22"}}})
      .subnet("v", "s", "10.0.0.0/24", "nsg-web")
      .public_ip("pip", "20.0.0.1", exposim::model::Sku::kStandard)
      .vm("vm", "v", "s", "10.0.0.4", "pip", evil);
  exposim::model::Diagnostics diags;
  const auto m = b.done(&diags);
  REQUIRE_FALSE(diags.has_errors());
  std::ostringstream out;
  exposim::cli::write_csv(out, m, exposim::solver::analyze(m));
  const auto got = lines(out.str());
  REQUIRE(got.size() == 2);
  CHECK(got[0] == kHeader);
  CHECK(got[1] == "vm,virtual-machine," + rid("Microsoft.Compute/virtualMachines", "vm") +
                      ",10.0.0.4,20.0.0.1,pip,public-ip,tcp,22,52.10.0.0/16,false,false,nsg-web/allow-ssh (100),"
                      "'=cmd|' /C calc'!A0/allow-ssh (110),22,"
                      "subnet: nsg-web/allow-ssh (100) > nic: =cmd|' /C calc'!A0/allow-ssh (110)");
}

TEST_CASE("csv: a DNAT keeps the client's port - the firewall rule leads the path - any source is written any",
          "[cli][csv]") {
  // examples/hub-and-spoke: the policy's DNAT rule web-to-app-from-partner (collection platform-dnat, priority
  // 500) takes 20.50.60.70:443 from 52.40.0.0/16 (198.51.100.0/24, also listed, is documentation space, not the
  // internet) to vm-app at 10.2.1.4:8443; the app subnet's NSG admits 8443 from the firewall, the NIC has none.
  // The classic rule ssh-to-jump takes port 2222 from any source to the firewall itself.
  const auto r = run_exposim(
      {"analyze", hub_file("firewall.json"), hub_file("hub.json"), hub_file("spokes.json"), "--format", "csv"});
  REQUIRE(r.code == 0);
  CHECK(lines(r.out).front() == kHeader);
  CHECK(line_starting(r.out, "vm-app,") ==
        "vm-app,virtual-machine,/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-spokes/"
        "providers/Microsoft.Compute/virtualMachines/vm-app,10.2.1.4,20.50.60.70,pip-fw,firewall-dnat,tcp,8443,"
        "52.40.0.0/16,false,false,nsg-app/allow-8443-from-firewall (100),no NSG,443,"
        "fw: fw-hub/platform-dnat/web-to-app-from-partner (500) > subnet: nsg-app/allow-8443-from-firewall (100) > "
        "nic: no NSG");
  CHECK(r.out.find(",firewall-dnat,tcp,2222,any,true,false,,,2222,fw: fw-hub/inbound-dnat/ssh-to-jump (100)\n") !=
        std::string::npos);
}
