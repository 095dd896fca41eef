// The resource-kind table (model/resource_kinds.h): names, nouns, containers, vertices and copies derived from it.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "model/topology.h"
#include "model/validate.h"

namespace {

using namespace exposim;
using model::ResourceKind;

TEST_CASE("resource kinds: names are distinct and read back, the internet included", "[model]") {
  std::set<std::string> names;
  for (ResourceKind k : model::kResourceKinds) {
    CHECK(names.insert(model::to_string(k)).second);
    CHECK(model::resource_kind_from_string(model::to_string(k)) == k);
  }
  CHECK(names.size() == model::kResourceKindCount);
  CHECK(model::to_string(ResourceKind::kLoadBalancer) == std::string("load-balancer"));
  CHECK(model::noun(ResourceKind::kPublicIp) == std::string("public IP address"));
  CHECK(model::resource_kind_from_string("internet") == ResourceKind::kInternet);
  CHECK(!model::resource_kind_from_string("Load-Balancer"));
  static_assert(model::kind_of<model::LoadBalancer>() == ResourceKind::kLoadBalancer);
  static_assert(model::kind_of<model::HubRouteTable>() == ResourceKind::kHubRouteTable);
}

TEST_CASE("resource kinds: for_each_kind visits every container in the table's order", "[model]") {
  model::Model m;
  std::size_t n = 0;
  model::for_each_kind([&](const auto& row) {
    CHECK(row.kind == model::kResourceKinds[n]);
    CHECK(row.kind == model::kind_of<typename std::decay_t<decltype(row)>::Type>());
    CHECK(std::string(row.name) == model::to_string(row.kind));
    auto& items = m.*row.items;
    items.emplace_back();
    items.back().id = std::string("/x/") + row.name;
    items.back().key = items.back().id;
    items.back().name = row.name;
    ++n;
  });
  CHECK(n == model::kResourceKindCount);

  // One vertex per resource after the internet, in the table's order; a copy finds the same resources in itself.
  model::Diagnostics diags;
  model::validate(m, diags, {.allow_missing = true});
  const model::Model copy = m;
  CHECK(boost::num_vertices(copy.topology().graph) == model::kResourceKindCount + 1);
  for (ResourceKind k : model::kResourceKinds) {
    const std::string key = std::string("/x/") + model::to_string(k);
    auto v = copy.find(key);
    REQUIRE(v);
    CHECK(v->kind == k);
    CHECK(v->index == 0);
    CHECK(copy.resource(*v)->key == key);
    CHECK(copy.resource(*v) != m.resource(*v));  // the copy's own resource
  }
}

}  // namespace
