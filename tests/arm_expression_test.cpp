// Tests of importers/arm/expression.h: the ARM template expression language.
// Expected values come from the examples of Azure's template function reference (cited per case; the pages
// are https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-<group>), or are
// worked out by hand from the documented rules; hash vectors are cited where they come from.
#include "importers/arm/expression.h"

#include <functional>
#include <initializer_list>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

namespace {

using exposim::importers::arm::Context;
using exposim::importers::arm::Evaluator;
using exposim::importers::arm::Json;
using exposim::importers::arm::Limits;
using exposim::importers::arm::Result;
namespace detail = exposim::importers::arm::detail;

Result ev(const std::string& text, Context ctx = {}) {
  Evaluator e(std::move(ctx));
  return e.evaluate_string(text);
}

Json val(const std::string& text, Context ctx = {}) {
  Result r = ev(text, std::move(ctx));
  INFO(text);
  if (r.error) INFO(to_string(*r.error));
  REQUIRE(r.ok());
  REQUIRE_FALSE(r.unknown);
  return r.value;
}

/// Concatenation without `const char* + std::string` (GCC 12 warns falsely about it at -O3).
std::string cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) out.append(p);
  return out;
}

Context docs_parameters() {
  Context c;
  c.parameters = Json::parse(R"({
    "testObject": {"valueA": 10, "valueB": "Example Text"},
    "testArray": ["a", "b", "c"],
    "testInt": 5,
    "testString": "one two three",
    "greeting": "Hello", "name": "User", "numberToFormat": 8175133,
    "nested": {"level1": {"items": [{"Name": "first"}, {"Name": "second", "tags": {"env-name": "prod"}}]}}
  })");
  return c;
}

}  // namespace

TEST_CASE("Template strings: literals, the double-bracket escape and expressions", "[arm]") {
  CHECK(val("plain text") == "plain text");
  CHECK(val("") == "");
  // A string starting with "[[" is the literal with one '[' removed (template-expressions: escape characters).
  CHECK(val("[[concat('a', 'b')]") == "[concat('a', 'b')]");
  CHECK(val("[[abc") == "[abc");
  // Not ending with ']' or not starting with '[': not an expression.
  CHECK(val("[abc") == "[abc");
  CHECK(val(" [concat('a')]") == " [concat('a')]");
  CHECK(val("abc]") == "abc]");
  // Quotes are doubled inside expression strings.
  CHECK(val("['it''s']") == "it's");
  CHECK(val("[ concat( 'a' ,\t'b' ) ]") == "ab");
  // Expressions spread over lines (real templates, e.g. Azure Landing Zones, break long union(if(...)) calls).
  CHECK(val("[\n  union(\r\n    createArray(1),\n    createArray(2))\n]") == Json::parse("[1,2]"));
  CHECK(val("[42]") == 42);
  CHECK(val("[-7]") == -7);
}

TEST_CASE("String functions match the documented examples", "[arm]") {
  Context c = docs_parameters();
  // format: template-functions-string#format.
  CHECK(val("[format('{0}, {1}. Formatted number: {2:N0}', parameters('greeting'), parameters('name'), "
            "parameters('numberToFormat'))]",
            c) == "Hello, User. Formatted number: 8,175,133");
  // .NET composite formatting, worked out by hand: escaped braces, alignment, D and X formats, N default 2.
  CHECK(val("[format('{{{0}}} [{1,5}] [{1,-5}] {2:D4} {3:X} {4:N}', 'x', 'ab', 42, 255, 1234)]") ==
        "{x} [   ab] [ab   ] 0042 FF 1,234.00");
  CHECK(val("[format('{0}-{0}', true())]") == "True-True");
  // string: template-functions-string#string.
  CHECK(val("[string(parameters('testObject'))]", c) == R"({"valueA":10,"valueB":"Example Text"})");
  CHECK(val("[string(parameters('testArray'))]", c) == R"(["a","b","c"])");
  CHECK(val("[string(parameters('testInt'))]", c) == "5");
  CHECK(val("[string(true())]") == "True");
  // substring, take, skip, toLower, toUpper, trim: template-functions-string.
  CHECK(val("[substring(parameters('testString'), 4, 3)]", c) == "two");
  CHECK(val("[substring('abc', 1)]") == "bc");
  CHECK(val("[take(createArray('one', 'two', 'three'), 2)]") == Json::parse(R"(["one","two"])"));
  CHECK(val("[take(parameters('testString'), 2)]", c) == "on");
  CHECK(val("[take('abc', -1)]") == "");
  CHECK(val("[take('abc', 10)]") == "abc");
  CHECK(val("[skip(createArray('one', 'two', 'three'), 2)]") == Json::parse(R"(["three"])"));
  CHECK(val("[skip(parameters('testString'), 4)]", c) == "two three");
  CHECK(val("[toLower('One Two Three')]") == "one two three");
  CHECK(val("[toUpper('One Two Three')]") == "ONE TWO THREE");
  CHECK(val("[trim('    one two three   ')]") == "one two three");
  // replace: template-functions-string#replace.
  CHECK(val("[replace('123-123-1234', '-', '')]") == "1231231234");
  CHECK(val("[replace('123-123-1234', '1234', 'xxxx')]") == "123-123-xxxx");
  // split: template-functions-string#split.
  CHECK(val("[split('one,two,three', ',')]") == Json::parse(R"(["one","two","three"])"));
  CHECK(val("[split('one;two,three', createArray(',', ';'))]") == Json::parse(R"(["one","two","three"])"));
  CHECK(val("[split('a,,b', ',')]") == Json::parse(R"(["a","","b"])"));
  // join: template-functions-string#join.
  CHECK(val("[join(createArray('a', 'b', 'c'), ',')]") == "a,b,c");
  CHECK(val("[join(createArray('a', 'b', 'c'), ';')]") == "a;b;c");
  // base64, base64ToString: template-functions-string#base64 ('one, two, three').
  CHECK(val("[base64('one, two, three')]") == "b25lLCB0d28sIHRocmVl");
  CHECK(val("[base64ToString('b25lLCB0d28sIHRocmVl')]") == "one, two, three");
  CHECK(val("[base64('ab')]") == "YWI=");
  CHECK(val("[base64ToString(base64('a'))]") == "a");
  // uriComponent, uriComponentToString: template-functions-string#uricomponent.
  CHECK(val("[uriComponent('http://contoso.com/resources/nested/azuredeploy.json')]") ==
        "http%3A%2F%2Fcontoso.com%2Fresources%2Fnested%2Fazuredeploy.json");
  CHECK(val("[uriComponentToString('http%3A%2F%2Fcontoso.com%2Fresources%2Fnested%2Fazuredeploy.json')]") ==
        "http://contoso.com/resources/nested/azuredeploy.json");
  // startsWith, endsWith, indexOf, lastIndexOf are case-insensitive (template-functions-string examples).
  CHECK(val("[startsWith('abcdef', 'ab')]") == true);
  CHECK(val("[startsWith('abcdef', 'A')]") == true);
  CHECK(val("[startsWith('abcdef', 'e')]") == false);
  CHECK(val("[endsWith('abcdef', 'ef')]") == true);
  CHECK(val("[endsWith('abcdef', 'F')]") == true);
  CHECK(val("[endsWith('abcdef', 'e')]") == false);
  CHECK(val("[indexOf('abcdef', 'CD')]") == 2);
  CHECK(val("[lastIndexOf('abcdef', 'AB')]") == 0);
  CHECK(val("[indexOf('abcdef', 'z')]") == -1);
  CHECK(val("[lastIndexOf('abcabc', 'b')]") == 4);
  // padLeft: template-functions-string#padleft.
  CHECK(val("[padLeft('123', 10, '0')]") == "0000000123");
  // concat of strings and of arrays: template-functions-string#concat, template-functions-array#concat.
  CHECK(val("[concat('prefix', '-', 'suffix')]") == "prefix-suffix");
  CHECK(val("[concat('a', 1, true())]") == "a1True");
  CHECK(val("[concat(createArray('1-1', '1-2'), createArray('2-1'))]") == Json::parse(R"(["1-1","1-2","2-1"])"));
  // first and last on strings: template-functions-string#first.
  CHECK(val("[first('One Two Three')]") == "O");
  CHECK(val("[last('One Two Three')]") == "e");
  CHECK(val("[first('')]") == "");
  // length of strings and arrays: template-functions-array#length.
  CHECK(val("[length('One Two Three')]") == 13);
  CHECK(val("[length(createArray('one', 'two', 'three'))]") == 3);
  CHECK(val("[length(parameters('testObject'))]", c) == 2);
  // int, bool: template-functions-numeric#int, template-functions-logical#bool.
  CHECK(val("[int('4')]") == 4);
  CHECK(val("[int(' -12 ')]") == -12);
  CHECK(val("[bool('true')]") == true);
  CHECK(val("[bool('False')]") == false);
  CHECK(val("[bool(1)]") == true);
  CHECK(val("[bool(0)]") == false);
}

TEST_CASE("Array and object functions match the documented examples", "[arm]") {
  // contains: template-functions-array#contains (strings are case-sensitive, object keys are not).
  CHECK(val("[contains('OneTwoThree', 'e')]") == true);
  CHECK(val("[contains('OneTwoThree', 'z')]") == false);
  CHECK(val("[contains('OneTwoThree', 'one')]") == false);
  CHECK(val("[contains(createObject('one', 'a', 'two', 'b'), 'ONE')]") == true);
  CHECK(val("[contains(createObject('one', 'a', 'two', 'b'), 'a')]") == false);
  CHECK(val("[contains(createArray('one', 'two', 'three'), 'three')]") == true);
  CHECK(val("[contains(createArray('one', 'two', 'three'), 'four')]") == false);
  // empty: template-functions-array#empty.
  CHECK(val("[empty(createArray())]") == true);
  CHECK(val("[empty(createObject())]") == true);
  CHECK(val("[empty('')]") == true);
  CHECK(val("[empty(json('null'))]") == true);
  CHECK(val("[empty('a')]") == false);
  // union: template-functions-array#union, including the nested-object merge example.
  CHECK(val("[union(createArray('one', 'two', 'three'), createArray('three', 'four'))]") ==
        Json::parse(R"(["one","two","three","four"])"));
  CHECK(val("[union(createObject('one', 'a', 'two', 'b', 'three', 'c1'), createObject('three', 'c2', 'four', 'd', "
            "'five', 'e'))]") == Json::parse(R"({"one":"a","two":"b","three":"c2","four":"d","five":"e"})"));
  CHECK(val("[union(json('{\"property\":{\"one\":\"a\",\"two\":\"b\",\"three\":\"c1\"},\"nestedArray\":[1,2]}'), "
            "json('{\"property\":{\"three\":\"c2\",\"four\":\"d\",\"five\":\"e\"},\"nestedArray\":[3,4]}'))]") ==
        Json::parse(R"({"property":{"one":"a","two":"b","three":"c2","four":"d","five":"e"},"nestedArray":[3,4]})"));
  // intersection: template-functions-array#intersection.
  CHECK(val("[intersection(createObject('one', 'a', 'two', 'b', 'three', 'c'), createObject('one', 'a', 'two', 'z', "
            "'three', 'c'))]") == Json::parse(R"({"one":"a","three":"c"})"));
  CHECK(val("[intersection(createArray('one', 'two', 'three'), createArray('two', 'three'))]") ==
        Json::parse(R"(["two","three"])"));
  // createArray, createObject, array: template-functions-array and template-functions-object.
  CHECK(val("[createArray(1, 2, 3)]") == Json::parse("[1,2,3]"));
  CHECK(val("[createObject('intProp', 1, 'stringProp', 'abc', 'boolProp', true(), 'arrayProp', createArray('a', "
            "'b', 'c'), 'objectProp', createObject('key1', 'value1'))]") ==
        Json::parse(R"({"intProp":1,"stringProp":"abc","boolProp":true,"arrayProp":["a","b","c"],
                        "objectProp":{"key1":"value1"}})"));
  CHECK(val("[array(1)]") == Json::parse("[1]"));
  CHECK(val("[array('efgh')]") == Json::parse(R"(["efgh"])"));
  CHECK(val("[array(createObject('a', 'b'))]") == Json::parse(R"([{"a":"b"}])"));
  CHECK(val("[array(createArray(1, 2))]") == Json::parse("[1,2]"));
  // items (sorted by key, as documented in template-functions-object#items) and objectKeys.
  CHECK(val("[items(createObject('item002', 2, 'item001', createObject('enabled', true())))]") ==
        Json::parse(R"([{"key":"item001","value":{"enabled":true}},{"key":"item002","value":2}])"));
  CHECK(val("[objectKeys(createObject('a', 1, 'b', 2))]") == Json::parse(R"(["a","b"])"));
  // tryGet: null for a missing key or index (worked out by hand from template-functions-object#tryget).
  CHECK(val("[tryGet(createObject('a', createObject('B', 1)), 'a', 'b')]") == 1);
  CHECK(val("[tryGet(createObject('a', 1), 'x')]").is_null());
  CHECK(val("[tryGet(createArray(1, 2), 1)]") == 2);
  CHECK(val("[tryGet(createArray(1, 2), 5)]").is_null());
  CHECK(val("[tryGet(createObject('a', 1), 'a', 'deeper')]").is_null());
  // shallowMerge: template-functions-object#shallowmerge (nested objects are replaced, not merged).
  CHECK(val("[shallowMerge(createArray(createObject('one', 'a'), createObject('two', 'b'), createObject('two', "
            "'c')))]") == Json::parse(R"({"one":"a","two":"c"})"));
  CHECK(val("[shallowMerge(createArray(createObject('one', 'a', 'nested', createObject('level1', 'value', 'level2', "
            "'value')), createObject('nested', createObject('level1', 'value'))))]") ==
        Json::parse(R"({"one":"a","nested":{"level1":"value"}})"));
  // first, last: template-functions-array#first.
  CHECK(val("[first(createArray('one', 'two', 'three'))]") == "one");
  CHECK(val("[last(createArray('one', 'two', 'three'))]") == "three");
  CHECK(val("[first(createArray())]").is_null());
  // range: template-functions-array#range (startIndex 5, count 3).
  CHECK(val("[range(5, 3)]") == Json::parse("[5,6,7]"));
  CHECK(val("[range(0, 0)]") == Json::array());
  // min, max: template-functions-array#min.
  CHECK(val("[min(createArray(0, 3, 2, 5, 4))]") == 0);
  CHECK(val("[min(0, 3, 2, 5, 4)]") == 0);
  CHECK(val("[max(createArray(0, 3, 2, 5, 4))]") == 5);
  CHECK(val("[max(0, 3, 2, 5, 4)]") == 5);
  // json: template-functions-object#json.
  CHECK(val("[json('{\"a\": \"b\"}')]") == Json::parse(R"({"a":"b"})"));
  CHECK(val("[json('null')]").is_null());
  CHECK(val("[json('[1, 2]')]") == Json::parse("[1,2]"));
  CHECK(val("[json('true')]") == true);
  CHECK(val("[json('\"demo\"')]") == "demo");
}

TEST_CASE("Numeric, comparison and logical functions", "[arm]") {
  // template-functions-numeric examples: add(5, 3), sub(7, 3), mul(5, 3), div(8, 3), mod(7, 3).
  CHECK(val("[add(5, 3)]") == 8);
  CHECK(val("[sub(7, 3)]") == 4);
  CHECK(val("[mul(5, 3)]") == 15);
  CHECK(val("[div(8, 3)]") == 2);
  CHECK(val("[mod(7, 3)]") == 1);
  // .NET integer division truncates toward zero; the remainder takes the dividend's sign.
  CHECK(val("[div(-7, 2)]") == -3);
  CHECK(val("[mod(-7, 2)]") == -1);
  // template-functions-comparison: ordinal string comparison ('A' < 'a').
  CHECK(val("[less(1, 2)]") == true);
  CHECK(val("[less('A', 'a')]") == true);
  CHECK(val("[greater('A', 'a')]") == false);
  CHECK(val("[greater(10, 5)]") == true);
  CHECK(val("[lessOrEquals(3, 3)]") == true);
  CHECK(val("[greaterOrEquals(2, 3)]") == false);
  CHECK(val("[equals(1, 1)]") == true);
  CHECK(val("[equals('a', 'A')]") == false);
  CHECK(val("[equals(createArray('a', 'b'), createArray('a', 'b'))]") == true);
  CHECK(val("[equals(createObject('a', 1), createObject('a', 1))]") == true);
  CHECK(val("[equals(1, '1')]") == false);
  // template-functions-comparison#coalesce.
  CHECK(val("[coalesce(json('null'), json('null'), 'default')]") == "default");
  CHECK(val("[coalesce(json('null'))]").is_null());
  // template-functions-logical: and, or, not, if.
  CHECK(val("[and(true(), false())]") == false);
  CHECK(val("[and(true(), true(), true())]") == true);
  CHECK(val("[or(true(), false())]") == true);
  CHECK(val("[or(false(), false())]") == false);
  CHECK(val("[not(true())]") == false);
  CHECK(val("[if(equals('a', 'a'), 'yes', 'no')]") == "yes");
  CHECK(val("[if(equals('a', 'b'), 'yes', 'no')]") == "no");
  CHECK(val("[if(true(), json('null'), 1)]").is_null());
  // Only the chosen branch is evaluated (template-functions-logical#if remarks).
  CHECK(val("[if(true(), 'ok', div(1, 0))]") == "ok");
}

TEST_CASE("Resource ids are composed as ARM composes them", "[arm]") {
  Context c;
  c.subscription_id = "11111111-2222-3333-4444-555555555555";
  c.resource_group = "rg-net";
  const std::string rg = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-net";
  CHECK(val("[resourceId('Microsoft.Network/virtualNetworks', 'vnet1')]", c) ==
        rg + "/providers/Microsoft.Network/virtualNetworks/vnet1");
  // A child type takes one name per type segment (template-functions-resource#resourceid).
  CHECK(val("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'sub')]", c) ==
        rg + "/providers/Microsoft.Network/virtualNetworks/vnet/subnets/sub");
  CHECK(val("[resourceId('Microsoft.Network/virtualNetworks/subnets/', 'vnet', 'sub')]", c) ==
        rg + "/providers/Microsoft.Network/virtualNetworks/vnet/subnets/sub");
  CHECK(val("[resourceId('otherRg', 'Microsoft.Storage/storageAccounts', 'st1')]", c) ==
        "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/otherRg/providers/"
        "Microsoft.Storage/storageAccounts/st1");
  CHECK(val("[resourceId('sub2', 'rg2', 'Microsoft.Network/publicIPAddresses', 'pip')]", c) ==
        "/subscriptions/sub2/resourceGroups/rg2/providers/Microsoft.Network/publicIPAddresses/pip");
  CHECK(val("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'abc')]", c) ==
        "/subscriptions/11111111-2222-3333-4444-555555555555/providers/Microsoft.Authorization/roleDefinitions/abc");
  CHECK(val("[subscriptionResourceId('sub9', 'Microsoft.Resources/resourceGroups', 'x')]", c) ==
        "/subscriptions/sub9/providers/Microsoft.Resources/resourceGroups/x");
  CHECK(val("[extensionResourceId(resourceGroup().id, 'Microsoft.Authorization/locks', 'lock1')]", c) ==
        rg + "/providers/Microsoft.Authorization/locks/lock1");
  CHECK(val("[tenantResourceId('Microsoft.Authorization/policyDefinitions', 'p')]", c) ==
        "/providers/Microsoft.Authorization/policyDefinitions/p");
  // Default scope: the documented placeholders.
  CHECK(val("[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg')]") ==
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/resource-group/providers/"
        "Microsoft.Network/networkSecurityGroups/nsg");
  // Scope objects.
  CHECK(val("[resourceGroup().id]", c) == rg);
  CHECK(val("[resourceGroup().name]", c) == "rg-net");
  CHECK(val("[subscription().subscriptionId]", c) == "11111111-2222-3333-4444-555555555555");
  CHECK(val("[subscription().id]", c) == "/subscriptions/11111111-2222-3333-4444-555555555555");
  c.deployment_name = "dep1";
  CHECK(val("[deployment().name]", c) == "dep1");
  CHECK(val("[environment().suffixes.storage]") == "core.windows.net");
  CHECK(val("[environment().name]") == "AzureCloud");
}

TEST_CASE("uniqueString is Azure's MurmurHash64 in base32", "[arm]") {
  // Vectors from the self-test of the public uniquestring.sh (Azure ARM/Bicep uniqueString() in pure bash),
  // whose author states they were checked against Bicep; arguments are joined with '-'.
  CHECK(val("[uniqueString('test')]") == "rbgf3xv4ufgzg");
  CHECK(val("[uniqueString('hello', 'world')]") == "a7wkljktk6wne");
  CHECK(val("[uniqueString('abc')]") == "cgtzqvhu4i23s");
  CHECK(val("[uniqueString('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/my-rg')]") ==
        "bmg7c6xu4tw46");
  CHECK(val("[uniqueString('foo', 'bar', 'baz')]") == "xzi4ioaxtmth4");
  CHECK(detail::unique_string("hello-world") == "a7wkljktk6wne");
  // A vector from Microsoft's own library: microsoft/commercial-marketplace-offer-deploy, test
  // UniqueStringShouldEqualValueCreatedFromArmTemplate, evaluates uniqueString with Azure.Deployments.Expression
  // and asserts this value "from the ARM template output" (an older copy of that test asserts "yeygmhukyx3qg"
  // for the same input; the two cannot both hold, and this one agrees with both reimplementations above).
  CHECK(val("[uniqueString('/subscriptions/31e9f9a0-9fd2-4294-a0a3-0101246d9700/resourceGroups/"
            "rg-modm201-20230913120256/providers/Microsoft.Compute/virtualMachines/bobjacmodm201')]") ==
        "yvjxno3je5on2");
  // 13 characters of the alphabet a-z2-7 for any input, including the empty string and every tail length.
  for (std::size_t n = 0; n < 20; ++n) {
    std::string u = detail::unique_string(std::string(n, 'x'));
    CHECK(u.size() == 13);
    CHECK(u.find_first_not_of("abcdefghijklmnopqrstuvwxyz234567") == std::string::npos);
  }
}

TEST_CASE("guid is a version 5 UUID in ARM's namespace", "[arm]") {
  // SHA-1 test vector of FIPS 180-1 ("abc").
  auto h = detail::sha1("abc");
  std::string hex;
  for (auto b : h) hex += "0123456789abcdef"[b >> 4], hex += "0123456789abcdef"[b & 15];
  CHECK(hex == "a9993e364706816aba3e25717850c26c9cd0d89d");
  // Expected values computed independently with Python's uuid.uuid5(UUID('11fb06fb-712d-4ddd-98c7-e71bbd588830'),
  // name), the arguments joined with '-' (the namespace and the joining as in Azure.Deployments.Expression).
  CHECK(val("[guid('a', 'b', 'c')]") == "a98fa280-e03f-5afa-8d8e-92d0a9c201e8");
  CHECK(val("[guid('test')]") == "d6a5baf1-8b9b-542a-8525-2982f1f98a0c");
  CHECK(val("[guid(resourceGroup().id)]") == "a22b423e-c354-507d-839f-044a532fadee");
}

TEST_CASE("CIDR functions match the documented examples", "[arm]") {
  // template-functions-cidr#parsecidr.
  CHECK(val("[parseCidr('10.144.0.0/20')]") == Json::parse(R"({"network":"10.144.0.0","netmask":"255.255.240.0",
        "broadcast":"10.144.15.255","firstUsable":"10.144.0.1","lastUsable":"10.144.15.254","cidr":20})"));
  CHECK(val("[parseCidr('fdad:3236:5555::/48')]") == Json::parse(R"({"network":"fdad:3236:5555::",
        "netmask":"ffff:ffff:ffff::","firstUsable":"fdad:3236:5555::",
        "lastUsable":"fdad:3236:5555:ffff:ffff:ffff:ffff:ffff","cidr":48})"));
  // template-functions-cidr#cidrsubnet: the first five /24 of 10.144.0.0/20 and /52 of fdad:3236:5555::/48.
  const char* v4[] = {"10.144.0.0/24", "10.144.1.0/24", "10.144.2.0/24", "10.144.3.0/24", "10.144.4.0/24"};
  const char* v6[] = {"fdad:3236:5555::/52", "fdad:3236:5555:1000::/52", "fdad:3236:5555:2000::/52",
                      "fdad:3236:5555:3000::/52", "fdad:3236:5555:4000::/52"};
  for (int i = 0; i < 5; ++i) {
    Context c;
    c.copy_indices[""] = i;
    CHECK(val("[cidrSubnet('10.144.0.0/20', 24, range(0, 5)[copyIndex()])]", c) == v4[i]);
    CHECK(val("[cidrSubnet('fdad:3236:5555::/48', 52, range(0, 5)[copyIndex()])]", c) == v6[i]);
  }
  // template-functions-cidr#cidrhost: index 0 is the first usable address.
  const char* h4[] = {"10.144.3.1", "10.144.3.2", "10.144.3.3", "10.144.3.4", "10.144.3.5"};
  const char* h6[] = {"fdad:3236:5555:3000::1", "fdad:3236:5555:3000::2", "fdad:3236:5555:3000::3",
                      "fdad:3236:5555:3000::4", "fdad:3236:5555:3000::5"};
  for (int i = 0; i < 5; ++i) {
    CHECK(val(cat({"[cidrHost('10.144.3.0/24', ", std::to_string(i), ")]"})) == h4[i]);
    CHECK(val(cat({"[cidrHost('fdad:3236:5555:3000::/52', ", std::to_string(i), ")]"})) == h6[i]);
  }
  // The docs' 192.168.1.0/24: usable .1 to .254, so index 253 is .254 and 254 is out of range.
  CHECK(val("[cidrHost('192.168.1.0/24', 253)]") == "192.168.1.254");
  Result r = ev("[cidrHost('192.168.1.0/24', 254)]");
  REQUIRE(r.error);
  CHECK(r.error->code == "index-out-of-range");
  r = ev("[cidrSubnet('10.0.0.0/16', 24, 256)]");
  REQUIRE(r.error);
  CHECK(r.error->code == "index-out-of-range");
  CHECK(val("[cidrSubnet('10.0.0.0/16', 24, 255)]") == "10.0.255.0/24");
}

TEST_CASE("copyIndex reads the loop indices of the context", "[arm]") {
  Context c;
  c.copy_indices[""] = 2;
  c.copy_indices["vmLoop"] = 7;
  CHECK(val("[copyIndex()]", c) == 2);
  CHECK(val("[copyIndex(1)]", c) == 3);
  CHECK(val("[copyIndex('VMLOOP')]", c) == 7);
  CHECK(val("[copyIndex('vmLoop', 10)]", c) == 17);
  CHECK(val("[concat('vm-', copyIndex(1))]", c) == "vm-3");
  Result r = ev("[copyIndex('other')]", c);
  REQUIRE(r.error);
  CHECK(r.error->code == "no-copy-loop");
  r = ev("[copyIndex()]");
  REQUIRE(r.error);
  CHECK(r.error->code == "no-copy-loop");
}

TEST_CASE("Copy-loop variables produce arrays", "[arm]") {
  // The variables example of "Variable iteration in ARM templates" (copy-variables): a top-level copy and a
  // copy property inside a variable's object.
  Context c;
  c.variables = Json::parse(R"({
    "disk-array-on-object": {
      "copy": [{"name": "disks", "count": 2,
                "input": {"name": "[concat('myDataDisk', copyIndex('disks', 1))]", "diskSizeGB": "1",
                          "diskIndex": "[copyIndex('disks')]"}}]
    },
    "copy": [{"name": "top-level-string-array", "count": 3, "input": "[concat('myDataDisk', copyIndex('top-level-string-array', 1))]"},
             {"name": "nested", "count": "[length(variables('top-level-string-array'))]", "input": "[copyIndex('nested')]"}]
  })");
  Evaluator e(c);
  Result r = e.variable("disk-array-on-object");
  REQUIRE(r.known());
  CHECK(r.value == Json::parse(R"({"disks":[{"name":"myDataDisk1","diskSizeGB":"1","diskIndex":0},
                                            {"name":"myDataDisk2","diskSizeGB":"1","diskIndex":1}]})"));
  CHECK(e.evaluate_string("[variables('top-level-string-array')]").value ==
        Json::parse(R"(["myDataDisk1","myDataDisk2","myDataDisk3"])"));
  CHECK(e.evaluate_string("[variables('nested')]").value == Json::parse("[0,1,2]"));
  CHECK(e.evaluate_string("[variables('disk-array-on-object').disks[1].name]").value == "myDataDisk2");
}

TEST_CASE("Variables are lazy, memoised, case-insensitive, and cycles are reported", "[arm]") {
  Context c;
  c.parameters = Json::parse(R"({"vnetName": "hub", "count": 3})");
  c.variables = Json::parse(R"({
    "vnetId": "[resourceId('Microsoft.Network/virtualNetworks', parameters('VNETNAME'))]",
    "subnetId": "[concat(Variables('VNETID'), '/subnets/default')]",
    "settings": {"names": ["[parameters('vnetName')]", "literal"], "size": "[parameters('count')]"},
    "a": "[variables('b')]",
    "b": "[concat(variables('c'), 'x')]",
    "c": "[variables('a')]",
    "self": "[variables('self')]",
    "bad": "[toLower(1)]",
    "ignoredBroken": "[nosuchfunction()]"
  })");
  Evaluator e(c);
  CHECK(e.evaluate_string("[VARIABLES('subnetId')]").value ==
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/resource-group/providers/"
        "Microsoft.Network/virtualNetworks/hub/subnets/default");
  CHECK(e.evaluate_string("[variables('settings').names[0]]").value == "hub");
  CHECK(e.evaluate_string("[variables('settings')['SIZE']]").value == 3);
  CHECK(e.evaluate_string("[Parameters('VnetName')]").value == "hub");

  Result r = e.evaluate_string("[variables('a')]");
  REQUIRE(r.error);
  CHECK(r.error->code == "circular-variable");
  CHECK(r.error->message == "variables: circular variable reference a -> b -> c -> a");
  r = e.evaluate_string("[variables('self')]");
  REQUIRE(r.error);
  CHECK(r.error->code == "circular-variable");
  CHECK(r.error->message == "variables: circular variable reference self -> self");
  // An error inside a variable names the variable, and its offset is in the variable's own string.
  r = e.evaluate_string("[concat('x', variables('bad'))]");
  REQUIRE(r.error);
  CHECK(r.error->code == "invalid-argument");
  CHECK(r.error->message == "in variable 'bad': toLower: argument 1 must be a string, got int 1");
  CHECK(r.error->offset == 1);
  CHECK(r.error->expression == "[toLower(1)]");
}

TEST_CASE("Parameter defaults are expressions evaluated lazily, given values win", "[arm]") {
  Context c;
  c.location = "westeurope";
  c.parameters = Json::parse(R"({"Prefix": "given"})");
  c.parameter_defaults = Json::parse(R"({
    "prefix": "default-prefix",
    "location": "[resourceGroup().location]",
    "vnetName": "[concat(parameters('PREFIX'), '-vnet-', parameters('location'))]",
    "literal": "[[not an expression]",
    "tags": {"env": "[toUpper('dev')]"},
    "p1": "[parameters('p2')]",
    "p2": "[parameters('p1')]",
    "bad": "[div(1, 0)]"
  })");
  Evaluator e(c);
  CHECK(e.evaluate_string("[parameters('vnetName')]").value == "given-vnet-westeurope");
  CHECK(e.evaluate_string("[parameters('literal')]").value == "[not an expression]");
  CHECK(e.evaluate_string("[parameters('tags').env]").value == "DEV");
  Result r = e.evaluate_string("[parameters('p1')]");
  REQUIRE(r.error);
  CHECK(r.error->code == "circular-parameter");
  CHECK(r.error->message == "parameters: circular default values p1 -> p2 -> p1");
  r = e.evaluate_string("[parameters('bad')]");
  REQUIRE(r.error);
  CHECK(r.error->code == "division-by-zero");
  CHECK(r.error->message == "in parameter 'bad': div: division by zero");
  // A given value is used as is, never evaluated.
  Context given;
  given.parameters = Json::parse(R"({"x": "[concat('a', 'b')]"})");
  CHECK(val("[parameters('x')]", given) == "[concat('a', 'b')]");
  // deployment() of a linked template: quickstarts default _artifactsLocation to its uri.
  CHECK(val("[uri(deployment().properties.templateLink.uri, 'nested/x.json')]") ==
        "https://template.invalid/nested/x.json");
  // uri: the examples of template-functions-string#uri.
  CHECK(val("[uri('http://contoso.org/firstpath', 'myscript.sh')]") == "http://contoso.org/myscript.sh");
  CHECK(val("[uri('http://contoso.org/firstpath/', 'myscript.sh')]") == "http://contoso.org/firstpath/myscript.sh");
  CHECK(val("[uri('http://contoso.org/firstpath/azuredeploy.json', 'myscript.sh')]") ==
        "http://contoso.org/firstpath/myscript.sh");
  CHECK(val("[uri('http://contoso.org/firstpath/azuredeploy.json/', 'myscript.sh')]") ==
        "http://contoso.org/firstpath/azuredeploy.json/myscript.sh");
  CHECK(val("[uri('http://contoso.com/resources/', 'nested/azuredeploy.json')]") ==
        "http://contoso.com/resources/nested/azuredeploy.json");
}

TEST_CASE("Lambda functions: filter, map, reduce, sort, toObject", "[arm]") {
  // The dogs example of template-functions-lambda.
  Context c;
  c.variables = Json::parse(R"({"dogs": [
    {"name": "Evie", "age": 5, "interests": ["Ball", "Frisbee"]},
    {"name": "Casper", "age": 3, "interests": ["Other dogs"]},
    {"name": "Indy", "age": 2, "interests": ["Butter"]},
    {"name": "Kira", "age": 8, "interests": ["Rubs"]}]})");
  Evaluator e(c);
  auto names = [&](const std::string& text) {
    Result r = e.evaluate_string(text);
    INFO(text);
    REQUIRE(r.known());
    Json out = Json::array();
    for (const auto& d : r.value) out.push_back(d["name"]);
    return out;
  };
  CHECK(names("[filter(variables('dogs'), lambda('dog', greaterOrEquals(lambdaVariables('dog').age, 5)))]") ==
        Json::parse(R"(["Evie","Kira"])"));
  CHECK(e.evaluate_string("[map(variables('dogs'), lambda('dog', lambdaVariables('dog').name))]").value ==
        Json::parse(R"(["Evie","Casper","Indy","Kira"])"));
  CHECK(e.evaluate_string("[reduce(map(variables('dogs'), lambda('d', lambdaVariables('d').age)), 0, "
                          "lambda('cur', 'next', add(lambdaVariables('cur'), lambdaVariables('next'))))]")
            .value == 18);
  CHECK(
      names("[sort(variables('dogs'), lambda('a', 'b', less(lambdaVariables('a').age, lambdaVariables('b').age)))]") ==
      Json::parse(R"(["Indy","Casper","Evie","Kira"])"));
  CHECK(e.evaluate_string("[toObject(variables('dogs'), lambda('d', lambdaVariables('d').name), "
                          "lambda('d', lambdaVariables('d').age))]")
            .value == Json::parse(R"({"Evie":5,"Casper":3,"Indy":2,"Kira":8})"));
  CHECK(e.evaluate_string("[map(createArray('a', 'b'), lambda('x', 'i', concat(lambdaVariables('x'), "
                          "string(lambdaVariables('i')))))]")
            .value == Json::parse(R"(["a0","b1"])"));
  // A comparator that is not an order still terminates with some permutation.
  Result r = e.evaluate_string("[sort(range(0, 50), lambda('a', 'b', true()))]");
  REQUIRE(r.known());
  CHECK(r.value.size() == 50);
  r = e.evaluate_string("[filter(variables('dogs'), 'not a lambda')]");
  REQUIRE(r.error);
  CHECK(r.error->code == "invalid-argument");
  CHECK(r.error->message == "filter: argument 2 must be lambda('name', ..., expression)");
  r = e.evaluate_string("[lambdaVariables('dog')]");
  REQUIRE(r.error);
  CHECK(r.error->code == "undefined-variable");
  r = e.evaluate_string("[map(createArray(1), lambda('x', reference('r')))]");
  CHECK((r.ok() && r.unknown));
}

TEST_CASE("Nested property access and indexing", "[arm]") {
  Context c = docs_parameters();
  CHECK(val("[parameters('nested').level1.items[1].name]", c) == "second");
  CHECK(val("[parameters('nested')['level1']['items'][0]['NAME']]", c) == "first");
  CHECK(val("[parameters('nested').level1.items[1].tags['env-name']]", c) == "prod");
  CHECK(val("[length(parameters('nested').level1.items)]", c) == 2);
  CHECK(val("[createArray(10, 20, 30)[add(1, 1)]]") == 30);
  CHECK(val("[split('a/b/c', '/')[2]]") == "c");
  CHECK(val("[json('{\"a\":{\"b\":[1,{\"c\":true}]}}').a.b[1].c]") == true);
}

TEST_CASE("reference() and list*() are unknown and unknown propagates", "[arm]") {
  Result r = ev("[reference('vm1').properties.ipAddress]");
  REQUIRE(r.ok());
  CHECK(r.unknown);
  CHECK(r.unknown_reason == "reference('vm1')");
  r = ev(
      "[concat('ip-', reference(resourceId('Microsoft.Network/publicIPAddresses', 'pip'), '2023-01-01').ipAddress)]");
  REQUIRE(r.ok());
  CHECK(r.unknown);
  CHECK(r.unknown_reason ==
        "reference('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/resource-group/providers/"
        "Microsoft.Network/publicIPAddresses/pip', '2023-01-01')");
  r = ev("[listKeys('st', '2021-01-01').keys[0].value]");
  CHECK((r.ok() && r.unknown && r.unknown_reason == "listKeys('st', '2021-01-01')"));
  r = ev("[toUpper(toLower(utcNow()))]");
  CHECK((r.ok() && r.unknown));
  r = ev("[createArray(reference('x'))[5]]");
  CHECK((r.ok() && r.unknown));
  // The result does not depend on the unknown: known.
  CHECK(val("[if(true(), 'a', reference('x'))]") == "a");
  CHECK(val("[and(false(), reference('x').enabled)]") == false);
  CHECK(val("[or(reference('x').enabled, true())]") == true);
  CHECK(val("[coalesce('first', reference('x'))]") == "first");
  r = ev("[and(true(), reference('x').enabled)]");
  CHECK((r.ok() && r.unknown));
  r = ev("[if(reference('x').enabled, 'a', 'b')]");
  CHECK((r.ok() && r.unknown));
  // Through variables.
  Context c;
  c.variables = Json::parse(R"({"ip": "[reference('pip').ipAddress]", "label": "[concat('ip ', variables('ip'))]"})");
  r = ev("[variables('label')]", c);
  CHECK((r.ok() && r.unknown && r.unknown_reason == "reference('pip')"));
  // An error in an argument still wins over unknown.
  r = ev("[concat(reference('x'), div(1, 0))]");
  REQUIRE(r.error);
  CHECK(r.error->code == "division-by-zero");
}

TEST_CASE("evaluate_json keeps known parts and lists unknown leaves by JSON pointer", "[arm]") {
  Context c;
  c.parameters = Json::parse(R"({"name": "web"})");
  const Json resource = Json::parse(R"({
    "name": "[concat(parameters('name'), '-nic')]",
    "properties": {
      "ipConfigurations": [{"name": "ipconfig1",
                            "properties": {"privateIPAddress": "[reference('other').ip]",
                                           "subnet": {"id": "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'a')]"}}}],
      "dnsSettings": {"dnsServers": "[listKeys('x', '1').servers]"},
      "copy": [{"name": "tags/x", "count": 2, "input": "[copyIndex('tags/x')]"}]
    }
  })");
  Evaluator e(c);
  std::vector<exposim::importers::arm::UnknownLeaf> unknowns;
  Result r = e.evaluate_json(resource, &unknowns);
  REQUIRE(r.known());
  CHECK(r.value["name"] == "web-nic");
  CHECK(r.value["properties"]["ipConfigurations"][0]["properties"]["privateIPAddress"].is_null());
  CHECK(r.value["properties"]["ipConfigurations"][0]["properties"]["subnet"]["id"] ==
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/resource-group/providers/"
        "Microsoft.Network/virtualNetworks/vnet/subnets/a");
  CHECK(r.value["properties"]["tags/x"] == Json::parse("[0,1]"));
  REQUIRE(unknowns.size() == 2);
  // Object members in nlohmann's (sorted) key order.
  CHECK(unknowns[0].pointer == "/properties/dnsSettings/dnsServers");
  CHECK(unknowns[0].reason == "listKeys('x', '1')");
  CHECK(unknowns[1].pointer == "/properties/ipConfigurations/0/properties/privateIPAddress");
  CHECK(unknowns[1].reason == "reference('other')");
  // Without the list, an unknown leaf makes the whole value unknown.
  r = e.evaluate_json(resource);
  CHECK((r.ok() && r.unknown));
  // Errors carry the element's pointer (escaped per RFC 6901).
  r = e.evaluate_json(Json::parse(R"({"a/b": [1, "[div(1, 0)]"]})"));
  REQUIRE(r.error);
  CHECK(r.error->code == "division-by-zero");
  CHECK(r.error->pointer == "/a~1b/1");
  CHECK(r.error->expression == "[div(1, 0)]");
}

TEST_CASE("Bad expressions give one clear error with its offset", "[arm]") {
  struct Case {
    const char* text;
    const char* code;
    std::size_t offset;
    const char* message;
  };
  const Case cases[] = {
      {"[concat('a'", "", 0, ""},  // not an expression (no closing ']'): a literal, checked below
      {"[concat('a)]", "expression-syntax", 8, "unterminated string"},
      {"[concat('a']", "expression-syntax", 7, "unbalanced parentheses: '(' of 'concat' is never closed"},
      {"[concat('a', 'b'], 'c')]", "expression-syntax", 16,
       "unbalanced brackets: unexpected ']' in the arguments of 'concat'"},
      {"[concat('a' 'b')]", "expression-syntax", 12, "expected ',' or ')' in the arguments of 'concat', got '''"},
      {"[concat('a', 'b'))]", "expression-syntax", 17, "unbalanced parentheses: unexpected ')'"},
      {"[toLower('a'   ]", "expression-syntax", 8, "unbalanced parentheses: '(' of 'toLower' is never closed"},
      {"[toLower('a'   ", "", 0, ""},
      {"[concat(]", "expression-syntax", 7, "unbalanced parentheses: '(' of 'concat' is never closed"},
      {"[concat(1)]]", "expression-syntax", 10, "unbalanced brackets: unexpected ']'"},
      {"[createArray(1)[0]", "expression-syntax", 15, "unbalanced brackets: '[' is never closed"},
      {"[concat]", "expression-syntax", 1, "expected '(' after function name 'concat'"},
      {"[]", "expression-syntax", 1, "empty expression"},
      {"[1.5]", "expression-syntax", 1, "decimal literals are not supported"},
      {"[concat('a',,'b')]", "expression-syntax", 12, "missing argument in 'concat'"},
      {"[\"a\"]", "expression-syntax", 1, "strings are quoted with ' in expressions, not \""},
      {"[99999999999999999999]", "expression-syntax", 1, "integer literal out of range"},
      {"[foo('a')]", "unknown-function", 1, "unknown function 'foo'"},
      {"[concat('x', my.func())]", "unknown-function", 13,
       "unknown function 'my.func' (user-defined functions are not supported)"},
      {"[toLower(5)]", "invalid-argument", 1, "toLower: argument 1 must be a string, got int 5"},
      {"[toLower('a', 'b')]", "invalid-argument", 1, "toLower: expected 1 argument, got 2"},
      {"[substring('abc', 1, 5)]", "index-out-of-range", 1,
       "substring: start 1 plus length 5 is beyond the string length 3"},
      {"[createObject('a')]", "invalid-argument", 1, "createObject: expected an even number of arguments, got 1"},
      {"[if(1, 'a', 'b')]", "invalid-argument", 1, "if: the condition must be a bool, got int 1"},
      {"[parameters('missing')]", "undefined-parameter", 1, "parameters: parameter 'missing' is not defined"},
      {"[variables('missing')]", "undefined-variable", 1, "variables: variable 'missing' is not defined"},
      {"[concat('a', div(10, sub(2, 2)))]", "division-by-zero", 13, "div: division by zero"},
      {"[mod(1, 0)]", "division-by-zero", 1, "mod: division by zero"},
      {"[createArray(1, 2)[2]]", "index-out-of-range", 18, "index 2 out of range for an array of 2 elements"},
      {"[createArray(1)[-1]]", "index-out-of-range", 15, "index -1 out of range for an array of 1 elements"},
      {"[createObject('a', 1).b]", "undefined-property", 21, "property 'b' does not exist"},
      {"['abc'.length]", "invalid-argument", 6, "cannot read property 'length' of string 'abc'"},
      {"[createArray(1)['a']]", "invalid-argument", 15, "cannot index array with string 'a'"},
      {"[json('{bad')]", "invalid-argument", 1, "json: '{bad' is not valid JSON"},
      {"[int('12a')]", "invalid-argument", 1, "int: cannot convert '12a' to an integer"},
      {"[add(9223372036854775807, 1)]", "invalid-argument", 1, "add: integer overflow"},
      {"[range(0, 10001)]", "limit-exceeded", 1, "range: count 10001 is larger than 10000"},
      {"[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet')]", "invalid-argument", 1,
       "resourceId: resource type 'Microsoft.Network/virtualNetworks/subnets' needs 2 name segments, got 1"},
      {"[resourceId('vnet')]", "invalid-argument", 1, "resourceId: expected at least 2 arguments, got 1"},
      {"[cidrSubnet('10.0.0.0/16', 8, 0)]", "invalid-argument", 1, "cidrSubnet: new CIDR 8 not in 16..32"},
      {"[parseCidr('10.0.0.0')]", "invalid-argument", 1, "parseCidr: '10.0.0.0' is not in CIDR notation"},
      {"[format('{1}', 'a')]", "invalid-argument", 1, "format: format item {1} refers to a missing argument (1 given)"},
      {"[format('{0', 'a')]", "invalid-argument", 1, "format: invalid format string: item at 0 is not closed with '}'"},
      {"[replace('a', '', 'b')]", "invalid-argument", 1, "replace: the string to replace must not be empty"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    Result r = ev(c.text);
    if (std::string(c.code).empty()) {
      // Not ending with ']': Azure treats the string as a literal.
      REQUIRE(r.known());
      CHECK(r.value == c.text);
      continue;
    }
    REQUIRE(r.error);
    CHECK(r.error->code == c.code);
    CHECK(r.error->offset == c.offset);
    CHECK(r.error->message == c.message);
    CHECK(r.error->expression == c.text);
  }
  Result r = ev("[foo()]");
  REQUIRE(r.error);
  CHECK(to_string(*r.error) == "offset 1 in '[foo()]': unknown function 'foo'");
}

TEST_CASE("Hostile input hits a limit instead of the stack or the clock", "[arm]") {
  // Deep nesting.
  std::string deep = "[";
  for (int i = 0; i < 5000; ++i) deep += "concat(";
  deep += "'a'";
  for (int i = 0; i < 5000; ++i) deep += ")";
  deep += "]";
  Result r = ev(deep);
  REQUIRE(r.error);
  CHECK(r.error->code == "limit-exceeded");
  // Exponential growth through variables: v40 would be 2^40 characters.
  Context c;
  c.variables["v0"] = "abcdefgh";
  for (int i = 1; i <= 40; ++i)
    c.variables[cat({"v", std::to_string(i)})] =
        cat({"[concat(variables('v", std::to_string(i - 1), "'), variables('v", std::to_string(i - 1), "'))]"});
  r = ev("[length(variables('v40'))]", c);
  REQUIRE(r.error);
  CHECK(r.error->code == "limit-exceeded");
  // Long variable chains.
  Context chain;
  for (int i = 0; i < 1000; ++i)
    chain.variables[cat({"x", std::to_string(i)})] = cat({"[variables('x", std::to_string(i + 1), "')]"});
  chain.variables["x1000"] = "end";
  r = ev("[variables('x0')]", chain);
  REQUIRE(r.error);
  CHECK(r.error->code == "limit-exceeded");
  // Deep JSON.
  r = ev(cat({"[json('", std::string(1000, '['), std::string(1000, ']'), "')]"}));
  REQUIRE(r.error);
  CHECK(r.error->code == "limit-exceeded");
  // Large outputs.
  r = ev("[format('{0,2000000}', 'a')]");
  REQUIRE(r.error);
  CHECK(r.error->code == "limit-exceeded");
  Context big;
  big.variables["r"] = "[range(0, 10000)]";
  big.variables["u"] =
      "[concat(variables('r'), variables('r'), variables('r'), variables('r'), variables('r'), "
      "variables('r'), variables('r'), variables('r'), variables('r'), variables('r'), variables('r'))]";
  r = ev("[length(variables('u'))]", big);
  REQUIRE(r.error);
  CHECK(r.error->code == "limit-exceeded");
  // Many uses of one large memoised value: each use is charged, so the copies stop at the work budget.
  std::string many = "[length(createArray(";
  for (int i = 0; i < 2000; ++i) many += i ? ", variables('r')" : "variables('r')";
  many += "))]";
  r = ev(many, big);
  REQUIRE(r.error);
  CHECK(r.error->code == "limit-exceeded");
  CHECK(r.error->message == "evaluation exceeded its work limit");  // the budget, not a size limit, stopped it
}

TEST_CASE("Every documented function name is in the table", "[arm]") {
  const char* names[] = {"concat",
                         "format",
                         "string",
                         "int",
                         "bool",
                         "toLower",
                         "toUpper",
                         "replace",
                         "split",
                         "join",
                         "substring",
                         "length",
                         "empty",
                         "contains",
                         "union",
                         "createArray",
                         "createObject",
                         "array",
                         "first",
                         "last",
                         "take",
                         "skip",
                         "range",
                         "not",
                         "equals",
                         "less",
                         "greater",
                         "lessOrEquals",
                         "greaterOrEquals",
                         "add",
                         "sub",
                         "mul",
                         "div",
                         "mod",
                         "min",
                         "max",
                         "resourceId",
                         "subscriptionResourceId",
                         "extensionResourceId",
                         "resourceGroup",
                         "subscription",
                         "deployment",
                         "environment",
                         "uniqueString",
                         "guid",
                         "cidrSubnet",
                         "cidrHost",
                         "parseCidr",
                         "json",
                         "true",
                         "false",
                         "null",
                         "trim",
                         "startsWith",
                         "endsWith",
                         "indexOf",
                         "lastIndexOf",
                         "padLeft",
                         "intersection",
                         "tenantResourceId",
                         "tenant",
                         "uri",
                         "base64",
                         "base64ToString",
                         "uriComponent",
                         "uriComponentToString",
                         "items",
                         "objectKeys",
                         "tryGet",
                         "shallowMerge"};
  for (const char* n : names) {
    INFO(n);
    CHECK(detail::find_builtin(detail::lower(n)) != nullptr);
  }
  CHECK(detail::find_builtin("nosuch") == nullptr);
}

TEST_CASE("Fuzzed expressions never crash and errors say where", "[arm]") {
  const std::vector<std::string> seeds = {
      "[concat('a', parameters('p'), variables('v'))]",
      "[format('{0}-{1:N0}', toUpper('x'), add(1, 2))]",
      "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'v', 's')]",
      "[if(equals(length(split('a,b', ',')), 2), createArray(1, 2)[1], json('null'))]",
      "[union(createObject('a', 1), json('{\"b\":[1,2]}')).b[0]]",
      "[cidrSubnet(parseCidr('10.0.0.0/16').network, 24, copyIndex())]",
      "[uniqueString(resourceGroup().id, guid('x'))]",
      "[reference('x').y[0]['z']]",
      "[variables('loop')[0]]",
      "[range(0, 3)[mod(7, 3)]]",
  };
  Context c;
  c.parameters = Json::parse(R"({"p": "param", "o": {"a": [1, 2]}})");
  c.variables = Json::parse(R"({"v": "[concat('v', parameters('p'))]", "w": "[variables('v')]",
                                "cyc": "[variables('cyc')]",
                                "copy": [{"name": "loop", "count": 3, "input": "[copyIndex('loop')]"}]})");
  c.copy_indices[""] = 1;
  const std::string alphabet = "[]()',.{}abcdefgptvxyz0123456789-\\\"N: ";
  std::mt19937 rng(12345);
  int errors = 0, known = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string s = seeds[rng() % seeds.size()];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits; ++k) {
      std::size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
      switch (rng() % 4) {
        case 0: s.insert(pos, 1, alphabet[rng() % alphabet.size()]); break;
        case 1:
          if (pos < s.size()) s.erase(pos, 1);
          break;
        case 2:
          if (pos < s.size()) s[pos] = alphabet[rng() % alphabet.size()];
          break;
        default: {
          // Splice a piece of another seed.
          const std::string& o = seeds[rng() % seeds.size()];
          std::size_t b = rng() % o.size();
          s.insert(pos, o.substr(b, rng() % 20));
        }
      }
    }
    Evaluator e(c);
    Result r = e.evaluate_string(s);
    if (r.error) {
      ++errors;
      CHECK(!r.error->code.empty());
      CHECK(!r.error->message.empty());
      CHECK(r.error->offset <= std::max(s.size(), r.error->expression.size()));
    } else if (!r.unknown) {
      ++known;
    }
  }
  CHECK(errors > 0);
  CHECK(known > 0);
}

TEST_CASE("Random well-formed calls with arguments of every type never crash", "[arm]") {
  // A grammar-aware generator: every function of the table (and the scope functions) with 0 to 4 arguments
  // drawn from strings, extreme integers, CIDRs, nested calls, property access and indexing.
  const std::vector<std::string> functions = {"concat",
                                              "format",
                                              "string",
                                              "int",
                                              "bool",
                                              "toLower",
                                              "toUpper",
                                              "replace",
                                              "split",
                                              "join",
                                              "substring",
                                              "length",
                                              "empty",
                                              "contains",
                                              "union",
                                              "intersection",
                                              "createArray",
                                              "createObject",
                                              "array",
                                              "first",
                                              "last",
                                              "take",
                                              "skip",
                                              "range",
                                              "not",
                                              "equals",
                                              "less",
                                              "greater",
                                              "lessOrEquals",
                                              "greaterOrEquals",
                                              "add",
                                              "sub",
                                              "mul",
                                              "div",
                                              "mod",
                                              "min",
                                              "max",
                                              "resourceId",
                                              "subscriptionResourceId",
                                              "extensionResourceId",
                                              "tenantResourceId",
                                              "resourceGroup",
                                              "subscription",
                                              "deployment",
                                              "environment",
                                              "uniqueString",
                                              "guid",
                                              "cidrSubnet",
                                              "cidrHost",
                                              "parseCidr",
                                              "json",
                                              "true",
                                              "false",
                                              "null",
                                              "trim",
                                              "startsWith",
                                              "endsWith",
                                              "indexOf",
                                              "lastIndexOf",
                                              "padLeft",
                                              "uri",
                                              "base64",
                                              "base64ToString",
                                              "uriComponent",
                                              "uriComponentToString",
                                              "items",
                                              "objectKeys",
                                              "tryGet",
                                              "shallowMerge",
                                              "filter",
                                              "map",
                                              "reduce",
                                              "sort",
                                              "toObject",
                                              "lambda",
                                              "lambdaVariables",
                                              "parameters",
                                              "variables",
                                              "copyIndex",
                                              "if",
                                              "and",
                                              "or",
                                              "coalesce",
                                              "reference",
                                              "listKeys"};
  const std::vector<std::string> atoms = {"''",
                                          "'a'",
                                          "'A,b;c'",
                                          "'{0}{1:N2}{2,-3}'",
                                          "'10.0.0.0/8'",
                                          "'10.1.2.0/31'",
                                          "'10.1.2.3/32'",
                                          "'::/0'",
                                          "'fdad::/127'",
                                          "'2001:db8::/128'",
                                          "'0.0.0.0/0'",
                                          "'Microsoft.Network/virtualNetworks/subnets'",
                                          "'x/'",
                                          "'p'",
                                          "'v'",
                                          "'loop'",
                                          "'null'",
                                          "'[1,2]'",
                                          "'{\"a\":{\"b\":1}}'",
                                          "'http://h/a/b'",
                                          "0",
                                          "1",
                                          "-1",
                                          "2",
                                          "31",
                                          "32",
                                          "64",
                                          "128",
                                          "129",
                                          "10001",
                                          "9223372036854775807",
                                          "-9223372036854775808",
                                          "true()",
                                          "false()",
                                          "null()"};
  Context c;
  c.parameters = Json::parse(R"({"p": [1, "two", {"three": 3}], "o": {"a": {"b": [true]}}})");
  c.variables = Json::parse(
      R"({"v": {"k": "[parameters('p')]"}, "copy": [{"name": "loop", "count": 2, "input": "[copyIndex('loop')]"}]})");
  c.copy_indices[""] = 3;
  std::mt19937 rng(777);
  std::function<std::string(int)> gen = [&](int depth) -> std::string {
    std::string s;
    if (depth <= 0 || rng() % 3 == 0) {
      s = atoms[rng() % atoms.size()];
    } else {
      s = functions[rng() % functions.size()] + "(";
      int n = static_cast<int>(rng() % 5);
      for (int i = 0; i < n; ++i) {
        if (i) s += ", ";
        s += gen(depth - 1);
      }
      s += ")";
    }
    switch (rng() % 6) {
      case 0: s += "[" + atoms[rng() % atoms.size()] + "]"; break;
      case 1: s += ".a"; break;
      default: break;
    }
    return s;
  };
  int known = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string text = cat({"[", gen(4), "]"});
    Evaluator e(c);
    Result r = e.evaluate_string(text);
    if (r.error) {
      CHECK(!r.error->code.empty());
      CHECK(!r.error->message.empty());
    } else if (!r.unknown) {
      ++known;
    }
  }
  CHECK(known > 100);
}
