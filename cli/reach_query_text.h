// The words of `exposim reach` about its query (solver/reach_source.h): the error of a --from, --to or --gateway
// that names no source or target, and the candidates printed after it.
#pragma once

#include <string>
#include <vector>

#include "model/model.h"
#include "solver/reach_source.h"

namespace exposim::cli {

/// The error in the LLVM style, after "exposim: error: ": "--from: unknown source 'vm-wbe': expected ...; did you
/// mean 'vm-web'?".
std::string reach_error_text(const model::Model& m, const solver::ReachQueryError& e);

/// The candidates of the error, one line each (printed as notes after it): an ip configuration by its id with its VM,
/// NIC and private address; a NIC, VM or private endpoint by its id; a subnet as `subnet:VNET/NAME` and a VNet as
/// `vnet:NAME`, each with its id.
std::vector<std::string> reach_candidates_text(const model::Model& m, const solver::ReachQueryError& e);

/// One source of reach() in a few words: "vm-web (10.10.1.4)", "subnet vnet-front/web", "vnet vnet-front",
/// "on-premises 192.168.0.0/16 through vnet-front/GatewaySubnet".
std::string reach_source_text(const model::Model& m, const solver::ReachSource& s);

}  // namespace exposim::cli
