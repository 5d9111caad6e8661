// --plot: the charts of an output folder, drawn by analysis/plot.py. The plotter is started
// with posix_spawn and an argument vector (never through a shell), in a process group of its
// own so that Ctrl-C reaches statesim only, which stops the plotter and exits 130.
#pragma once

#include <string>

namespace statesim::cli {

// Draws the charts of `folder` into `folder`/plots. `shown_as` is the folder's name in
// messages. A plotter that is missing or fails leaves a note on stderr (the CSV files are
// complete); SIGINT or SIGTERM stops it and throws engine::Interrupted. Call within an
// InterruptScope.
void draw_charts(const std::string& folder, const std::string& shown_as);

}  // namespace statesim::cli
