//===- FactsIO.cpp --------------------------------------------------------===//
#include "facts/FactsIO.h"

#include <nlohmann/json.hpp>

namespace lockwise {

using nlohmann::json;

void to_json(json &J, const Symbol &S) { J = S.str(); }
void from_json(const json &J, Symbol &S) { S = Symbol(J.get_ref<const std::string &>()); }

// Field names are short: a kernel TU has tens of thousands of events.
// The readers of the per-event types walk the keys an object has, instead
// of looking up every key it might have: most are absent, and a re-run
// with nothing changed spends half its time reading these (scripts/bench).
// A required key that is missing still throws, as json::at() would.
template <typename Fn> void forEachKey(const json &J, Fn Read) {
  for (auto It = J.begin(); It != J.end(); ++It)
    Read(It.key(), It.value());
}
void to_json(json &J, const SrcLoc &L) { J = json::array({L.File, L.Line, L.Column}); }
void from_json(const json &J, SrcLoc &L) {
  L.File = J.at(0).get<Symbol>();
  L.Line = J.at(1).get<unsigned>();
  L.Column = J.at(2).get<unsigned>();
}

void to_json(json &J, const LockRef &R) {
  J = json{{"k", (int)R.K}};
  if (!R.Root.empty()) J["r"] = R.Root;
  if (!R.Path.empty()) J["p"] = R.Path;
  if (R.ParamIndex >= 0) J["i"] = R.ParamIndex;
  if (R.StaticGlobal) J["s"] = true;
  if (R.Owner != OwnerNone) J["o"] = R.Owner;
  if (!R.File.empty()) J["f"] = R.File;
  if (!R.Text.empty()) J["t"] = R.Text;
}
void from_json(const json &J, LockRef &R) {
  bool HasKind = false;
  forEachKey(J, [&](const std::string &K, const json &V) {
    if (K == "k")
      R.K = (LockRef::Kind)V.get<int>(), HasKind = true;
    else if (K == "r")
      R.Root = V.get<Symbol>();
    else if (K == "p")
      R.Path = V.get<Symbol>();
    else if (K == "i")
      R.ParamIndex = V.get<int>();
    else if (K == "s")
      R.StaticGlobal = V.get<bool>();
    else if (K == "o")
      R.Owner = V.get<int8_t>();
    else if (K == "f")
      R.File = V.get<Symbol>();
    else if (K == "t")
      R.Text = V.get<Symbol>();
  });
  if (!HasKind)
    (void)J.at("k");
}

void to_json(json &J, const ArgInfo &A) {
  J = json::object();
  if (A.Lock.K != LockRef::None) J["l"] = A.Lock;
  if (A.HasInt) J["n"] = A.Int;
  if (A.Param >= 0) J["a"] = A.Param;
  if (!A.Function.empty()) J["fn"] = A.Function;
  if (!A.Var.empty()) J["v"] = A.Var;
  if (A.TryId >= 0) J["t"] = A.TryId;
  if (A.Origin != OwnerAny) J["o"] = A.Origin;
  if (!A.Holder.empty()) J["h"] = A.Holder;
  if (!A.Object.empty()) J["obj"] = A.Object;
  if (A.NewObject) J["new"] = true;
  if (A.MaskedParam >= 0) {
    J["mp"] = A.MaskedParam;
    J["pm"] = A.ParamMask;
  }
}
void from_json(const json &J, ArgInfo &A) {
  if (!J.is_object())
    (void)J.at("l"); // throws: an argument is an object
  forEachKey(J, [&](const std::string &K, const json &V) {
    if (K == "l")
      A.Lock = V.get<LockRef>();
    else if (K == "n")
      A.HasInt = true, A.Int = V.get<long long>();
    else if (K == "a")
      A.Param = V.get<int>();
    else if (K == "fn")
      A.Function = V.get<Symbol>();
    else if (K == "v")
      A.Var = V.get<Symbol>();
    else if (K == "t")
      A.TryId = V.get<int>();
    else if (K == "o")
      A.Origin = V.get<int8_t>();
    else if (K == "h")
      A.Holder = V.get<Symbol>();
    else if (K == "obj")
      A.Object = V.get<Symbol>();
    else if (K == "new")
      A.NewObject = V.get<bool>();
    else if (K == "mp")
      A.MaskedParam = V.get<int>();
    else if (K == "pm")
      A.ParamMask = V.get<uint64_t>();
  });
}

void to_json(json &J, const Event &E) {
  J = json{{"k", (int)E.Kind}, {"at", E.Loc}};
  if (!E.Name.empty()) J["n"] = E.Name;
  if (E.Lock.K != LockRef::None) J["l"] = E.Lock;
  if (E.LockMode != Mode::Exclusive) J["shared"] = true;
  if (E.Recursive) J["rec"] = true;
  if (E.RecursiveParam >= 0) J["recp"] = E.RecursiveParam;
  if (E.Irq) J["irq"] = true;
  if (E.Sleeps) J["sleeps"] = true;
  if (E.SuccessIsZero) J["zero"] = true;
  if (E.TryId >= 0) J["try"] = E.TryId;
  if (!E.BindVar.empty()) J["bind"] = E.BindVar;
  if (!E.Callee.empty()) J["callee"] = E.Callee;
  if (!E.FptrKey.empty()) J["fptr"] = E.FptrKey;
  if (!E.FptrBase.empty()) J["fbase"] = E.FptrBase;
  if (!E.Args.empty()) J["args"] = E.Args;
  if (!E.Macro.empty()) J["macro"] = E.Macro;
  if (!E.CondText.empty()) J["cond"] = E.CondText;
  if (!E.CondVars.empty()) J["condvars"] = E.CondVars;
  if (!E.Vars.empty()) J["vars"] = E.Vars;
  if (E.KillsMemory) J["mem"] = true;
  if (E.IsWrite) J["w"] = true;
  if (E.NewObject) J["nobj"] = true;
  if (E.ByIdentity) J["byid"] = true;
  if (E.IrqChecked) J["irqchk"] = true;
  if (E.ObjectParam >= 0) J["op"] = E.ObjectParam;
  if (E.Direction) J["dir"] = E.Direction;
  if (E.ChangedBits) J["bits"] = E.ChangedBits;
  if (E.RetValue >= 0) J["ret"] = E.RetValue;
  if (E.Assigned >= 0) J["asg"] = E.Assigned;
  if (!E.EqualTo.empty()) J["eq"] = E.EqualTo;
  if (!E.ResultOf.empty()) J["ro"] = E.ResultOf;
}
void from_json(const json &J, Event &E) {
  bool HasKind = false, HasLoc = false;
  forEachKey(J, [&](const std::string &K, const json &V) {
    if (K == "k")
      E.Kind = (EventKind)V.get<int>(), HasKind = true;
    else if (K == "at")
      E.Loc = V.get<SrcLoc>(), HasLoc = true;
    else if (K == "n")
      E.Name = V.get<Symbol>();
    else if (K == "l")
      E.Lock = V.get<LockRef>();
    else if (K == "shared")
      E.LockMode = V.get<bool>() ? Mode::Shared : Mode::Exclusive;
    else if (K == "rec")
      E.Recursive = V.get<bool>();
    else if (K == "recp")
      E.RecursiveParam = V.get<int>();
    else if (K == "irq")
      E.Irq = V.get<bool>();
    else if (K == "sleeps")
      E.Sleeps = V.get<bool>();
    else if (K == "zero")
      E.SuccessIsZero = V.get<bool>();
    else if (K == "try")
      E.TryId = V.get<int>();
    else if (K == "bind")
      E.BindVar = V.get<Symbol>();
    else if (K == "callee")
      E.Callee = V.get<Symbol>();
    else if (K == "fptr")
      E.FptrKey = V.get<Symbol>();
    else if (K == "fbase")
      E.FptrBase = V.get<Symbol>();
    else if (K == "args")
      E.Args = V.get<std::vector<ArgInfo>>();
    else if (K == "macro")
      E.Macro = V.get<Symbol>();
    else if (K == "cond")
      E.CondText = V.get<Symbol>();
    else if (K == "condvars")
      E.CondVars = V.get<std::vector<Symbol>>();
    else if (K == "vars")
      E.Vars = V.get<std::vector<Symbol>>();
    else if (K == "mem")
      E.KillsMemory = V.get<bool>();
    else if (K == "w")
      E.IsWrite = V.get<bool>();
    else if (K == "nobj")
      E.NewObject = V.get<bool>();
    else if (K == "byid")
      E.ByIdentity = V.get<bool>();
    else if (K == "irqchk")
      E.IrqChecked = V.get<bool>();
    else if (K == "op")
      E.ObjectParam = V.get<int>();
    else if (K == "dir")
      E.Direction = V.get<int>();
    else if (K == "bits")
      E.ChangedBits = V.get<uint64_t>();
    else if (K == "ret")
      E.RetValue = V.get<int>();
    else if (K == "asg")
      E.Assigned = V.get<int>();
    else if (K == "eq")
      E.EqualTo = V.get<Symbol>();
    else if (K == "ro")
      E.ResultOf = V.get<Symbol>();
  });
  if (!HasKind || !HasLoc)
    (void)J.at(HasKind ? "at" : "k");
}

void to_json(json &J, const Condition &C) {
  J = json{{"k", (int)C.K}};
  if (!C.Key.empty()) J["key"] = C.Key;
  if (!C.Vars.empty()) J["vars"] = C.Vars;
  if (C.Memory) J["mem"] = true;
  if (C.TryId >= 0) J["try"] = C.TryId;
  if (C.Negated) J["neg"] = true;
  if (!C.Unequal.empty()) J["ne"] = C.Unequal;
  if (C.MaskParam >= 0) J["mp"] = C.MaskParam;
  if (C.Mask) J["mask"] = C.Mask;
  if (!C.IntVar.empty()) {
    J["iv"] = C.IntVar;
    J["ic"] = C.IntConst;
    if (C.IntEq) J["ieq"] = true;
    if (C.CountedExit) J["cx"] = true;
  }
  if (C.ErrTest != Condition::NotErrorTest) J["err"] = (int)C.ErrTest;
  if (!C.ErrOf.empty()) J["errof"] = C.ErrOf;
}
void from_json(const json &J, Condition &C) {
  bool HasKind = false;
  forEachKey(J, [&](const std::string &K, const json &V) {
    if (K == "k")
      C.K = (Condition::Kind)V.get<int>(), HasKind = true;
    else if (K == "key")
      C.Key = V.get<Symbol>();
    else if (K == "vars")
      C.Vars = V.get<std::vector<Symbol>>();
    else if (K == "mem")
      C.Memory = V.get<bool>();
    else if (K == "try")
      C.TryId = V.get<int>();
    else if (K == "neg")
      C.Negated = V.get<bool>();
    else if (K == "ne")
      C.Unequal = V.get<Symbol>();
    else if (K == "mp")
      C.MaskParam = V.get<int>();
    else if (K == "mask")
      C.Mask = V.get<uint64_t>();
    else if (K == "iv")
      C.IntVar = V.get<Symbol>();
    else if (K == "ic")
      C.IntConst = V.get<int64_t>();
    else if (K == "ieq")
      C.IntEq = V.get<bool>();
    else if (K == "cx")
      C.CountedExit = V.get<bool>();
    else if (K == "err")
      C.ErrTest = (Condition::ErrorTest)V.get<int>();
    else if (K == "errof")
      C.ErrOf = V.get<Symbol>();
  });
  if (!HasKind)
    (void)J.at("k");
}

void to_json(json &J, const Block &B) {
  J = json{{"id", B.Id},
           {"succ", std::vector<int>(B.Succs.begin(), B.Succs.end())}};
  if (!B.Events.empty()) J["ev"] = B.Events;
  if (B.Cond.K != Condition::None) J["cond"] = B.Cond;
  if (!B.CaseConds.empty()) J["cases"] = B.CaseConds;
}
void from_json(const json &J, Block &B) {
  B.Id = J.at("id").get<unsigned>();
  for (const json &S : J.at("succ"))
    B.Succs.push_back(S.get<int>());
  if (J.contains("ev")) B.Events = J["ev"].get<std::vector<Event>>();
  if (J.contains("cond")) B.Cond = J["cond"].get<Condition>();
  if (J.contains("cases")) B.CaseConds = J["cases"].get<std::vector<Condition>>();
}

void to_json(json &J, const FunctionFacts &F) {
  J = json{{"key", F.Key},       {"name", F.Name},     {"at", F.Loc},
           {"static", F.IsStatic}, {"main", F.InMainFile}, {"params", F.Params},
           {"blocks", F.Blocks}, {"entry", F.Entry},   {"exit", F.Exit}};
  if (F.PointerParams) J["pp"] = F.PointerParams;
}
void from_json(const json &J, FunctionFacts &F) {
  F.Key = J.at("key").get<std::string>();
  F.Name = J.at("name").get<std::string>();
  F.Loc = J.at("at").get<SrcLoc>();
  F.IsStatic = J.at("static").get<bool>();
  F.InMainFile = J.at("main").get<bool>();
  F.Params = J.at("params").get<std::vector<Symbol>>();
  F.PointerParams = J.value("pp", uint64_t(0));
  F.Blocks = J.at("blocks").get<std::vector<Block>>();
  F.Entry = J.at("entry").get<unsigned>();
  F.Exit = J.at("exit").get<unsigned>();
}

void to_json(json &J, const FptrFlow &F) {
  J = json{{"key", F.Key}};
  if (!F.Function.empty()) J["fn"] = F.Function;
  if (!F.FromKey.empty()) J["from"] = F.FromKey;
}
void from_json(const json &J, FptrFlow &F) {
  F.Key = J.at("key").get<std::string>();
  F.Function = J.value("fn", "");
  F.FromKey = J.value("from", "");
}

void to_json(json &J, const StoredField &F) {
  J = json{{"f", F.Field}};
  if (!F.Function.empty()) J["fn"] = F.Function;
  if (F.Value >= 0) J["v"] = F.Value;
}
void from_json(const json &J, StoredField &F) {
  F.Field = J.at("f").get<Symbol>();
  F.Function = J.value("fn", "");
  F.Value = J.value("v", -1);
}

void to_json(json &J, const FieldGroup &G) {
  J = json{{"rec", G.Record}, {"fields", G.Fields}};
  if (!G.Object.empty()) J["obj"] = G.Object;
  if (G.ObjectParam >= 0) J["param"] = G.ObjectParam;
  if (!G.Function.empty()) J["fn"] = G.Function;
}
void from_json(const json &J, FieldGroup &G) {
  G.Record = J.at("rec").get<Symbol>();
  G.Fields = J.at("fields").get<std::vector<StoredField>>();
  G.Object = J.value("obj", "");
  G.ObjectParam = J.value("param", -1);
  G.Function = J.value("fn", "");
}

void to_json(json &J, const ReturnedObject &R) {
  J = json{{"fn", R.Function}};
  if (!R.Object.empty()) J["obj"] = R.Object;
  if (R.ObjectParam >= 0) J["param"] = R.ObjectParam;
}
void from_json(const json &J, ReturnedObject &R) {
  R.Function = J.at("fn").get<Symbol>();
  R.Object = J.value("obj", "");
  R.ObjectParam = J.value("param", -1);
}

std::string factsToJson(const TUFacts &TU) {
  json J{{"version", FactsFormatVersion},
         {"file", TU.File},
         {"failed", TU.Failed},
         {"errors", TU.Errors},
         {"functions", TU.Functions},
         {"fptrs", TU.Fptrs},
         {"groups", TU.Groups},
         {"returns", TU.Returns}};
  return J.dump();
}

llvm::Expected<TUFacts> factsFromJson(const std::string &Text) {
  try {
    json J = json::parse(Text);
    if (J.value("version", 0) != FactsFormatVersion)
      return llvm::createStringError(std::errc::invalid_argument,
                                     "facts format version %d, expected %d",
                                     J.value("version", 0), FactsFormatVersion);
    TUFacts TU;
    TU.File = J.at("file").get<std::string>();
    TU.Failed = J.at("failed").get<bool>();
    TU.Errors = J.at("errors").get<std::vector<std::string>>();
    TU.Functions = J.at("functions").get<std::vector<FunctionFacts>>();
    TU.Fptrs = J.at("fptrs").get<std::vector<FptrFlow>>();
    TU.Groups = J.at("groups").get<std::vector<FieldGroup>>();
    TU.Returns = J.at("returns").get<std::vector<ReturnedObject>>();
    return TU;
  } catch (const json::exception &E) {
    return llvm::createStringError(std::errc::invalid_argument,
                                   "malformed facts: %s", E.what());
  }
}

} // namespace lockwise
