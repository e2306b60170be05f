//===- Conditions.cpp - Parameter conditions of summary items ---------------===//
#include "engine/Conditions.h"

#include <algorithm>

namespace lockwise::dataflow {

bool atomHolds(const Condition &C, int R) {
  switch (C.ErrTest) {
  case Condition::IsErr:
    return R == ReturnsErrorPointer;
  case Condition::IsErrOrNull:
    return R == 0 || R == ReturnsErrorPointer;
  case Condition::NotErrorTest:
    break;
  }
  return R != 0;
}

int testedReturn(int Returns, const std::vector<int> &All) {
  bool AnyZero = std::count(All.begin(), All.end(), 0) != 0;
  bool AnyKnownNonZero = std::count(All.begin(), All.end(), 1) != 0;
  return Returns < 0 && AnyZero && !AnyKnownNonZero ? 1 : Returns;
}

std::optional<ParamCondition> complementaryCondition(const Outcome &A,
                                                     const Outcome &B) {
  if (A.When.size() != B.When.size())
    return std::nullopt;
  Outcome X = A, Y = B;
  X.When.clear();
  Y.When.clear();
  if (!(X == Y))
    return std::nullopt;
  std::optional<ParamCondition> Split;
  for (const ParamCondition &C : A.When) {
    if (std::find(B.When.begin(), B.When.end(), C) != B.When.end())
      continue;
    ParamCondition Flip = C;
    Flip.NonZero = !C.NonZero;
    if (Split || std::find(B.When.begin(), B.When.end(), Flip) == B.When.end())
      return std::nullopt;
    Split = C;
  }
  return Split;
}

void mergeComplementaryOutcomes(std::vector<Outcome> &Outcomes) {
  for (bool Merged = true; Merged;) {
    Merged = false;
    for (size_t I = 0; I < Outcomes.size() && !Merged; ++I)
      for (size_t J = I + 1; J < Outcomes.size() && !Merged; ++J) {
        std::optional<ParamCondition> C = complementaryCondition(Outcomes[I], Outcomes[J]);
        if (!C)
          continue;
        std::erase(Outcomes[I].When, *C);
        Outcomes.erase(Outcomes.begin() + J);
        Merged = true;
      }
  }
}

bool contradicts(const ParamConditions &A, const ParamConditions &B,
                        llvm::function_ref<bool(const ParamCondition &)> Ignored) {
  for (const ParamCondition &X : A)
    for (const ParamCondition &Y : B)
      if (X.Param == Y.Param && X.Mask == Y.Mask && X.Field == Y.Field &&
          X.CarriedKey == Y.CarriedKey && X.CarriedTarget == Y.CarriedTarget &&
          X.NonZero != Y.NonZero &&
          !Ignored(X))
        return true;
  return false;
}

bool includes(const ParamConditions &Big, const ParamConditions &Small) {
  return std::all_of(Small.begin(), Small.end(), [&](const ParamCondition &C) {
    return std::find(Big.begin(), Big.end(), C) != Big.end();
  });
}

void keepCommon(ParamConditions &Into, const ParamConditions &Other) {
  std::erase_if(Into, [&](const ParamCondition &C) {
    return std::find(Other.begin(), Other.end(), C) == Other.end();
  });
}

bool allows(const ParamConditions &When, const std::vector<ArgInfo> &Args) {
  for (const ParamCondition &C : When) {
    if ((size_t)C.Param >= Args.size() || !Args[C.Param].HasInt || !C.onValue())
      continue;
    uint64_t V = (uint64_t)Args[C.Param].Int;
    if (C.Mask)
      V &= C.Mask;
    if ((V != 0) != C.NonZero)
      return false;
  }
  return true;
}

ParamConditions forwardConditions(const ParamConditions &Callee,
                                  const std::vector<ArgInfo> &Args) {
  ParamConditions Out;
  for (const ParamCondition &C : Callee) {
    if ((size_t)C.Param >= Args.size() || Args[C.Param].HasInt)
      continue;
    const ArgInfo &A = Args[C.Param];
    if (A.Param >= 0)
      Out.push_back({A.Param, C.NonZero, C.Mask, C.Field, C.CarriedKey,
                     C.CarriedTarget});
    else if (A.MaskedParam >= 0 && !C.Mask && C.onValue())
      Out.push_back({A.MaskedParam, C.NonZero, A.ParamMask});
  }
  return Out;
}

std::string resultKey(llvm::StringRef Var, llvm::StringRef Fn) {
  return "result: " + Var.str() + " = " + Fn.str() + "()";
}

std::optional<std::pair<llvm::StringRef, llvm::StringRef>>
parseResultKey(llvm::StringRef Key) {
  if (!Key.consume_front("result: ") || !Key.consume_back("()"))
    return std::nullopt;
  auto [Var, Fn] = Key.split(" = ");
  return std::make_pair(Var, Fn);
}

} // namespace lockwise::dataflow
