// ASCII case folding, the one set of helpers for every layer: Azure resource ids, type strings, enum values and
// service tags are case-insensitive ASCII. Locale-independent (std::tolower depends on the C locale).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace exposim::model::ascii {

/// `c` with 'A'..'Z' mapped to 'a'..'z'; every other byte unchanged.
constexpr char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

/// `c` with 'a'..'z' mapped to 'A'..'Z'; every other byte unchanged.
constexpr char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

/// `s` with ASCII letters lowercased.
inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

/// `a` equals `b` ignoring ASCII case.
constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

/// `text` equals `lower_text` ignoring the case of `text` only: `lower_text` is already lowercase (a literal),
/// and an uppercase letter in it matches nothing.
constexpr bool equals_lower(std::string_view text, std::string_view lower_text) {
  if (text.size() != lower_text.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (lower(text[i]) != lower_text[i]) return false;
  }
  return true;
}

/// `text` starts with `lower_prefix` (already lowercase) ignoring the case of `text`.
constexpr bool starts_with_lower(std::string_view text, std::string_view lower_prefix) {
  return text.size() >= lower_prefix.size() && equals_lower(text.substr(0, lower_prefix.size()), lower_prefix);
}

/// `text` ends with `lower_suffix` (already lowercase) ignoring the case of `text`.
constexpr bool ends_with_lower(std::string_view text, std::string_view lower_suffix) {
  return text.size() >= lower_suffix.size() &&
         equals_lower(text.substr(text.size() - lower_suffix.size()), lower_suffix);
}

static_assert(iequals("AzureFirewallSubnet", "azurefirewallSUBNET"));
static_assert(!iequals("a", "ab"));
static_assert(equals_lower("GatewaySubnet", "gatewaysubnet") && !equals_lower("gatewaysubnet", "GatewaySubnet"));
static_assert(starts_with_lower("SecurityCenter-JITRule-1", "securitycenter-jitrule"));
static_assert(ends_with_lower("x.JSON", ".json") && !ends_with_lower("n", ".json"));
static_assert(lower('@') == '@' && lower('[') == '[' && upper('`') == '`' && upper('{') == '{');

}  // namespace exposim::model::ascii
