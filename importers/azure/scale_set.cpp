// Virtual machine scale sets: capacity, orchestration mode, network interface and ip configurations.
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
namespace {

/// `sku.name` of an object next to its `properties` (a public IP configuration's): Basic or Standard.
model::Sku read_basic_or_standard(ReaderContext& ctx, JsonObject o, model::Sku fallback) {
  auto sku = ctx.get_object(o, keys::kSku);
  if (!sku) return fallback;
  PointerScope s(ctx.ptr, sku.key);
  auto name = ctx.get_string(*sku, keys::kName);
  if (!name) return fallback;
  if (ascii::equals_lower(trim(*name), "basic")) return model::Sku::kBasic;
  if (ascii::equals_lower(trim(*name), "standard")) return model::Sku::kStandard;
  ctx.error_at(name.key, "invalid-value", fmt::format("SKU '{}' is not Basic or Standard", *name));
  return fallback;
}

std::optional<model::ScaleSetIpConfig> read_scale_set_ip_config(ReaderContext& ctx, JsonObject o, ChildIds ids) {
  model::ScaleSetIpConfig c;
  std::optional<PointerScope> scope;
  const auto child = ctx.begin_child(o, std::move(ids), c, scope);
  if (!child.props) return std::nullopt;
  const JsonObject props = *child.props;
  if (auto f = ctx.get_string(props, keys::kPrivateIpAddressVersion)) {
    if (auto v = parse_ip_version(trim(*f))) {
      c.family = *v;
    } else {
      ctx.error_at(f.key, "invalid-value", fmt::format("IP version '{}' is not IPv4 or IPv6", *f));
    }
  }
  c.subnet = ctx.get_ref(props, keys::kSubnet);
  c.asgs = ctx.get_ref_list(props, keys::kApplicationSecurityGroups);
  c.lb_backend_pools = ctx.get_ref_list(props, keys::kLoadBalancerBackendAddressPools);
  c.lb_inbound_nat_pools = ctx.get_ref_list(props, keys::kLoadBalancerInboundNatPools);
  c.appgw_backend_pools = ctx.get_ref_list(props, keys::kApplicationGatewayBackendAddressPools);
  if (auto b = ctx.get_bool(props, keys::kPrimary)) c.primary = *b;
  if (auto pub = ctx.get_object(props, keys::kPublicIpAddressConfiguration)) {
    PointerScope s(ctx.ptr, pub.key);
    model::ScaleSetPublicIpConfig p;
    p.where = ctx.here();
    if (auto name = ctx.get_string(*pub, keys::kName); name && !trim(*name).empty()) {
      p.name = std::string(trim(*name));
    } else if (!name.present || name) {
      ctx.error("missing-field",
                fmt::format("public IP address configuration of ip configuration '{}' has no 'name'", c.name));
      return std::nullopt;
    } else {
      return std::nullopt;
    }
    p.sku = read_basic_or_standard(ctx, *pub, model::Sku::kBasic);
    c.public_ip = std::move(p);
  }
  if (!c.appgw_backend_pools.empty()) {
    PointerScope s(ctx.ptr, "applicationGatewayBackendAddressPools");
    ctx.warning(
        "unmodelled-feature",
        fmt::format("ip configuration '{}' is in {} application gateway backend {}: scale set instances are not "
                    "reached through application gateways",
                    c.name, c.appgw_backend_pools.size(), c.appgw_backend_pools.size() == 1 ? "pool" : "pools"));
  }
  return c;
}

std::optional<model::ScaleSetNicConfig> read_scale_set_nic_config(ReaderContext& ctx, JsonObject o, ChildIds ids,
                                                                  std::string_view scale_set_id) {
  model::ScaleSetNicConfig n;
  std::optional<PointerScope> scope;
  const auto child = ctx.begin_child(o, std::move(ids), n, scope);
  if (!child.props) return std::nullopt;
  const JsonObject props = *child.props;
  if (auto b = ctx.get_bool(props, keys::kPrimary)) n.primary = *b;
  if (auto b = ctx.get_bool(props, keys::kEnableIpForwarding)) n.enable_ip_forwarding = *b;
  n.nsg = ctx.get_ref(props, keys::kNetworkSecurityGroup);
  const std::string nic_id = fmt::format("{}{}{}", scale_set_id, segments::kNicConfigurationsAsWritten, n.name);
  std::unordered_set<std::string> names;
  ctx.for_each_child(props, keys::kIpConfigurations, nic_id, segments::kIpConfigurationsAsWritten, "ip configuration",
                     [&](JsonObject c, ChildIds cids) {
                       if (!names.insert(ascii::lower(cids.name)).second) {
                         ctx.error("invalid-value", fmt::format("ip configuration name '{}' is used twice", cids.name));
                         return;
                       }
                       if (auto cfg = read_scale_set_ip_config(ctx, c, std::move(cids))) {
                         n.ip_configurations.push_back(std::move(*cfg));
                       }
                     });
  return n;
}

}  // namespace

bool read_scale_set(ReaderContext& ctx, Resource& resource) {
  model::ResourceBase& base = resource.base;
  const JsonObject res = resource.object;
  const JsonObject props = resource.props;
  const std::size_t res_mark = resource.mark;
  model::ScaleSet s;
  static_cast<model::ResourceBase&>(s) = std::move(base);
  {
    // `sku.capacity` sits next to `properties`.
    const std::string saved = ctx.ptr;
    ctx.ptr.resize(res_mark);
    bool known = false;
    if (auto sku = ctx.get_object(res, keys::kSku)) {
      PointerScope sk(ctx.ptr, sku.key);
      if (find_field(*sku, keys::kCapacity)) {
        known = true;
        // Any count above the cap is capped by the expansion, with a warning.
        auto f = ctx.get_int(*sku, keys::kCapacity, 0, std::numeric_limits<std::int64_t>::max(), "capacity");
        if (f) {
          s.capacity = static_cast<int>(std::min<std::int64_t>(*f, std::int64_t{1} << 30));
        } else if (f.unknown) {
          s.capacity = 1;
          s.capacity_unknown = true;
          PointerScope at(ctx.ptr, f.key);
          ctx.warning("scale-set-capacity-unknown",
                      fmt::format("the capacity of scale set '{}' is only known at deployment; as many instances are "
                                  "analysed as its inbound NAT pools have frontend ports (at least 1)",
                                  s.name));
        }
      }
    }
    if (!known) {
      s.capacity = 1;
      ctx.warning("scale-set-capacity-unknown",
                  fmt::format("scale set '{}' has no 'sku.capacity'; assuming 1 instance", s.name));
    }
    ctx.ptr = saved;
  }
  if (auto mode = ctx.get_string(props, keys::kOrchestrationMode)) {
    if (ascii::equals_lower(trim(*mode), "flexible")) s.flexible = true;
  }
  auto profile = ctx.get_object(props, keys::kVirtualMachineProfile);
  if (!profile) read_machine_posture(ctx, resource, s.where, nullptr, s.posture);
  if (profile) {
    PointerScope p(ctx.ptr, profile.key);
    read_machine_posture(ctx, resource, s.where, &*profile, s.posture);
    read_scale_set_extensions(ctx, *profile, s.posture);
    if (auto net = ctx.get_object(*profile, keys::kNetworkProfile)) {
      PointerScope q(ctx.ptr, net.key);
      std::unordered_set<std::string> names;
      ctx.for_each_child(*net, keys::kNetworkInterfaceConfigurations, s.id, segments::kNicConfigurationsAsWritten,
                         "network interface configuration", [&](JsonObject c, ChildIds ids) {
                           if (!names.insert(ascii::lower(ids.name)).second) {
                             ctx.error(
                                 "invalid-value",
                                 fmt::format("network interface configuration name '{}' is used twice", ids.name));
                             return;
                           }
                           if (auto n = read_scale_set_nic_config(ctx, c, std::move(ids), s.id)) {
                             s.nic_configurations.push_back(std::move(*n));
                           }
                         });
    }
  }
  ctx.model.scale_sets.push_back(std::move(s));
  return true;
}

}  // namespace exposim::importers::azure
