// How the packets reaching one target become exposures for one protocol: sources grouped by the exact port sets they
// reach, so that every exposure is a product (sources x source ports x ports). analyze, explain's shares of a
// gateway's flows, east-west reach and what-if's differences all split packets this way.
#pragma once

#include <array>
#include <vector>

#include "model/model.h"
#include "solver/packet_set.h"

namespace exposim::solver {

struct PortsAndSources {
  model::PortSet ports;
  model::PortSet source_ports;
  IpSet sources;
};

/// The packets of `packets` of `protocol`, split by the exact port sets each source reaches; sorted by ports, source
/// ports, sources.
std::vector<PortsAndSources> split_by_ports(const PacketSet& packets, model::Protocol protocol);
/// split_by_ports for every protocol: element p is split_by_ports(packets, Protocol(p)). Protocols that every cube of
/// `packets` holds together or not at all (TCP and UDP of an NSG's `*` rules, ICMP, ESP and AH) are split once.
std::array<std::vector<PortsAndSources>, model::kProtocolCount> split_by_ports_each(const PacketSet& packets);

}  // namespace exposim::solver
