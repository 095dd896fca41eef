// Process exit codes of every exposim command (docs/cli.md lists them).
#pragma once

namespace exposim::cli {

enum ExitCode : int {
  kExitOk = 0,           // success (analyze: whether or not something is exposed; recommend: whatever it finds)
  kExitFindings = 1,     // reserved: a check failed / exposure grew (check, whatif)
  kExitBadInput = 2,     // an input file is unreadable or invalid; nothing was written
  kExitUsage = 3,        // bad command line
  kExitOutputError = 4,  // the output file could not be written
  kExitInternal = 70,    // a bug in exposim
};

}  // namespace exposim::cli
