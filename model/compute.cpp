// Public IPs, network interfaces and virtual machines: SKU names, ip configuration ids.
#include "model/compute.h"

namespace exposim::model {

const char* to_string(Sku s) { return s == Sku::kBasic ? "Basic" : "Standard"; }

std::string ip_configuration_id(const NetworkInterface& nic, const IpConfiguration& cfg) {
  return cfg.id.empty() ? nic.id + "/ipConfigurations/" + cfg.name : cfg.id;
}

void drop_derivable_id(const NetworkInterface& nic, IpConfiguration& cfg) {
  if (cfg.id.empty() || nic.id.empty()) return;
  std::string written = std::move(cfg.id);
  cfg.id = std::string();
  if (ip_configuration_id(nic, cfg) != written) cfg.id = std::move(written);  // not derivable: kept
}

}  // namespace exposim::model
