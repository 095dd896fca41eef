// Output safety (docs/security.md): every report escapes what came from the input. A resource name, rule name or
// assertion name carrying terminal control sequences, markup and formula prefixes reaches each format of each
// command, and no format lets it act: the terminal formats show visible escapes, CSV defuses formulas, DOT, HTML,
// XML and JSON quote it by their own rules.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/analyze_csv.h"
#include "cli/exit_codes.h"
#include "cli/terminal.h"
#include "cli/text_table.h"
#include "cli_support.h"

namespace {

namespace fs = std::filesystem;
using namespace exposim;
using namespace exposim::testing;
using nlohmann::json;

// The hostile names. Each holds: OSC 0 (retitle the window) ended by BEL, CSI 2J (clear the screen), an SGR
// colour, a carriage return, U+009B (the one-character CSI), U+202E (right-to-left override), markup and quotes.
// The VM's name starts with '=' (a spreadsheet formula), the rule's with '+', the public IP's with '@'.
const std::string kSafetyVm = "=vm\x1b]0;owned\x07\x1b[2J\x1b[31mred\r<b>\"q\"&'\\\xc2\x9b\xe2\x80\xae</script>";
const std::string kSafetyRule = "+rule\x1b[8mhidden\x1b[0m<i>";
const std::string kSafetyPip = "@pip\x1b]52;c;ZXZpbA==\x07\n</failure>";
const std::string kSafetyAssertion = "assert\x1b[2J</testcase><x>&\nPASS forged";

/// The estate: vnet 10.0.0.0/16, subnet web 10.0.1.0/24 with nsg-web whose rule kSafetyRule allows TCP 22 from
/// Internet; the VM kSafetyVm (NIC nic-1 at 10.0.1.4) behind the public IP kSafetyPip 20.1.1.10. One exposure: TCP
/// 22 from any source, a management port. `with_rule` false leaves the rule out (no exposure: whatif's before).
std::string safety_estate(bool with_rule) {
  const std::string sub = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/";
  const std::string subnet_id = sub + "Microsoft.Network/virtualNetworks/vnet/subnets/web";
  const std::string nsg_id = sub + "Microsoft.Network/networkSecurityGroups/nsg-web";
  const std::string pip_id = sub + "Microsoft.Network/publicIPAddresses/pip-1";
  const std::string nic_id = sub + "Microsoft.Network/networkInterfaces/nic-1";
  const std::string vm_id = sub + "Microsoft.Compute/virtualMachines/vm-1";
  json rules = json::array();
  if (with_rule) {
    rules.push_back({{"name", kSafetyRule},
                     {"properties",
                      {{"priority", 100},
                       {"direction", "Inbound"},
                       {"access", "Allow"},
                       {"protocol", "Tcp"},
                       {"sourceAddressPrefix", "Internet"},
                       {"sourcePortRange", "*"},
                       {"destinationAddressPrefix", "*"},
                       {"destinationPortRange", "22"}}}});
  }
  json estate = json::array();
  estate.push_back(
      {{"type", "Microsoft.Network/virtualNetworks"},
       {"name", "vnet"},
       {"id", sub + "Microsoft.Network/virtualNetworks/vnet"},
       {"properties",
        {{"addressSpace", {{"addressPrefixes", {"10.0.0.0/16"}}}},
         {"subnets",
          {{{"name", "web"},
            {"id", subnet_id},
            {"properties", {{"addressPrefix", "10.0.1.0/24"}, {"networkSecurityGroup", {{"id", nsg_id}}}}}}}}}}});
  estate.push_back({{"type", "Microsoft.Network/networkSecurityGroups"},
                    {"name", "nsg-web"},
                    {"id", nsg_id},
                    {"properties", {{"securityRules", rules}}}});
  estate.push_back({{"type", "Microsoft.Network/publicIPAddresses"},
                    {"name", kSafetyPip},
                    {"id", pip_id},
                    {"sku", {{"name", "Standard"}}},
                    {"properties", {{"ipAddress", "20.1.1.10"}, {"publicIPAllocationMethod", "Static"}}}});
  estate.push_back({{"type", "Microsoft.Network/networkInterfaces"},
                    {"name", "nic-1"},
                    {"id", nic_id},
                    {"properties",
                     {{"virtualMachine", {{"id", vm_id}}},
                      {"ipConfigurations",
                       {{{"name", "ipconfig1"},
                         {"properties",
                          {{"primary", true},
                           {"privateIPAddress", "10.0.1.4"},
                           {"subnet", {{"id", subnet_id}}},
                           {"publicIPAddress", {{"id", pip_id}}}}}}}}}}});
  estate.push_back({{"type", "Microsoft.Compute/virtualMachines"},
                    {"name", kSafetyVm},
                    {"id", vm_id},
                    {"properties", {{"networkProfile", {{"networkInterfaces", {{{"id", nic_id}}}}}}}}});
  return estate.dump(2);
}

/// Where `text` first holds something a terminal would act on (a C0 control but newline and tab, DEL, a C1
/// control, a bidirectional override or isolate, a byte that is not UTF-8), or npos.
std::size_t first_terminal_unsafe(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return i;
      ++i;
      continue;
    }
    const std::size_t n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (n == 0 || i + n > text.size()) return i;
    std::uint32_t cp = c & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
    for (std::size_t k = 1; k < n; ++k) {
      const auto d = static_cast<unsigned char>(text[i + k]);
      if ((d & 0xc0) != 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) return i;
    i += n;
  }
  return std::string::npos;
}

/// `text` is safe on a terminal (with the offending place shown when it is not).
void check_terminal_safe(const std::string& what, const std::string& text) {
  const std::size_t at = first_terminal_unsafe(text);
  INFO(what << ": unsafe at " << at << ": "
            << (at == std::string::npos ? std::string() : text.substr(at > 20 ? at - 20 : 0, 60)));
  CHECK(at == std::string::npos);
}

/// The scratch directory with the estate before and after, the spec and an output directory.
struct SafetyFiles {
  fs::path dir = scratch_dir("output-safety");
  std::string estate = (dir / "estate.json").string();
  std::string before = (dir / "before.json").string();
  std::string spec = (dir / "spec.json").string();
  SafetyFiles() {
    write_file(estate, safety_estate(true));
    write_file(before, safety_estate(false));
    const json spec_doc = {{"version", 1},
                           {"assertions", {{{"name", kSafetyAssertion}, {"kind", "no-management-ports"}}}}};
    write_file(spec, spec_doc.dump());
  }
  SafetyFiles(const SafetyFiles&) = delete;
  SafetyFiles& operator=(const SafetyFiles&) = delete;
  ~SafetyFiles() { fs::remove_all(dir); }
};

}  // namespace

TEST_CASE("terminal_text escapes control characters C1 controls bidi overrides and bytes that are not UTF-8",
          "[cli][security]") {
  // Expected by hand: C0 and DEL as \xNN, C1 and the bidi controls as \uNNNN, a byte outside UTF-8 as \xNN.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"plain name-1", "plain name-1"},
      {"a\x1b[31mb", "a\\x1b[31mb"},
      {"\x1b]0;title\x07", "\\x1b]0;title\\x07"},
      {"line\r\nnext\ttab", "line\\x0d\nnext\ttab"},
      {"del\x7f", "del\\x7f"},
      {"nul", "nul"},
      {std::string("a\0b", 3), "a\\x00b"},
      {"\xc2\x9b"
       "2J",
       "\\u009b2J"},                           // U+009B, the 8-bit CSI, encoded in UTF-8
      {"\xc2\x80\xc2\x9f", "\\u0080\\u009f"},  // the first and last C1 controls
      {"\xc2\xa0", "\xc2\xa0"},                // U+00A0 (no-break space) is not a control
      {"\x9b"
       "2J",
       "\\x9b2J"},  // the raw byte 0x9B, not UTF-8
      {"abc\xe2\x80\xaetxt", "abc\\u202etxt"},
      {"\xe2\x80\xaa\xe2\x81\xa6\xe2\x81\xa9", "\\u202a\\u2066\\u2069"},
      {"\xe2\x80\xa9", "\xe2\x80\xa9"},  // U+2029 is left alone
      {"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80",
       "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80"},
      {"cut\xe2\x80", "cut\\xe2\\x80"},  // a sequence the text ends inside
      {"\xe2\x80"
       "A",
       "\\xe2\\x80A"},                               // a sequence broken by an ASCII byte
      {"\xc0\xaf", "\\xc0\\xaf"},                    // an overlong '/'
      {"\xed\xa0\x80", "\\xed\\xa0\\x80"},           // a UTF-16 surrogate
      {"\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"},  // past U+10FFFF
      {"\xff\xfe", "\\xff\\xfe"},
  };
  for (const auto& [in, expected] : cases) {
    INFO(in);
    CHECK(cli::terminal_text(in) == expected);
    CHECK(cli::terminal_text(expected) == expected);  // the escaped text is printable: escaping again keeps it
  }
}

TEST_CASE("the terminal-safe stream escapes a UTF-8 sequence split across writes", "[cli][security]") {
  std::ostringstream target;
  cli::write_terminal_safe(target, [](std::ostream& out) {
    out << "x\xe2";
    out << '\x80';
    out << "\xae"
        << "y\x1b" << std::flush;
    out << "\xc2";  // unfinished when the stream ends
  });
  CHECK(target.str() == "x\\u202ey\\x1b\\xc2");
  // write_text_table measures the escaped cells: the columns line up after the escape.
  std::ostringstream table;
  cli::write_text_table(table, {"NAME", "X"}, {{"a\x1b", "1"}, {"bbbbbb", "2"}, {"c\nd\te", "3"}});
  // Widths after the escape: the first column is 11 wide ("c\\x0ad\\x09e"), then two spaces.
  CHECK(table.str() == "NAME         X\na\\x1b        1\nbbbbbb       2\nc\\x0ad\\x09e  3\n");
  CHECK(cli::terminal_cell("a\nb\tc\x1b") == "a\\x0ab\\x09c\\x1b");
}

TEST_CASE("every terminal format of every command shows hostile names as visible escapes", "[cli][security]") {
  const SafetyFiles f;
  struct Case {
    std::vector<std::string> args;
    int code;
  };
  const std::vector<Case> cases = {
      {{"analyze", f.estate}, cli::kExitOk},
      {{"analyze", f.estate, "--width", "60"}, cli::kExitOk},
      {{"analyze", f.estate, "--summary"}, cli::kExitOk},
      {{"explain", f.estate, "--from", "81.2.69.200", "--to", "20.1.1.10", "--port", "22"}, cli::kExitOk},
      {{"recommend", f.estate}, cli::kExitOk},
      {{"check", f.estate, "--spec", f.spec}, cli::kExitFindings},
      {{"whatif", f.before, "--after", f.estate}, cli::kExitFindings},
      {{"whatif", f.before, "--after", f.estate, "--format", "markdown"}, cli::kExitFindings},
  };
  for (const auto& c : cases) {
    std::string line;
    for (const auto& a : c.args) line += a + " ";
    INFO(line);
    const auto r = run_exposim(c.args);
    CHECK(r.code == c.code);
    check_terminal_safe("stdout", r.out);
    check_terminal_safe("stderr", r.err);
  }
  // The names are shown, escaped, not dropped.
  const auto table = run_exposim({"analyze", f.estate});
  CHECK_THAT(table.out, Catch::Contains("=vm\\x1b]0;owned\\x07\\x1b[2J\\x1b[31mred\\x0d<b>\"q\"&'\\\\u009b\\u202e"));
  CHECK_THAT(table.out, Catch::Contains("+rule\\x1b[8mhidden\\x1b[0m<i>"));
  const auto check = run_exposim({"check", f.estate, "--spec", f.spec});
  CHECK_THAT(check.out, Catch::Contains("FAIL  assert\\x1b[2J</testcase><x>&\\x0aPASS forged (no-management-ports): "));
  // A line break in a name stays on its line in recommend's and check's text: no line of the report is forged.
  const auto recommend = run_exposim({"recommend", f.estate});
  CHECK_THAT(recommend.out, Catch::Contains("through public IP '@pip\\x1b]52;c;ZXZpbA==\\x07\\x0a</failure>'"));
  CHECK(recommend.out.find("\n</failure>") == std::string::npos);
  CHECK(check.out.find("\nPASS forged") == std::string::npos);
  // Markdown for a pull-request comment: no HTML, link or image from a name either.
  const auto md = run_exposim({"whatif", f.before, "--after", f.estate, "--format", "markdown"});
  CHECK(md.out.find("<b>") == std::string::npos);
  CHECK(md.out.find("<i>") == std::string::npos);
  CHECK_THAT(md.out, Catch::Contains("+rule\\x1b\\[8mhidden\\x1b\\[0m&lt;i>"));
  const auto trace = run_exposim({"explain", f.estate, "--from", "81.2.69.200", "--to", "20.1.1.10", "--port", "22"});
  CHECK_THAT(trace.out, Catch::Contains("+rule\\x1b[8mhidden\\x1b[0m<i>"));
  CHECK_THAT(trace.out,
             Catch::Contains("flow: tcp 81.2.69.200:49152 -> =vm\\x1b]0;owned\\x07\\x1b[2J\\x1b[31mred\\x0d<b>"));
  // A table cell escapes the line break too: the public IP's name stays in its cell.
  CHECK_THAT(trace.out,
             Catch::Contains("entry         pass    @pip\\x1b]52;c;ZXZpbA==\\x07\\x0a</failure>  public IP"));
}

TEST_CASE("diagnostics quoting the input are escaped on stderr", "[cli][security]") {
  const SafetyFiles f;
  // A rule whose priority is out of range: the diagnostic names the rule; a type not modelled: it names the type.
  json estate = json::parse(safety_estate(true));
  estate[1]["properties"]["securityRules"][0]["properties"]["priority"] = 5000;
  estate.push_back({{"type", "Microsoft.Evil/\x1b[2Jthings"}, {"name", "x"}, {"id", "/x\x1b]0;t\x07"}});
  write_file(f.dir / "bad.json", estate.dump());
  const auto r = run_exposim({"analyze", (f.dir / "bad.json").string(), "--verbose"});
  INFO(r.err);
  CHECK_FALSE(r.err.empty());
  check_terminal_safe("stderr", r.err);
  CHECK_THAT(r.err, Catch::Contains("microsoft.evil/\\x1b[2jthings"));
}

TEST_CASE("analyze's CSV defuses formulas and quotes the cells of hostile names", "[cli][security]") {
  const SafetyFiles f;
  const auto r = run_exposim({"analyze", f.estate, "--format", "csv"});
  REQUIRE(r.code == cli::kExitOk);
  // Row 2: the target cell is the VM's name behind a "'" (it starts with '='), quoted (it holds '"' and CR), its
  // quotes doubled; the entry is the public IP's, "'@pip..." quoted (a line break); the rule cell "'+rule...".
  const std::string target =
      "\"'" + std::string("=vm\x1b]0;owned\x07\x1b[2J\x1b[31mred\r<b>\"\"q\"\"&'\\\xc2\x9b\xe2\x80\xae</script>") +
      "\"";
  CHECK_THAT(r.out, Catch::Contains("\n" + target + ",virtual-machine,"));
  CHECK_THAT(r.out, Catch::Contains(",\"'@pip\x1b]52;c;ZXZpbA==\x07\n</failure>\","));
  // The rule cells start with the NSG's name: no formula, no quotes needed.
  CHECK_THAT(r.out, Catch::Contains(",nsg-web/+rule\x1b[8mhidden\x1b[0m<i> (100),no NSG,"));
  // Every cell that starts with a formula character has the quote in front.
  for (const char* cell : {"=1+1", "+1", "-1", "@SUM(A1)", "\tx"}) {
    INFO(cell);
    CHECK(cli::csv_cell(cell).substr(0, 2) == std::string("'") + cell[0]);
  }
  CHECK(cli::csv_cell("\rx") == "\"'\rx\"");
}

TEST_CASE("graph's DOT and JSON quote hostile names", "[cli][security]") {
  const SafetyFiles f;
  const auto dot = run_exposim({"graph", f.estate, "--format", "dot"});
  REQUIRE(dot.code == cli::kExitOk);
  check_terminal_safe("dot", dot.out);
  // The VM's label: its name with the control characters as visible escapes, a '"' and '\' escaped for DOT.
  CHECK_THAT(dot.out,
             Catch::Contains("=vm\\\\x1b]0;owned\\\\x07\\\\x1b[2J\\\\x1b[31mred\\\\r<b>\\\"q\\\"&amp;'\\\\\\\\u009b"
                             "\\\\u202e</script>"));
  // Every line is a statement or a brace: no name broke a quoted string across lines.
  std::istringstream lines(dot.out);
  for (std::string l; std::getline(lines, l);) {
    INFO(l);
    const bool statement = l.empty() || l.back() == ';' || l.back() == '{' || l.back() == '}' || l.back() == '\\' ||
                           l.find("<T") != std::string::npos || l.find("</T") != std::string::npos;
    CHECK(statement);
  }
  const auto j = run_exposim({"graph", f.estate, "--format", "json"});
  REQUIRE(j.code == cli::kExitOk);
  const json doc = json::parse(j.out);
  // The node's name is its label's first line: control characters as visible escapes there too.
  bool found = false;
  for (const auto& n : doc.at("nodes")) {
    found = found ||
            n.value("name", "") == "=vm\\x1b]0;owned\\x07\\x1b[2J\\x1b[31mred\\r<b>\"q\"&'\\\\u009b\\u202e</script>";
  }
  CHECK(found);
}

TEST_CASE("the HTML report never lets a hostile name out of its data", "[cli][security]") {
  const SafetyFiles f;
  const auto r = run_exposim({"report", f.estate});
  REQUIRE(r.code == cli::kExitOk);
  // No '<' of the input anywhere in the page: the data block escapes '<', '>' and '&' as \u003c, \u003e, \u0026.
  for (const char* raw : {"<b>", "<i>", "</failure>", "\x1b", "\x07"}) {
    INFO(raw);
    CHECK(r.out.find(raw) == std::string::npos);
  }
  CHECK(r.out.find("\\u003cb\\u003e") != std::string::npos);
  // Exactly the page's own two </script> tags.
  std::size_t closes = 0;
  for (auto at = r.out.find("</script>"); at != std::string::npos; at = r.out.find("</script>", at + 1)) ++closes;
  CHECK(closes == 2);
}

TEST_CASE("check's JUnit and SARIF escape hostile names", "[cli][security]") {
  const SafetyFiles f;
  const std::string junit = (f.dir / "junit.xml").string();
  const std::string sarif = (f.dir / "check.sarif").string();
  const auto r = run_exposim({"check", f.estate, "--spec", f.spec, "--junit", junit, "--sarif", sarif});
  CHECK(r.code == cli::kExitFindings);
  const std::string xml = read_file(junit);
  // XML: markup as entities, control characters (not allowed in XML 1.0) as '?'.
  CHECK_THAT(xml, Catch::Contains("<testcase name=\"assert?[2J&lt;/testcase&gt;&lt;x&gt;&amp;\nPASS forged\""));
  CHECK(xml.find("</testcase><x>") == std::string::npos);
  CHECK(xml.find('\x1b') == std::string::npos);
  CHECK(xml.find("\x07") == std::string::npos);
  CHECK_THAT(xml, Catch::Contains("=vm?]0;owned??[2J?[31mred\r&lt;b&gt;&quot;q&quot;&amp;&apos;"));
  // SARIF is JSON: it parses, the rule id keeps the name, the message has no control character but line breaks.
  const json doc = json::parse(read_file(sarif));
  const auto& run = doc.at("runs").at(0);
  CHECK(run.at("tool").at("driver").at("rules").at(0).at("id") == kSafetyAssertion);
  const std::string message = run.at("results").at(0).at("message").at("text");
  CHECK(message.find('\x1b') == std::string::npos);
  CHECK_THAT(message, Catch::Contains("=vm ]0;owned  [2J [31mred <b>"));
}

TEST_CASE("the JSON and JSON Lines reports keep hostile names exactly", "[cli][security]") {
  const SafetyFiles f;
  for (const char* format : {"json", "jsonl"}) {
    INFO(format);
    const auto r = run_exposim({"analyze", f.estate, "--format", format});
    REQUIRE(r.code == cli::kExitOk);
    CHECK(r.out.find('\x1b') == std::string::npos);  // JSON writes control characters as \u001b
    CHECK(r.out.find("\\u001b") != std::string::npos);
    std::istringstream lines(r.out);
    std::string all = r.out;
    if (std::string(format) == "jsonl") std::getline(lines, all);
    CHECK_NOTHROW(json::parse(all));
  }
}

TEST_CASE("a check spec whose bytes are not UTF-8 is a syntax error at its line not an internal error",
          "[cli][security]") {
  // YAML takes any bytes into a string; the JSON, SARIF and JUnit writers need UTF-8 (this was exit 70).
  const SafetyFiles f;
  const std::string spec = (f.dir / "bad-utf8.yaml").string();
  write_file(spec, "version: 1\nassertions:\n  - name: \"bad\xff\xc0name\"\n    kind: no-management-ports\n");
  const auto r = run_exposim({"check", f.estate, "--spec", spec, "--format", "json"});
  CHECK(r.code == cli::kExitBadInput);
  CHECK_THAT(
      r.err,
      Catch::Contains(
          "bad-utf8.yaml:3:15: error: invalid UTF-8 byte 0xff; a YAML document must be UTF-8 [document-syntax]"));
  // Line 3 is `  - name: "bad` then the byte: column 15. Valid UTF-8 in the same place passes.
  write_file(spec, "version: 1\nassertions:\n  - name: \"caf\xc3\xa9 \xe6\x97\xa5\"\n    kind: no-management-ports\n");
  CHECK(run_exposim({"check", f.estate, "--spec", spec, "--format", "json"}).code == cli::kExitFindings);
}

TEST_CASE("whatif's Markdown mentions nobody and keeps names with backticks in their code span", "[cli][security]") {
  // The safety estate without its rule, with a hostile NSG name and VM name, and a change that adds an SSH rule to
  // that NSG: the NSG is the changed resource (its name in a code span), the VM the target of the opened exposure
  // and the NSG the subnet's filter (both in table cells).
  const fs::path dir = scratch_dir("markdown-mentions");
  json estate = json::parse(safety_estate(false));
  estate[1]["name"] = "``nsg`@octocat";
  estate[4]["name"] = "vm @org/team `x`";
  write_file(dir / "before.json", estate.dump());
  const json change = {{"changes",
                        {{{"op", "add-nsg-rule"},
                          {"nsg", "``nsg`@octocat"},
                          {"rule",
                           {{"name", "allow-ssh"},
                            {"properties",
                             {{"priority", 110},
                              {"direction", "Inbound"},
                              {"access", "Allow"},
                              {"protocol", "Tcp"},
                              {"sourceAddressPrefix", "Internet"},
                              {"sourcePortRange", "*"},
                              {"destinationAddressPrefix", "*"},
                              {"destinationPortRange", "22"}}}}}}}}};
  write_file(dir / "change.json", change.dump());
  const auto md = run_exposim(
      {"whatif", (dir / "before.json").string(), "--change", (dir / "change.json").string(), "--format", "markdown"});
  fs::remove_all(dir);
  INFO(md.out);
  CHECK(md.code == cli::kExitFindings);
  // The code span's fence is one backtick longer than the name's longest run (2), with a space inside because the
  // name starts with a backtick: GitHub shows ``nsg`@octocat as written, and nothing in a code span is a mention.
  CHECK_THAT(md.out, Catch::Contains("Changed resources: network-security-group ``` ``nsg`@octocat ```.\n"));
  // In a cell: `@` followed by a zero-width space (an entity), backticks escaped.
  CHECK_THAT(md.out, Catch::Contains("| vm @&#8203;org/team \\`x\\` |"));
  CHECK_THAT(md.out, Catch::Contains("| subnet: \\`\\`nsg\\`@&#8203;octocat/allow-ssh (110) > nic: no NSG |"));
  // No mention anywhere else: "@org" never, "@octocat" only in the code span.
  CHECK(md.out.find("@org") == std::string::npos);
  CHECK(md.out.find("@octocat") == md.out.rfind("@octocat"));
}

TEST_CASE("whatif's Markdown links no issue reference or bare URL from a name", "[cli][security]") {
  // As above, with names that GitHub would turn into links in a comment: issue references (#12, GH-7, owner/repo#3)
  // and bare URLs (https://, www.). In a cell each gets a zero-width space that breaks the reference.
  const fs::path dir = scratch_dir("markdown-references");
  json estate = json::parse(safety_estate(false));
  estate[1]["name"] = "nsg#5";
  estate[4]["name"] = "vm #12 gh-7 org/repo#3 https://evil.example/x WWW.evil.example #x GH-y";
  write_file(dir / "before.json", estate.dump());
  const json change = {{"changes",
                        {{{"op", "add-nsg-rule"},
                          {"nsg", "nsg#5"},
                          {"rule",
                           {{"name", "allow-ssh"},
                            {"properties",
                             {{"priority", 110},
                              {"direction", "Inbound"},
                              {"access", "Allow"},
                              {"protocol", "Tcp"},
                              {"sourceAddressPrefix", "Internet"},
                              {"sourcePortRange", "*"},
                              {"destinationAddressPrefix", "*"},
                              {"destinationPortRange", "22"}}}}}}}}};
  write_file(dir / "change.json", change.dump());
  const auto md = run_exposim(
      {"whatif", (dir / "before.json").string(), "--change", (dir / "change.json").string(), "--format", "markdown"});
  fs::remove_all(dir);
  INFO(md.out);
  CHECK(md.code == cli::kExitFindings);
  // `#` and `-` before a digit, `:` before `//`, `.` after `www`: a zero-width space each; `#x` and `GH-y` are no
  // references and stay as they are.
  CHECK_THAT(md.out, Catch::Contains("| vm #&#8203;12 gh-&#8203;7 org/repo#&#8203;3 https:&#8203;//evil.example/x "
                                     "WWW&#8203;.evil.example #x GH-y |"));
  CHECK_THAT(md.out, Catch::Contains("| subnet: nsg#&#8203;5/allow-ssh (110) > nic: no NSG |"));
  // The changed resource's name is in a code span, where GitHub links nothing: as written.
  CHECK_THAT(md.out, Catch::Contains("Changed resources: network-security-group `nsg#5`.\n"));
  CHECK(md.out.find("#12") == std::string::npos);
  CHECK(md.out.find("://evil") == std::string::npos);
}
