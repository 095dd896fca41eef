// Version 2's one hop shape (cli/hop_json.h): for the same flow, the hops explain --json-version 2 writes and that
// pass are the very objects analyze --json-version 2 writes in the exposure's `path` (less explain's decision and
// trace fields, and analyze's `note`), on hand-picked flows of the examples and of the path engine's less common
// estates (tests/path_estates.h), the number of hops each flow shares worked out by hand from the path
// (solver/path.h), and on every exposure of every example.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "cli_support.h"
#include "model/ip.h"
#include "tests/path_estates.h"

namespace exposim::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

/// `exposim ARGS...`'s standard output as JSON; the command must succeed.
ordered_json hop_v2_run(const std::vector<std::string>& args) {
  const auto r = run_exposim(args);
  INFO(r.err);
  REQUIRE(r.code == cli::kExitOk);
  return ordered_json::parse(r.out);
}

/// Whether `sources` (a CIDR list) holds `address`.
bool hop_v2_sources_hold(const ordered_json& sources, const std::string& address) {
  const auto a = model::IpAddress::parse(address);
  REQUIRE(a.has_value());
  for (const auto& s : sources) {
    const auto p = model::IpPrefix::parse(s.get<std::string>());
    if (p && p->contains(*a)) return true;
  }
  return false;
}

bool hop_v2_ports_hold(const ordered_json& ranges, int port) {
  for (const auto& r : ranges) {
    if (r[0].get<int>() <= port && port <= r[1].get<int>()) return true;
  }
  return false;
}

/// The exposure (or broken flow) of analyze's version 2 document that the explained flow is a packet of: the same
/// target, protocol and entry address, the entry port and the client among its sources.
std::optional<ordered_json> hop_v2_exposure_of(const ordered_json& analyze, const ordered_json& explain) {
  const auto& flow = explain["flow"];
  for (const char* list : {"exposures", "broken"}) {
    if (!analyze.contains(list)) continue;
    for (const auto& e : analyze[list]) {
      if (e["target"] != explain["target"] || e["protocol"] != flow["protocol"]) continue;
      // a PaaS public endpoint is entered at its host name (entry.ip is null)
      const auto& entry = e["entry"];
      if ((entry.contains("host") ? entry["host"] : entry["ip"]) != flow["destination"]) continue;
      const auto& entry_ports = e["entry"].contains("ports") ? e["entry"]["ports"] : e["ports"];
      // a Bastion session: the client connects on the Bastion's port (flow.via), the session to the target's port
      const bool session = flow.contains("via");
      const int entry_port = (session ? flow["via"]["port"] : flow["destination_port"]).get<int>();
      if (!hop_v2_ports_hold(entry_ports, entry_port)) continue;
      if (session && !hop_v2_ports_hold(e["ports"], flow["destination_port"].get<int>())) continue;
      const auto& sets = analyze["source_sets"];
      if (!hop_v2_sources_hold(sets[e["sources"].get<std::size_t>()]["sources"], flow["source"].get<std::string>()))
        continue;
      return e;
    }
  }
  return std::nullopt;
}

/// The hop without explain's decision and trace fields and analyze's `note`.
ordered_json hop_v2_shared_part(ordered_json h) {
  for (const char* k : {"passes", "reached", "reason", "address", "internet", "via", "backends", "note"}) h.erase(k);
  return h;
}

/// Compares each hop of the exposure's path (but `target`, which explain has at the top) with the passing hop of
/// explain of the same kind and scope; returns how many matched. Every path hop must have its explain hop.
std::size_t hop_v2_compare_docs(const ordered_json& analyze, const ordered_json& explain) {
  REQUIRE(analyze["version"] == 2);
  REQUIRE(explain["version"] == 2);
  const auto exposure = hop_v2_exposure_of(analyze, explain);
  INFO(explain.dump(2));
  REQUIRE(exposure.has_value());
  INFO(exposure->dump(2));
  // the hops that pass, and of a broken flow the one that breaks it (analyze's broken path shows it)
  std::vector<ordered_json> passing;
  const auto& verdict = explain["verdict"];
  for (std::size_t i = 0; i < explain["hops"].size(); ++i) {
    const auto& h = explain["hops"][i];
    CHECK(h.contains("passes"));
    CHECK(h.contains("reached"));
    CHECK(h.contains("reason"));
    if (h["passes"] == true || (verdict["broken"] == true && verdict["stopped_at"] == i)) passing.push_back(h);
  }
  std::vector<bool> used(passing.size(), false);
  std::size_t matched = 0;
  for (const auto& h : (*exposure)["path"]) {
    if (h["hop"] == "target") continue;
    CHECK_FALSE(h.contains("passes"));
    CHECK_FALSE(h.contains("reason"));
    const auto scope = h.value("scope", std::string());
    bool found = false;
    for (std::size_t i = 0; i < passing.size() && !found; ++i) {
      if (used[i] || passing[i]["hop"] != h["hop"] || passing[i].value("scope", std::string()) != scope) continue;
      used[i] = found = true;
      CHECK(hop_v2_shared_part(passing[i]).dump() == hop_v2_shared_part(h).dump());
    }
    INFO("path hop " << h.dump());
    CHECK(found);
    matched += found ? 1 : 0;
  }
  return matched;
}

/// hop_v2_compare_docs() on `analyze FILES --json-version 2` and `explain FILES QUERY --json-version 2`.
std::size_t hop_v2_compare(const std::vector<std::string>& inputs, const std::vector<std::string>& query) {
  std::vector<std::string> analyze_args = {"analyze"};
  analyze_args.insert(analyze_args.end(), inputs.begin(), inputs.end());
  analyze_args.insert(analyze_args.end(), {"--format", "json", "--json-version", "2"});
  std::vector<std::string> explain_args = {"explain"};
  explain_args.insert(explain_args.end(), inputs.begin(), inputs.end());
  explain_args.insert(explain_args.end(), query.begin(), query.end());
  explain_args.insert(explain_args.end(), {"--format", "json", "--json-version", "2"});
  return hop_v2_compare_docs(hop_v2_run(analyze_args), hop_v2_run(explain_args));
}

std::vector<std::string> hop_v2_example(const std::string& name) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(fs::path(EXPOSIM_SOURCE_DIR) / "examples" / name)) {
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> hop_v2_estate_file(const std::string& name, const path_estates::json& resources) {
  const fs::path p = scratch_dir("hop-v2") / (name + ".json");
  write_file(p, resources.dump());
  return {p.string()};
}

}  // namespace

TEST_CASE("json version 2: explain's passing hops are analyze's path hops - the examples", "[cli][json][hop]") {
  const std::vector<std::string> from_web = {"--from", "81.2.69.200"};
  // source, entry, no-nsg (subnet), nsg (nic): the NIC's NSG allows 22.
  CHECK(hop_v2_compare(hop_v2_example("open-management"),
                       {"--from", "52.10.20.30", "--to", "jumpbox", "--port", "22"}) == 4);
  // source, entry, load-balancer (rule https), the two NSG scopes.
  CHECK(hop_v2_compare(hop_v2_example("web-behind-lb"),
                       {"--from", "81.2.69.200", "--to", "20.71.8.10", "--port", "443"}) == 5);
  // the inbound NAT rule ssh-web-1 from the office range.
  CHECK(hop_v2_compare(hop_v2_example("web-behind-lb"),
                       {"--from", "52.233.10.7", "--to", "20.71.8.10", "--port", "50001"}) == 5);
  // source, entry, firewall (dnat), route (return: the DNAT rule decides the reply's route), the two NSG scopes; the
  // firewall's route (forward) to the target is explain's own.
  CHECK(hop_v2_compare(hop_v2_example("hub-and-spoke"),
                       {"--from", "81.2.69.200", "--to", "20.50.60.70", "--port", "2222"}) == 6);
  // a Bastion session: source, entry, nsg (bastion-subnet), bastion (session), the two NSG scopes; the routes
  // (forward, return) are explain's own.
  CHECK(hop_v2_compare(hop_v2_example("hub-and-spoke"),
                       {"--from", "81.2.69.200", "--to", "vm-db", "--via", "bastion", "--port", "22"}) == 6);
  // source, entry, nsg (gateway-subnet), application-gateway (routing), the two NSG scopes: the backend's path names
  // the routing hop only; explain's listener hop and routes are its own.
  CHECK(hop_v2_compare(hop_v2_example("app-gateway-waf"),
                       {"--from", "81.2.69.200", "--to", "20.50.0.20", "--port", "443"}) == 6);
  // source and the deciding paas hop (ip-rules): explain's endpoint and public-network-access hops are its own.
  CHECK(hop_v2_compare(hop_v2_example("paas-private-link"),
                       {"--from", "52.10.1.1", "--to", "stlogs", "--port", "443"}) == 2);
}

TEST_CASE("json version 2: explain's passing hops are analyze's path hops - the path engine's estates",
          "[cli][json][hop]") {
  namespace pe = path_estates;
  // source, entry, nsg (gateway-subnet), application-gateway (routing), load-balancer (the internal rule r-8080),
  // the two NSG scopes.
  CHECK(hop_v2_compare(hop_v2_estate_file("gateway-internal-lb", pe::gateway_to_internal_lb().resources),
                       {"--from", "81.2.69.200", "--to", "20.0.0.20", "--port", "443"}) == 7);
  // source, entry, firewall (dnat), load-balancer (r-rdp), route (return), the two NSG scopes.
  CHECK(hop_v2_compare(hop_v2_estate_file("dnat-internal-lb", pe::dnat_to_internal_lb().resources),
                       {"--from", "81.2.69.200", "--to", "20.1.1.1", "--port", "50000"}) == 7);
  // source, entry, firewall (dnat), nsg (gateway-subnet), application-gateway (routing), the two NSG scopes.
  CHECK(hop_v2_compare(hop_v2_estate_file("dnat-gateway", pe::dnat_to_gateway().resources),
                       {"--from", "81.2.69.200", "--to", "20.1.1.1", "--port", "443"}) == 7);
}

TEST_CASE("json version 2: explain's passing hops are analyze's path hops - every exposure of every example",
          "[cli][json][hop]") {
  // Each exposure and broken flow asked of explain with its first source's address, its entry (a Bastion session:
  // the target through its Bastion) and its first entry port; a flow explain allows (through the member it
  // traces) is compared hop for hop with analyze's exposure of that member.
  std::size_t flows = 0;
  std::size_t compared = 0;
  std::size_t hops = 0;
  for (const auto& dir : fs::directory_iterator(fs::path(EXPOSIM_SOURCE_DIR) / "examples")) {
    if (!dir.is_directory()) continue;
    const auto files = hop_v2_example(dir.path().filename().string());
    std::vector<std::string> analyze_args = {"analyze"};
    analyze_args.insert(analyze_args.end(), files.begin(), files.end());
    analyze_args.insert(analyze_args.end(), {"--format", "json", "--json-version", "2"});
    const auto analyze = hop_v2_run(analyze_args);
    for (const char* list : {"exposures", "broken"}) {
      if (!analyze.contains(list)) continue;
      for (const auto& e : analyze[list]) {
        const auto& sources = analyze["source_sets"][e["sources"].get<std::size_t>()]["sources"];
        if (sources.empty() || !e.contains("ports")) continue;
        const std::string cidr = sources[0];
        std::vector<std::string> args = {"explain"};
        args.insert(args.end(), files.begin(), files.end());
        args.insert(args.end(), {"--from", cidr.substr(0, cidr.find('/')), "--protocol", e["protocol"]});
        const auto& entry = e["entry"];
        if (entry["via"] == "bastion") {
          args.insert(args.end(),
                      {"--to", e["target"]["id"], "--via", "bastion:" + entry["bastion"]["name"].get<std::string>(),
                       "--port", std::to_string(e["ports"][0][0].get<int>())});
        } else {
          const auto& to = entry.contains("host") ? entry["host"] : entry["ip"];
          if (to.is_null()) continue;
          const auto& ports = entry.contains("ports") ? entry["ports"] : e["ports"];
          args.insert(args.end(), {"--to", to, "--port", std::to_string(ports[0][0].get<int>())});
        }
        args.insert(args.end(), {"--format", "json", "--json-version", "2"});
        INFO(dir.path().filename().string() << ": " << e["target"]["name"] << " via " << entry["via"]);
        const auto r = run_exposim(args);
        INFO(r.err);
        REQUIRE(r.code == cli::kExitOk);
        ++flows;
        const auto explain = ordered_json::parse(r.out);
        if (explain["verdict"]["allowed"] != true && explain["verdict"]["broken"] != true) continue;
        hops += hop_v2_compare_docs(analyze, explain);
        ++compared;
      }
    }
  }
  CHECK(flows >= 40);
  CHECK(compared >= 30);
  CHECK(hops >= 4 * compared);  // at least the source, the entry and two NSG scopes (or what stands for them)
}

TEST_CASE(
    "json version 2: explain's hop object - kinds by one name - decision fields - and version 1 stays the default",
    "[cli][json][hop]") {
  const auto files = hop_v2_example("web-behind-lb");
  std::vector<std::string> args = {"explain"};
  args.insert(args.end(), files.begin(), files.end());
  args.insert(args.end(), {"--from", "81.2.69.200", "--to", "20.71.8.10", "--port", "443", "--format", "json"});
  const auto v1 = hop_v2_run(args);
  CHECK(v1["version"] == 1);
  args.insert(args.end(), {"--json-version", "2"});
  const auto v2 = hop_v2_run(args);
  CHECK(v2["version"] == 2);
  REQUIRE(v2["hops"].size() == v1["hops"].size());
  // everything but the hops is version 1's
  auto v1_rest = v1;
  auto v2_rest = v2;
  v1_rest.erase("hops");
  v2_rest.erase("hops");
  v2_rest["version"] = 1;
  CHECK(v2_rest.dump() == v1_rest.dump());
  const auto& lb = v2["hops"][2];
  CHECK(lb["hop"] == "load-balancer");
  CHECK(lb["scope"] == "load-balancing");
  // the rule https: frontend 443, backend 8443 (examples/web-behind-lb/README.md)
  CHECK(lb["rule"].dump() == R"({"name":"https","kind":"load-balancing","frontend_port":443,"backend_port":8443})");
  CHECK(lb["backends"].size() == 2);
  std::vector<std::string> keys;
  for (const auto& [k, v] : lb.items()) keys.push_back(k);
  CHECK(keys ==
        std::vector<std::string>{"hop", "passes", "reached", "scope", "id", "name", "rule", "backends", "reason"});
  const auto& entry = v2["hops"][1];
  CHECK(entry["hop"] == "entry");
  CHECK(entry["type"] == "public-ip");
  CHECK(entry["ip"] == "20.71.8.10");
  CHECK(entry["via"] == "load-balancer");
  CHECK(v2["hops"][0]["hop"] == "source");
  CHECK(v2["hops"][0]["address"] == "81.2.69.200");
  // --json-version applies to JSON only
  std::vector<std::string> table = {"explain"};
  table.insert(table.end(), files.begin(), files.end());
  table.insert(table.end(), {"--from", "81.2.69.200", "--to", "20.71.8.10", "--port", "443", "--json-version", "2"});
  const auto r = run_exposim(table);
  CHECK(r.code == cli::kExitUsage);
  CHECK(r.err == "exposim: --json-version applies to --format json, not table\n");
}

}  // namespace exposim::testing
