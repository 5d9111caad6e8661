// Reading an input file (a scenario, a platform) whole, without ever blocking: a FIFO, a
// directory, a device or a symbolic-link loop is refused with the reason, and so is a file
// larger than the caller's bound.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace statesim {

// Why a file could not be read: "it is a named pipe (FIFO), not a file",
// "Too many levels of symbolic links", "larger than 64 MiB".
class InputFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string read_input_file(const std::string& path, std::size_t max_bytes);

}  // namespace statesim
