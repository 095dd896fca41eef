// The JSON handles of json_value.h over simdjson's DOM.
#include "importers/azure/json_value.h"

#include "importers/azure/json_dom.h"

namespace exposim::importers::azure {

const char* kind_name(JsonType t) {
  switch (t) {
    case JsonType::kArray: return "an array";
    case JsonType::kObject: return "an object";
    case JsonType::kInt64:
    case JsonType::kUint64: return "an integer";
    case JsonType::kDouble: return "a floating-point number";
    case JsonType::kString: return "a string";
    case JsonType::kBool: return "a boolean";
    case JsonType::kNull: return "null";
  }
  return "a value";
}

JsonType JsonValue::type() const {
  switch (dom_of(*this).type()) {
    case dom::element_type::ARRAY: return JsonType::kArray;
    case dom::element_type::OBJECT: return JsonType::kObject;
    case dom::element_type::INT64: return JsonType::kInt64;
    case dom::element_type::UINT64: return JsonType::kUint64;
    case dom::element_type::DOUBLE: return JsonType::kDouble;
    case dom::element_type::STRING: return JsonType::kString;
    case dom::element_type::BOOL: return JsonType::kBool;
    case dom::element_type::NULL_VALUE: return JsonType::kNull;
  }
  return JsonType::kNull;
}

bool JsonValue::is_null() const { return dom_of(*this).is_null(); }

bool JsonValue::get(std::string_view& out) const { return dom_of(*this).get_string().get(out) == simdjson::SUCCESS; }

bool JsonValue::get(std::int64_t& out) const { return dom_of(*this).get_int64().get(out) == simdjson::SUCCESS; }

bool JsonValue::get(std::uint64_t& out) const { return dom_of(*this).get_uint64().get(out) == simdjson::SUCCESS; }

bool JsonValue::get(bool& out) const { return dom_of(*this).get_bool().get(out) == simdjson::SUCCESS; }

bool JsonValue::get(JsonObject& out) const {
  dom::object o;
  if (dom_of(*this).get_object().get(o) != simdjson::SUCCESS) return false;
  out = json_of(o);
  return true;
}

bool JsonValue::get(JsonArray& out) const {
  dom::array a;
  if (dom_of(*this).get_array().get(a) != simdjson::SUCCESS) return false;
  out = json_of(a);
  return true;
}

std::size_t JsonObject::size() const { return dom_of(*this).size(); }

JsonValue JsonArray::iterator::operator*() const { return json_of(*dom_of<dom::array::iterator>(handle)); }

JsonArray::iterator& JsonArray::iterator::operator++() {
  auto it = dom_of<dom::array::iterator>(handle);
  ++it;
  handle = handle_of(it);
  return *this;
}

bool JsonArray::iterator::operator==(const iterator& other) const {
  return dom_of<dom::array::iterator>(handle) == dom_of<dom::array::iterator>(other.handle);
}

JsonArray::iterator JsonArray::begin() const {
  iterator it;
  it.handle = handle_of(dom_of(*this).begin());
  return it;
}

JsonArray::iterator JsonArray::end() const {
  iterator it;
  it.handle = handle_of(dom_of(*this).end());
  return it;
}

std::size_t JsonArray::size() const { return dom_of(*this).size(); }

}  // namespace exposim::importers::azure
