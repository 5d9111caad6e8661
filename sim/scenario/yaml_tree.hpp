// A scenario file's YAML read into a small tree with a position on every node. It is built
// from yaml-cpp's event stream (never YAML::Load/LoadAll) so that it can refuse, with a
// position, what yaml-cpp 0.7 silently accepts: anchors and aliases (and their cycles), tags,
// duplicate keys, deep nesting, several documents, and text that is not UTF-8.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace statesim::yaml_tree {

struct Position {
  int line = 1;    // 1-based
  int column = 1;  // 1-based
};

struct MapEntry;

struct Node {
  enum class Kind { null, scalar, sequence, map };
  Kind kind = Kind::null;
  Position position;
  std::string text;               // scalar: the value as written, quotes removed
  bool plain = false;             // scalar: written without quotes (or block scalar markers)
  std::vector<Node> items;        // sequence
  std::vector<MapEntry> entries;  // map, in file order; keys are scalars, each once

  const Node* find(std::string_view key) const;  // value of `key` in a map, or nullptr
};

struct MapEntry {
  Node key;
  Node value;
};

// A problem found while reading; `path` is the key path of the node ("servers.workers"),
// empty when the problem is not tied to a key.
class TreeError : public std::runtime_error {
 public:
  TreeError(Position position, std::string path, const std::string& message)
      : std::runtime_error(message), position(position), path(std::move(path)) {}
  Position position;
  std::string path;
};

inline constexpr int kMaxNesting = 8;
// Bounds the memory a hostile file can take (100,000 events need about 600,000 values).
inline constexpr std::size_t kMaxNodes = 2'000'000;

// Reads one document whose root is a map. A leading UTF-8 byte order mark is skipped.
Node read_document(std::string_view text);

}  // namespace statesim::yaml_tree
