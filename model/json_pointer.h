// JSON pointer tokens (RFC 6901) for diagnostic locations: one escaping shared by every importer.
#pragma once

#include <string>
#include <string_view>

namespace exposim::model {

/// Appends "/" and `token` to `pointer`, with `~` written `~0` and `/` written `~1` (RFC 6901 §3).
inline void append_pointer_token(std::string& pointer, std::string_view token) {
  pointer += '/';
  for (char c : token) {
    if (c == '~') {
      pointer += "~0";
    } else if (c == '/') {
      pointer += "~1";
    } else {
      pointer += c;
    }
  }
}

/// `token` escaped for a JSON pointer (no leading "/").
inline std::string escape_pointer_token(std::string_view token) {
  std::string out;
  append_pointer_token(out, token);
  return out.substr(1);
}

}  // namespace exposim::model
