// The public endpoints of PaaS services (§7): which internet sources reach a storage account, Key Vault,
// SQL server, Cosmos DB account or App Service site, decided by public network access and the service's
// own firewall. Private endpoints never add internet exposure and are only reported alongside.
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

/// The private endpoints of PaaS service `service` (index into Model::paas_services) with an Approved
/// connection to it: the only ones that pass traffic (§7).
std::size_t approved_private_endpoints(const model::Model& m, int service);

/// True for a PaaS hop that decided on an App Service's SCM (Kudu) site (scope "scm-...").
bool is_scm(const Hop& h);
/// The rules a PaaS hop's `rule` indexes: the SCM site's own, or the main site's.
const std::vector<model::PaasIpRule>& hop_rules(const model::PaasService& s, const Hop& h);
/// The host name an exposure of service `s` enters at: the SCM site's for SCM exposures, else the service's.
const std::string& entry_host(const model::PaasService& s, const Exposure& e);

}  // namespace exposim::solver
