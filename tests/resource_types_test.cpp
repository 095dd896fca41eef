// The Azure type table (importers/azure/resource_types.cpp) against the model's kind table: each row that names a
// model kind reads a resource of that type into that kind's container. The compiler checks that every kind has such a
// row (a static_assert beside the table); this checks that the row's kind is the one its reader fills.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "importers/azure/resource_importer.h"
#include "importers/azure/resource_types.h"
#include "model/ascii.h"
#include "model/model.h"
#include "resource_json.h"

namespace {

namespace az = exposim::importers::azure;
namespace model = exposim::model;

/// An ARM id for lowercase type `type` ("microsoft.network/virtualnetworks/subnets"): each type segment after the
/// namespace followed by a name ("…/virtualnetworks/r1/subnets/r2").
std::string resource_types_id(std::string_view type) {
  std::string id = "/subscriptions/s/resourceGroups/rg/providers";
  std::size_t n = 0;
  std::size_t start = 0;
  while (start <= type.size()) {
    const std::size_t slash = type.find('/', start);
    const std::string_view segment = type.substr(start, slash == std::string_view::npos ? slash : slash - start);
    id += "/" + std::string(segment);
    if (n++ > 0) id += fmt::format("/r{}", n - 1);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return id;
}

/// A resource of type `type` with the properties its reader requires and no other: none, but for a network group's
/// static member (the VNet it names) and a security admin rule (its access, direction, priority and protocol).
nlohmann::json resource_types_minimal(std::string_view type) {
  const std::string id = resource_types_id(type);
  nlohmann::json properties = nlohmann::json::object();
  if (type == "microsoft.network/networkmanagers/networkgroups/staticmembers") {
    properties["resourceId"] = resource_types_id("microsoft.network/virtualnetworks");
  } else if (type == "microsoft.network/networkmanagers/securityadminconfigurations/rulecollections/rules") {
    properties = {{"access", "Allow"}, {"direction", "Inbound"}, {"priority", 100}, {"protocol", "Tcp"}};
  }
  return {{"type", std::string(type)},
          {"id", id},
          {"name", id.substr(id.rfind('/') + 1)},
          {"location", "westeurope"},
          {"properties", properties}};
}

/// The resources of kind `kind` in `m` whose id is `id` (ignoring case).
int resource_types_count(const model::Model& m, model::ResourceKind kind, const std::string& id) {
  int found = 0;
  model::for_each_kind([&](const auto& row) {
    if (row.kind != kind) return;
    for (const auto& r : m.*row.items) found += model::ascii::iequals(r.id, id) ? 1 : 0;
  });
  return found;
}

}  // namespace

TEST_CASE("every Azure type row that names a kind reads a minimal resource of its type into that kind", "[azure]") {
  int checked = 0;
  for (const az::ResourceType& row : az::resource_types()) {
    if (!row.kind) continue;
    INFO(row.type);
    nlohmann::json resources = nlohmann::json::array();
    const nlohmann::json child = resource_types_minimal(row.type);
    // A child given on its own waits for its parent, which is given too.
    if (row.shape == az::Shape::kSeparateChild) resources.push_back(resource_types_minimal(row.parent));
    resources.push_back(child);
    model::Model m;
    model::Diagnostics d;
    az::import_text(resources.dump(), "t.json", m, d);
    INFO(exposim::testing::resource_json::show(exposim::testing::resource_json::printed(d)));
    CHECK(resource_types_count(m, *row.kind, child["id"].get<std::string>()) == 1);
    ++checked;
  }
  // Every kind of the 33 but admin-deployment once, paas-service six times (storage, Key Vault, SQL server, SQL
  // managed instance, Cosmos DB, App Service site).
  CHECK(model::kResourceKindCount == 33);
  CHECK(checked == 37);
}
