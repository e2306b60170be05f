//===- LockKey.h - A lock as the lockset semantics knows it ----------------===//
//
// Two kinds of lock reach the engine's locksets and summaries: a class (a
// global lock, or a member lock named by the struct that holds it, as rules
// and reports name it) and "the lock of the object parameter N points at",
// which only a caller can name (a wrapper's spin_lock(l)).  A LockKey is
// one of the two, compared structurally: nothing reads a key back from its
// printed form.  Program::lockKey() makes one from the frontend's LockRef,
// the one place lock names are canonicalised; a callee's parameter key
// becomes the caller's argument's key by FunctionAnalysis::substitute().
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_ENGINE_LOCKKEY_H
#define LOCKWISE_ENGINE_LOCKKEY_H

#include "facts/Symbol.h"

#include <compare>
#include <cstdint>
#include <string>

namespace lockwise {

class LockKey {
public:
  /// No lock (an expression that names none, or an argument the callee's
  /// parameter lock cannot be mapped to).
  LockKey() = default;
  static LockKey ofClass(Symbol Class) {
    LockKey K;
    K.Class = Class;
    return K;
  }
  static LockKey ofParam(unsigned Index) {
    LockKey K;
    K.Param = static_cast<int>(Index);
    return K;
  }

  bool empty() const { return Param < 0 && Class.empty(); }
  bool isParam() const { return Param >= 0; }
  /// The parameter's index; only for isParam().
  unsigned param() const { return static_cast<unsigned>(Param); }
  /// The class name; empty for a parameter's lock.
  Symbol cls() const { return Class; }
  /// How reports and debug dumps print it ("$N" for parameter N's lock).
  std::string str() const {
    return isParam() ? "$" + std::to_string(Param) : Class.str();
  }

  bool operator==(const LockKey &O) const = default;
  /// Parameters' locks first, by index, then classes by name: a total
  /// order, so that locksets and summaries iterate the same way each run.
  std::strong_ordering operator<=>(const LockKey &O) const {
    if (isParam() != O.isParam())
      return isParam() ? std::strong_ordering::less : std::strong_ordering::greater;
    if (isParam())
      return Param <=> O.Param;
    return Class <=> O.Class;
  }

private:
  Symbol Class;
  int Param = -1;
};

} // namespace lockwise

#endif
