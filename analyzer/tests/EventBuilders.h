//===- EventBuilders.h - Events for hand-built CFGs in tests --------------===//
#ifndef LOCKWISE_TESTS_EVENTBUILDERS_H
#define LOCKWISE_TESTS_EVENTBUILDERS_H

#include "facts/Facts.h"

#include <string>
#include <vector>

namespace lockwise::test {

/// An event of kind K on the global lock Name, at t.c:Line.
/// A program of one translation unit, "t.c", holding Fns.
inline std::vector<TUFacts> oneTU(std::vector<FunctionFacts> Fns) {
  TUFacts TU;
  TU.File = "t.c";
  TU.Functions = std::move(Fns);
  return {std::move(TU)};
}

inline Event lockEvent(EventKind K, const std::string &Name, unsigned Line) {
  Event E;
  E.Kind = K;
  E.Lock.K = LockRef::Global;
  E.Lock.Root = Name;
  E.Lock.Text = Name;
  E.Loc = {"t.c", Line, 1};
  return E;
}

/// A direct call of Callee at t.c:Line.
inline Event callEvent(const std::string &Callee, unsigned Line) {
  Event E;
  E.Kind = EventKind::Call;
  E.Callee = Callee;
  E.Name = Callee;
  E.Loc = {"t.c", Line, 1};
  return E;
}

} // namespace lockwise::test

#endif
