#include "model/machine_memory.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace statesim {
namespace {

std::string read_small_file(const std::string& path) {
  std::ifstream file(path);
  if (!file) return "";
  std::string text;
  std::getline(file, text, '\0');
  return text;
}

// The limit of a group and of every group above it, under `root`/<path>/`file_name`.
std::optional<double> lowest_limit_up_the_tree(const std::string& root, std::string path, const char* file_name) {
  std::optional<double> lowest;
  while (true) {
    const std::optional<double> limit = cgroup_limit_bytes(read_small_file(root + path + "/" + file_name));
    if (limit) lowest = lowest ? std::min(*lowest, *limit) : *limit;
    if (path.empty() || path == "/") break;
    const std::size_t slash = path.find_last_of('/');
    path = slash == std::string::npos || slash == 0 ? "" : path.substr(0, slash);
  }
  return lowest;
}

}  // namespace

std::optional<double> meminfo_total_bytes(std::string_view meminfo) {
  const std::size_t at = meminfo.find("MemTotal:");
  if (at == std::string_view::npos) return std::nullopt;
  std::size_t i = at + 9;
  while (i < meminfo.size() && meminfo[i] == ' ') ++i;
  double kib = 0;
  const auto [end, error] = std::from_chars(meminfo.data() + i, meminfo.data() + meminfo.size(), kib);
  if (error != std::errc() || end == meminfo.data() + i || !(kib > 0)) return std::nullopt;
  return kib * 1024;
}

std::optional<double> cgroup_limit_bytes(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  if (text.empty() || text == "max") return std::nullopt;
  double bytes = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), bytes);
  if (error != std::errc() || end != text.data() + text.size() || !(bytes > 0)) return std::nullopt;
  if (bytes >= std::ldexp(1.0, 60)) return std::nullopt;  // cgroup v1 writes "no limit" as ~2^63
  return bytes;
}

double machine_memory_bytes() {
  double limit = meminfo_total_bytes(read_small_file("/proc/meminfo")).value_or(INFINITY);
  std::istringstream groups(read_small_file("/proc/self/cgroup"));
  for (std::string line; std::getline(groups, line);) {
    // "hierarchy:controllers:path"; cgroup v2 is "0::path".
    const std::size_t first = line.find(':');
    const std::size_t second = first == std::string::npos ? first : line.find(':', first + 1);
    if (second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const std::string path = line.substr(second + 1);
    std::optional<double> group;
    if (controllers.empty()) {
      group = lowest_limit_up_the_tree("/sys/fs/cgroup", path, "memory.max");
    } else if (("," + controllers + ",").find(",memory,") != std::string::npos) {
      group = lowest_limit_up_the_tree("/sys/fs/cgroup/memory", path, "memory.limit_in_bytes");
    }
    if (group) limit = std::min(limit, *group);
  }
  struct rlimit address_space {};
  if (::getrlimit(RLIMIT_AS, &address_space) == 0 && address_space.rlim_cur != RLIM_INFINITY)
    limit = std::min(limit, static_cast<double>(address_space.rlim_cur));
  return limit;
}

}  // namespace statesim
