// Input options, importing and validating, the diagnostic policy and the diagnostics printer.
#include "cli/input_options.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/exit_codes.h"
#include "cli/input_directories.h"
#include "cli/memory_limit.h"
#include "cli/output.h"
#include "cli/progress.h"
#include "cli/terminal.h"
#include "importers/azure/service_tags.h"
#include "importers/document.h"
#include "importers/document_value.h"
#include "importers/inputs.h"
#include "model/json_pointer.h"
#include "model/validate.h"

namespace exposim::cli {
namespace {

/// The largest --jobs accepted: more threads than this only cost memory.
constexpr int kMaxJobs = 1024;

/// "a,b", "c" -> {"a", "b", "c"}, blanks trimmed, empty items dropped.
std::vector<std::string> split_codes(const std::vector<std::string>& given) {
  std::vector<std::string> out;
  for (const auto& g : given) {
    std::size_t start = 0;
    while (start <= g.size()) {
      const std::size_t comma = std::min(g.find(',', start), g.size());
      std::string item = g.substr(start, comma - start);
      const auto b = item.find_first_not_of(" \t");
      const auto e = item.find_last_not_of(" \t");
      if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
      start = comma + 1;
    }
  }
  return out;
}

bool is_documented(std::string_view code) {
  const auto& codes = documented_codes();
  return std::binary_search(codes.begin(), codes.end(), code);
}

/// Reads the `--config` file into `fail_on` and `ignore`; errors (config-invalid, document-*) into `diags`.
void read_config(const std::string& path, std::set<std::string>& fail_on, std::set<std::string>& ignore,
                 model::Diagnostics& diags) {
  importers::DocumentLimits limits;
  limits.max_bytes = std::uint64_t{1} << 20;
  limits.json_positions = true;
  const auto doc = importers::load_document(path, diags, limits);
  if (!doc) return;
  const nlohmann::json& value = importers::json_of(*doc);
  if (!value.is_object()) {
    diags.error("config-invalid", doc->at(""),
                "the configuration is not a mapping; expected the keys fail-on and ignore");
    return;
  }
  for (const auto& [key, value] : value.items()) {
    const std::string at = "/" + model::escape_pointer_token(key);
    std::set<std::string>* into = key == "fail-on" ? &fail_on : key == "ignore" ? &ignore : nullptr;
    if (into == nullptr) {
      diags.error("config-invalid", doc->at(at), fmt::format("unknown key '{}'; expected fail-on or ignore", key));
      continue;
    }
    if (!value.is_array()) {
      diags.error("config-invalid", doc->at(at), fmt::format("'{}' is not a list of diagnostic codes", key));
      continue;
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
      const std::string item_at = at + "/" + std::to_string(i);
      if (!value[i].is_string()) {
        diags.error("config-invalid", doc->at(item_at), "a diagnostic code is not a string");
        continue;
      }
      const std::string code = value[i].get<std::string>();
      if (!is_documented(code)) {
        diags.error("config-invalid", doc->at(item_at),
                    fmt::format("unknown diagnostic code '{}' (docs/diagnostics.md lists them)", code));
        continue;
      }
      into->insert(code);
    }
  }
}

}  // namespace

const char* const kInputFilesHelp =
    "Azure resource JSON files (arrays, {\"value\":[...]}, {\"data\":[...]}), deployment templates and their "
    "parameter files";

void add_input_options(CLI::App& cmd, InputOptions& o, const std::string& files_help) {
  cmd.add_option("files", o.files, files_help)->required();
  cmd.add_option("--parameters", o.parameter_files,
                 "A template parameter file (deploymentParameters.json); repeatable");
  cmd.add_option("--param", o.parameters, "A template parameter as NAME=VALUE, after the parameter files; repeatable");
  cmd.add_option("--template-dir", o.template_dirs,
                 "A directory where linked templates given by URI are looked up (nested/x.json, then x.json); "
                 "repeatable");
  cmd.add_option("--allow-dir", o.allowed_dirs,
                 "A directory linked templates (relativePath) may be read from, besides the given template's own; "
                 "repeatable");
  cmd.add_option("--service-tags", o.service_tags,
                 "The published service-tag file (the weekly ServiceTags_Public_YYYYMMDD.json, or the output of az "
                 "network list-service-tags): every service tag resolves to its exact prefixes")
      ->type_name("FILE");
  cmd.add_option("--max-memory", o.max_memory,
                 "The most memory (address space) the run may use, e.g. 4G, 512M; 0 for no limit; default: the "
                 "machine's physical memory. Past it the run stops with 'out of memory' (exit 2)")
      ->transform(CLI::AsSizeValue(false))
      ->default_str("");
  cmd.add_flag("--strict", o.strict,
               "Treat warnings (assumptions taken about the input) as errors; a template parameter without a value "
               "is an error");
  cmd.add_option("--fail-on", o.fail_on,
                 "Diagnostic codes (comma-separated; repeatable) whose warnings and notes are errors (exit 2)");
  cmd.add_option("--ignore", o.ignore,
                 "Diagnostic codes (comma-separated; repeatable) whose warnings and notes are not printed and never "
                 "fail the run; errors cannot be ignored");
  cmd.add_option("--config", o.config, "A YAML or JSON file with the lists fail-on and ignore (docs/diagnostics.md)");
  cmd.add_flag("--allow-missing", o.allow_missing,
               "Accept references to resources absent from the input, assuming they admit everything (the default "
               "when an input is a template, except with --strict)");
  cmd.add_flag("-v,--verbose", o.verbose, "Say what was detected in each input file; print every diagnostic and note");
  cmd.add_flag("--timings", o.timings, "Print the time spent in each phase to stderr");
  cmd.add_flag("-q,--quiet", o.quiet,
               "Show no progress on stderr (progress is shown only on a terminal, for runs longer than a second)");
  cmd.add_option("-j,--jobs", o.jobs,
                 fmt::format("Threads that read the input files, solve and write analyze's JSON, 1 to {} (default: the "
                             "machine's hardware threads); the output is the same for any number",
                             kMaxJobs))
      ->check(CLI::Range(1, kMaxJobs));
}

const std::vector<std::string_view>& documented_codes() {
  static const std::vector<std::string_view> kCodes = [] {
    std::vector<std::string_view> v = {
#include "cli/documented_codes.inc"
    };
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  }();
  return kCodes;
}

std::optional<DiagnosticPolicy> DiagnosticPolicy::make(const InputOptions& o, std::ostream& err, int& exit_code) {
  DiagnosticPolicy p;
  p.strict_ = o.strict;
  bool usage_error = false;
  for (const auto& [option, given, into] :
       {std::tuple{"--fail-on", &o.fail_on, &p.fail_on_}, std::tuple{"--ignore", &o.ignore, &p.ignore_}}) {
    for (const auto& code : split_codes(*given)) {
      if (!is_documented(code)) {
        err << fmt::format("exposim: error: {}: unknown diagnostic code '{}' (docs/diagnostics.md lists them)\n",
                           option, code);
        usage_error = true;
        continue;
      }
      into->insert(code);
    }
  }
  if (usage_error) {
    exit_code = kExitUsage;
    return std::nullopt;
  }
  if (!o.config.empty()) {
    model::Diagnostics diags;
    read_config(o.config, p.fail_on_, p.ignore_, diags);
    if (diags.has_errors()) {
      print_diagnostics(err, diags.sorted(), true);
      exit_code = kExitBadInput;
      return std::nullopt;
    }
  }
  for (const auto& code : p.fail_on_) {
    if (p.ignore_.count(code) != 0) {
      err << fmt::format("exposim: error: diagnostic code '{}' is both failed on and ignored\n", code);
      usage_error = true;
    }
  }
  if (usage_error) {
    exit_code = kExitUsage;
    return std::nullopt;
  }
  return p;
}

void DiagnosticPolicy::apply_to_input(model::Diagnostics& diags) const {
  apply_to_findings(diags);
  if (strict_) diags.promote_warnings();
}

void DiagnosticPolicy::apply_to_findings(model::Diagnostics& findings) const {
  if (!ignore_.empty()) findings.drop_codes(ignore_);
  if (!fail_on_.empty()) findings.promote_codes(fail_on_);
}

void print_diagnostics(std::ostream& err, const std::vector<model::Diagnostic>& diags, bool verbose) {
  constexpr std::size_t kShownPerCode = 5;
  std::map<std::pair<std::string, std::string>, std::size_t> hidden;  // (file, code) -> warnings not shown
  std::map<std::pair<std::string, std::string>, std::size_t> seen;    // (file, code) -> warnings so far
  for (const auto& d : diags) {
    if (d.severity == model::Severity::kNote && !verbose) continue;  // --verbose and --format json only
    if (d.severity == model::Severity::kWarning && !verbose) {
      const std::pair key{d.where.file.str(), d.code};
      if (++seen[key] > kShownPerCode) {
        ++hidden[key];
        continue;
      }
    }
    err << "exposim: " << terminal_cell(model::to_string(d)) << '\n';  // one line, quoting the input
  }
  for (const auto& [key, n] : hidden) {
    err << fmt::format(
        "exposim: {}{}note: {} more diagnostics [{}] not shown; --verbose shows all, --format json "
        "lists all\n",
        key.first, key.first.empty() ? "" : ": ", n, key.second);
  }
}

void print_detected(const std::vector<importers::InputReport>& reports, std::ostream& err) {
  for (const auto& r : reports) {
    const auto& s = r.stats;
    if (r.kind == "parameters") {
      err << fmt::format("exposim: {}: detected a template parameter file\n", r.path);
      continue;
    }
    if (r.kind == "terraform") {
      err << fmt::format("exposim: {}: detected a {}, {} azurerm resources read", r.path, s.detected_shape,
                         s.resources);
    } else if (r.kind == "template") {
      err << fmt::format("exposim: {}: detected a deployment template, {} resources after expansion, {} modelled",
                         r.path, r.expanded, s.resources);
    } else {
      // What each shape usually comes from (json_stream.h): the file's content decides, not its name.
      const std::string& shape = s.detected_shape;
      const char* source = shape == "array"    ? " (a resource list: az resource list, az CLI output)"
                           : shape == "value"  ? " (an ARM REST list response)"
                           : shape == "data"   ? " (Resource Graph results)"
                           : shape == "object" ? " (one resource)"
                                               : "";
      err << fmt::format("exposim: {}: detected {} shape{}, {} resources", r.path, shape.empty() ? "no" : shape, source,
                         s.resources);
    }
    for (const auto& [type, n] : s.by_type) err << fmt::format(", {} {}", n, type);
    err << '\n';
  }
}

std::vector<importers::InputReport> import_files(const InputOptions& o, const std::vector<std::string>& given,
                                                 model::Model& m, model::Diagnostics& diags, std::ostream& err,
                                                 const std::vector<std::string>& prior_state, Progress* progress) {
  apply_memory_limit(o.max_memory);
  // A directory is read recursively: its input files take its place, in sorted order (cli/input_directories.h).
  std::vector<DirectoryInputs> dirs;
  const std::vector<std::string> files = expand_input_directories(given, dirs, diags);
  for (const auto& d : dirs) {
    if (!o.summarized_directories.insert(d.directory).second) continue;
    print_directory_summary(d, o.verbose, err);
    o.directories.push_back(d);
  }
  protect_inputs(files);  // no report is written over them (cli/output.h)
  protect_inputs(o.parameter_files);
  importers::InputOptions io;
  if (!o.service_tags.empty()) {
    if (!o.service_tag_table) {
      protect_inputs({o.service_tags});
      o.service_tag_table = importers::azure::read_service_tag_file(o.service_tags, diags);
    }
    if (!o.service_tag_table) return {};  // reported: the run stops on the error
    io.import.service_tags = o.service_tag_table.get();
    m.service_tags = o.service_tag_table;
  }
  // The bytes of the files before each one, and of all: what the progress line counts.
  std::vector<std::uintmax_t> before(files.size() + 1, 0);
  std::size_t current = 0;
  if (progress != nullptr && progress->enabled()) {
    for (std::size_t i = 0; i < files.size(); ++i) {
      std::error_code ec;
      const std::uintmax_t size = std::filesystem::file_size(files[i], ec);
      before[i + 1] = before[i] + (ec ? 0 : size);
    }
    io.on_input = [&](std::size_t i) {
      current = i;
      progress->update(import_progress_text(files[i], i, files.size(), before[i], before.back()));
    };
    io.import.on_bytes = [&](std::uint64_t bytes) {
      progress->update(
          import_progress_text(files[current], current, files.size(), before[current] + bytes, before.back()));
    };
  }
  io.prior_state = prior_state;
  io.parameter_files = o.parameter_files;
  io.parameters = o.parameters;
  for (const auto& d : dirs) io.directory_inputs.insert(io.directory_inputs.end(), d.files.begin(), d.files.end());
  io.template_dirs = o.template_dirs;
  io.allowed_dirs = o.allowed_dirs;
  io.strict = o.strict;
  io.jobs = o.jobs;
  auto reports = importers::import_inputs(files, io, m, diags);
  if (progress != nullptr) progress->clear();
  if (o.verbose) print_detected(reports, err);
  return reports;
}

model::ValidateOptions validate_options(const InputOptions& o, bool templates) {
  return model::ValidateOptions{o.allow_missing || (templates && !o.strict)};
}

}  // namespace exposim::cli
