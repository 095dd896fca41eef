// Every resource family's types, one header per family (model/<family>.h), for code that wants them all; the
// Model that holds them is model/model.h, the parts every resource shares are model/resource_base.h.
#pragma once

#include "model/application_gateway.h"
#include "model/bastion.h"
#include "model/compute.h"
#include "model/defender_plan.h"
#include "model/firewall.h"
#include "model/jit_policy.h"
#include "model/load_balancer.h"
#include "model/nat_gateway.h"
#include "model/network.h"
#include "model/network_manager.h"
#include "model/nsg.h"
#include "model/paas.h"
#include "model/resource_base.h"
#include "model/scale_set.h"
#include "model/virtual_wan.h"
