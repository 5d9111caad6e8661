// platform: the SimGrid platform file (checked and hashed); network: the built-in platform.
#include <fmt/format.h>

#include <filesystem>

#include "scenario/input_file.hpp"
#include "scenario/platform_xml.hpp"
#include "scenario/sha256.hpp"

#include "scenario/design_draft.hpp"

namespace statesim::loading {

namespace fs = std::filesystem;
namespace {

// Reads, checks and hashes the platform file: what SimGrid would abort on, or statesim does not
// model, is refused here with the XML file's line; SimGrid's own check comes before the run.
std::string read_platform_file(const Node& file, const std::string& path, const std::string& absolute) {
  constexpr std::size_t kMaxPlatformBytes = 64 << 20;
  std::string text;
  try {
    text = read_input_file(absolute, kMaxPlatformBytes);
  } catch (const InputFileError& error) {
    if (!fs::exists(fs::symlink_status(absolute)))
      fail_expected(file, path, "an existing platform file", fmt::format("{} does not exist", absolute));
    fail(file.position, path, fmt::format("cannot read the platform file {}: {}", absolute, error.what()));
  }
  try {
    check_platform_xml(scan_platform_xml(text));
  } catch (const PlatformXmlError& error) {
    fail(file.position, path,
         fmt::format("{}:{}: {}{}", absolute, error.line,
                     error.what_element.empty() ? "" : error.what_element + ": ", error.what()));
  }
  return text;
}


}  // namespace

void apply_platform(const Node& node, const std::string& path, DesignDraft& draft,
                    const LoadContext& context) {
  const Section section(node, path, {"file", "sha256"});
  const Node* file = section.get("file");
  if (file != nullptr) {
    constexpr std::string_view kExpected = "the path of a SimGrid platform file";
    const std::string text = read_text(*file, section.path("file"));
    if (text.empty()) fail_expected(*file, section.path("file"), kExpected);
    fs::path platform(text);
    if (platform.is_relative()) platform = fs::path(context.base_dir) / platform;
    std::error_code error;
    fs::path absolute = fs::absolute(platform, error);
    if (error) absolute = platform;
    absolute = absolute.lexically_normal();
    draft.design.platform_file = absolute.string();
    draft.design.platform_sha256 =
        sha256_hex(read_platform_file(*file, section.path("file"), draft.design.platform_file));
    draft.recorded_sha256.reset();  // a recorded hash belongs to the file written beside it
  }
  if (const Node* recorded = section.get("sha256")) {
    constexpr std::string_view kExpected = "the SHA-256 of the platform file: 64 hex digits";
    const std::string& hash = require_scalar(*recorded, section.path("sha256"), kExpected).text;
    const bool hex = hash.size() == 64 && std::all_of(hash.begin(), hash.end(), [](char c) {
                       return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                     });
    if (!hex) fail_expected(*recorded, section.path("sha256"), kExpected);
    if (draft.design.platform_file.empty())
      fail(recorded->position, section.path("sha256"), "needs platform.file: it records that file's contents");
    draft.recorded_sha256 = RecordedHash{hash, origin_of(*recorded, section.path("sha256"))};
  }
}

void apply_network(const Node& node, const std::string& path, DesignDraft& draft, const LoadContext&) {
  const Section section(node, path, {"client_latency", "internal_latency", "bandwidth", "unshared_links"});
  NetworkSpec& network = draft.design.network;
  if (const Node* value = section.get("unshared_links"))
    network.unshared_links = read_choice(*value, section.path("unshared_links"), kUnsharedLinksNames);
  if (const Node* value = section.get("client_latency"))
    network.client_latency_s = read_duration(*value, section.path("client_latency"), Lowest::zero);
  if (const Node* value = section.get("internal_latency"))
    network.internal_latency_s = read_duration(*value, section.path("internal_latency"), Lowest::zero);
  if (const Node* value = section.get("bandwidth"))
    network.bandwidth_Bps = read_bandwidth(*value, section.path("bandwidth"));
}

}  // namespace statesim::loading
