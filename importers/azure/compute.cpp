// Network interfaces and their ip configurations, public IP addresses, virtual machines.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "importers/azure/azure_keys.h"
#include "importers/azure/family_readers.h"
#include "importers/azure/posture_setting.h"
#include "importers/azure/reader_context.h"
#include "importers/unknown_value.h"
#include "model/unknown.h"

namespace exposim::importers::azure {
namespace {

/// What the compute family keeps across files until finish().
struct ComputeState {
  std::vector<PendingChild<model::IpConfiguration>> ip_configs;
};

std::optional<model::IpConfiguration> read_ip_config(ReaderContext& ctx, JsonObject o, ChildIds ids) {
  model::IpConfiguration c;
  std::optional<PointerScope> scope;
  const auto child = ctx.begin_child(o, std::move(ids), c, scope);
  if (!child.props) return std::nullopt;
  const JsonObject props = *child.props;
  c.family = ctx.read_address(props, keys::kPrivateIpAddressVersion, keys::kPrivateIpAddress, "private IP address",
                              c.private_ip);
  c.subnet = ctx.get_ref(props, keys::kSubnet);
  c.public_ip = ctx.get_ref(props, keys::kPublicIpAddress);
  c.asgs = ctx.get_ref_list(props, keys::kApplicationSecurityGroups);
  c.lb_backend_pools = ctx.get_ref_list(props, keys::kLoadBalancerBackendAddressPools);
  c.lb_inbound_nat_rules = ctx.get_ref_list(props, keys::kLoadBalancerInboundNatRules);
  c.lb_inbound_nat_pools = ctx.get_ref_list(props, keys::kLoadBalancerInboundNatPools);
  c.ag_backend_pools = ctx.get_ref_list(props, keys::kApplicationGatewayBackendAddressPools);
  if (auto b = ctx.get_bool(props, keys::kPrimary)) c.primary = *b;
  return c;
}

/// `ddosSettings.protectionMode` of a public IP's properties; absent (or `ddosSettings` absent): the virtual
/// network's protection applies, as Azure's default.
model::Setting<std::string> read_ddos_protection_mode(ReaderContext& ctx, JsonObject props,
                                                      const model::SourceLocation& resource) {
  static constexpr std::string_view kModes[] = {"Enabled", "Disabled", "VirtualNetworkInherited"};
  auto settings = ctx.get_object(props, keys::kDdosSettings);
  if (!settings) {
    model::Setting<std::string> s;
    if (settings.present) {  // not an object (reported), or only known at deployment
      s.where = field_location(ctx, settings.key);
      s.unknown = settings.unknown;
    } else {
      s.value = "VirtualNetworkInherited";
      s.where = resource;
    }
    return s;
  }
  PointerScope at(ctx.ptr, settings.key);
  return read_enum_setting(ctx, *settings, keys::kProtectionMode, kModes, "DDoS protection mode", resource,
                           "VirtualNetworkInherited");
}

}  // namespace

bool read_nic(ReaderContext& ctx, Resource& resource) {
  model::ResourceBase& base = resource.base;
  const JsonObject props = resource.props;
  model::NetworkInterface n;
  static_cast<model::ResourceBase&>(n) = std::move(base);
  ctx.for_each_child(props, keys::kIpConfigurations, n.id, segments::kIpConfigurationsAsWritten, "ip configuration",
                     [&](JsonObject o, ChildIds ids) {
                       if (auto c = read_ip_config(ctx, o, std::move(ids))) {
                         model::drop_derivable_id(n, *c);  // at once: freed later, it would leave 100k holes
                         n.ip_configurations.push_back(std::move(*c));
                       }
                     });
  n.nsg = ctx.get_ref(props, keys::kNetworkSecurityGroup);
  n.virtual_machine = ctx.get_ref(props, keys::kVirtualMachine);
  if (auto b = ctx.get_bool(props, keys::kEnableIpForwarding)) {
    n.enable_ip_forwarding = *b;
    n.enable_ip_forwarding_where = field_location(ctx, b.key);
  } else {
    n.enable_ip_forwarding_where = b.present ? field_location(ctx, b.key) : n.where;
  }
  ctx.model.nics.push_back(std::move(n));
  return true;
}

bool read_public_ip(ReaderContext& ctx, Resource& resource) {
  model::ResourceBase& base = resource.base;
  const JsonObject res = resource.object;
  const JsonObject props = resource.props;
  const std::size_t res_mark = resource.mark;
  model::PublicIp p;
  static_cast<model::ResourceBase&>(p) = std::move(base);
  {
    // `sku` sits next to `properties`, not inside.
    const std::string saved = ctx.ptr;
    ctx.ptr.resize(res_mark);
    if (auto sku = ctx.get_object(res, keys::kSku)) {
      PointerScope s(ctx.ptr, sku.key);
      if (auto name = ctx.get_string(*sku, keys::kName)) {
        // An unknown SKU is Basic: open without an NSG, the SKU that exposes more (docs/model.md).
        if (ascii::equals_lower(trim(*name), "basic")) {
          p.sku = model::Sku::kBasic;
        } else if (ascii::equals_lower(trim(*name), "standard")) {
          p.sku = model::Sku::kStandard;
        } else if (is_unknown_value(*name)) {
          PointerScope at(ctx.ptr, name.key);
          ctx.note_unknown(*name);
        } else {
          ctx.invalid_value_at(name.key, *name, fmt::format("SKU '{}' is not Basic or Standard", *name));
        }
      }
    }
    ctx.ptr = saved;
  }
  p.family = ctx.read_address(props, keys::kPublicIpAddressVersion, keys::kIpAddress, "IP address", p.address);
  if (auto f = ctx.get_string(props, keys::kPublicIpAllocationMethod)) {
    if (ascii::equals_lower(trim(*f), "static")) {
      p.static_allocation = true;
    } else if (!ascii::equals_lower(trim(*f), "dynamic")) {
      ctx.invalid_value_at(f.key, *f, fmt::format("allocation method '{}' is not Static or Dynamic", *f));
    }
  }
  p.attached_ip_configuration = ctx.get_ref(props, keys::kIpConfiguration);
  p.prefix = ctx.get_ref(props, keys::kPublicIpPrefix);
  p.ddos_protection_mode = read_ddos_protection_mode(ctx, props, p.where);
  ctx.model.public_ips.push_back(std::move(p));
  return true;
}

bool read_vm(ReaderContext& ctx, Resource& resource) {
  model::ResourceBase& base = resource.base;
  const JsonObject props = resource.props;
  model::VirtualMachine vm;
  static_cast<model::ResourceBase&>(vm) = std::move(base);
  if (auto profile = ctx.get_object(props, keys::kNetworkProfile)) {
    PointerScope s(ctx.ptr, profile.key);
    vm.network_interfaces = ctx.get_ref_list(*profile, keys::kNetworkInterfaces);
  }
  vm.scale_set = ctx.get_ref(props, keys::kVirtualMachineScaleSet);
  read_machine_posture(ctx, resource, vm.where, &props, vm.posture);
  ctx.model.vms.push_back(std::move(vm));
  return true;
}

bool read_separate_ip_configuration(ReaderContext& ctx, Resource& resource) {
  std::string parent_id = std::move(resource.parent_id);
  auto c = read_ip_config(ctx, resource.object, ChildIds{resource.base.id, resource.base.name});
  if (!c) return false;
  std::string key = c->key;
  ctx.state<ComputeState>().ip_configs.push_back(
      {model::canonical_id(parent_id), std::move(parent_id), std::move(key), std::move(*c)});
  return true;
}

void attach_ip_configurations(ReaderContext& ctx) {
  ctx.attach(
      ctx.state<ComputeState>().ip_configs, ctx.model.nics, [](auto& n) -> auto& { return n.ip_configurations; },
      [](const model::IpConfiguration& c) { return c.key; }, "ip configuration", "network interface");
}

}  // namespace exposim::importers::azure
