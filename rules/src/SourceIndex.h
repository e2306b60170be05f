//===- SourceIndex.h - JSON pointer -> line:column for .jsonc files -------===//
//
// nlohmann/json parses values but forgets where they were.  Diagnostics on a
// rule must point at FILE:LINE:COL, so this scanner walks the same text once
// and remembers where every value (or object member) starts.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_RULES_SOURCEINDEX_H
#define LOCKWISE_RULES_SOURCEINDEX_H

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace lockwise::rules {

class SourceIndex {
public:
  explicit SourceIndex(std::string_view Text);

  /// Line and column (1-based) of a byte offset.
  std::pair<unsigned, unsigned> lineColumn(size_t Offset) const;

  /// Offset of the member or element named by a JSON pointer
  /// ("/hierarchies/0/order/2"); for object members, the key's offset.
  /// Falls back to the closest enclosing value that is known.
  size_t offsetOf(const std::string &Pointer) const;

private:
  void scan();
  std::string_view Text;
  std::unordered_map<std::string, size_t> Offsets;
};

} // namespace lockwise::rules

#endif
