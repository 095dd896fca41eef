// Azure Bastion hosts.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "importers/azure/azure_keys.h"
#include "importers/azure/family_readers.h"
#include "importers/azure/reader_context.h"
#include "importers/unknown_value.h"
#include "model/unknown.h"

namespace exposim::importers::azure {
namespace {}  // namespace

bool read_bastion(ReaderContext& ctx, Resource& resource) {
  model::ResourceBase& base = resource.base;
  const JsonObject res = resource.object;
  const JsonObject props = resource.props;
  const std::size_t res_mark = resource.mark;
  model::BastionHost b;
  static_cast<model::ResourceBase&>(b) = std::move(base);
  using model::BastionSku;
  const ReaderContext::SkuFields sku = ctx.read_sku(res, res_mark);
  if (sku.name) {
    const std::string_view n = *sku.name;
    if (ascii::equals_lower(n, "developer"))
      b.sku = BastionSku::kDeveloper;
    else if (ascii::equals_lower(n, "basic"))
      b.sku = BastionSku::kBasic;
    else if (ascii::equals_lower(n, "standard"))
      b.sku = BastionSku::kStandard;
    else if (ascii::equals_lower(n, "premium"))
      b.sku = BastionSku::kPremium;
    else
      ctx.report(Severity::kError, "invalid-value", sku.name_ptr,
                 fmt::format("SKU '{}' is not Developer, Basic, Standard or Premium", n));
  } else if (sku.name_unknown) {
    b.sku = BastionSku::kStandard;  // unknown: every port, every peered VNet, a public entry (docs/model.md)
  }
  ctx.for_each_child(props, keys::kIpConfigurations, b.id, segments::kBastionIpConfigurationsAsWritten,
                     "ip configuration", [&](JsonObject o, ChildIds ids) {
                       model::BastionIpConfiguration c;
                       std::optional<PointerScope> scope;
                       const auto child = ctx.begin_child(o, std::move(ids), c, scope);
                       if (!child.props) return;
                       const JsonObject p = *child.props;
                       c.subnet = ctx.get_ref(p, keys::kSubnet);
                       c.public_ip = ctx.get_ref(p, keys::kPublicIpAddress);
                       b.ip_configurations.push_back(std::move(c));
                     });
  b.virtual_network = ctx.get_ref(props, keys::kVirtualNetwork);
  if (auto v = ctx.get_bool(props, keys::kEnableTunneling)) b.enable_tunneling = *v;
  if (auto v = ctx.get_bool(props, keys::kEnableIpConnect)) b.enable_ip_connect = *v;
  if (auto v = ctx.get_bool(props, keys::kEnableShareableLink)) b.enable_shareable_link = *v;
  if (auto v = ctx.get_bool(props, keys::kEnablePrivateOnlyBastion)) b.enable_private_only = *v;
  ctx.model.bastion_hosts.push_back(std::move(b));
  return true;
}

}  // namespace exposim::importers::azure
