// Azure Bastion (§6) and Application Gateway (§9).
#pragma once

#include <string>
#include <vector>

#include "model/resources.h"

namespace exposim::model {

struct BastionHost : ResourceBase {};

struct ApplicationGateway : ResourceBase {};

}  // namespace exposim::model
