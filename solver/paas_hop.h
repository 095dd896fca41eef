// How a report reads a PaaS service's hops and exposures: the scope its rules are reported under, whether a hop or a
// path is the App Service SCM (Kudu) site's, which rules a hop's rule indexes, the host name an exposure enters at.
// The writers and explain read these; deciding a PaaS endpoint is solver/paas.h.
#pragma once

#include <string>
#include <vector>

#include "model/model.h"
#include "solver/hop.h"

namespace exposim::solver {

struct Exposure;  // solver/analysis.h

/// The scope a rule of a service of kind `k` is reported under: "ip-rules", "firewall-rules" (SQL) or
/// "access-restrictions" (App Service).
const char* paas_rule_scope(model::PaasKind k);

/// True for a PaaS hop that decided on an App Service's SCM (Kudu) site (scope "scm-...").
bool is_scm(const Hop& h);
/// The rules a PaaS hop's `rule` indexes: the SCM site's own, or the main site's.
const std::vector<model::PaasIpRule>& hop_rules(const model::PaasService& s, const Hop& h);
/// The host name an exposure of service `s` enters at: the SCM site's for SCM exposures, else the service's.
const std::string& entry_host(const model::PaasService& s, const Exposure& e);
/// True when `path` (an exposure's, or a reach() flow's toward a PaaS public endpoint) goes to an App Service's SCM
/// site: one of its hops decided on the SCM site.
bool scm_path(const std::vector<Hop>& path);
/// The host name a path to service `s` goes to: the SCM site's for an SCM path, else the service's.
const std::string& entry_host(const model::PaasService& s, const std::vector<Hop>& path);

}  // namespace exposim::solver
