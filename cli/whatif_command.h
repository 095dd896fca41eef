// `exposim whatif`: the exposure an estate would have after a change, compared with the exposure it has.
#pragma once

#include <memory>
#include <ostream>

namespace CLI {
class App;
}

namespace exposim::cli {

class WhatifCommand {
 public:
  WhatifCommand();
  ~WhatifCommand();
  WhatifCommand(const WhatifCommand&) = delete;
  WhatifCommand& operator=(const WhatifCommand&) = delete;
  /// Registers the subcommand and its options on `app`.
  void add(CLI::App& app);
  /// Runs it after parsing; returns the exit code (0: exposure did not grow, 1: it grew, 2: bad input or
  /// change, 4: output error).
  int run(std::ostream& out, std::ostream& err);

 private:
  struct Options;
  std::unique_ptr<Options> o_;
};

}  // namespace exposim::cli
