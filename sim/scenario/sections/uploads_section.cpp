// uploads: a population of uploaders sending files in chunks (part 2 of the format, §3).
#include <fmt/format.h>

#include "scenario/design_draft.hpp"

namespace statesim::loading {

void apply_uploads(const Node& node, const std::string& path, DesignDraft& draft, const LoadContext&) {
  const Section section(node, path,
                        {"arrival_rate", "size", "chunk", "client_bandwidth", "chunk_cpu", "mode", "max_restarts",
                         "timeout", "retry_backoff"});
  UploadSpec& uploads = draft.design.uploads;
  uploads.enabled = true;
  if (!draft.uploads) draft.uploads = origin_of(node, path);
  if (const Node* value = section.get("arrival_rate")) {
    uploads.arrival_rate_per_s = read_rate(*value, section.path("arrival_rate"), Lowest::above_zero);
    draft.uploads_arrival_rate = origin_of(*value, section.path("arrival_rate"));
  }
  if (const Node* value = section.get("size")) {
    uploads.size_B = read_size_distribution(*value, section.path("size"));
    if (uploads.size_B.mean() <= 0)
      fail_expected(*value, section.path("size"), "a size or a distribution of sizes with a mean above 0",
                    "an upload sends at least one byte");
  }
  if (const Node* value = section.get("chunk")) {
    uploads.chunk_B = read_size(*value, section.path("chunk"));
    if (uploads.chunk_B < 1) fail_expected(*value, section.path("chunk"), "a size of at least 1B");
  }
  if (const Node* value = section.get("client_bandwidth"))
    uploads.client_bandwidth_Bps = read_bandwidth(*value, section.path("client_bandwidth"));
  if (const Node* value = section.get("chunk_cpu"))
    uploads.chunk_cpu_s = read_duration(*value, section.path("chunk_cpu"), Lowest::zero);
  if (const Node* value = section.get("mode"))
    uploads.mode = read_choice(*value, section.path("mode"), kUploadModeNames);
  if (const Node* value = section.get("max_restarts"))
    uploads.max_restarts = read_int(*value, section.path("max_restarts"), 0, 1'000'000);
  if (const Node* value = section.get("timeout")) {
    uploads.timeout_s = read_duration(*value, section.path("timeout"), Lowest::above_zero);
    draft.uploads_timeout = origin_of(*value, section.path("timeout"));
  }
  if (const Node* value = section.get("retry_backoff"))
    uploads.retry_backoff_s = read_duration(*value, section.path("retry_backoff"), Lowest::zero);
}

}  // namespace statesim::loading
