//===- Symbol.h - Interned strings for facts and witness chains ------------===//
//
// The same few thousand strings (file paths, function names, witness
// messages) are repeated in millions of events and chain steps.  A Symbol is
// one pointer to the single copy of its text, so a SrcLoc costs 16 bytes
// instead of a heap-allocated path, and copying a witness chain copies
// pointers.  Symbols compare equal by identity and order by content, so
// every container keyed by them iterates in the same order on every run.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_FACTS_SYMBOL_H
#define LOCKWISE_FACTS_SYMBOL_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <compare>
#include <string>
#include <string_view>
#include <vector>

namespace lockwise {

class Symbol {
public:
  Symbol();
  Symbol(std::string_view Text);
  Symbol(const std::string &Text) : Symbol(std::string_view(Text)) {}
  Symbol(const char *Text) : Symbol(std::string_view(Text)) {}
  Symbol(llvm::StringRef Text) : Symbol(std::string_view(Text.data(), Text.size())) {}

  const std::string &str() const { return *Text; }
  operator const std::string &() const { return *Text; }
  operator llvm::StringRef() const { return *Text; }
  const char *c_str() const { return Text->c_str(); }
  bool empty() const { return Text->empty(); }
  size_t size() const { return Text->size(); }

  bool operator==(const Symbol &O) const { return Text == O.Text; }
  std::strong_ordering operator<=>(const Symbol &O) const {
    if (Text == O.Text)
      return std::strong_ordering::equal;
    return *Text <=> *O.Text;
  }
  friend bool operator==(const Symbol &A, const std::string &B) { return *A.Text == B; }
  friend bool operator==(const Symbol &A, const char *B) { return *A.Text == B; }
  friend bool operator==(const Symbol &A, llvm::StringRef B) { return llvm::StringRef(*A.Text) == B; }
  friend std::string operator+(const std::string &A, const Symbol &B) { return A + *B.Text; }
  friend std::string operator+(const Symbol &A, const std::string &B) { return *A.Text + B; }
  friend std::string operator+(const char *A, const Symbol &B) { return A + *B.Text; }
  friend std::string operator+(const Symbol &A, const char *B) { return *A.Text + B; }
  friend llvm::raw_ostream &operator<<(llvm::raw_ostream &OS, const Symbol &S) {
    return OS << *S.Text;
  }

private:
  const std::string *Text;
};

/// Interns every string of a list.
inline std::vector<Symbol> symbols(const std::vector<std::string> &Texts) {
  return std::vector<Symbol>(Texts.begin(), Texts.end());
}

} // namespace lockwise

template <> struct std::hash<lockwise::Symbol> {
  size_t operator()(const lockwise::Symbol &S) const noexcept {
    return std::hash<const void *>()(&S.str());
  }
};

#endif
