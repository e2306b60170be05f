//===- FactsIO.cpp --------------------------------------------------------===//
#include "engine/FactsIO.h"

#include <nlohmann/json.hpp>

namespace lockwise {

using nlohmann::json;

void to_json(json &J, const Symbol &S) { J = S.str(); }
void from_json(const json &J, Symbol &S) { S = Symbol(J.get_ref<const std::string &>()); }

// Field names are short: a kernel TU has tens of thousands of events.
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
  R.K = (LockRef::Kind)J.at("k").get<int>();
  R.Root = J.value("r", "");
  R.Path = J.value("p", "");
  R.ParamIndex = J.value("i", -1);
  R.StaticGlobal = J.value("s", false);
  R.Owner = J.value("o", (int8_t)OwnerNone);
  R.File = J.value("f", "");
  R.Text = J.value("t", "");
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
}
void from_json(const json &J, ArgInfo &A) {
  if (J.contains("l")) A.Lock = J["l"].get<LockRef>();
  if (J.contains("n")) {
    A.HasInt = true;
    A.Int = J["n"].get<long long>();
  }
  A.Param = J.value("a", -1);
  A.Function = J.value("fn", "");
  A.Var = J.value("v", "");
  A.TryId = J.value("t", -1);
  A.Origin = J.value("o", (int8_t)OwnerAny);
  A.Holder = J.value("h", "");
  A.Object = J.value("obj", "");
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
  if (E.Direction) J["dir"] = E.Direction;
  if (E.ChangedBits) J["bits"] = E.ChangedBits;
  if (E.RetValue >= 0) J["ret"] = E.RetValue;
  if (E.Assigned >= 0) J["asg"] = E.Assigned;
  if (!E.EqualTo.empty()) J["eq"] = E.EqualTo;
}
void from_json(const json &J, Event &E) {
  E.Kind = (EventKind)J.at("k").get<int>();
  E.Loc = J.at("at").get<SrcLoc>();
  E.Name = J.value("n", "");
  if (J.contains("l")) E.Lock = J["l"].get<LockRef>();
  E.LockMode = J.value("shared", false) ? Mode::Shared : Mode::Exclusive;
  E.Recursive = J.value("rec", false);
  E.RecursiveParam = J.value("recp", -1);
  E.Irq = J.value("irq", false);
  E.Sleeps = J.value("sleeps", false);
  E.SuccessIsZero = J.value("zero", false);
  E.TryId = J.value("try", -1);
  E.BindVar = J.value("bind", "");
  E.Callee = J.value("callee", "");
  E.FptrKey = J.value("fptr", "");
  E.FptrBase = J.value("fbase", "");
  if (J.contains("args")) E.Args = J["args"].get<std::vector<ArgInfo>>();
  E.Macro = J.value("macro", "");
  E.CondText = J.value("cond", "");
  if (J.contains("condvars")) E.CondVars = J["condvars"].get<std::vector<Symbol>>();
  if (J.contains("vars")) E.Vars = J["vars"].get<std::vector<Symbol>>();
  E.KillsMemory = J.value("mem", false);
  E.IsWrite = J.value("w", false);
  E.Direction = J.value("dir", 0);
  E.ChangedBits = J.value("bits", uint64_t(0));
  E.RetValue = J.value("ret", -1);
  E.Assigned = J.value("asg", -1);
  E.EqualTo = J.value("eq", "");
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
}
void from_json(const json &J, Condition &C) {
  C.K = (Condition::Kind)J.at("k").get<int>();
  C.Key = J.value("key", "");
  if (J.contains("vars")) C.Vars = J["vars"].get<std::vector<Symbol>>();
  C.Memory = J.value("mem", false);
  C.TryId = J.value("try", -1);
  C.Negated = J.value("neg", false);
  C.Unequal = J.value("ne", "");
  C.MaskParam = J.value("mp", -1);
  C.Mask = J.value("mask", uint64_t(0));
  C.IntVar = J.value("iv", "");
  C.IntConst = J.value("ic", int64_t(0));
  C.IntEq = J.value("ieq", false);
  C.CountedExit = J.value("cx", false);
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
