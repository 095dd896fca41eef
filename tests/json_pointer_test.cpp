// JSON pointer token escaping (RFC 6901 §3): `~` as `~0`, `/` as `~1`, in that order of concern.
#include <catch2/catch.hpp>

#include "model/json_pointer.h"

using exposim::model::append_pointer_token;
using exposim::model::escape_pointer_token;

TEST_CASE("json pointer tokens escape tilde and slash", "[model]") {
  CHECK(escape_pointer_token("plain") == "plain");
  CHECK(escape_pointer_token("") == "");
  CHECK(escape_pointer_token("a/b") == "a~1b");
  CHECK(escape_pointer_token("m~n") == "m~0n");
  // "~1" as written is the two characters '~' and '1': the tilde is escaped, the result is not "/".
  CHECK(escape_pointer_token("~1") == "~01");
  CHECK(escape_pointer_token("/~/") == "~1~0~1");
  std::string p = "/resources/0";
  append_pointer_token(p, "Microsoft.Network/firewallPolicies");
  append_pointer_token(p, "");
  CHECK(p == "/resources/0/Microsoft.Network~1firewallPolicies/");
}
