// libFuzzer target for the scenario loader. Any input must either load or be refused with a
// ScenarioError; a scenario that loads must survive the round trip through resolved_yaml():
// the resolved text loads again and resolves to the same text. Anything else (another
// exception, a crash, a hang, a sanitizer report) is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "scenario/loader.hpp"

namespace {

[[noreturn]] void report_bug(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_loader: %s\n%s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  statesim::Scenario scenario;
  try {
    scenario = statesim::load_scenario_text(text, "fuzz.yaml", "/tmp");
  } catch (const statesim::ScenarioError&) {
    return 0;  // a refusal with a message is the expected answer to a bad file
  }

  // A loaded scenario is written out in full; that text is the loader's own output and must
  // load back, and resolve to the very same text.
  const std::string resolved = statesim::resolved_yaml(scenario);
  std::string resolved_again;
  try {
    resolved_again = statesim::resolved_yaml(statesim::load_scenario_text(resolved, "resolved.yaml", "/tmp"));
  } catch (const statesim::ScenarioError& error) {
    report_bug("the resolved scenario does not load back", std::string(error.what()) + "\n--- resolved:\n" + resolved);
  }
  if (resolved_again != resolved)
    report_bug("the resolved scenario does not resolve to the same text",
               "--- first:\n" + resolved + "--- second:\n" + resolved_again);
  return 0;
}
