#include "scenario/yaml_tree.hpp"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <optional>
#include <sstream>
#include <unordered_map>

#include "scenario/message_text.hpp"

namespace statesim::yaml_tree {
namespace {

Position position_of(const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0 || mark.column < 0) return Position{};
  return Position{mark.line + 1, mark.column + 1};
}

std::string describe_kind(const Node& node) {
  switch (node.kind) {
    case Node::Kind::null:
      return "nothing";
    case Node::Kind::scalar:
      return quote_value(node.text);
    case Node::Kind::sequence:
      return "a list";
    case Node::Kind::map:
      return "a map";
  }
  return "nothing";
}

// YAML text is UTF-8 without control characters (tab, line feed and carriage return aside).
// Binary junk is refused here with a position instead of loading as an empty document.
void check_text(std::string_view text) {
  int line = 1, column = 1;
  std::size_t i = 0;
  auto refuse = [&](const std::string& what) {
    throw TreeError(Position{line, column}, "",
                    fmt::format("not a text file: {} (a scenario is UTF-8 text)", what));
  };
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\n') {
      ++line;
      column = 1;
      ++i;
      continue;
    }
    std::size_t length = 1;
    if (byte < 0x80) {
      if ((byte < 0x20 && byte != '\t' && byte != '\r') || byte == 0x7f)
        refuse(fmt::format("control character 0x{:02x}", byte));
    } else {
      unsigned char low = 0x80, high = 0xbf;  // allowed range of the second byte
      if (byte >= 0xc2 && byte <= 0xdf) {
        length = 2;
      } else if (byte >= 0xe0 && byte <= 0xef) {
        length = 3;
        if (byte == 0xe0) low = 0xa0;
        if (byte == 0xed) high = 0x9f;
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        length = 4;
        if (byte == 0xf0) low = 0x90;
        if (byte == 0xf4) high = 0x8f;
      } else {
        refuse(fmt::format("byte 0x{:02x} is not UTF-8", byte));
      }
      for (std::size_t k = 1; k < length; ++k) {
        if (i + k >= text.size()) refuse(fmt::format("byte 0x{:02x} is not UTF-8", byte));
        const auto next = static_cast<unsigned char>(text[i + k]);
        const bool ok = k == 1 ? (next >= low && next <= high) : (next >= 0x80 && next <= 0xbf);
        if (!ok) refuse(fmt::format("byte 0x{:02x} is not UTF-8", byte));
      }
    }
    i += length;
    ++column;
  }
}

// The first line up to `last_line` indented with a tab: the usual cause of a parse error.
std::optional<Position> tab_in_indentation(std::string_view text, int last_line) {
  int line = 1;
  std::size_t start = 0;
  while (start <= text.size() && line <= last_line) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view content = text.substr(start, end - start);
    const std::size_t first_visible = content.find_first_not_of(" \t");
    const std::size_t tab = content.find('\t');
    if (first_visible != std::string_view::npos && tab < first_visible)
      return Position{line, static_cast<int>(tab) + 1};
    start = end + 1;
    ++line;
  }
  return std::nullopt;
}

std::string child_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

class TreeBuilder : public YAML::EventHandler {
 public:
  Node root;
  bool has_root = false;

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    refuse_anchor(mark, anchor);
    Node node;
    node.position = position_of(mark);
    add(std::move(node));
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { refuse_anchor(mark, 1); }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    refuse_anchor(mark, anchor);
    refuse_tag(mark, tag);
    Node node;
    node.kind = Node::Kind::scalar;
    node.position = position_of(mark);
    node.text = value;
    node.plain = tag == "?";
    add(std::move(node));
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, tag, anchor, Node::Kind::sequence);
  }
  void OnSequenceEnd() override { open_.pop_back(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, tag, anchor, Node::Kind::map);
  }
  void OnMapEnd() override { open_.pop_back(); }

  void OnAnchor(const YAML::Mark& mark, const std::string&) override { refuse_anchor(mark, 1); }

 private:
  struct OpenCollection {
    Node* node;
    std::string path;
    bool expecting_value = false;  // maps: the next node is the value of the last key
    // maps: the line of each key so far; a hash lookup keeps a map of 100,000 keys linear.
    std::unordered_map<std::string, int> key_lines = {};
  };
  std::vector<OpenCollection> open_;
  std::string added_path_;  // key path of the node added last
  std::size_t node_count_ = 0;

  std::string current_path() const { return open_.empty() ? "" : open_.back().path; }

  void refuse_anchor(const YAML::Mark& mark, YAML::anchor_t anchor) const {
    if (anchor != YAML::NullAnchor)
      throw TreeError(position_of(mark), current_path(),
                      "anchors (&name) and aliases (*name) are not supported: write each value out");
  }

  void refuse_tag(const YAML::Mark& mark, const std::string& tag) const {
    if (!tag.empty() && tag != "?" && tag != "!")
      throw TreeError(position_of(mark), current_path(),
                      fmt::format("YAML tags (!!str, !name) are not supported, got tag \"{}\"", tag));
  }

  void open(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, Node::Kind kind) {
    refuse_anchor(mark, anchor);
    refuse_tag(mark, tag);
    Node node;
    node.kind = kind;
    node.position = position_of(mark);
    if (static_cast<int>(open_.size()) >= kMaxNesting)
      throw TreeError(node.position, current_path(),
                      fmt::format("nested deeper than {} levels (a scenario needs at most 6)", kMaxNesting));
    Node* added = add(std::move(node));
    open_.push_back(OpenCollection{added, added_path_});
  }

  // Places a finished or newly opened node under the innermost open collection.
  Node* add(Node node) {
    if (++node_count_ > kMaxNodes)
      throw TreeError(node.position, current_path(),
                      fmt::format("more than {} YAML values: far too large for a scenario", kMaxNodes));
    if (open_.empty()) {
      root = std::move(node);
      has_root = true;
      added_path_.clear();
      return &root;
    }
    OpenCollection& parent = open_.back();
    if (parent.node->kind == Node::Kind::sequence) {
      added_path_ = fmt::format("{}[{}]", parent.path, parent.node->items.size());
      parent.node->items.push_back(std::move(node));
      return &parent.node->items.back();
    }
    auto& entries = parent.node->entries;
    if (!parent.expecting_value) {
      if (node.kind != Node::Kind::scalar)
        throw TreeError(node.position, parent.path,
                        fmt::format("expected a key name, got {}", describe_kind(node)));
      const std::string path = child_path(parent.path, node.text);
      const auto [first, inserted] = parent.key_lines.emplace(node.text, node.position.line);
      if (!inserted)
        throw TreeError(node.position, path, fmt::format("duplicate key (already given at line {})", first->second));
      entries.push_back(MapEntry{std::move(node), Node{}});
      parent.expecting_value = true;
      added_path_ = path;
      return &entries.back().key;
    }
    MapEntry& entry = entries.back();
    // An empty value (`key:` then a new line) is reported at the key, not at the next line.
    if (node.kind == Node::Kind::null && node.position.line != entry.key.position.line)
      node.position = entry.key.position;
    entry.value = std::move(node);
    parent.expecting_value = false;
    added_path_ = child_path(parent.path, entry.key.text);
    return &entry.value;
  }
};

class SecondDocumentDetector : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    throw TreeError(position_of(mark), "",
                    "a second YAML document starts here: a scenario file holds exactly one document");
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
  }
  void OnMapEnd() override {}
};

}  // namespace

const Node* Node::find(std::string_view key) const {
  for (const auto& entry : entries)
    if (entry.key.text == key) return &entry.value;
  return nullptr;
}

Node read_document(std::string_view text) {
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  if (text.substr(0, kByteOrderMark.size()) == kByteOrderMark) text.remove_prefix(kByteOrderMark.size());
  check_text(text);
  std::istringstream input{std::string(text)};
  YAML::Parser parser(input);
  TreeBuilder builder;
  try {
    // Only two documents are ever asked for: yaml-cpp 0.7 yields endless empty documents for
    // some junk (a lone ","), which is why LoadAll never returns on it.
    if (!parser.HandleNextDocument(builder) || !builder.has_root)
      throw TreeError(
          Position{}, "",
          "the file is empty: a scenario is a map of settings (version: 1, name: ..., duration: ...)");
    if (builder.root.kind != Node::Kind::map)
      throw TreeError(builder.root.position, "",
                      fmt::format("expected a map of settings at the top level (version: 1, name: ..., "
                                  "duration: ...), got {}",
                                  describe_kind(builder.root)));
    SecondDocumentDetector second_document;
    parser.HandleNextDocument(second_document);
  } catch (const YAML::DeepRecursion& error) {
    throw TreeError(position_of(error.mark), "",
                    fmt::format("nested deeper than {} levels (a scenario needs at most 6)", kMaxNesting));
  } catch (const YAML::ParserException& error) {
    const Position where = position_of(error.mark);
    if (const auto tab = tab_in_indentation(text, where.line))
      throw TreeError(*tab, "", "a tab is used for indentation: YAML indents with spaces only");
    throw TreeError(where, "", fmt::format("invalid YAML: {}", error.msg));
  }
  return std::move(builder.root);
}

}  // namespace statesim::yaml_tree
