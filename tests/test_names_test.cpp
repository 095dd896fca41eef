// Every test case's name can be a ctest test: catch_discover_tests (tests/CMakeLists.txt) passes the name as a
// CMake list element and a spec, so a name with ";" becomes two specs that match nothing, and a name starting
// with "-" or holding "[" or "]" is read as an option or a tag. ctest then fails in CI while the binary run
// directly passes; this test fails in both.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

TEST_CASE("test names: every test case name is usable as a ctest test name", "[tests]") {
  std::vector<std::string> bad;
  for (const auto& t : Catch::getRegistryHub().getTestCaseRegistry().getAllTests()) {
    const std::string& n = t.getTestCaseInfo().name;
    if (n.empty() || n.front() == '-' || n.find_first_of(";[]") != std::string::npos) bad.push_back(n);
  }
  INFO("not usable: " << (bad.empty() ? std::string() : bad.front()));
  CHECK(bad.empty());
  CHECK(Catch::getRegistryHub().getTestCaseRegistry().getAllTests().size() > 400);
}
