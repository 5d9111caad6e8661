// SHA-256 (FIPS 180-4) of a text, as 64 lowercase hex digits: identifies a platform file's
// contents in the resolved scenario. Written here because Debian's packages this project
// already uses (SimGrid, Boost, yaml-cpp, fmt) offer no SHA-256, and it is short.
#pragma once

#include <string>
#include <string_view>

namespace statesim {

std::string sha256_hex(std::string_view data);

}  // namespace statesim
