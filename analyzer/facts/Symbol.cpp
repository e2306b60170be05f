//===- Symbol.cpp - The process-wide string table --------------------------===//
//
// Sharded by hash so that frontend threads interning in parallel rarely
// contend.  Strings are never freed: a run interns a bounded vocabulary
// (paths, names, messages), and a Symbol must stay valid for the process.
//
//===----------------------------------------------------------------------===//
#include "facts/Symbol.h"

#include <array>
#include <mutex>
#include <unordered_set>

namespace lockwise {
namespace {

struct TransparentHash {
  using is_transparent = void;
  size_t operator()(std::string_view S) const noexcept {
    return std::hash<std::string_view>()(S);
  }
};

struct Shard {
  std::mutex Lock;
  std::unordered_set<std::string, TransparentHash, std::equal_to<>> Strings;
};

constexpr size_t ShardCount = 32;

std::array<Shard, ShardCount> &table() {
  static std::array<Shard, ShardCount> Table;
  return Table;
}

const std::string *intern(std::string_view Text) {
  size_t Hash = TransparentHash()(Text);
  Shard &S = table()[Hash % ShardCount];
  std::lock_guard<std::mutex> G(S.Lock);
  auto It = S.Strings.find(Text);
  if (It == S.Strings.end())
    It = S.Strings.emplace(Text).first;
  return &*It;
}

} // namespace

Symbol::Symbol() {
  static const std::string *Empty = intern("");
  Text = Empty;
}

Symbol::Symbol(std::string_view T) : Text(intern(T)) {}

} // namespace lockwise
