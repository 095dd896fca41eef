// azurerm private endpoints, of the PaaS family (importers/azure/paas.cpp reads them): their subnet, their private
// service connections and their addresses. A private endpoint adds no internet exposure (docs/model.md).
#include <fmt/format.h>

#include "importers/terraform/families.h"

namespace exposim::importers::terraform {

void translate_private_endpoint(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/privateEndpoints", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  ctx.copy_ref(b, "subnet_id", *s, "/properties/subnet");
  std::size_t automatic = 0, manual = 0;
  for (const Block& cb : ctx.nested(b, "private_service_connection")) {
    // An unknown is_manual_connection is read as automatic (approved): it changes no exposure, only the note
    // that a public endpoint stays open beside an approved private endpoint.
    const bool is_manual = ctx.boolean(cb, "is_manual_connection").value_or(false);
    const char* list = is_manual ? "manualPrivateLinkServiceConnections" : "privateLinkServiceConnections";
    std::size_t& k = is_manual ? manual : automatic;
    bool unknown = false;
    auto target = ctx.ids(cb, "private_connection_resource_id", &unknown);
    if (target.empty() && !unknown && ctx.state(cb, "private_connection_resource_alias") != State::kAbsent) {
      if (auto alias = ctx.string(cb, "private_connection_resource_alias"); !alias || !alias->empty()) {
        ctx.report(model::Severity::kNote, i, cb.attr_pointer("private_connection_resource_alias"),
                   "unmodelled-feature",
                   "a connection by service alias is not analysed; a private endpoint adds no internet exposure");
        continue;
      }
    }
    const std::string base = fmt::format("/properties/{}/{}", list, k++);
    s->set(base, json{{"properties", json::object()}}, cb.values_pointer);
    ctx.copy_string(cb, "name", *s, base + "/name");
    if (!target.empty()) {
      s->set(base + "/properties/privateLinkServiceId", target.front(),
             cb.attr_pointer("private_connection_resource_id"));
    } else if (unknown) {
      s->set(base + "/properties/privateLinkServiceId", Context::unknown_text(cb, "private_connection_resource_id"),
             cb.attr_pointer("private_connection_resource_id"));
    }
    ctx.copy_strings(cb, "subresource_names", *s, base + "/properties/groupIds");
  }
  const auto configs = ctx.nested(b, "ip_configuration");
  for (std::size_t k = 0; k < configs.size(); ++k) {
    const Block& cb = configs[k];
    const std::string base = fmt::format("/properties/ipConfigurations/{}", k);
    s->set(base, json{{"properties", json::object()}}, cb.values_pointer);
    ctx.copy_string(cb, "name", *s, base + "/name");
    ctx.copy_string(cb, "private_ip_address", *s, base + "/properties/privateIPAddress");
    ctx.copy_string(cb, "subresource_name", *s, base + "/properties/groupId");
    ctx.copy_string(cb, "member_name", *s, base + "/properties/memberName");
  }
  const auto dns = ctx.nested(b, "custom_dns_configs");
  for (std::size_t k = 0; k < dns.size(); ++k) {
    const Block& db = dns[k];
    const std::string base = fmt::format("/properties/customDnsConfigs/{}", k);
    s->set(base, json::object(), db.values_pointer);
    ctx.copy_string(db, "fqdn", *s, base + "/fqdn");
    ctx.copy_strings(db, "ip_addresses", *s, base + "/ipAddresses");
  }
}

}  // namespace exposim::importers::terraform
