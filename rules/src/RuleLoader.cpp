//===- RuleLoader.cpp - Parse and validate .jsonc rule files --------------===//
#include "SourceIndex.h"
#include "lockwise/Rules.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

namespace lockwise::rules {

using nlohmann::json;

std::string Diagnostic::str() const {
  std::ostringstream OS;
  OS << Pos.File << ':';
  if (Pos.Line)
    OS << Pos.Line << ':' << Pos.Column << ':';
  OS << ' '

     << (K == Error ? "error" : "warning") << ": " << Message;
  return OS.str();
}

std::string RuleSet::canonical(const std::string &Name) const {
  std::string Cur = Name;
  // Bounded walk: a cycle of aliases is reported by the loader, not here.
  for (int Steps = 0; Steps < 16; ++Steps) {
    auto It = Aliases.find(Cur);
    if (It == Aliases.end() || It->second == Cur)
      return Cur;
    Cur = It->second;
  }
  return Cur;
}

const Primitive *RuleSet::findPrimitive(std::string_view Name) const {
  for (auto It = Primitives.rbegin(); It != Primitives.rend(); ++It)
    if (It->Name == Name)
      return &*It;
  return nullptr;
}

namespace {

/// Reads one parsed document into a RuleSet, reporting problems with the
/// position of the offending member.
class Reader {
public:
  Reader(const std::string &Path, std::string_view Text, RuleSet &Into,
         std::vector<Diagnostic> &Diags)
      : Path(Path), Index(Text), Into(Into), Diags(Diags) {}

  bool read(const json &Doc);

private:
  SourcePos pos(const std::string &Pointer) const {
    auto [Line, Column] = Index.lineColumn(Index.offsetOf(Pointer));
    return SourcePos{Path, Line, Column};
  }
  void error(const std::string &Pointer, const std::string &Msg) {
    Diags.push_back({Diagnostic::Error, pos(Pointer), Msg});
    Failed = true;
  }
  void warning(const std::string &Pointer, const std::string &Msg) {
    Diags.push_back({Diagnostic::Warning, pos(Pointer), Msg});
  }

  bool expectArray(const json &V, const std::string &Ptr,
                   const char *What) {
    if (V.is_array())
      return true;
    error(Ptr, std::string("'") + What + "' must be an array");
    return false;
  }
  bool expectObject(const json &V, const std::string &Ptr,
                    const char *What) {
    if (V.is_object())
      return true;
    error(Ptr, std::string(What) + " must be an object");
    return false;
  }
  /// Obj's member Key; reports it and returns null when absent.
  const json *required(const json &Obj, const std::string &Ptr,
                       const char *Key) {
    auto It = Obj.find(Key);
    if (It != Obj.end())
      return &*It;
    error(Ptr, std::string("missing required key '") + Key + "'");
    return nullptr;
  }
  /// A required string member; reports and returns false when absent.
  bool requireString(const json &Obj, const std::string &Ptr,
                     const char *Key, std::string &Out) {
    const json *Value = required(Obj, Ptr, Key);
    if (!Value)
      return false;
    if (!Value->is_string()) {
      error(Ptr + "/" + Key, std::string("'") + Key + "' must be a string");
      return false;
    }
    Out = Value->get<std::string>();
    return true;
  }
  void optionalString(const json &Obj, const std::string &Ptr,
                      const char *Key, std::string &Out) {
    auto It = Obj.find(Key);
    if (It == Obj.end())
      return;
    if (!It->is_string()) {
      error(Ptr + "/" + Key, std::string("'") + Key + "' must be a string");
      return;
    }
    Out = It->get<std::string>();
  }
  bool stringList(const json &V, const std::string &Ptr, const char *Key,
                  std::vector<std::string> &Out) {
    if (!V.is_array()) {
      error(Ptr, std::string("'") + Key + "' must be an array of strings");
      return false;
    }
    for (size_t I = 0; I < V.size(); ++I) {
      if (!V[I].is_string()) {
        error(Ptr + "/" + std::to_string(I),
              std::string("'") + Key + "' must contain only strings");
        return false;
      }
      Out.push_back(V[I].get<std::string>());
    }
    return true;
  }
  /// A required member that is an array of strings, read into Out;
  /// reports and returns false when absent or malformed.
  bool requireStringList(const json &Obj, const std::string &Ptr,
                         const char *Key, std::vector<std::string> &Out) {
    const json *Value = required(Obj, Ptr, Key);
    return Value && stringList(*Value, Ptr + "/" + Key, Key, Out);
  }
  void checkKeys(const json &Obj, const std::string &Ptr,
                 const std::set<std::string> &Known, const char *Where) {
    for (auto It = Obj.begin(); It != Obj.end(); ++It)
      if (!Known.count(It.key()))
        warning(Ptr + "/" + It.key(), "unknown key '" + It.key() + "' in " +
                                          Where + " (ignored)");
  }

  void readAliases(const json &V, const std::string &Ptr);
  void readPrimitives(const json &V, const std::string &Ptr);
  void readHierarchies(const json &V, const std::string &Ptr);
  void readGuarded(const json &V, const std::string &Ptr);
  void readRequires(const json &V, const std::string &Ptr);
  void readEnteredHolding(const json &V, const std::string &Ptr);
  void readDistinctResults(const json &V, const std::string &Ptr);
  void readForbidden(const json &V, const std::string &Ptr);
  void readHeldContinuously(const json &V, const std::string &Ptr);
  void readSleeping(const json &V, const std::string &Ptr);
  void readExclusive(const json &V, const std::string &Ptr);
  void readClassByHolder(const json &V, const std::string &Ptr);

  const std::string &Path;
  SourceIndex Index;
  RuleSet &Into;
  std::vector<Diagnostic> &Diags;
  bool Failed = false;
};

bool Reader::read(const json &Doc) {
  if (!expectObject(Doc, "", "the top level of a rule file"))
    return false;
  checkKeys(Doc, "",
            {"$schema", "description", "aliases", "primitives", "lock_types",
             "hierarchies", "guarded", "requires", "entered_holding",
             "distinct_results", "forbidden_while_held",
             "held_continuously", "sleeping", "sleeping_if_defined",
             "recursive_locks", "crash_paths", "exclusive_contexts",
             "unshared", "running_context", "class_by_holder"},
            "the rule file");
  auto Section = [&](const char *Key, auto Fn) {
    auto It = Doc.find(Key);
    if (It != Doc.end())
      (this->*Fn)(*It, std::string("/") + Key);
  };
  Section("aliases", &Reader::readAliases);
  Section("primitives", &Reader::readPrimitives);
  if (auto It = Doc.find("lock_types"); It != Doc.end())
    stringList(*It, "/lock_types", "lock_types", Into.LockTypes);
  if (auto It = Doc.find("recursive_locks"); It != Doc.end())
    stringList(*It, "/recursive_locks", "recursive_locks", Into.RecursiveLocks);
  if (auto It = Doc.find("crash_paths"); It != Doc.end())
    stringList(*It, "/crash_paths", "crash_paths", Into.CrashPaths);
  if (auto It = Doc.find("unshared"); It != Doc.end())
    stringList(*It, "/unshared", "unshared", Into.Unshared);
  if (auto It = Doc.find("running_context"); It != Doc.end())
    stringList(*It, "/running_context", "running_context",
               Into.RunningContext);
  Section("hierarchies", &Reader::readHierarchies);
  Section("guarded", &Reader::readGuarded);
  Section("requires", &Reader::readRequires);
  Section("entered_holding", &Reader::readEnteredHolding);
  Section("distinct_results", &Reader::readDistinctResults);
  Section("forbidden_while_held", &Reader::readForbidden);
  Section("held_continuously", &Reader::readHeldContinuously);
  Section("exclusive_contexts", &Reader::readExclusive);
  Section("class_by_holder", &Reader::readClassByHolder);
  size_t FirstSleeping = Into.Sleeping.size();
  Section("sleeping", &Reader::readSleeping);
  if (auto It = Doc.find("sleeping_if_defined"); It != Doc.end()) {
    if (!It->is_string())
      error("/sleeping_if_defined", "'sleeping_if_defined' must be a macro name");
    else
      for (size_t I = FirstSleeping; I < Into.Sleeping.size(); ++I)
        Into.Sleeping[I].IfDefined = It->get<std::string>();
  }
  return !Failed;
}

void Reader::readAliases(const json &V, const std::string &Ptr) {
  if (!expectObject(V, Ptr, "'aliases'"))
    return;
  for (auto It = V.begin(); It != V.end(); ++It) {
    if (!It->is_string()) {
      error(Ptr + "/" + It.key(), "alias '" + It.key() +
                                      "' must map to a lock class name");
      continue;
    }
    Into.Aliases[It.key()] = It->get<std::string>();
  }
}

void Reader::readPrimitives(const json &V, const std::string &Ptr) {
  if (!expectArray(V, Ptr, "primitives"))
    return;
  static const std::pair<const char *, PrimitiveOp> Ops[] = {
      {"acquire", PrimitiveOp::Acquire},     {"release", PrimitiveOp::Release},
      {"try", PrimitiveOp::TryAcquire},      {"wait", PrimitiveOp::Wait},
      {"wake", PrimitiveOp::Wake},           {"assert-held", PrimitiveOp::AssertHeld},
      {"is-held", PrimitiveOp::IsHeld},      {"transparent", PrimitiveOp::Transparent},
      {"check-order", PrimitiveOp::CheckOrder},
      {"irq-disable", PrimitiveOp::IrqDisable},
      {"irq-enable", PrimitiveOp::IrqEnable},
      {"irq-restore", PrimitiveOp::IrqRestore}};
  for (size_t I = 0; I < V.size(); ++I) {
    std::string P = Ptr + "/" + std::to_string(I);
    const json &E = V[I];
    if (!expectObject(E, P, "a primitive"))
      continue;
    checkKeys(E, P,
              {"name", "names", "op", "arg", "mode", "recursive", "irq",
               "success", "sleeps", "recursive_arg", "class", "handle", "reference",
               "result_arg", "irq_checked"},
              "a primitive");
    Primitive Prim;
    Prim.Pos = pos(P);
    std::string Op;
    if (!requireString(E, P, "op", Op))
      continue;
    bool Known = false;
    for (auto &[Name, Value] : Ops)
      if (Op == Name) {
        Prim.Op = Value;
        Known = true;
      }
    if (!Known) {
      error(P + "/op", "unknown primitive op '" + Op +
                           "' (expected acquire, release, try, wait, wake, "
                           "assert-held, is-held, transparent, check-order, "
                           "irq-disable, irq-enable or irq-restore)");
      continue;
    }
    if (auto It = E.find("arg"); It != E.end()) {
      if (!It->is_number_unsigned()) {
        error(P + "/arg", "'arg' must be a non-negative argument index");
        continue;
      }
      Prim.Arg = It->get<unsigned>();
    }
    if (auto It = E.find("recursive_arg"); It != E.end()) {
      if (!It->is_number_unsigned()) {
        error(P + "/recursive_arg", "'recursive_arg' must be an argument index");
        continue;
      }
      Prim.RecursiveArg = It->get<unsigned>();
    }
    if (auto It = E.find("result_arg"); It != E.end()) {
      if (!It->is_number_unsigned()) {
        error(P + "/result_arg", "'result_arg' must be an argument index");
        continue;
      }
      Prim.ResultArg = It->get<unsigned>();
    }
    std::string Mode = "exclusive";
    optionalString(E, P, "mode", Mode);
    if (Mode == "shared")
      Prim.Mode = LockMode::Shared;
    else if (Mode != "exclusive")
      error(P + "/mode", "'mode' must be \"exclusive\" or \"shared\"");
    std::string Success = "nonzero";
    optionalString(E, P, "success", Success);
    if (Success == "zero")
      Prim.Success = SuccessValue::Zero;
    else if (Success != "nonzero")
      error(P + "/success", "'success' must be \"zero\" or \"nonzero\"");
    auto Flag = [&](const char *Key, bool &Out) {
      auto It = E.find(Key);
      if (It == E.end())
        return;
      if (!It->is_boolean()) {
        error(P + "/" + Key, std::string("'") + Key + "' must be true or false");
        return;
      }
      Out = It->get<bool>();
    };
    Flag("recursive", Prim.Recursive);
    Flag("irq", Prim.DisablesIrq);
    Flag("sleeps", Prim.Sleeps);
    Flag("handle", Prim.Handle);
    Flag("reference", Prim.Reference);
    Flag("irq_checked", Prim.IrqChecked);
    optionalString(E, P, "class", Prim.Class);
    if (!Prim.Class.empty() && Prim.Op != PrimitiveOp::Acquire &&
        Prim.Op != PrimitiveOp::TryAcquire && Prim.Op != PrimitiveOp::Release &&
        Prim.Op != PrimitiveOp::CheckOrder)
      error(P + "/class", "'class' names the lock of an acquire, try, release "
                          "or check-order primitive that takes no lock "
                          "argument");
    if (!Prim.Class.empty() && Prim.Handle)
      error(P + "/class", "a release names its lock by 'class' or by "
                          "'handle', not both");
    if (Prim.Handle && Prim.Op != PrimitiveOp::Release)
      error(P + "/handle", "'handle' is for release primitives that take the "
                           "handle an acquire with 'class' returned");
    if (Prim.Reference && Prim.Class.empty())
      error(P + "/reference", "a reference names its 'class' (the variable "
                              "holding it is the instance)");
    if (Prim.ResultArg && (!Prim.Reference || (Prim.Op != PrimitiveOp::Acquire &&
                                               Prim.Op != PrimitiveOp::TryAcquire)))
      error(P + "/result_arg", "'result_arg' is for acquire and try primitives "
                               "of a reference that store it through an argument");

    std::vector<std::string> Names;
    if (auto It = E.find("names"); It != E.end())
      stringList(*It, P + "/names", "names", Names);
    std::string Single;
    optionalString(E, P, "name", Single);
    if (!Single.empty())
      Names.push_back(Single);
    if (Names.empty()) {
      error(P, "a primitive needs 'name' or 'names'");
      continue;
    }
    for (auto &Name : Names) {
      Primitive Copy = Prim;
      Copy.Name = Name;
      Into.Primitives.push_back(std::move(Copy));
    }
  }
}

void Reader::readHierarchies(const json &V, const std::string &Ptr) {
  if (!expectArray(V, Ptr, "hierarchies"))
    return;
  for (size_t I = 0; I < V.size(); ++I) {
    std::string P = Ptr + "/" + std::to_string(I);
    const json &E = V[I];
    if (!expectObject(E, P, "a hierarchy"))
      continue;
    checkKeys(E, P, {"name", "order", "why", "running_context_last"},
              "a hierarchy");
    Hierarchy H;
    H.Pos = pos(P);
    requireString(E, P, "name", H.Name);
    if (auto Last = E.find("running_context_last"); Last != E.end()) {
      if (Last->is_boolean())
        H.RunningContextLast = Last->get<bool>();
      else
        error(P + "/running_context_last",
              "'running_context_last' must be true or false");
    }
    if (!requireStringList(E, P, "order", H.Order))
      continue;
    if (H.Order.size() < 2)
      warning(P + "/order", "hierarchy '" + H.Name +
                                "' orders fewer than two locks");
    std::set<std::string> Seen;
    for (size_t J = 0; J < H.Order.size(); ++J)
      if (!Seen.insert(H.Order[J]).second)
        error(P + "/order/" + std::to_string(J),
              "lock '" + H.Order[J] + "' appears twice in hierarchy '" +
                  H.Name + "'");
    Into.Hierarchies.push_back(std::move(H));
  }
}

void Reader::readGuarded(const json &V, const std::string &Ptr) {
  if (!expectArray(V, Ptr, "guarded"))
    return;
  for (size_t I = 0; I < V.size(); ++I) {
    std::string P = Ptr + "/" + std::to_string(I);
    if (!expectObject(V[I], P, "a guarded rule"))
      continue;
    checkKeys(V[I], P, {"field", "by", "why"}, "a guarded rule");
    GuardedRule R;
    R.Pos = pos(P);
    if (requireString(V[I], P, "field", R.Field) &&
        requireString(V[I], P, "by", R.By))
      Into.Guarded.push_back(std::move(R));
  }
}

void Reader::readRequires(const json &V, const std::string &Ptr) {
  if (!expectArray(V, Ptr, "requires"))
    return;
  for (size_t I = 0; I < V.size(); ++I) {
    std::string P = Ptr + "/" + std::to_string(I);
    if (!expectObject(V[I], P, "a requires rule"))
      continue;
    checkKeys(V[I], P, {"function", "held", "why"}, "a requires rule");
    RequiresRule R;
    R.Pos = pos(P);
    if (!requireString(V[I], P, "function", R.Function))
      continue;
    if (requireStringList(V[I], P, "held", R.Held))
      Into.Requires.push_back(std::move(R));
  }
}

void Reader::readEnteredHolding(const json &V, const std::string &Ptr) {
  if (!expectArray(V, Ptr, "entered_holding"))
    return;
  for (size_t I = 0; I < V.size(); ++I) {
    std::string P = Ptr + "/" + std::to_string(I);
    if (!expectObject(V[I], P, "an entered_holding rule"))
      continue;
    checkKeys(V[I], P, {"callbacks", "held", "why"}, "an entered_holding rule");
    EnteredHoldingRule R;
    R.Pos = pos(P);
    // Both read, so that a rule missing both says so once for each.
    bool HasCallbacks = requireStringList(V[I], P, "callbacks", R.Callbacks);
    bool HasHeld = requireStringList(V[I], P, "held", R.Held);
    if (!HasCallbacks || !HasHeld)
      continue;
    // A callback is a struct's function-pointer member, as the analyzer
    // keys stores into it: "libxl__ev_qmp.callback".
    bool Fields = true;
    for (size_t J = 0; J < R.Callbacks.size(); ++J) {
      const std::string &C = R.Callbacks[J];
      size_t Dot = C.find('.');
      if (Dot != std::string::npos && Dot > 0 && C.back() != '.')
        continue;
      error(P + "/callbacks/" + std::to_string(J),
            "callback '" + R.Callbacks[J] +
                "' must name a struct member as 'tag.field'");
      Fields = false;
    }
    optionalString(V[I], P, "why", R.Why);
    if (Fields)
      Into.EnteredHolding.push_back(std::move(R));
  }
}

void Reader::readDistinctResults(const json &V, const std::string &Ptr) {
  if (!expectArray(V, Ptr, "distinct_results"))
    return;
  for (size_t I = 0; I < V.size(); ++I) {
    std::string P = Ptr + "/" + std::to_string(I);
    if (!expectObject(V[I], P, "a distinct_results rule"))
      continue;
    checkKeys(V[I], P, {"functions", "why"}, "a distinct_results rule");
    DistinctResultsRule R;
    R.Pos = pos(P);
    if (!requireStringList(V[I], P, "functions", R.Functions))
      continue;
    optionalString(V[I], P, "why", R.Why);
    std::set<std::string> Unique(R.Functions.begin(), R.Functions.end());
    if (Unique.size() < 2) {
      error(P + "/functions",
            "a distinct_results rule needs at least two different functions");
      continue;
    }
    Into.DistinctResults.push_back(std::move(R));
  }
}

void Reader::readForbidden(const json &V, const std::string &Ptr) {
  if (!expectArray(V, Ptr, "forbidden_while_held"))
    return;
  for (size_t I = 0; I < V.size(); ++I) {
    std::string P = Ptr + "/" + std::to_string(I);
    if (!expectObject(V[I], P, "a forbidden_while_held rule"))
      continue;
    checkKeys(V[I], P, {"lock", "calls", "why"}, "a forbidden_while_held rule");
    ForbiddenWhileHeldRule R;
    R.Pos = pos(P);
    if (!requireString(V[I], P, "lock", R.Lock))
      continue;
    optionalString(V[I], P, "why", R.Why);
    if (requireStringList(V[I], P, "calls", R.Calls))
      Into.ForbiddenWhileHeld.push_back(std::move(R));
  }
}

void Reader::readHeldContinuously(const json &V, const std::string &Ptr) {
  if (!expectArray(V, Ptr, "held_continuously"))
    return;
  for (size_t I = 0; I < V.size(); ++I) {
    std::string P = Ptr + "/" + std::to_string(I);
    if (!expectObject(V[I], P, "a held_continuously rule"))
      continue;
    checkKeys(V[I], P, {"lock", "from", "to", "why"},
              "a held_continuously rule");
    HeldContinuouslyRule R;
    R.Pos = pos(P);
    if (requireString(V[I], P, "lock", R.Lock) &&
        requireString(V[I], P, "from", R.From) &&
        requireString(V[I], P, "to", R.To)) {
      optionalString(V[I], P, "why", R.Why);
      Into.HeldContinuously.push_back(std::move(R));
    }
  }
}

void Reader::readClassByHolder(const json &V, const std::string &Ptr) {
  if (!expectArray(V, Ptr, "class_by_holder"))
    return;
  for (size_t I = 0; I < V.size(); ++I) {
    std::string P = Ptr + "/" + std::to_string(I);
    if (!expectObject(V[I], P, "a class_by_holder entry"))
      continue;
    checkKeys(V[I], P, {"type", "constructors", "why"}, "a class_by_holder entry");
    ClassByHolder C;
    C.Pos = pos(P);
    if (!requireString(V[I], P, "type", C.Type))
      continue;
    optionalString(V[I], P, "why", C.Why);
    if (auto Ctors = V[I].find("constructors"); Ctors != V[I].end() &&
        !stringList(*Ctors, P + "/constructors", "constructors", C.Constructors))
      continue;
    Into.ClassesByHolder.push_back(std::move(C));
  }
}

void Reader::readExclusive(const json &V, const std::string &Ptr) {
  if (!expectArray(V, Ptr, "exclusive_contexts"))
    return;
  for (size_t I = 0; I < V.size(); ++I) {
    std::string P = Ptr + "/" + std::to_string(I);
    if (!expectObject(V[I], P, "an exclusive_contexts group"))
      continue;
    checkKeys(V[I], P, {"name", "contexts", "why"}, "an exclusive_contexts group");
    ExclusiveContexts G;
    G.Pos = pos(P);
    if (!requireString(V[I], P, "name", G.Name))
      continue;
    optionalString(V[I], P, "why", G.Why);
    auto Cs = V[I].find("contexts");
    if (Cs == V[I].end() || !Cs->is_array() || Cs->size() < 2) {
      error(P + "/contexts",
            "'contexts' must list at least two contexts that exclude each other");
      continue;
    }
    bool Ok = true;
    for (size_t J = 0; J < Cs->size(); ++J) {
      std::string CP = P + "/contexts/" + std::to_string(J);
      const json &C = (*Cs)[J];
      if (!expectObject(C, CP, "a context")) {
        Ok = false;
        continue;
      }
      checkKeys(C, CP, {"name", "files", "functions"}, "a context");
      ExclusiveContexts::Context X;
      auto Files = C.find("files");
      auto Functions = C.find("functions");
      bool Good = requireString(C, CP, "name", X.Name);
      if (Files != C.end())
        Good &= stringList(*Files, CP + "/files", "files", X.Files);
      if (Functions != C.end())
        Good &= stringList(*Functions, CP + "/functions", "functions", X.Functions);
      if (Good && X.Files.empty() && X.Functions.empty()) {
        error(CP, "a context needs 'files' (globs over source paths) or "
                  "'functions'");
        Good = false;
      }
      if (!Good) {
        Ok = false;
        continue;
      }
      G.Contexts.push_back(std::move(X));
    }
    if (Ok)
      Into.Exclusive.push_back(std::move(G));
  }
}

void Reader::readSleeping(const json &V, const std::string &Ptr) {
  if (!expectArray(V, Ptr, "sleeping"))
    return;
  for (size_t I = 0; I < V.size(); ++I) {
    std::string P = Ptr + "/" + std::to_string(I);
    const json &E = V[I];
    SleepingRule R;
    R.Pos = pos(P);
    if (E.is_string()) {
      R.Function = E.get<std::string>();
      Into.Sleeping.push_back(std::move(R));
      continue;
    }
    if (!expectObject(E, P, "a sleeping rule"))
      continue;
    checkKeys(E, P, {"function", "gfp_arg", "why"}, "a sleeping rule");
    if (!requireString(E, P, "function", R.Function))
      continue;
    if (auto It = E.find("gfp_arg"); It != E.end()) {
      if (!It->is_number_unsigned()) {
        error(P + "/gfp_arg", "'gfp_arg' must be an argument index");
        continue;
      }
      R.GfpArg = It->get<unsigned>();
    }
    Into.Sleeping.push_back(std::move(R));
  }
}

} // namespace

bool loadRuleText(std::string_view Text, const std::string &Path,
                  RuleSet &Into, std::vector<Diagnostic> &Diags) {
  json Doc;
  try {
    Doc = json::parse(Text.begin(), Text.end(), /*cb=*/nullptr,
                      /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const json::parse_error &E) {
    // E.byte is 1-based and points just past the offending character.
    SourceIndex Index(Text);
    size_t Offset = E.byte > 0 ? E.byte - 1 : 0;
    // Point at the start of the offending token, as compilers do.
    if (Offset < Text.size() && Offset > 0 && Text[Offset] == '"') {
      size_t Open = Offset - 1;
      while (Open > 0 && !(Text[Open] == '"' && Text[Open - 1] != '\\'))
        --Open;
      Offset = Open;
    } else {
      while (Offset > 0 && Offset < Text.size() &&
             (std::isalnum((unsigned char)Text[Offset - 1]) ||
              Text[Offset - 1] == '.' || Text[Offset - 1] == '-') &&
             std::isalnum((unsigned char)Text[Offset]))
        --Offset;
    }
    auto [Line, Column] = Index.lineColumn(Offset);
    std::string Msg = E.what();
    // Drop nlohmann's "[json.exception.parse_error.101] parse error at line
    // 3, column 5: " prefix: we print our own position.
    if (auto Colon = Msg.find(": syntax error"); Colon != std::string::npos)
      Msg = Msg.substr(Colon + 2);
    Diags.push_back({Diagnostic::Error, {Path, Line, Column}, Msg});
    return false;
  } catch (const json::exception &E) {
    Diags.push_back({Diagnostic::Error, {Path, 1, 1}, E.what()});
    return false;
  }
  Into.Files.push_back(Path);
  Reader R(Path, Text, Into, Diags);
  return R.read(Doc);
}

bool loadRuleFile(const std::string &Path, RuleSet &Into,
                  std::vector<Diagnostic> &Diags) {
  std::ifstream In(Path, std::ios::binary);
  if (!In) {
    Diags.push_back({Diagnostic::Error, {Path, 0, 0}, "cannot open rule file"});
    return false;
  }
  std::stringstream Buffer;
  Buffer << In.rdbuf();
  return loadRuleText(Buffer.str(), Path, Into, Diags);
}

} // namespace lockwise::rules
