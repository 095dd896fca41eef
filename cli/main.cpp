// exposim: network exposure simulator for Azure. Entry point; see cli/commands.cpp for the command table.
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  std::vector<std::string> args(argv + 1, argv + argc);
  return exposim::cli::run(args, std::cout, std::cerr);
}
