// Names of the PaaS and private endpoint enums (model/paas.h).
#include "model/paas.h"

namespace exposim::model {

const char* to_string(PaasKind k) {
  switch (k) {
    case PaasKind::kStorage: return "storage";
    case PaasKind::kKeyVault: return "key-vault";
    case PaasKind::kSqlServer: return "sql-server";
    case PaasKind::kCosmosDb: return "cosmos-db";
    case PaasKind::kAppService: return "app-service";
  }
  return "?";
}

const char* to_string(PublicNetworkAccess a) {
  switch (a) {
    case PublicNetworkAccess::kEnabled: return "enabled";
    case PublicNetworkAccess::kDisabled: return "disabled";
    case PublicNetworkAccess::kSecuredByPerimeter: return "secured-by-perimeter";
  }
  return "?";
}

const char* to_string(ConnectionStatus s) {
  switch (s) {
    case ConnectionStatus::kApproved: return "approved";
    case ConnectionStatus::kPending: return "pending";
    case ConnectionStatus::kRejected: return "rejected";
    case ConnectionStatus::kDisconnected: return "disconnected";
  }
  return "?";
}

}  // namespace exposim::model
