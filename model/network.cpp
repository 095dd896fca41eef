// Virtual networks and route tables: names of the next hop types.
#include "model/network.h"

namespace exposim::model {

const char* to_string(NextHopType t) {
  switch (t) {
    case NextHopType::kVirtualNetworkGateway: return "VirtualNetworkGateway";
    case NextHopType::kVnetLocal: return "VnetLocal";
    case NextHopType::kInternet: return "Internet";
    case NextHopType::kVirtualAppliance: return "VirtualAppliance";
    case NextHopType::kNone: return "None";
    case NextHopType::kVnetPeering: return "VNetPeering";
  }
  return "?";
}

}  // namespace exposim::model
