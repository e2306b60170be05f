//===- Witness.cpp - Witness chains and lock spellings ----------------------===//
#include "engine/Witness.h"
#include "engine/Limits.h"

#include <cctype>

namespace lockwise::dataflow {

Symbol lockBase(llvm::StringRef Text, bool Bare) {
  // "&x" is the address of x itself, not a pointer x: only "&x->lock" has
  // a base.
  Bare &= !Text.consume_front("&");
  size_t End = 0;
  while (End < Text.size() &&
         (std::isalnum((unsigned char)Text[End]) || Text[End] == '_'))
    ++End;
  if (End == 0 || std::isdigit((unsigned char)Text[0]))
    return Symbol();
  llvm::StringRef Rest = Text.substr(End);
  if (!Rest.starts_with("->") && !(Bare && Rest.empty()))
    return Symbol();
  return Symbol(Text.substr(0, End));
}

Chain extend(const Chain &Prefix, const Chain &Suffix) {
  Chain Out = Prefix;
  Out.insert(Out.end(), Suffix.begin(), Suffix.end());
  if (Out.size() <= MaxChainLength)
    return Out;
  // Keep both ends: where the chain starts, and the acquisition (or the
  // need) it leads to, which is the part a reviewer acts on.  The gap is
  // marked, so that no one reads the two ends as one call.
  Chain Cut(Out.begin(), Out.begin() + 2);
  const WitnessStep &Gap = Out[2];
  Cut.push_back(WitnessStep{Gap.Loc, Gap.Function,
                            Symbol(Gap.Function.str() + " ... (calls not shown)")});
  Cut.insert(Cut.end(), Out.end() - (MaxChainLength - 3), Out.end());
  return Cut;
}

Chain nameParameterLock(const Chain &C, const LockKey &CalleeLock,
                        const std::string &ParamText, const LockKey &Class) {
  if (!CalleeLock.isParam() || Class.empty() || ParamText.empty())
    return C;
  Chain Out = C;
  std::string From = "'" + ParamText + "' ", To = "'" + Class.str() + "' ";
  for (WitnessStep &S : Out)
    if (S.Message.str().rfind(From, 0) == 0)
      S.Message = To + S.Message.str().substr(From.size());
  return Out;
}

std::string describe(const LockKey &Lock, const std::string &Text) {
  if (Lock.isParam() && !Text.empty())
    return "'" + Text + "'";
  return "'" + Lock.str() + "'";
}

bool sameSites(const Chain &A, const Chain &B) {
  return A.front().Loc == B.front().Loc && A.back().Loc == B.back().Loc;
}

void mergeWitness(LockEdge &Into, LockEdge New) {
  auto Consider = [&](Chain C) {
    if (C.empty())
      return;
    if (sameSites(Into.Witness, C)) {
      if (C.size() < Into.Witness.size())
        Into.Witness = std::move(C);
      return;
    }
    for (Chain &O : Into.Others)
      if (sameSites(O, C)) {
        if (C.size() < O.size())
          O = std::move(C);
        return;
      }
    if (C.size() < Into.Witness.size()) {
      Into.Others.insert(Into.Others.begin(), std::move(Into.Witness));
      Into.Witness = std::move(C);
      if (Into.Others.size() > MaxOtherWitnesses)
        Into.Others.pop_back();
      return;
    }
    if (Into.Others.size() < MaxOtherWitnesses)
      Into.Others.push_back(std::move(C));
  };
  Consider(std::move(New.Witness));
  for (Chain &C : New.Others)
    Consider(std::move(C));
}

std::string locKey(const SrcLoc &L) {
  return L.File + ":" + std::to_string(L.Line) + ":" + std::to_string(L.Column);
}

} // namespace lockwise::dataflow
