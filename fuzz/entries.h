// The fuzz targets' entry points: one function per input that exposim reads, taking untrusted bytes and going
// through the same library calls as the command line. Each libFuzzer target (fuzz/<entry>_fuzz.cpp) calls one,
// and tests/fuzz_regression_test.cpp replays the regression corpus (tests/fuzz_regressions/<entry>/) through the
// same function in the ordinary suite (docs/fuzzing.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace exposim::fuzz {

/// Every entry returns 0 (what libFuzzer expects); a crash, a sanitizer report or a hang is the finding. None writes
/// or reads a file: inputs are given from memory, and reports are written to string streams.
///
/// Azure resource JSON: the streamed framing (JsonStream, in small read chunks so that elements straddle chunk
/// boundaries) and the per-resource parse of the resource importer, then finish() (child resources attached).
int fuzz_azure_resources(const std::uint8_t* data, std::size_t size);
/// A deployment template and a parameter file: the bytes before the first kArmTemplateSeparator are the template,
/// the bytes after it the parameter file (none without a separator). Parsed as ARM JSON, expanded, and the
/// expansion imported as the command line imports it.
int fuzz_arm_template(const std::uint8_t* data, std::size_t size);
/// One ARM template string (`[concat(parameters('p'), '-x')]`) evaluated against a fixed context of parameters,
/// defaults, variables (a copy loop among them) and a copy index.
int fuzz_arm_expression(const std::uint8_t* data, std::size_t size);
/// A `terraform show -json` document: detection, and the import of its planned values and of its prior state.
int fuzz_terraform_plan(const std::uint8_t* data, std::size_t size);
/// A whatif change document (JSON or YAML) applied to a small fixed estate; when it applies, the changed estate is
/// validated and analysed.
int fuzz_whatif_change(const std::uint8_t* data, std::size_t size);
/// A check spec (JSON or YAML) parsed; when it parses, evaluated against a small fixed analysed estate and written as
/// text, JSON and JUnit.
int fuzz_check_spec(const std::uint8_t* data, std::size_t size);
/// analyze end to end on Azure resource JSON of at most kAnalyzeMaxBytes: import, validate, solve, recommend, and
/// every report (table, JSON versions 1 and 2 and the summary, JSON Lines, CSV, the graph's DOT and JSON, the HTML
/// report) written to string streams.
int fuzz_analyze(const std::uint8_t* data, std::size_t size);

/// The small estate that fuzz_whatif_change() changes and fuzz_check_spec() checks, as Azure resource JSON: a VNet
/// `vnet-fuzz` with subnet `web` behind NSG `nsg-web` (`allow-ssh` from the internet at 100, `deny-rdp` at 200), and
/// VM `vm-web` whose NIC `nic-web` has the Standard public IP `pip-web` (20.1.2.3).
std::string_view fuzz_estate_text();

/// Separates the template from the parameter file in fuzz_arm_template's input.
inline constexpr std::string_view kArmTemplateSeparator = "\n#exposim-parameters#\n";
/// Larger inputs are ignored by fuzz_analyze: the solve is not linear in the estate, and a slow unit of a big
/// estate says nothing a small one would not.
inline constexpr std::size_t kAnalyzeMaxBytes = 64 * 1024;

}  // namespace exposim::fuzz
