// Just-in-time VM access policies (`Microsoft.Security/locations/jitNetworkAccessPolicies`): the virtual machines
// and ports Defender for Cloud opens on request.
#include <fmt/format.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "importers/azure/azure_keys.h"
#include "importers/azure/family_readers.h"
#include "importers/azure/reader_context.h"

namespace exposim::importers::azure {
namespace {

/// One element of a VM's `ports`, the pointer at it; nullopt when it is left out (reported, or a number only
/// known at deployment: such a port never counts as covered).
std::optional<model::JitPort> read_jit_port(ReaderContext& ctx, JsonObject o) {
  static constexpr std::string_view kProtocols[] = {"TCP", "UDP", "*"};
  model::JitPort p;
  p.where = ctx.here();
  const std::size_t errors = ctx.errors;
  auto number = ctx.get_int(o, keys::kNumber, 1, 65535, "port");
  if (!number.present) ctx.error("missing-field", "port has no 'number'");
  if (number) p.number = static_cast<int>(*number);
  if (auto protocol = ctx.get_string(o, keys::kProtocol)) {
    const std::string_view t = trim(*protocol);
    for (std::string_view known : kProtocols) {
      if (ascii::equals_lower(t, ascii::lower(known))) p.protocol = std::string(known);
    }
    if (p.protocol.empty()) {
      ctx.invalid_value_at(protocol.key, *protocol, fmt::format("protocol '{}' is not TCP, UDP or *", *protocol));
    }
  } else if (!protocol.present) {
    ctx.error("missing-field", "port has no 'protocol'");
  }
  ctx.for_each_text(o, keys::kAllowedSourceAddressPrefix, keys::kAllowedSourceAddressPrefixes,
                    [&](std::string_view text) { p.allowed_sources.emplace_back(trim(text)); });
  if (auto d = ctx.get_string(o, keys::kMaxRequestAccessDuration)) p.max_request_access_duration = trim(*d);
  if (ctx.errors != errors || !number || p.protocol.empty()) return std::nullopt;
  return p;
}

}  // namespace

bool read_jit_policy(ReaderContext& ctx, Resource& resource) {
  model::JitPolicy policy;
  static_cast<model::ResourceBase&>(policy) = std::move(resource.base);
  auto vms = ctx.get_array(resource.props, keys::kVirtualMachines);
  if (vms) {
    PointerScope list(ctx.ptr, vms.key);
    std::size_t i = 0;
    for (JsonValue e : *vms) {
      PointerScope item(ctx.ptr, i++);
      JsonObject o;
      if (!e.get(o)) {
        ctx.error("invalid-type", fmt::format("virtual machine is {}, expected an object", kind_name(e.type())));
        continue;
      }
      auto ref = ctx.ref_value(e, "virtual machine");
      if (!ref) continue;  // reported
      model::JitVirtualMachine vm;
      vm.vm = std::move(*ref);
      vm.where = ctx.here();
      ctx.for_each_object(o, keys::kPorts, "port", [&](JsonObject p, std::size_t) {
        if (auto port = read_jit_port(ctx, p)) vm.ports.push_back(std::move(*port));
      });
      policy.virtual_machines.push_back(std::move(vm));
    }
  }
  ctx.model.jit_policies.push_back(std::move(policy));
  return true;
}

}  // namespace exposim::importers::azure
