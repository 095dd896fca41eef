// Virtual WAN lookups on a validated model.
#include "model/virtual_wan.h"

#include "model/model.h"

namespace exposim::model {

int internet_hub(const Model& m, int vnet) {
  if (vnet < 0 || m.hub_routing_intents.empty()) return -1;  // the common case costs nothing
  for (const auto& c : m.hub_connections) {
    if (c.remote_vnet.index != vnet || !c.enable_internet_security || !c.hub.resolved()) continue;
    for (int r : m.virtual_hubs[c.hub.index].routing_intents) {
      for (const auto& p : m.hub_routing_intents[r].policies) {
        if (p.internet) return c.hub.index;
      }
    }
  }
  return -1;
}

}  // namespace exposim::model
