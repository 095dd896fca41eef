// The input options of every command that reads an estate, importing and validating them (the pipeline of the
// commands is cli/pipeline.h), what the user chose to do with diagnostic codes (--strict, --fail-on, --ignore,
// --config) and the one diagnostics printer of all commands (docs/diagnostics.md).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cli/input_directories.h"
#include "importers/inputs.h"
#include "model/diagnostic.h"
#include "model/model.h"
#include "model/parallel.h"
#include "model/validate.h"

namespace CLI {
class App;
}

namespace exposim::cli {

class Progress;

struct InputOptions {
  std::vector<std::string> files;
  std::vector<std::string> parameter_files;
  std::vector<std::string> parameters;
  std::vector<std::string> template_dirs;
  std::vector<std::string> allowed_dirs;  // --allow-dir
  /// --service-tags: the published service-tag file (docs/model.md, "Service tags"); "" for none.
  std::string service_tags;
  /// The table read from `service_tags` by the first import_files() of the run, shared by the later ones (whatif
  /// reads the estate twice) so that the file is read, and its diagnostics given, once.
  mutable std::shared_ptr<const model::ServiceTagTable> service_tag_table;
  /// The input directories whose summary import_files() printed already (whatif reads the estate twice).
  mutable std::set<std::string> summarized_directories;
  /// What each of them held, in that order: analyze's JSON lists it (`directories`, docs/output-format.md).
  mutable std::vector<DirectoryInputs> directories;
  /// --max-memory in bytes (cli/memory_limit.h): kDefaultMemoryLimit = the machine's physical memory, 0 = none.
  std::uint64_t max_memory{UINT64_MAX};
  bool strict{false};
  bool allow_missing{false};
  bool verbose{false};
  bool timings{false};
  bool quiet{false};                 // --quiet: no progress display on stderr (cli/progress.h)
  std::vector<std::string> fail_on;  // as given: comma-separated lists, repeatable
  std::vector<std::string> ignore;
  std::string config;
  /// --jobs: how many threads import the files and solve (model/parallel.h), at least 1; the output does not
  /// depend on it. By default the machine's hardware threads.
  int jobs{model::default_jobs()};
};

/// Registers the input files (positional, described by `files_help`) and the input options on `cmd`.
void add_input_options(CLI::App& cmd, InputOptions& o, const std::string& files_help);
/// The default description of the input files.
extern const char* const kInputFilesHelp;

/// Every diagnostic code docs/diagnostics.md documents (read from it at build time), sorted.
const std::vector<std::string_view>& documented_codes();

/// What to do with diagnostics, by code: `--ignore` drops warnings and notes (errors cannot be ignored),
/// `--fail-on` turns warnings and notes into errors, `--strict` turns every warning of the inputs into an
/// error. Codes come from the command line and from the `--config` file.
class DiagnosticPolicy {
 public:
  /// Reads `--config` and checks every code against documented_codes(). On failure prints the errors to
  /// `err`, sets `exit_code` (kExitUsage for the command line, kExitBadInput for the config file) and
  /// returns nullopt.
  static std::optional<DiagnosticPolicy> make(const InputOptions& o, std::ostream& err, int& exit_code);

  /// The inputs' diagnostics (import, validation, a change): ignore, fail-on, then --strict.
  void apply_to_input(model::Diagnostics& diags) const;
  /// Findings of the solver: ignore and fail-on (`--strict` leaves them alone, as it always has).
  void apply_to_findings(model::Diagnostics& findings) const;

  const std::set<std::string>& fail_on() const { return fail_on_; }
  const std::set<std::string>& ignore() const { return ignore_; }

 private:
  std::set<std::string> fail_on_;
  std::set<std::string> ignore_;
  bool strict_{false};
};

/// Prints sorted diagnostics to `err`, each once. Errors are always printed. Notes only with `verbose`.
/// Unless `verbose`, at most five warnings of one code and file are printed, then one line counting the
/// rest: a large estate can repeat one warning thousands of times.
void print_diagnostics(std::ostream& err, const std::vector<model::Diagnostic>& diags, bool verbose);

/// --verbose: what was detected in each input file (its shape or kind, and the resources by type).
void print_detected(const std::vector<importers::InputReport>& reports, std::ostream& err);

/// Imports `files` (a directory among them read recursively, with a summary on `err`: cli/input_directories.h)
/// with the importer options of `o` (parameter files and values, template directories, --strict)
/// into `m`, diagnostics into `diags`; with --verbose says on `err` what was detected in each file. Returns what
/// each file was (a directory's input files in its place). The Terraform plans of `prior_state` are read from their
/// prior state (whatif --plan). With `progress`, says which file is read and how many bytes of all are done (erased
/// before returning).
std::vector<importers::InputReport> import_files(const InputOptions& o, const std::vector<std::string>& files,
                                                 model::Model& m, model::Diagnostics& diags, std::ostream& err,
                                                 const std::vector<std::string>& prior_state = {},
                                                 Progress* progress = nullptr);

/// How to validate the inputs of `o`: resources a template references but does not declare already exist, so
/// inputs with a template (`templates`) validate as with --allow-missing unless --strict (docs/arm-templates.md).
model::ValidateOptions validate_options(const InputOptions& o, bool templates);

}  // namespace exposim::cli
