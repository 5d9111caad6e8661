#include "cli/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <iostream>

namespace statesim::cli {

Progress::Progress(bool enabled) : enabled_(enabled && ::isatty(STDERR_FILENO)) {}

Progress::~Progress() {
  if (shown_) std::cerr << "\r\033[K" << std::flush;
}

void Progress::update(std::size_t done, std::size_t total, const std::string& context) {
  if (!enabled_) return;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (elapsed < 1.0) return;
  const std::string left =
      done > 0 ? fmt::format("about {:.0f}s left",
                             elapsed * static_cast<double>(total - done) / static_cast<double>(done))
               : "estimating the time left";
  std::cerr << fmt::format("\r\033[K{}{}runs {}/{}  elapsed {:.0f}s  {}", context,
                           context.empty() ? "" : "  ", done, total, elapsed, left)
            << std::flush;
  shown_ = true;
}

}  // namespace statesim::cli
