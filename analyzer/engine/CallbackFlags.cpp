//===- CallbackFlags.cpp --------------------------------------------------===//
#include "engine/CallbackFlags.h"

#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstdlib>
#include <deque>

namespace lockwise {

namespace {

std::string paramKey(const std::string &Function, int Index) {
  return Function + "#" + std::to_string(Index);
}

bool overlap(const std::set<std::string> &A, const std::set<std::string> &B) {
  if (A.count("") || B.count(""))
    return true;
  return std::any_of(A.begin(), A.end(),
                     [&](const std::string &X) { return B.count(X) != 0; });
}

/// The stores of Field in G.
std::vector<const StoredField *> storesOf(const FieldGroup &G,
                                          const std::string &Field) {
  std::vector<const StoredField *> Out;
  for (const StoredField &S : G.Fields)
    if (S.Field == Field)
      Out.push_back(&S);
  return Out;
}

/// A callback store whose function we cannot name (a parameter, another
/// field): it may store any target.
bool unnamedCallback(const StoredField &S) {
  return S.Function.empty() && S.Value != 0;
}

} // namespace

void CallbackFlags::build(
    const std::vector<TUFacts> &TUs,
    const std::vector<const FunctionFacts *> &Functions,
    const std::map<std::string, std::set<std::string>> &Targets) {
  std::set<Symbol> AddressTaken;
  for (const TUFacts &TU : TUs) {
    for (const FptrFlow &F : TU.Fptrs)
      if (!F.Function.empty())
        AddressTaken.insert(F.Function);
    for (const FieldGroup &G : TU.Groups)
      ByRecord[G.Record].push_back(&G);
    for (const ReturnedObject &R : TU.Returns)
      Returns[R.Function].push_back(&R);
  }
  if (ByRecord.empty())
    return;
  // The parameters whose objects matter: those groups store into, those
  // returned, and those an indirect call goes through (what they point to
  // can rule callbacks out at each caller).
  std::vector<std::pair<std::string, int>> Needed;
  CallSites Sites;
  for (const FunctionFacts *F : Functions)
    for (const Block &B : F->Blocks)
      for (const Event &E : B.Events) {
        if (E.Kind != EventKind::Call)
          continue;
        if (!E.Callee.empty()) {
          Sites[E.Callee].push_back({F, &E});
          continue;
        }
        if (llvm::StringRef(E.FptrBase.str()).ends_with("->"))
          for (size_t I = 0; I < F->Params.size(); ++I)
            if (F->Params[I].str() + "->" == E.FptrBase.str())
              Needed.push_back({F->Key.str(), (int)I});
      }
  for (const auto &[Record, Gs] : ByRecord)
    for (const FieldGroup *G : Gs)
      if (G->ObjectParam >= 0)
        Needed.push_back({G->Function.str(), G->ObjectParam});
  for (const auto &[Function, Rs] : Returns)
    for (const ReturnedObject *R : Rs)
      if (R->ObjectParam >= 0)
        Needed.push_back({Function.str(), R->ObjectParam});
  computeParameterObjects(Sites, AddressTaken, std::move(Needed));

  for (const auto &[Record, Gs] : ByRecord)
    for (const FieldGroup *G : Gs) {
      Objects &O = GroupObjects[G];
      if (!G->Object.empty())
        O = resolve({G->Object.str()});
      else if (auto P = ParamObjects.find(paramKey(G->Function.str(), G->ObjectParam));
               G->ObjectParam >= 0 && P != ParamObjects.end())
        O = P->second;
      else
        O = {""};
    }

  for (const auto &[Record, Gs] : ByRecord) {
    std::set<std::string> Callbacks, Flags;
    for (const FieldGroup *G : Gs)
      for (const StoredField &S : G->Fields) {
        if (Targets.count(Record + "." + S.Field.str()))
          Callbacks.insert(S.Field.str());
        else if (S.Value != 0)
          Flags.insert(S.Field.str());
      }
    for (const std::string &Cb : Callbacks) {
      const std::set<std::string> &All = Targets.at(Record + "." + Cb);
      for (const std::string &Target : All) {
        Objects &On = Carriers[Record + "." + Cb][Target];
        bool Named = false;
        for (const FieldGroup *G : Gs)
          for (const StoredField *S : storesOf(*G, Cb))
            if (S->Function == Target || unnamedCallback(*S)) {
              Named |= S->Function == Target;
              On.insert(GroupObjects.at(G).begin(), GroupObjects.at(G).end());
            }
        // Stored somewhere no group saw: nothing known of its objects.
        if (!Named)
          On.insert("");
      }
      for (const std::string &Flag : Flags)
        excludeByFlag(Record + "." + Cb, Cb, Flag, Gs, All);
    }
  }
}

void CallbackFlags::excludeByFlag(const std::string &Key, const std::string &Cb,
                                  const std::string &Flag, const Groups &Gs,
                                  const std::set<std::string> &All) {
  // The objects that get a non-zero flag, and the callbacks stored with it.
  std::set<std::string> FlaggedCallbacks;
  Objects FlaggedObjects;
  for (const FieldGroup *G : Gs) {
    std::vector<const StoredField *> F = storesOf(*G, Flag);
    if (std::none_of(F.begin(), F.end(),
                     [](const StoredField *S) { return S->Value != 0; }))
      continue;
    std::vector<const StoredField *> C = storesOf(*G, Cb);
    // The flag set without a callback (or with one we cannot name): any
    // callback may be on that object.
    if (C.empty())
      return;
    for (const StoredField *S : C) {
      if (unnamedCallback(*S))
        return;
      if (!S->Function.empty())
        FlaggedCallbacks.insert(S->Function.str());
    }
    const Objects &O = GroupObjects.at(G);
    FlaggedObjects.insert(O.begin(), O.end());
  }
  for (const std::string &Target : All) {
    if (FlaggedCallbacks.count(Target))
      continue;
    bool Named = false, Possible = false;
    for (const FieldGroup *G : Gs) {
      bool Stores = false;
      for (const StoredField *S : storesOf(*G, Cb)) {
        Named |= S->Function == Target;
        Stores |= S->Function == Target || unnamedCallback(*S);
      }
      if (!Stores)
        continue;
      std::vector<const StoredField *> F = storesOf(*G, Flag);
      bool Cleared = !F.empty() && std::all_of(F.begin(), F.end(), [](const StoredField *S) {
        return S->Value == 0;
      });
      if (!Cleared && overlap(GroupObjects.at(G), FlaggedObjects))
        Possible = true;
    }
    // Stored somewhere no group saw: nothing known of its objects.
    if (Named && !Possible)
      Excluded[Key][Target].push_back(Symbol(Flag));
  }
}

void CallbackFlags::computeParameterObjects(
    const CallSites &Sites, const std::set<Symbol> &AddressTaken,
    std::vector<std::pair<std::string, int>> Needed) {
  // Each parameter's objects, and the parameters passed to it.
  std::map<std::string, std::vector<std::string>> From;
  std::deque<std::pair<std::string, int>> Work(Needed.begin(), Needed.end());
  while (!Work.empty()) {
    auto [Function, Index] = Work.front();
    Work.pop_front();
    std::string K = paramKey(Function, Index);
    if (ParamObjects.count(K))
      continue;
    Objects &O = ParamObjects[K];
    From[K];
    auto It = Sites.find(Symbol(Function));
    // Reached through a function pointer, or from outside the program.
    if (AddressTaken.count(Symbol(Function)) || It == Sites.end()) {
      O.insert("");
      continue;
    }
    for (const auto &[Caller, Call] : It->second) {
      if ((size_t)Index >= Call->Args.size()) {
        O.insert("");
        continue;
      }
      const ArgInfo &A = Call->Args[Index];
      if (!A.Object.empty()) {
        O.insert(A.Object.str());
      } else if (A.Param >= 0) {
        From[K].push_back(paramKey(Caller->Key.str(), A.Param));
        Work.push_back({Caller->Key.str(), A.Param});
      } else {
        O.insert("");
      }
    }
  }
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (const auto &[K, Sources] : From)
      for (const std::string &S : Sources)
        for (const std::string &X : Objects(ParamObjects[S]))
          Changed |= ParamObjects[K].insert(X).second;
  }
  std::map<std::string, Objects> Resolved;
  for (const auto &[K, O] : ParamObjects)
    Resolved[K] = resolve(O);
  ParamObjects = std::move(Resolved);
}

CallbackFlags::Objects CallbackFlags::resolve(const Objects &O,
                                              int Depth) const {
  Objects Out;
  for (const std::string &X : O) {
    if (!llvm::StringRef(X).starts_with("ret@")) {
      Out.insert(X);
      continue;
    }
    auto It = Returns.find(Symbol(X.substr(4)));
    if (It == Returns.end() || Depth > 4) {
      Out.insert("");
      continue;
    }
    for (const ReturnedObject *R : It->second) {
      Objects Y;
      if (!R->Object.empty())
        Y = {R->Object.str()};
      else if (R->ObjectParam >= 0)
        if (auto P = ParamObjects.find(paramKey(R->Function.str(), R->ObjectParam));
            P != ParamObjects.end())
          Y = P->second;
      if (Y.empty())
        Y = {""};
      Objects Z = resolve(Y, Depth + 1);
      Out.insert(Z.begin(), Z.end());
    }
  }
  return Out;
}

bool CallbackFlags::narrows(const std::string &FptrKey,
                            const std::string &Target) const {
  auto K = Carriers.find(FptrKey);
  if (K == Carriers.end())
    return false;
  auto T = K->second.find(Target);
  return T != K->second.end() && !T->second.count("");
}

bool CallbackFlags::mayCarry(const std::string &FptrKey, const std::string &Target,
                             const std::string &Function, int Param,
                             const std::string &Object) const {
  if (!narrows(FptrKey, Target))
    return true;
  Objects Passed;
  if (!Object.empty()) {
    Passed = resolve({Object});
  } else {
    auto P = ParamObjects.find(paramKey(Function, Param));
    if (P == ParamObjects.end())
      return true;
    Passed = P->second;
  }
  return overlap(Passed, Carriers.at(FptrKey).at(Target));
}

void CallbackFlags::dump(llvm::raw_ostream &OS, const std::string &Record) const {
  auto It = ByRecord.find(Record);
  if (It == ByRecord.end()) {
    OS << "no field groups store into struct " << Record << "\n";
    return;
  }
  for (const FieldGroup *G : It->second) {
    OS << "group " << G->Function << " object '" << G->Object
                 << "' param " << G->ObjectParam << " [";
    for (const std::string &O : GroupObjects.at(G))
      OS << " '" << O << "'";
    OS << " ]:";
    for (const StoredField &S : G->Fields)
      OS << " " << S.Field << "="
                   << (S.Function.empty() ? std::to_string(S.Value) : S.Function.str());
    OS << "\n";
  }
  for (const auto &[K, O] : ParamObjects) {
    OS << "objects of " << K << ":";
    for (const std::string &X : O)
      OS << " '" << X << "'";
    OS << "\n";
  }
  for (const auto &[Key, ByTarget] : Excluded)
    if (llvm::StringRef(Key).starts_with(Record + "."))
      for (const auto &[Target, By] : ByTarget)
        for (Symbol Flag : By)
          OS << Key << ": " << Target << " ruled out by " << Flag << "\n";
}

const std::vector<Symbol> *
CallbackFlags::excludingFlags(const std::string &FptrKey,
                              const std::string &Target) const {
  auto It = Excluded.find(FptrKey);
  if (It == Excluded.end())
    return nullptr;
  auto T = It->second.find(Target);
  return T == It->second.end() ? nullptr : &T->second;
}

} // namespace lockwise
