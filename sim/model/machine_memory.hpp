// The memory this process may use, read from the machine: physical memory (/proc/meminfo),
// the memory limit of its control group (cgroup v2 memory.max or v1 memory.limit_in_bytes,
// of its own group and every group above it) and its address-space limit, whichever is lowest.
#pragma once

#include <optional>
#include <string_view>

namespace statesim {

double machine_memory_bytes();

// The parsers, for tests: MemTotal of /proc/meminfo in bytes; a cgroup limit file ("max" and
// values of 2^60 or more mean no limit).
std::optional<double> meminfo_total_bytes(std::string_view meminfo);
std::optional<double> cgroup_limit_bytes(std::string_view text);

}  // namespace statesim
