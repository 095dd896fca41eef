// The public endpoints of PaaS services (docs/model.md#private-endpoints-and-paas-public-endpoints): which internet
// sources reach a storage account, Key Vault, SQL server, Cosmos DB account or App Service site, decided by public
// network access and the service's own firewall. Private endpoints never add internet exposure and are only reported
// alongside.
#pragma once

#include <string>
#include <vector>

#include "model/model.h"
#include "solver/address_space.h"
#include "solver/exposure.h"

namespace exposim::solver {

/// Appends to `out.exposures` one exposure (via kPaasPublic, target_kind kPaasService, TCP, the service's
/// public ports) per service and deciding setting: the default action, or the IP rule that admits the
/// sources (first match in the service's evaluation order, so that each source is attributed to exactly
/// one rule). Services with public network access disabled, or whose firewall admits no internet source,
/// yield none. Counts every service in `out.paas_services_evaluated`; notes in `out.findings` what the
/// input cannot tell (a SQL server without firewall rules) and when a private endpoint sits beside an open
/// public endpoint. Public endpoints are IPv4 only (docs/model.md).
void analyze_paas(const model::Model& m, const AddressSpace& space, Analysis& out);

/// One share of the sources that a PaaS service's firewall decides: the first rule (in the service's evaluation
/// order) matching them, or the default action.
struct PaasDecision {
  IpSet sources;
  int rule{-1};  // index into the rules evaluated; -1: the default action
  model::Access access{model::Access::kDeny};
  const char* note{""};  // the assumption taken for a rule the solver cannot resolve exactly, if any
};
/// How a firewall (`rules` and `default_action`: a service's, or an App Service SCM site's) decides the sources
/// in `universe` (analyze: the IPv4 internet): a partition of `universe`, rules first, then the default action.
/// Storage, Key Vault and Cosmos DB rules apply only when the default action is Deny. Rules the solver cannot
/// resolve count as `universe` when they allow and as nothing when they deny (never hiding an exposure); App
/// Service subnet rules match nothing. The one evaluation of public endpoints, for analyze and explain.
std::vector<PaasDecision> paas_firewall(const model::PaasService& s, const std::vector<model::PaasIpRule>& rules,
                                        model::Access default_action, const IpSet& universe);

/// The scope a rule of a service of kind `k` is reported under: "ip-rules", "firewall-rules" (SQL) or
/// "access-restrictions" (App Service).
const char* paas_rule_scope(model::PaasKind k);

/// The private endpoints of PaaS service `service` (index into Model::paas_services) with an Approved
/// connection to it: the only ones that pass traffic (docs/model.md#private-endpoints-and-paas-public-endpoints).
std::size_t approved_private_endpoints(const model::Model& m, int service);

/// True for a PaaS hop that decided on an App Service's SCM (Kudu) site (scope "scm-...").
bool is_scm(const Hop& h);
/// The rules a PaaS hop's `rule` indexes: the SCM site's own, or the main site's.
const std::vector<model::PaasIpRule>& hop_rules(const model::PaasService& s, const Hop& h);
/// The host name an exposure of service `s` enters at: the SCM site's for SCM exposures, else the service's.
const std::string& entry_host(const model::PaasService& s, const Exposure& e);

}  // namespace exposim::solver
