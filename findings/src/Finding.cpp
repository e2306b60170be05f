//===- Finding.cpp - Ordering and identity of findings --------------------===//
//
// Deliberately free of LLVM: the runtime shim, which must build without
// Clang (LOCKWISE_RUNTIME_ONLY), links this too.
//
//===----------------------------------------------------------------------===//

#include "lockwise/Finding.h"

#include "lockwise/Hash.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <tuple>

namespace lockwise {

const char *severityName(Severity S) {
  switch (S) {
  case Severity::Error:
    return "error";
  case Severity::Warning:
    return "warning";
  case Severity::Note:
    return "note";
  }
  return "warning";
}

std::optional<Severity> parseSeverity(std::string_view Name) {
  for (Severity S : {Severity::Error, Severity::Warning, Severity::Note})
    if (Name == severityName(S))
      return S;
  return std::nullopt;
}

static auto stepKey(const TraceStep &S) {
  return std::tie(S.File, S.Line, S.Column, S.Message);
}

bool findingLess(const Finding &A, const Finding &B) {
  auto Primary = [](const Finding &F) {
    return std::tie(F.File, F.Line, F.Column, F.Check, F.Message);
  };
  if (Primary(A) != Primary(B))
    return Primary(A) < Primary(B);
  if (A.Trace != B.Trace)
    return std::lexicographical_compare(
        A.Trace.begin(), A.Trace.end(), B.Trace.begin(), B.Trace.end(),
        [](const TraceStep &X, const TraceStep &Y) {
          return stepKey(X) < stepKey(Y);
        });
  // The remaining fields only break ties.  They make this a total order, so
  // that the output does not depend on the input order and exact duplicates
  // end up adjacent for sortAndUnique().
  return std::tie(A.Sev, A.Function, A.Locks, A.Fingerprint) <
         std::tie(B.Sev, B.Function, B.Locks, B.Fingerprint);
}

void sortAndUnique(std::vector<Finding> &Findings) {
  std::sort(Findings.begin(), Findings.end(), findingLess);
  Findings.erase(std::unique(Findings.begin(), Findings.end()), Findings.end());
}

static bool isIdentifierChar(char C) {
  return (C >= 'a' && C <= 'z') || (C >= 'A' && C <= 'Z') ||
         (C >= '0' && C <= '9') || C == '_';
}

static bool isDigit(char C) { return C >= '0' && C <= '9'; }

/// Drops free-standing digit runs ("foo.c:123:4", "line 42") because they are
/// lines, columns or counts that change when code moves.  Digits inside a
/// token ("p2m_domain", "lock2", "0x1f") name something and are kept.
std::string stripLineNumbers(std::string_view Message) {
  std::string Out;
  Out.reserve(Message.size());
  size_t I = 0;
  while (I < Message.size()) {
    bool StartsToken = I == 0 || !isIdentifierChar(Message[I - 1]);
    if (!isDigit(Message[I]) || !StartsToken) {
      Out += Message[I++];
      continue;
    }
    size_t End = I;
    while (End < Message.size() && isDigit(Message[End]))
      ++End;
    bool EndsToken = End == Message.size() || !isIdentifierChar(Message[End]);
    if (!EndsToken)
      Out.append(Message.substr(I, End - I));
    I = End;
  }
  return Out;
}

/// FNV-1a, 64 bit: tiny, dependency-free and stable across platforms and
/// releases, which a fingerprint stored in a baseline file needs.
uint64_t fnv1a64(std::string_view Data) {
  uint64_t Hash = 0xcbf29ce484222325ULL;
  for (unsigned char C : Data) {
    Hash ^= C;
    Hash *= 0x100000001b3ULL;
  }
  return Hash;
}

std::string computeFingerprint(const Finding &F) {
  std::vector<std::string> Locks = F.Locks;
  std::sort(Locks.begin(), Locks.end());

  // Separator bytes keep field boundaries unambiguous ("ab"+"c" vs "a"+"bc").
  const char FieldSep = '\x1f';
  const char ItemSep = '\x1e';
  std::string Key = F.Check + FieldSep + F.Function + FieldSep;
  for (const std::string &Lock : Locks)
    Key += Lock + ItemSep;
  Key += FieldSep;
  Key += stripLineNumbers(F.Message);

  return hex16(fnv1a64(Key));
}

std::string hex16(uint64_t Value) {
  char Hex[17];
  std::snprintf(Hex, sizeof(Hex), "%016llx",
                static_cast<unsigned long long>(Value));
  return Hex;
}

FindingHandler::~FindingHandler() = default;

} // namespace lockwise
