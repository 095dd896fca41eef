// The simdjson DOM behind the handles of json_value.h: conversions both ways, for the few files that parse or
// walk the DOM (the reader context, the resource importer, json_value.cpp). Family readers never include it.
#pragma once

#include <simdjson.h>

#include <bit>
#include <type_traits>

#include "importers/azure/json_value.h"

namespace exposim::importers::azure {

namespace dom = simdjson::dom;

template <typename Dom>
detail::JsonHandle handle_of(Dom d) {
  static_assert(sizeof(Dom) == sizeof(detail::JsonHandle) && std::is_trivially_copyable_v<Dom>,
                "a JSON handle holds one simdjson DOM handle");
  return std::bit_cast<detail::JsonHandle>(d);
}

template <typename Dom>
Dom dom_of(detail::JsonHandle h) {
  return std::bit_cast<Dom>(h);
}

inline JsonValue json_of(dom::element e) {
  JsonValue v;
  v.handle = handle_of(e);
  return v;
}

inline JsonObject json_of(dom::object o) {
  JsonObject v;
  v.handle = handle_of(o);
  return v;
}

inline JsonArray json_of(dom::array a) {
  JsonArray v;
  v.handle = handle_of(a);
  return v;
}

inline dom::element dom_of(JsonValue v) { return dom_of<dom::element>(v.handle); }
inline dom::object dom_of(JsonObject o) { return dom_of<dom::object>(o.handle); }
inline dom::array dom_of(JsonArray a) { return dom_of<dom::array>(a.handle); }

}  // namespace exposim::importers::azure
