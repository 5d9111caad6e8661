#include "model/lb/pool.hpp"

#include <algorithm>

#include "model/lb/selection.hpp"

namespace statesim::lb {

Pool::Pool(const std::vector<ServerView>& views) : views_(views) {
  leaves_ = 1;
  while (leaves_ < views_.size()) leaves_ *= 2;
  tree_.assign(2 * leaves_, Node{});
  for (std::size_t s = 0; s < views_.size(); ++s) tree_[leaves_ + s] = leaf_of(views_[s]);
  for (std::size_t node = leaves_; node-- > 1;) tree_[node] = combine(tree_[2 * node], tree_[2 * node + 1]);
}

Pool::Node Pool::leaf_of(const ServerView& view) {
  const bool eligible = is_eligible(view);
  return Node{eligible ? view.in_flight : kNoServer, eligible ? 1 : 0, view.member ? 1 : 0};
}

Pool::Node Pool::combine(const Node& left, const Node& right) {
  return Node{std::min(left.fewest_in_flight, right.fewest_in_flight), left.eligible + right.eligible,
              left.members + right.members};
}

void Pool::set(int s, const ServerView& view) {
  views_[static_cast<std::size_t>(s)] = view;
  refresh_leaf(static_cast<std::size_t>(s));
}

void Pool::add_in_flight(int s, int delta) {
  views_[static_cast<std::size_t>(s)].in_flight += delta;
  refresh_leaf(static_cast<std::size_t>(s));
}

void Pool::refresh_leaf(std::size_t s) {
  std::size_t node = leaves_ + s;
  tree_[node] = leaf_of(views_[s]);
  // Up to the root, stopping where a range's summary no longer changes (most in-flight
  // changes stop low in the tree).
  for (node /= 2; node >= 1; node /= 2) {
    const Node updated = combine(tree_[2 * node], tree_[2 * node + 1]);
    if (updated == tree_[node]) break;
    tree_[node] = updated;
  }
}

template <typename Has>
std::optional<int> Pool::descend(std::size_t node, std::size_t low, std::size_t high, std::size_t from,
                                 const Has& has) const {
  if (high <= from || !has(tree_[node])) return std::nullopt;
  if (high - low == 1) return static_cast<int>(low);
  const std::size_t middle = (low + high) / 2;
  if (auto left = descend(2 * node, low, middle, from, has)) return left;
  return descend(2 * node + 1, middle, high, from, has);
}

template <typename Has>
std::optional<int> Pool::first_from(std::size_t from, const Has& has) const {
  if (tree_.empty()) return std::nullopt;
  return descend(1, 0, leaves_, from, has);
}

template <typename Count>
int Pool::select(int rank, const Count& count) const {
  std::size_t node = 1;
  while (node < leaves_) {
    const int left = count(tree_[2 * node]);
    if (rank < left) {
      node = 2 * node;
    } else {
      rank -= left;
      node = 2 * node + 1;
    }
  }
  return static_cast<int>(node - leaves_);
}

int Pool::eligible_at(int rank) const {
  return select(rank, [](const Node& node) { return node.eligible; });
}

int Pool::member_at(int rank) const {
  return select(rank, [](const Node& node) { return node.members; });
}

std::optional<int> Pool::next_eligible(int from) const {
  if (eligible_count() == 0) return std::nullopt;
  const auto has = [](const Node& node) { return node.eligible > 0; };
  if (auto found = first_from(static_cast<std::size_t>(from), has)) return found;
  return first_from(0, has);
}

std::optional<int> Pool::least_loaded(int from) const {
  if (eligible_count() == 0) return std::nullopt;
  // A range holds a server with the global minimum exactly when its own minimum equals it.
  const int fewest = tree_[1].fewest_in_flight;
  const auto has = [fewest](const Node& node) { return node.fewest_in_flight == fewest; };
  if (auto found = first_from(static_cast<std::size_t>(from), has)) return found;
  return first_from(0, has);
}

}  // namespace statesim::lb
