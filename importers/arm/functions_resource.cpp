// ARM template resource, deployment and scope functions: resourceId() and its variants, resourceGroup(),
// subscription(), tenant(), deployment(), environment().
#include <fmt/format.h>

#include <optional>

#include "importers/arm/functions_internal.h"

namespace exposim::importers::arm::detail::builtins {

// ---- resource ids and deployment scope ----

std::vector<std::string> split_slash(std::string_view s) {
  std::vector<std::string> out;
  std::size_t b = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '/') {
      if (i > b) out.emplace_back(s.substr(b, i - b));
      b = i + 1;
    }
  }
  return out;
}

/// "providers/{ns}/{type1}/{name1}/{type2}/{name2}" from a type and names (names may hold '/' themselves).
Result provider_path(const Call& c, const std::string& type, const std::vector<Json>& names, std::size_t first_name) {
  std::vector<std::string> t = split_slash(type);
  if (t.size() < 2) return bad(c, fmt::format("'{}' is not a resource type ('Namespace/type')", type));
  std::vector<std::string> n;
  for (std::size_t i = first_name; i < names.size(); ++i) {
    if (!names[i].is_string()) return bad_arg(c, i, "a string", names[i]);
    for (auto& part : split_slash(names[i].get<std::string>())) n.push_back(std::move(part));
  }
  if (n.size() != t.size() - 1)
    return bad(c, fmt::format("resource type '{}' needs {} name segment{}, got {}", type, t.size() - 1,
                              t.size() == 2 ? "" : "s", n.size()));
  std::string out = fmt::format("providers/{}", t[0]);
  for (std::size_t i = 1; i < t.size(); ++i) out += fmt::format("/{}/{}", t[i], n[i - 1]);
  return Result::of(std::move(out));
}

/// Index of the resource type among the first `max_prefix + 1` arguments (the first holding a '/').
std::optional<std::size_t> type_index(const std::vector<Json>& a, std::size_t max_prefix) {
  for (std::size_t i = 0; i < a.size() && i <= max_prefix; ++i)
    if (a[i].is_string() && a[i].get_ref<const std::string&>().find('/') != std::string::npos) return i;
  return std::nullopt;
}

Result check_strings(const Call& c, const std::vector<Json>& a) {
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!a[i].is_string()) return bad_arg(c, i, "a string", a[i]);
  return Result{};
}

Result fn_resource_id(const Call& c, std::vector<Json>& a) {
  if (Result e = check_strings(c, a); !e.ok()) return e;
  auto t = type_index(a, 2);
  if (!t) return bad(c, "expected a resource type ('Namespace/type') as argument 1, 2 or 3");
  std::string sub = c.context.subscription_id, rg = c.context.resource_group;
  if (*t == 2) {
    sub = a[0].get<std::string>();
    rg = a[1].get<std::string>();
  } else if (*t == 1) {
    rg = a[0].get<std::string>();
  }
  Result p = provider_path(c, a[*t].get<std::string>(), a, *t + 1);
  if (!p.ok()) return p;
  return Result::of(fmt::format("/subscriptions/{}/resourceGroups/{}/{}", sub, rg, p.value.get<std::string>()));
}

Result fn_subscription_resource_id(const Call& c, std::vector<Json>& a) {
  if (Result e = check_strings(c, a); !e.ok()) return e;
  auto t = type_index(a, 1);
  if (!t) return bad(c, "expected a resource type ('Namespace/type') as argument 1 or 2");
  std::string sub = *t == 1 ? a[0].get<std::string>() : c.context.subscription_id;
  Result p = provider_path(c, a[*t].get<std::string>(), a, *t + 1);
  if (!p.ok()) return p;
  return Result::of(fmt::format("/subscriptions/{}/{}", sub, p.value.get<std::string>()));
}

Result fn_tenant_resource_id(const Call& c, std::vector<Json>& a) {
  if (Result e = check_strings(c, a); !e.ok()) return e;
  Result p = provider_path(c, a[0].get<std::string>(), a, 1);
  if (!p.ok()) return p;
  return Result::of(fmt::format("/{}", p.value.get<std::string>()));
}

Result fn_extension_resource_id(const Call& c, std::vector<Json>& a) {
  if (Result e = check_strings(c, a); !e.ok()) return e;
  std::string base = a[0].get<std::string>();
  while (!base.empty() && base.back() == '/') base.pop_back();
  Result p = provider_path(c, a[1].get<std::string>(), a, 2);
  if (!p.ok()) return p;
  return Result::of(fmt::format("{}/{}", base, p.value.get<std::string>()));
}

Result fn_resource_group(const Call& c, std::vector<Json>&) {
  const Context& x = c.context;
  return Result::of(
      Json{{"id", fmt::format("/subscriptions/{}/resourceGroups/{}", x.subscription_id, x.resource_group)},
           {"name", x.resource_group},
           {"type", "Microsoft.Resources/resourceGroups"},
           {"location", x.location},
           {"tags", Json::object()},
           {"properties", {{"provisioningState", "Succeeded"}}}});
}

Result fn_subscription(const Call& c, std::vector<Json>&) {
  const Context& x = c.context;
  return Result::of(Json{{"id", fmt::format("/subscriptions/{}", x.subscription_id)},
                         {"subscriptionId", x.subscription_id},
                         {"tenantId", x.tenant_id},
                         {"displayName", x.subscription_id}});
}

Result fn_tenant(const Call& c, std::vector<Json>&) { return Result::of(Json{{"tenantId", c.context.tenant_id}}); }

Result fn_deployment(const Call& c, std::vector<Json>&) {
  // A linked deployment (quickstart templates default _artifactsLocation to templateLink.uri): a placeholder uri.
  // Deployments at subscription and management-group scope have a location (`deployment().location`).
  return Result::of(Json{{"name", c.context.deployment_name},
                         {"location", c.context.location},
                         {"properties",
                          {{"mode", "Incremental"},
                           {"provisioningState", "Accepted"},
                           {"templateLink", {{"uri", kPlaceholderTemplateUri}, {"contentVersion", "1.0.0.0"}}}}}});
}

Result fn_environment(const Call&, std::vector<Json>&) {
  // Azure public cloud, as listed in the environment() example of the ARM deployment functions page.
  return Result::of(Json{{"name", "AzureCloud"},
                         {"gallery", "https://gallery.azure.com/"},
                         {"graph", "https://graph.windows.net/"},
                         {"portal", "https://portal.azure.com"},
                         {"graphAudience", "https://graph.windows.net/"},
                         {"activeDirectoryDataLake", "https://datalake.azure.net/"},
                         {"batch", "https://batch.core.windows.net/"},
                         {"media", "https://rest.media.azure.net"},
                         {"sqlManagement", "https://management.core.windows.net:8443/"},
                         {"resourceManager", "https://management.azure.com/"},
                         {"authentication",
                          {{"loginEndpoint", "https://login.microsoftonline.com/"},
                           {"audiences", {"https://management.core.windows.net/", "https://management.azure.com/"}},
                           {"tenant", "common"},
                           {"identityProvider", "AAD"}}},
                         {"suffixes",
                          {{"acrLoginServer", ".azurecr.io"},
                           {"azureDatalakeAnalyticsCatalogAndJob", "azuredatalakeanalytics.net"},
                           {"azureDatalakeStoreFileSystem", "azuredatalakestore.net"},
                           {"azureFrontDoorEndpointSuffix", "azurefd.net"},
                           {"keyvaultDns", ".vault.azure.net"},
                           {"sqlServerHostname", ".database.windows.net"},
                           {"storage", "core.windows.net"}}}});
}

}  // namespace exposim::importers::arm::detail::builtins
