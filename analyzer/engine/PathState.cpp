//===- PathState.cpp - Path states: facts, joins ----------------------------===//
#include "engine/PathState.h"
#include "engine/Limits.h"

namespace lockwise::dataflow {

FactValue factOf(const Condition &C, unsigned Origin, bool Value) {
  return {C.Key, Origin, Value, C.Vars, C.Memory, C.MaskParam, C.Mask,
          C.IntVar, C.IntEq, C.IntConst};
}

int boundedTruth(const std::vector<FactValue> &Facts, const Condition &C) {
  int64_t Lo = INT64_MIN, Hi = INT64_MAX;
  std::vector<int64_t> Not;
  for (const FactValue &F : Facts) {
    if (F.IntVar != C.IntVar)
      continue;
    if (F.IntEq && F.Value)
      Lo = std::max(Lo, F.IntConst), Hi = std::min(Hi, F.IntConst);
    else if (F.IntEq)
      Not.push_back(F.IntConst);
    else if (F.Value) // v < k
      Hi = std::min(Hi, F.IntConst - 1);
    else // v >= k
      Lo = std::max(Lo, F.IntConst);
  }
  int64_t N = C.IntConst;
  if (C.IntEq) {
    if (N < Lo || N > Hi || std::find(Not.begin(), Not.end(), N) != Not.end())
      return 0;
    return Lo == Hi && Lo == N ? 1 : -1;
  }
  if (Hi < N)
    return 1;
  if (Lo >= N)
    return 0;
  return -1;
}

void forgetWrites(PathState &S, const std::vector<Symbol> &Vars,
                  bool Memory, const std::vector<Symbol> &Params,
                  uint64_t ChangedBits) {
  if (Vars.size() != 1)
    ChangedBits = 0;
  for (Symbol V : Vars)
    for (size_t I = 0; I < Params.size() && I < 64; ++I) {
      if (Params[I] != V)
        continue;
      if (ChangedBits)
        S.noteParamBitsChanged(I, ChangedBits);
      else
        S.WrittenParams |= uint64_t(1) << I;
    }
  std::erase_if(S.Facts, [&](const FactValue &Fv) {
    if (Memory && Fv.Memory)
      return true;
    if (ChangedBits && Fv.Mask && !(Fv.Mask & ChangedBits) &&
        Fv.Vars.size() == 1)
      return false;
    for (Symbol V : Vars)
      if (std::find(Fv.Vars.begin(), Fv.Vars.end(), V) != Fv.Vars.end())
        return true;
    return false;
  });
  for (Symbol V : Vars)
    S.Binds.erase(V);
}

bool intersectInto(PathState &A, const PathState &B) {
  bool Changed = false;
  std::vector<FactValue> Kept;
  for (const FactValue &F : A.Facts) {
    const FactValue *O = B.findFact(F.Key);
    if (O && O->Value == F.Value)
      Kept.push_back(F);
    else
      Changed = true;
  }
  A.Facts = std::move(Kept);
  for (auto It = A.Results.begin(); It != A.Results.end();) {
    auto O = B.Results.find(It->first);
    if (O == B.Results.end() || O->second != It->second) {
      It = A.Results.erase(It);
      Changed = true;
    } else {
      ++It;
    }
  }
  if (A.ReturnValue != B.ReturnValue && A.ReturnValue != -1) {
    A.ReturnValue = -1;
    Changed = true;
  }
  if ((A.WrittenParams | B.WrittenParams) != A.WrittenParams) {
    A.WrittenParams |= B.WrittenParams;
    Changed = true;
  }
  for (const auto &[Param, Bits] : B.ChangedParamBits)
    if ((A.paramBitsChanged(Param) | Bits) != A.paramBitsChanged(Param)) {
      A.noteParamBitsChanged(Param, Bits);
      Changed = true;
    }
  size_t AssumedBefore = A.Assumed.size();
  intersectSorted(A.Assumed, B.Assumed);
  Changed |= A.Assumed.size() != AssumedBefore;
  if (A.ReturnVar != B.ReturnVar && !A.ReturnVar.empty()) {
    A.ReturnVar = Symbol();
    Changed = true;
  }
  for (auto It = A.Binds.begin(); It != A.Binds.end();) {
    auto O = B.Binds.find(It->first);
    if (O == B.Binds.end() || O->second != It->second) {
      It = A.Binds.erase(It);
      Changed = true;
    } else {
      ++It;
    }
  }
  return Changed;
}

FactComparison compareFacts(const PathState &A, const PathState &B) {
  FactComparison Out;
  for (const FactValue &F : A.Facts)
    if (const FactValue *O = B.findFact(F.Key)) {
      if (O->Value == F.Value)
        ++Out.Shared;
      else
        Out.Conflict = true;
    }
  return Out;
}

PathState *joinPartner(llvm::ArrayRef<PathState *> Same, const PathState &S) {
  PathState *Closest = nullptr;
  size_t MostShared = 0;
  for (PathState *Old : Same) {
    FactComparison C = compareFacts(*Old, S);
    if (!C.Conflict)
      return Old;
    if (!Closest || C.Shared > MostShared)
      Closest = Old, MostShared = C.Shared;
  }
  return Same.size() >= MaxFactSplits ? Closest : nullptr;
}

bool joinInto(StateSet &Set, PathState S, std::string Sig, size_t Limit,
              bool &Overflow) {
  std::vector<PathState *> Same;
  for (size_t I = 0; I < Set.States.size(); ++I)
    if (Set.Sigs[I] == Sig)
      Same.push_back(&Set.States[I]);
  if (PathState *Into = joinPartner(Same, S))
    return intersectInto(*Into, S);
  if (Set.States.size() >= Limit) {
    Overflow = true;
    return false;
  }
  Set.States.push_back(std::move(S));
  Set.Sigs.push_back(std::move(Sig));
  return true;
}

std::vector<LockKey> droppedOnEntry(const PathState &S) {
  std::vector<LockKey> Out;
  for (const ReleaseMark &R : S.Released)
    if (!R.AcquiredHere)
      Out.push_back(R.Lock);
  return Out; // Released is sorted by lock.
}

std::vector<LockKey> droppedThroughCall(const PathState &S,
                                        const std::vector<LockKey> &CalleeDropped) {
  std::vector<LockKey> Out = droppedOnEntry(S);
  for (const LockKey &L : CalleeDropped)
    if (!L.empty() && !S.findHeld(L))
      Out.push_back(L);
  std::sort(Out.begin(), Out.end());
  Out.erase(std::unique(Out.begin(), Out.end()), Out.end());
  return Out;
}

} // namespace lockwise::dataflow
