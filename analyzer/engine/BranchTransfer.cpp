//===- BranchTransfer.cpp - What a branch edge tells the path ---------------===//
#include "engine/FunctionAnalysis.h"

namespace lockwise::dataflow {

/// Whether the result of call or try-lock Id, as far as the path knows
/// it, lets condition C's atom be AtomNonZero: the callee outcome this
/// path took says what it returned, which may rule the edge out.
static bool resultAgrees(const PathState &S, const Condition &C, int Id,
                         bool AtomNonZero) {
  auto R = S.Results.find(Id);
  return R == S.Results.end() || R->second < 0 ||
         atomHolds(C, R->second) == AtomNonZero;
}

bool FunctionAnalysis::edgeFilter(PathState &S, const Condition &C,
                                  bool TrueEdge, unsigned Origin) {
  bool AtomNonZero = TrueEdge != C.Negated;
  if (C.ErrTest != Condition::NotErrorTest) {
    if (!errorTestFilter(S, C, AtomNonZero, Origin))
      return false;
    if (C.K != Condition::Fact)
      return true;
  }
  if (C.K == Condition::Try)
    return tryFilter(S, C, AtomNonZero);
  if (C.K != Condition::Fact)
    return true;
  return factFilter(S, C, AtomNonZero, Origin);
}

bool FunctionAnalysis::errorTestFilter(PathState &S, const Condition &C,
                                       bool AtomNonZero, unsigned Origin) {
  int Id = C.TryId;
  if (C.K == Condition::Fact)
    if (auto B = S.Binds.find(C.ErrOf); B != S.Binds.end())
      Id = B->second;
  if (Id >= 0) {
    if (!resultAgrees(S, C, Id, AtomNonZero))
      return false;
    // IS_ERR_OR_NULL(p) false: p is a valid pointer, which settles a
    // try-lock's result as a success; the other outcomes of an error test
    // say nothing of it.
    if (C.ErrTest == Condition::IsErrOrNull && !AtomNonZero)
      resolveTry(S, Id, /*AtomNonZero=*/true);
  }
  if (C.K != Condition::Fact)
    return true; // edgeFilter() takes it from here
  // Neither NULL nor valid says nothing; an error pointer is not NULL.
  if (AtomNonZero == (C.ErrTest == Condition::IsErr)) {
    const FactValue *Null = S.findFact(C.ErrOf);
    if (Null && !Null->Value)
      return false;
    if (!Null)
      S.addFact({C.ErrOf, Origin, true, {C.ErrOf}, false});
  }
  return true;
}

bool FunctionAnalysis::tryFilter(PathState &S, const Condition &C,
                                 bool AtomNonZero) {
  if (!resultAgrees(S, C, C.TryId, AtomNonZero))
    return false;
  if (auto H = HeldTests.find(C.TryId); H != HeldTests.end()) {
    bool HeldHere = S.findHeld(H->second) != nullptr;
    if (!AtomNonZero)
      return !HeldHere; // "not held by me", but we hold it: infeasible
    if (!HeldHere && !std::binary_search(S.Assumed.begin(), S.Assumed.end(),
                                         H->second)) {
      S.Assumed.push_back(H->second);
      std::sort(S.Assumed.begin(), S.Assumed.end());
    }
    return true;
  }
  resolveTry(S, C.TryId, AtomNonZero);
  return true;
}

bool FunctionAnalysis::factFilter(PathState &S, const Condition &C,
                                  bool AtomNonZero, unsigned Origin) {
  // An error test's result was settled by errorTestFilter().
  if (auto B = S.Binds.find(C.Key); B != S.Binds.end() && !C.ErrTest) {
    if (!resultAgrees(S, C, B->second, AtomNonZero))
      return false;
    resolveTry(S, B->second, AtomNonZero);
  }
  if (const FactValue *Known = S.findFact(C.Key))
    return Known->Value == AtomNonZero;
  if (!C.IntVar.empty())
    if (int T = boundedTruth(S.Facts, C); T >= 0)
      return (T == 1) == AtomNonZero;
  if (!C.Unequal.empty() && AtomNonZero) {
    if (const FactValue *Eq = S.findFact(C.Unequal); Eq && Eq->Value)
      return false; // a < b, but a == b on this path
    if (!S.findFact(C.Unequal))
      S.addFact({C.Unequal, Origin, false, C.Vars, false});
  }
  S.addFact(factOf(C, Origin, AtomNonZero));
  if (C.CountedExit && !AtomNonZero) {
    Symbol Exit = intKey(C.IntVar.str(), /*Eq=*/true, C.IntConst);
    if (!S.findFact(Exit))
      S.addFact({Exit, Origin, true, C.Vars, false, -1, 0, C.IntVar,
                 /*IntEq=*/true, C.IntConst});
  }
  return true;
}

/// A switch's edge I: its case value holds there, and (up to
/// MaxCasesRuledOut cases) the other cases' values do not; on the default
/// edge (the last), none of the cases' values does.  False if the path's
/// facts rule the edge out.
bool FunctionAnalysis::caseFilter(PathState &S, const Block &B, size_t I,
                                  unsigned Origin) {
  if (I >= B.CaseConds.size())
    return true;
  if (I + 1 < B.CaseConds.size()) {
    const Condition &Case = B.CaseConds[I];
    if (Case.K == Condition::None)
      return true;
    if (!edgeFilter(S, Case, /*TrueEdge=*/true, Origin))
      return false;
    // The value rules the other cases out, and says so in facts that
    // outlive a join with a sibling case ("switch ( space )" in
    // xenmem_add_to_physmap_one(): the shared_info and grant_table paths
    // merge, and "space == XENMAPSPACE_gmfn" stays false after).  Not for
    // a dispatcher's long list of cases, whose facts would only weigh.
    if (B.CaseConds.size() <= MaxCasesRuledOut)
      for (const Condition &Other : B.CaseConds)
        if (Other.K != Condition::None && Other.IntConst != Case.IntConst &&
            !S.findFact(Other.Key))
          S.addFact(factOf(Other, Origin, false));
    return true;
  }
  for (size_t J = 0; J + 1 < B.CaseConds.size(); ++J)
    if (B.CaseConds[J].K != Condition::None &&
        !edgeFilter(S, B.CaseConds[J], /*TrueEdge=*/false, Origin))
      return false;
  return true;
}

} // namespace lockwise::dataflow
