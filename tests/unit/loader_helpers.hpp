// Helpers shared by the loader tests: scenario texts, the loader's message for a text, and a
// temporary directory for files.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "model/expectations.hpp"
#include "scenario/loader.hpp"

namespace statesim::test {

inline const std::string kHeader = "version: 1\nname: test\nduration: 15m\n";
// The smallest text the platform pre-check accepts (SimGrid's own check comes before a run).
inline const std::string kMinimalPlatform =
    "<?xml version='1.0'?>\n<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n<platform version=\"4.1\"/>\n";

inline Scenario load(const std::string& text) { return load_scenario_text(text, "test.yaml", "."); }

// The loader's message for `text` (its expectations checked against the report's fields, as
// every command does), or "loaded" if it is accepted.
inline std::string error_of(const std::string& text, const ScenarioLimits& limits = ScenarioLimits{}) {
  try {
    parse_expectations(load_scenario_text(text, "test.yaml", ".", limits));
  } catch (const ScenarioError& error) {
    return error.what();
  }
  return "loaded";
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A fresh directory under the system's temporary directory, removed at the end of a test.
struct TemporaryDirectory {
  std::filesystem::path path;
  TemporaryDirectory() {
    path =
        std::filesystem::temp_directory_path() / ("statesim-loader-test-" + std::to_string(::getpid()) + "-" +
                                                  std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TemporaryDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::string write(const std::string& name, const std::string& content) const {
    const auto file = path / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << content;
    return file.string();
  }
};

}  // namespace statesim::test
