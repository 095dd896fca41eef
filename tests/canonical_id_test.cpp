// Tests of model::CanonicalId (one shared string per id) and of the importer interning ids: a resource's key and the
// references to it share one block.
#include <catch2/catch.hpp>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "importers/azure/resource_importer.h"
#include "model/canonical_id.h"
#include "model/model.h"
#include "model/validate.h"
#include "resource_json.h"

namespace {

namespace az = exposim::importers::azure;
namespace model = exposim::model;
using exposim::testing::resource_json::list;
using exposim::testing::resource_json::resource;
using model::CanonicalId;
using model::CanonicalIdPool;

TEST_CASE("a canonical id reads like the string it holds", "[model]") {
  const CanonicalId id(std::string("/subscriptions/s/vnet/a"));
  CHECK(id == "/subscriptions/s/vnet/a");
  CHECK(id == std::string("/subscriptions/s/vnet/a"));
  CHECK(id == std::string_view("/subscriptions/s/vnet/a"));
  CHECK(id != "/subscriptions/s/vnet/b");
  CHECK(id < "/subscriptions/s/vnet/b");
  CHECK(id.size() == 23);
  CHECK(id.rfind('/') == 21);
  CHECK(id.substr(22) == "a");
  CHECK(id.ends_with("/vnet/a"));
  CHECK(id + "/subnets/x" == "/subscriptions/s/vnet/a/subnets/x");
  const std::string& text = id;
  CHECK(text == "/subscriptions/s/vnet/a");
  const std::string_view view = id;
  CHECK(view.size() == 23);
  CHECK(!id.empty());
}

TEST_CASE("the empty canonical id holds no block", "[model]") {
  const CanonicalId none;
  CHECK(none.empty());
  CHECK(none == "");
  CHECK(none.str().empty());
  CHECK(CanonicalId(std::string()).empty());
  CHECK(CanonicalId("").shares(none));  // both hold no block
}

TEST_CASE("copies of a canonical id share its block and a string assigned gets one of its own", "[model]") {
  CanonicalId a("/x/a");
  CanonicalId b = a;
  CHECK(b.shares(a));
  CHECK(b.data() == a.data());
  CanonicalId c("/x/a");
  CHECK(c == a);  // equal texts
  CHECK(!c.shares(a));
  c = std::string("/x/c");
  CHECK(c == "/x/c");
  CHECK(a == "/x/a");
  CanonicalId moved = std::move(b);
  CHECK(moved.shares(a));
  a = CanonicalId();  // the block lives while `moved` holds it
  CHECK(moved == "/x/a");
}

TEST_CASE("canonical ids order and key a std::map by their text", "[model]") {
  std::map<CanonicalId, int> m;
  m[CanonicalId("/b")] = 2;
  m[CanonicalId("/a")] = 1;
  m[CanonicalId("/b")] = 3;  // another block, same text: the same key
  REQUIRE(m.size() == 2);
  CHECK(m.begin()->first == "/a");
  CHECK(m.rbegin()->second == 3);
}

TEST_CASE("copies of a canonical id made and dropped on several threads keep its block", "[model]") {
  const CanonicalId id("/shared");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        const CanonicalId copy = id;
        if (!copy.shares(id)) throw std::logic_error("copy lost the block");
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(id == "/shared");
}

TEST_CASE("a pool gives one block per text", "[model]") {
  CanonicalIdPool pool;
  const CanonicalId a = pool.intern("/x/a");
  const CanonicalId b = pool.intern(std::string("/x/") + "a");
  const CanonicalId c = pool.intern("/x/c");
  CHECK(a.shares(b));
  CHECK(!a.shares(c));
  CHECK(pool.size() == 2);
  CHECK(pool.intern("").empty());
  CHECK(pool.size() == 2);
}

TEST_CASE("the Azure importer interns a resource's key and the references to it", "[azure]") {
  const std::string net = "Microsoft.Network";
  const std::string vnet = resource(net + "/virtualNetworks", "vnet1",
                                    R"({"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}, "subnets": [
      {"name": "app", "properties": {"addressPrefix": "10.0.1.0/24"}}]})");
  const std::string subnet_id =
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/"
      "vnet1/subnets/app";
  const std::string nsg_id =
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/NSG1";
  const std::string nsg = resource(net + "/networkSecurityGroups", "NSG1", R"({"securityRules": []})");
  auto nic = [&](const std::string& name) {
    return resource(net + "/networkInterfaces", name,
                    R"({"networkSecurityGroup": {"id": ")" + nsg_id + R"("}, "ipConfigurations": [{"name": "c",
        "properties": {"privateIPAddress": "10.0.1.4", "subnet": {"id": ")" +
                        subnet_id + R"("}}}]})");
  };
  model::Model m;
  model::Diagnostics d;
  az::import_text(list({vnet, nsg, nic("nic1"), nic("nic2")}), "t.json", m, d, {});
  model::validate(m, d, {});
  REQUIRE(!d.has_errors());
  REQUIRE(m.nics.size() == 2);
  REQUIRE(m.subnets.size() == 1);
  REQUIRE(m.nsgs.size() == 1);
  const auto& n1 = m.nics[0];
  const auto& n2 = m.nics[1];
  // Canonical: lowercase, whatever the casing of the reference ("NSG1").
  CHECK(n1.nsg.id == "/subscriptions/s/resourcegroups/rg/providers/microsoft.network/networksecuritygroups/nsg1");
  CHECK(n1.nsg.id.shares(n2.nsg.id));
  CHECK(n1.nsg.id.shares(m.nsgs[0].key));
  CHECK(n1.ip_configurations[0].subnet.id.shares(n2.ip_configurations[0].subnet.id));
  CHECK(n1.ip_configurations[0].subnet.id.shares(m.subnets[0].key));
  CHECK(n1.nsg.index == 0);
  CHECK(n2.ip_configurations[0].subnet.index == 0);
}

}  // namespace
