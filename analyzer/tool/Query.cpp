//===- Query.cpp ----------------------------------------------------------===//
#include "tool/Query.h"

#include <map>
#include <set>

namespace lockwise {

using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

namespace {

Value chainJson(const Chain &C) {
  Array Steps;
  for (const WitnessStep &S : C)
    Steps.push_back(Object{{"file", S.Loc.File.str()},
                           {"line", S.Loc.Line},
                           {"column", S.Loc.Column},
                           {"function", S.Function.str()},
                           {"message", S.Message.str()}});
  return Steps;
}

llvm::Error usage(const std::string &Msg) {
  return llvm::createStringError(std::errc::invalid_argument, "%s", Msg.c_str());
}

/// The function keys whose name or key is Name.
std::vector<std::string> functionsNamed(const Program &P, const std::string &Name) {
  std::vector<std::string> Out;
  for (const FunctionFacts *F : P.functions())
    if (F->Key == Name || F->Name == Name)
      Out.push_back(F->Key);
  return Out;
}

Value queryOrder(const std::string &A, const std::string &B, const LockGraph &G) {
  Object O{{"query", "order"}, {"from", A}, {"to", B}};
  const LockEdge *E = G.edge(A, B);
  O["held"] = E != nullptr;
  Array Witnesses;
  if (E) {
    Witnesses.push_back(chainJson(E->Witness));
    for (const Chain &C : E->Others)
      Witnesses.push_back(chainJson(C));
  }
  O["witnesses"] = std::move(Witnesses);
  return O;
}

Value queryPath(const std::string &A, const std::string &B, const LockGraph &G) {
  Object O{{"query", "path"}, {"from", A}, {"to", B}};
  std::vector<std::string> Path = G.shortestPath(A, B);
  Array Edges;
  for (size_t I = 0; I + 1 < Path.size(); ++I) {
    const LockEdge *E = G.edge(Path[I], Path[I + 1]);
    Edges.push_back(Object{{"from", Path[I]},
                           {"to", Path[I + 1]},
                           {"witness", chainJson(E->Witness)}});
  }
  O["found"] = !Path.empty();
  O["edges"] = std::move(Edges);
  return O;
}

Value queryTakes(const std::string &L, const AnalysisResult &R) {
  Object O{{"query", "takes"}, {"lock", L}};
  Array Fns;
  for (auto &[Key, Acqs] : R.Acquires)
    for (const FunctionAcquire &A : Acqs)
      if (A.Lock == L) {
        Fns.push_back(Object{{"function", Key},
                             {"direct", A.Direct},
                             {"witness", chainJson(A.Witness)}});
        break;
      }
  O["functions"] = std::move(Fns);
  return O;
}

Value queryHeldAt(const std::vector<std::string> &Keys, const std::string &Name,
                  const AnalysisResult &R) {
  // Locks held on entry to F: held at a call of F, or held on entry to a
  // caller that calls F.  Breadth-first up the callers, remembering the
  // call chain that first brought each lock.
  struct Reason {
    std::vector<const HeldAtCall *> Calls; // outermost last
  };
  std::map<std::string, std::vector<const HeldAtCall *>> CallsTo;
  for (const HeldAtCall &C : R.HeldAtCalls)
    CallsTo[C.Callee].push_back(&C);
  std::map<std::string, Reason> Locks;
  std::set<std::string> Visited;
  std::vector<std::pair<std::string, std::vector<const HeldAtCall *>>> Work;
  for (const std::string &K : Keys)
    Work.push_back({K, {}});
  for (size_t I = 0; I < Work.size() && I < 4096; ++I) {
    auto [Fn, Chain] = Work[I];
    if (!Visited.insert(Fn).second)
      continue;
    for (const HeldAtCall *C : CallsTo[Fn]) {
      std::vector<const HeldAtCall *> Next = Chain;
      Next.push_back(C);
      for (const std::string &L : C->Held)
        Locks.emplace(L, Reason{Next});
      Work.push_back({C->Caller, Next});
    }
  }
  Object O{{"query", "held-at"}, {"function", Name}};
  Array Out;
  for (auto &[L, Why] : Locks) {
    Array Callers;
    for (const HeldAtCall *C : Why.Calls)
      Callers.push_back(Object{{"caller", C->Caller},
                               {"callee", C->Callee},
                               {"file", C->Loc.File.str()},
                               {"line", C->Loc.Line}});
    Out.push_back(Object{{"lock", L}, {"callers", std::move(Callers)}});
  }
  O["locks"] = std::move(Out);
  return O;
}

} // namespace

llvm::Expected<Value> runQuery(const std::vector<std::string> &Words,
                               const Program &P, const AnalysisResult &R,
                               const LockGraph &G) {
  if (Words.empty())
    return usage("query: give one of: order A B, held-at FUNCTION, takes LOCK, path A B");
  const std::string &Kind = Words[0];
  auto Need = [&](size_t N) -> llvm::Error {
    if (Words.size() != N + 1)
      return usage("query " + Kind + " takes " + std::to_string(N) +
                   (N == 1 ? " argument" : " arguments"));
    return llvm::Error::success();
  };
  if (Kind == "order" || Kind == "path") {
    if (llvm::Error E = Need(2))
      return std::move(E);
    for (size_t I = 1; I <= 2; ++I)
      if (!G.locks().count(Words[I]))
        return usage("no lock named '" + Words[I] + "' in the lock graph");
    return Kind == "order" ? queryOrder(Words[1], Words[2], G)
                           : queryPath(Words[1], Words[2], G);
  }
  if (Kind == "takes") {
    if (llvm::Error E = Need(1))
      return std::move(E);
    return queryTakes(Words[1], R);
  }
  if (Kind == "held-at") {
    if (llvm::Error E = Need(1))
      return std::move(E);
    std::vector<std::string> Keys = functionsNamed(P, Words[1]);
    if (Keys.empty())
      return usage("no function named '" + Words[1] + "' in the program");
    return queryHeldAt(Keys, Words[1], R);
  }
  return usage("unknown query '" + Kind + "' (order, held-at, takes, path)");
}

namespace {
void printChain(const Array &Steps, llvm::raw_ostream &OS) {
  for (const Value &S : Steps) {
    const Object &O = *S.getAsObject();
    OS << "    " << *O.getString("file") << ":" << *O.getInteger("line") << ": "
       << *O.getString("message") << "\n";
  }
}
} // namespace

void printQueryText(const Value &Answer, llvm::raw_ostream &OS) {
  const Object &O = *Answer.getAsObject();
  llvm::StringRef Kind = *O.getString("query");
  if (Kind == "order") {
    const Array &W = *O.getArray("witnesses");
    OS << "'" << *O.getString("to") << "' is " << (W.empty() ? "never " : "")
       << "taken while '" << *O.getString("from") << "' is held";
    if (!W.empty())
      OS << " (" << W.size() << (W.size() == 1 ? " witness)" : " witnesses)");
    OS << "\n";
    for (size_t I = 0; I < W.size(); ++I) {
      OS << "  #" << I + 1 << "\n";
      printChain(*W[I].getAsArray(), OS);
    }
  } else if (Kind == "path") {
    const Array &E = *O.getArray("edges");
    if (E.empty())
      OS << "no chain of edges from '" << *O.getString("from") << "' to '"
         << *O.getString("to") << "'\n";
    for (const Value &V : E) {
      const Object &Edge = *V.getAsObject();
      OS << "'" << *Edge.getString("from") << "' -> '" << *Edge.getString("to")
         << "'\n";
      printChain(*Edge.getArray("witness"), OS);
    }
  } else if (Kind == "takes") {
    const Array &F = *O.getArray("functions");
    OS << F.size() << " function" << (F.size() == 1 ? "" : "s") << " acquire '"
       << *O.getString("lock") << "'\n";
    for (const Value &V : F) {
      const Object &Fn = *V.getAsObject();
      OS << "  " << *Fn.getString("function")
         << (*Fn.getBoolean("direct") ? " (directly)" : " (through callees)") << "\n";
    }
  } else if (Kind == "held-at") {
    const Array &L = *O.getArray("locks");
    OS << L.size() << " lock" << (L.size() == 1 ? "" : "s")
       << " may be held on entry to " << *O.getString("function") << "\n";
    for (const Value &V : L) {
      const Object &Lk = *V.getAsObject();
      OS << "  '" << *Lk.getString("lock") << "'\n";
      for (const Value &C : *Lk.getArray("callers")) {
        const Object &Co = *C.getAsObject();
        OS << "    " << *Co.getString("file") << ":" << *Co.getInteger("line")
           << ": " << *Co.getString("caller") << " calls "
           << *Co.getString("callee") << "\n";
      }
    }
  }
}

} // namespace lockwise
