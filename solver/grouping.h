// The groupings of the segmentation matrix (solver/segmentation.h): an estate's ip configurations and private
// endpoints grouped by subnet, by virtual network, by application security group or by the value of a tag.
#pragma once

#include <string_view>

#include "model/model.h"
#include "solver/segmentation.h"

namespace exposim::solver {

/// One group per subnet that holds an ip configuration or a private endpoint, named "VNET/SUBNET".
Grouping group_by_subnet(const model::Model& m);

/// One group per virtual network that holds an ip configuration or a private endpoint, named after the VNet.
Grouping group_by_vnet(const model::Model& m);

/// One group per application security group an ip configuration is a member of, named after the ASG; an ip
/// configuration in several ASGs is counted in each (Grouping::extra_groups), one in none is in "(no asg)". A
/// private endpoint (it has no ASG in the model) is in "VNET/SUBNET (private endpoints)" of its subnet.
Grouping group_by_asg(const model::Model& m);

/// One group per value of tag `key` (compared case-insensitively, as Azure compares tag names): an ip
/// configuration's VM's value, else its NIC's; "(untagged)" when neither has the tag, "(empty)" for an empty value. A
/// private endpoint is in "VNET/SUBNET (private endpoints)" of its subnet, as group_by_asg() places it.
Grouping group_by_tag(const model::Model& m, std::string_view key);

/// Appends one target-only group per PaaS service (Grouping::paas_service_group), named "paas:NAME" (with the
/// service's kind, "paas:NAME (storage)", when several services share the name), in the services' order: its public
/// endpoint becomes a column of the matrix.
void add_paas_groups(const model::Model& m, Grouping& g);

}  // namespace exposim::solver
