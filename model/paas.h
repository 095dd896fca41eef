// Private endpoints and the public endpoints of PaaS services (§7).
#pragma once

#include <string>
#include <vector>

#include "model/resources.h"

namespace exposim::model {

/// A PaaS resource with a public endpoint: storage account, Key Vault, SQL server, Cosmos DB account, App
/// Service site.
struct PaasService : ResourceBase {};

struct PrivateEndpoint : ResourceBase {};

}  // namespace exposim::model
