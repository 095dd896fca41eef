// NAT gateways (`Microsoft.Network/natGateways`) and public IP prefixes (`Microsoft.Network/publicIPPrefixes`): the
// estate's outbound addressing, read for the graph and the references; neither admits anything inbound.
#include <fmt/format.h>

#include <string>
#include <string_view>
#include <utility>

#include "importers/azure/azure_keys.h"
#include "importers/azure/family_readers.h"
#include "importers/azure/reader_context.h"

namespace exposim::importers::azure {

bool read_nat_gateway(ReaderContext& ctx, Resource& resource) {
  model::NatGateway gw;
  static_cast<model::ResourceBase&>(gw) = std::move(resource.base);
  // `sku` sits next to `properties`. The SKU decides no inbound answer: any name is kept as written.
  if (auto sku = ctx.read_sku(resource.object, resource.mark); sku.name && !sku.name->empty()) {
    gw.sku = std::string(*sku.name);
  }
  gw.public_ips = ctx.get_ref_list(resource.props, keys::kPublicIpAddresses);
  gw.public_ip_prefixes = ctx.get_ref_list(resource.props, keys::kPublicIpPrefixes);
  gw.subnets = ctx.get_ref_list(resource.props, keys::kSubnets);
  ctx.model.nat_gateways.push_back(std::move(gw));
  return true;
}

bool read_public_ip_prefix(ReaderContext& ctx, Resource& resource) {
  model::PublicIpPrefix p;
  static_cast<model::ResourceBase&>(p) = std::move(resource.base);
  const JsonObject props = resource.props;
  if (auto sku = ctx.read_sku(resource.object, resource.mark); sku.name) {
    if (ascii::equals_lower(*sku.name, "basic")) {
      p.sku = model::Sku::kBasic;
    } else if (!ascii::equals_lower(*sku.name, "standard")) {
      const std::string saved = ctx.ptr;
      ctx.ptr = sku.name_ptr;
      ctx.invalid_value(*sku.name, fmt::format("SKU '{}' is not Basic or Standard", *sku.name));
      ctx.ptr = saved;
    }
  }
  std::optional<model::IpFamily> version;
  if (auto f = ctx.get_string(props, keys::kPublicIpAddressVersion)) {
    version = parse_ip_version(trim(*f));
    if (!version) ctx.invalid_value_at(f.key, *f, fmt::format("IP version '{}' is not IPv4 or IPv6", *f));
  }
  if (auto f = ctx.get_string(props, keys::kIpPrefix); f && !trim(*f).empty()) {
    PointerScope s(ctx.ptr, f.key);
    if (auto prefix = ctx.prefix_value(*f)) {
      if (version && prefix->family() != *version) {
        ctx.invalid_value(*f, fmt::format("IP prefix '{}' is not {}", *f, family_name(*version)));
      } else {
        p.ip_prefix = *prefix;
      }
    }
  }
  p.family = version ? *version : p.ip_prefix ? p.ip_prefix->family() : model::IpFamily::kV4;
  const int bits = p.family == model::IpFamily::kV4 ? 32 : 128;
  if (auto n = ctx.get_int(props, keys::kPrefixLength, 0, bits, "prefix length")) {
    if (p.ip_prefix && p.ip_prefix->length != *n) {
      ctx.invalid_value_at(
          n.key, std::to_string(*n),
          fmt::format("prefix length {} is not the length of IP prefix '{}'", *n, p.ip_prefix->to_string()));
    } else {
      p.prefix_length = static_cast<int>(*n);
    }
  }
  if (!p.prefix_length && p.ip_prefix) p.prefix_length = p.ip_prefix->length;
  ctx.model.public_ip_prefixes.push_back(std::move(p));
  return true;
}

}  // namespace exposim::importers::azure
