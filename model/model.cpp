// Names of the resource kinds, canonical ids, and the resource a graph vertex stands for.
#include "model/model.h"

#include "model/ascii.h"

namespace exposim::model {

const char* to_string(ResourceKind k) {
  switch (k) {
    case ResourceKind::kInternet: return "internet";
#define EXPOSIM_KIND_NAME(Enum, name, member, Type, noun) \
  case ResourceKind::k##Enum: return name;
      EXPOSIM_RESOURCE_KINDS(EXPOSIM_KIND_NAME)
#undef EXPOSIM_KIND_NAME
  }
  return "?";
}

std::optional<ResourceKind> resource_kind_from_string(std::string_view name) {
  if (name == to_string(ResourceKind::kInternet)) return ResourceKind::kInternet;
  for (ResourceKind k : kResourceKinds) {
    if (name == to_string(k)) return k;
  }
  return std::nullopt;
}

const char* noun(ResourceKind k) {
  switch (k) {
    case ResourceKind::kInternet: return "internet";
#define EXPOSIM_KIND_NOUN(Enum, name, member, Type, noun) \
  case ResourceKind::k##Enum: return noun;
      EXPOSIM_RESOURCE_KINDS(EXPOSIM_KIND_NOUN)
#undef EXPOSIM_KIND_NOUN
  }
  return "?";
}

std::string canonical_id(std::string_view id) {
  std::string out = ascii::lower(id);
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

const ResourceBase* Model::resource(const GraphVertex& v) const {
  switch (v.kind) {
    case ResourceKind::kInternet: return nullptr;
#define EXPOSIM_KIND_RESOURCE(Enum, name, member, Type, noun) \
  case ResourceKind::k##Enum: return &member.at(v.index);
      EXPOSIM_RESOURCE_KINDS(EXPOSIM_KIND_RESOURCE)
#undef EXPOSIM_KIND_RESOURCE
  }
  return nullptr;
}

}  // namespace exposim::model
