// The public endpoints of PaaS services (docs/model.md#private-endpoints-and-paas-public-endpoints): which internet
// sources reach a storage account, Key Vault, SQL server, Cosmos DB account or App Service site, decided by public
// network access and the service's own firewall; and a SQL managed instance's public data endpoint, decided by the
// NSG of its subnet. Private endpoints never add internet exposure and are only reported
// alongside.
#pragma once

#include <string>
#include <vector>

#include "model/model.h"
#include "solver/hop.h"
#include "solver/nsg_stage.h"
#include "solver/packet_set.h"

namespace exposim::solver {

struct Analysis;  // solver/analysis.h
struct Exposure;
class AddressSpace;  // solver/address_space.h

/// Appends to `out.exposures` one exposure (via kPaasPublic, target_kind kPaasService, TCP, the service's
/// public ports) per service and deciding setting: the default action, or the IP rule that admits the
/// sources (first match in the service's evaluation order, so that each source is attributed to exactly
/// one rule). A SQL managed instance with its public data endpoint open: one exposure per allow rule of its
/// subnet's NSG that admits internet sources to TCP 3342 (the path shows the NSG hop and the rule). Services with
/// public network access disabled, or whose firewall admits no internet source, yield none. Counts every service in
/// `out.paas_services_evaluated`; notes in `out.findings` what the input cannot tell (a SQL server without firewall
/// rules) and when a private endpoint sits beside an open public endpoint. Public endpoints are IPv4 only
/// (docs/model.md).
void analyze_paas(const model::Model& m, const AddressSpace& space, Analysis& out);

/// The NSG on the way to a SQL managed instance's public data endpoint: its subnet's; missing (assumed to admit
/// everything) when the subnet is not in the input or not known.
NsgSlot managed_instance_nsg(const model::Model& m, const model::PaasService& s);
/// How that NSG decides `arriving` (TCP to the public data endpoint): as at an entry point's subnet, whose instance
/// addresses are not known (entry_nsg_decisions). Empty when no NSG is present (everything passes).
std::vector<RuleDecision> managed_instance_decisions(const model::Model& m, const AddressSpace& space,
                                                     const model::PaasService& s, const PacketSet& arriving);
/// True when the public data endpoint of SQL managed instance `s` is open: enabled, or only known at deployment.
bool data_endpoint_open(const model::PaasService& s);
/// The note on the endpoint hop of a managed instance whose `publicDataEndpointEnabled` is unknown, else "".
const char* data_endpoint_note(const model::PaasService& s);

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

/// The private endpoints of PaaS service `service` (index into Model::paas_services) with an Approved
/// connection to it: the only ones that pass traffic (docs/model.md#private-endpoints-and-paas-public-endpoints).
std::size_t approved_private_endpoints(const model::Model& m, int service);

}  // namespace exposim::solver
