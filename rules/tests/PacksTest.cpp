//===- PacksTest.cpp - The shipped packs, catalogs and schema -------------===//
//
// Every rules/*.jsonc pack and rules/catalog/*.jsonc catalog must load with
// no error and no warning, and validate against rules/schema.json; the
// schema must say exactly what the loader says (a document is schema-valid
// iff the loader reads it cleanly).  The schema check is a small
// JSON Schema 2020-12 validator covering the keywords schema.json uses (it
// fails on any other keyword, so the two cannot drift apart silently).
//
//===----------------------------------------------------------------------===//
#include "lockwise/Rules.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

using namespace lockwise::rules;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string RulesDir = LOCKWISE_RULES_DIR;

std::string readFile(const std::string &Path) {
  std::ifstream In(Path, std::ios::binary);
  std::stringstream S;
  S << In.rdbuf();
  return S.str();
}

std::vector<std::string> ruleFiles() {
  std::vector<std::string> Files;
  for (const char *Dir : {"", "/catalog"})
    for (const auto &E : fs::directory_iterator(RulesDir + Dir))
      if (E.path().extension() == ".jsonc")
        Files.push_back(E.path().string());
  std::sort(Files.begin(), Files.end());
  return Files;
}

std::string dump(const std::vector<Diagnostic> &Diags) {
  std::string S;
  for (auto &D : Diags)
    S += D.str() + "\n";
  return S;
}

/// The subset of JSON Schema 2020-12 that rules/schema.json uses.
class Validator {
public:
  explicit Validator(json Root) : Root(std::move(Root)) {}

  bool validate(const json &V, std::vector<std::string> &Errors) const {
    return check(Root, V, "", Errors);
  }

private:
  const json &resolve(const std::string &Ref) const {
    static const std::string Prefix = "#/$defs/";
    if (Ref.compare(0, Prefix.size(), Prefix) != 0)
      throw std::runtime_error("unsupported $ref " + Ref);
    return Root.at("$defs").at(Ref.substr(Prefix.size()));
  }
  static bool hasType(const json &V, const std::string &T) {
    if (T == "object")
      return V.is_object();
    if (T == "array")
      return V.is_array();
    if (T == "string")
      return V.is_string();
    if (T == "integer")
      return V.is_number_integer();
    if (T == "number")
      return V.is_number();
    if (T == "boolean")
      return V.is_boolean();
    if (T == "null")
      return V.is_null();
    throw std::runtime_error("unknown type " + T);
  }
  bool check(const json &S, const json &V, const std::string &At,
             std::vector<std::string> &Errors) const {
    static const std::set<std::string> Annotations = {"$schema", "title",
                                                      "description", "$defs"};
    static const std::set<std::string> Known = {
        "$ref",      "type",  "enum",     "properties",  "additionalProperties",
        "required",  "items", "minItems", "uniqueItems", "minimum",
        "minLength", "oneOf", "anyOf",    "allOf"};
    bool Ok = true;
    auto Fail = [&](const std::string &Msg) {
      Errors.push_back((At.empty() ? "/" : At) + ": " + Msg);
      Ok = false;
    };
    for (auto It = S.begin(); It != S.end(); ++It)
      if (!Annotations.count(It.key()) && !Known.count(It.key()))
        throw std::runtime_error("validator does not know keyword " + It.key());
    if (auto R = S.find("$ref"); R != S.end())
      Ok &= check(resolve(*R), V, At, Errors);
    if (auto T = S.find("type"); T != S.end()) {
      bool Any = false;
      if (T->is_array()) {
        for (auto &X : *T)
          Any |= hasType(V, X);
      } else {
        Any = hasType(V, *T);
      }
      if (!Any)
        return Fail("wrong type"), false;
    }
    if (auto E = S.find("enum"); E != S.end())
      if (std::find(E->begin(), E->end(), V) == E->end())
        Fail("not one of " + E->dump());
    if (V.is_string())
      if (auto M = S.find("minLength"); M != S.end())
        if (V.get<std::string>().size() < M->get<size_t>())
          Fail("shorter than " + M->dump());
    if (V.is_number())
      if (auto M = S.find("minimum"); M != S.end())
        if (V.get<double>() < M->get<double>())
          Fail("below " + M->dump());
    if (V.is_array()) {
      if (auto M = S.find("minItems"); M != S.end())
        if (V.size() < M->get<size_t>())
          Fail("fewer than " + M->dump() + " items");
      if (S.value("uniqueItems", false))
        for (size_t I = 0; I < V.size(); ++I)
          for (size_t J = I + 1; J < V.size(); ++J)
            if (V[I] == V[J])
              Fail("items " + std::to_string(I) + " and " + std::to_string(J) +
                   " are equal");
      if (auto Items = S.find("items"); Items != S.end())
        for (size_t I = 0; I < V.size(); ++I)
          Ok &= check(*Items, V[I], At + "/" + std::to_string(I), Errors);
    }
    if (V.is_object()) {
      if (auto R = S.find("required"); R != S.end())
        for (auto &K : *R)
          if (!V.contains(K.get<std::string>()))
            Fail("missing " + K.get<std::string>());
      const json *Props = S.contains("properties") ? &S["properties"] : nullptr;
      for (auto It = V.begin(); It != V.end(); ++It) {
        std::string Sub = At + "/" + It.key();
        if (Props && Props->contains(It.key())) {
          Ok &= check((*Props)[It.key()], It.value(), Sub, Errors);
        } else if (auto A = S.find("additionalProperties"); A != S.end()) {
          if (A->is_boolean()) {
            if (!A->get<bool>())
              Fail("unknown key " + It.key());
          } else {
            Ok &= check(*A, It.value(), Sub, Errors);
          }
        }
      }
    }
    auto Count = [&](const json &List) {
      size_t N = 0;
      for (auto &Sub : List) {
        std::vector<std::string> Ignored;
        N += check(Sub, V, At, Ignored);
      }
      return N;
    };
    if (auto A = S.find("anyOf"); A != S.end() && Count(*A) == 0)
      Fail("matches none of anyOf");
    if (auto O = S.find("oneOf"); O != S.end() && Count(*O) != 1)
      Fail("does not match exactly one of oneOf");
    if (auto A = S.find("allOf"); A != S.end())
      for (auto &Sub : *A)
        Ok &= check(Sub, V, At, Errors);
    return Ok;
  }

  json Root;
};

Validator schema() {
  return Validator(json::parse(readFile(RulesDir + "/schema.json")));
}

TEST(Packs, EveryPackAndCatalogLoadsWithoutErrorsOrWarnings) {
  auto Files = ruleFiles();
  ASSERT_GE(Files.size(), 7u) << "expected the four packs and three catalogs";
  for (const std::string &F : Files) {
    RuleSet Rules;
    std::vector<Diagnostic> Diags;
    EXPECT_TRUE(loadRuleFile(F, Rules, Diags)) << dump(Diags);
    EXPECT_TRUE(Diags.empty()) << F << ":\n" << dump(Diags);
  }
  // And all of them together, after the built-in catalogs, as `lockwise
  // check --rules ...` loads them.
  RuleSet All;
  std::vector<Diagnostic> Diags;
  ASSERT_TRUE(loadBuiltinCatalogs(All, Diags));
  for (const std::string &F : Files)
    EXPECT_TRUE(loadRuleFile(F, All, Diags));
  EXPECT_TRUE(Diags.empty()) << dump(Diags);
}

TEST(Packs, ThePacksAreThere) {
  for (const char *Pack : {"xen-mm", "linux-xenbus", "xen-mtwatch", "libxl"})
    EXPECT_TRUE(fs::exists(RulesDir + "/" + Pack + ".jsonc")) << Pack;
}

TEST(Packs, EveryPackAndCatalogValidatesAgainstTheSchema) {
  Validator V = schema();
  for (const std::string &F : ruleFiles()) {
    std::string Text = readFile(F);
    json Doc = json::parse(Text, nullptr, true, /*ignore_comments=*/true);
    std::vector<std::string> Errors;
    EXPECT_TRUE(V.validate(Doc, Errors))
        << F << ": " << ::testing::PrintToString(Errors);
  }
}

TEST(Packs, DeclaredOrdersDoNotContradictEachOther) {
  RuleSet All;
  std::vector<Diagnostic> Diags;
  ASSERT_TRUE(loadBuiltinCatalogs(All, Diags));
  for (const std::string &F : ruleFiles())
    ASSERT_TRUE(loadRuleFile(F, All, Diags)) << dump(Diags);
  // (outer, inner) -> where it was declared.
  std::map<std::pair<std::string, std::string>, std::string> Before;
  for (const Hierarchy &H : All.Hierarchies)
    for (size_t I = 0; I < H.Order.size(); ++I)
      for (size_t J = I + 1; J < H.Order.size(); ++J)
        Before[{All.canonical(H.Order[I]), All.canonical(H.Order[J])}] =
            H.Pos.File + ":" + std::to_string(H.Pos.Line) + " (" + H.Name + ")";
  for (auto &[Pair, Where] : Before) {
    EXPECT_NE(Pair.first, Pair.second)
        << Where << " orders " << Pair.first << " against itself";
    auto Rev = Before.find({Pair.second, Pair.first});
    EXPECT_TRUE(Rev == Before.end())
        << Pair.first << " before " << Pair.second << " in " << Where
        << " but after it in " << (Rev == Before.end() ? "" : Rev->second);
  }
}

TEST(Packs, ClassesTheOtherToolsRelyOn) {
  RuleSet R;
  std::vector<Diagnostic> Diags;
  ASSERT_TRUE(loadRuleFile(RulesDir + "/xen-mm.jsonc", R, Diags));
  ASSERT_TRUE(loadRuleFile(RulesDir + "/libxl.jsonc", R, Diags));
  ASSERT_TRUE(loadRuleFile(RulesDir + "/xen-mtwatch.jsonc", R, Diags));
  EXPECT_EQ(R.canonical("pod"), "p2m_domain.pod.lock");
  EXPECT_EQ(R.canonical("p2m"), "p2m_domain.lock");
  EXPECT_EQ(R.canonical("page_alloc"), "MM_LOCK_ORDER_page_alloc");
  EXPECT_EQ(R.canonical("paging"), "domain.arch.paging.lock");
  EXPECT_EQ(R.canonical("CTX_LOCK"), "libxl__ctx.lock");
  EXPECT_EQ(R.canonical("json_lock"), "libxl__domain_userdata_lock");
  EXPECT_EQ(R.canonical("domain_lock"), "mtwatch_info.domain_lock");
  // The runtime pod scenario relies on p2m before pod in xen-mm.
  bool P2mBeforePod = false;
  for (const Hierarchy &H : R.Hierarchies) {
    auto P = std::find(H.Order.begin(), H.Order.end(), "p2m");
    auto Q = std::find(H.Order.begin(), H.Order.end(), "pod");
    P2mBeforePod |= P != H.Order.end() && Q != H.Order.end() && P < Q;
  }
  EXPECT_TRUE(P2mBeforePod);
  std::set<std::string> Guarded;
  for (auto &G : R.Guarded)
    if (R.canonical(G.By) == "p2m_domain.pod.lock")
      Guarded.insert(G.Field);
  for (const char *F : {"entry_count", "count", "super", "single",
                        "reclaim_single", "max_guest"})
    EXPECT_TRUE(Guarded.count(std::string("p2m_domain.pod.") + F)) << F;
}

TEST(Schema, IsDraft202012AndNamesEveryLoaderKey) {
  json S = json::parse(readFile(RulesDir + "/schema.json"));
  EXPECT_EQ(S["$schema"], "https://json-schema.org/draft/2020-12/schema");
  // The keys RuleLoader.cpp accepts (Reader::read and the per-section
  // checkKeys calls).
  auto Keys = [](const json &Obj) {
    std::set<std::string> K;
    for (auto It = Obj.begin(); It != Obj.end(); ++It)
      K.insert(It.key());
    return K;
  };
  EXPECT_EQ(Keys(S["properties"]),
            (std::set<std::string>{
                "$schema", "description", "aliases", "primitives", "lock_types",
                "hierarchies", "guarded", "requires", "entered_holding",
                "distinct_results",
                "forbidden_while_held", "held_continuously", "sleeping",
                "sleeping_if_defined", "recursive_locks", "crash_paths",
                "exclusive_contexts", "unshared", "running_context",
                "class_by_holder"}));
  const json &D = S["$defs"];
  EXPECT_EQ(
      Keys(D["primitive"]["properties"]),
      (std::set<std::string>{"name", "names", "op", "arg", "mode", "recursive",
                             "irq", "success", "sleeps", "recursive_arg",
                             "class", "handle", "reference", "result_arg", "irq_checked"}));
  EXPECT_EQ(Keys(D["hierarchy"]["properties"]),
            (std::set<std::string>{"name", "order", "why",
                                   "running_context_last"}));
  EXPECT_EQ(Keys(D["guarded"]["properties"]),
            (std::set<std::string>{"field", "by", "why"}));
  EXPECT_EQ(Keys(D["requires"]["properties"]),
            (std::set<std::string>{"function", "held", "why"}));
  EXPECT_EQ(Keys(D["enteredHolding"]["properties"]),
            (std::set<std::string>{"callbacks", "held", "why"}));
  EXPECT_EQ(Keys(D["distinctResults"]["properties"]),
            (std::set<std::string>{"functions", "why"}));
  EXPECT_EQ(Keys(D["forbiddenWhileHeld"]["properties"]),
            (std::set<std::string>{"lock", "calls", "why"}));
  EXPECT_EQ(Keys(D["heldContinuously"]["properties"]),
            (std::set<std::string>{"lock", "from", "to", "why"}));
  EXPECT_EQ(Keys(D["sleepingObject"]["properties"]),
            (std::set<std::string>{"function", "gfp_arg", "why"}));
  EXPECT_EQ(D["primitive"]["properties"]["op"]["enum"],
            json::parse(R"(["acquire", "release", "try", "wait", "wake",
                            "assert-held", "is-held", "transparent",
                            "check-order", "irq-disable", "irq-enable",
                            "irq-restore"])"));
}

// A document validates iff the loader reads it without errors or warnings.
TEST(Schema, AgreesWithTheLoader) {
  struct Case {
    const char *Text;
    bool Clean;
  } Cases[] = {
      {R"({
        "$schema": "https://example.invalid/schema.json",
        "description": "every key",
        "aliases": {"pod": "p2m_domain.pod.lock"},
        "primitives": [
          {"op": "acquire", "name": "my_lock", "arg": 1, "mode": "shared",
           "recursive": true, "irq": false, "sleeps": true},
          {"op": "try", "names": ["a_trylock", "b_trylock"], "success": "zero"},
          {"op": "acquire", "name": "_mm_lock", "arg": 1, "recursive_arg": 4},
          {"op": "transparent", "name": "spinlock_check"}],
        "lock_types": ["spinlock_t"],
        "hierarchies": [{"name": "h", "order": ["a", "b"], "why": "w"}],
        "guarded": [{"field": "t.f", "by": "pod", "why": "w"}],
        "requires": [{"function": "f", "held": ["a", "b"], "why": "w"}],
        "entered_holding": [{"callbacks": ["s.cb"], "held": ["a"], "why": "w"}],
        "distinct_results": [{"functions": ["f", "g"], "why": "w"}],
        "forbidden_while_held": [{"lock": "a", "calls": ["g", "h_*"], "why": "w"}],
        "held_continuously": [{"lock": "a", "from": "f", "to": "g", "why": "w"}],
        "sleeping": ["msleep", {"function": "kmalloc", "gfp_arg": 1, "why": "w"}]
      })",
       true},
      {R"({"hierachies": []})", false},
      {R"({"primitives": [{"op": "grab", "name": "f"}]})", false},
      {R"({"primitives": [{"op": "acquire"}]})", false},
      {R"({"primitives": [{"name": "f"}]})", false},
      {R"({"primitives": [{"op": "acquire", "name": "f", "arg": -1}]})", false},
      {R"({"primitives": [{"op": "acquire", "name": "f", "mode": "read"}]})",
       false},
      {R"({"primitives": [{"op": "try", "name": "f", "success": "maybe"}]})",
       false},
      {R"({"primitives": [{"op": "acquire", "name": "f", "why": "x"}]})",
       false},
      {R"({"primitives": [{"op": "acquire", "name": "f", "irq": "yes"}]})",
       false},
      {R"({"hierarchies": [{"name": "h", "order": ["a"]}]})", false},
      {R"({"hierarchies": [{"name": "h", "order": ["a", "b", "a"]}]})", false},
      {R"({"hierarchies": [{"order": ["a", "b"]}]})", false},
      {R"({"guarded": [{"field": "t.f"}]})", false},
      {R"({"guarded": [{"field": "t.f", "by": "l", "note": "x"}]})", false},
      {R"({"requires": [{"function": "f"}]})", false},
      {R"({"requires": [{"function": "f", "held": "l"}]})", false},
      {R"({"entered_holding": [{"callbacks": ["s.cb"]}]})", false},
      {R"({"entered_holding": [{"callbacks": "s.cb", "held": ["l"]}]})", false},
      {R"({"distinct_results": [{"functions": ["f"]}]})", false},
      {R"({"distinct_results": [{"functions": ["f", "f"]}]})", false},
      {R"({"distinct_results": [{"why": "w"}]})", false},
      {R"({"forbidden_while_held": [{"lock": "l"}]})", false},
      {R"({"held_continuously": [{"lock": "l", "from": "f"}]})", false},
      {R"({"sleeping": [{"function": "f", "gfp_arg": "1"}]})", false},
      {R"({"sleeping": [{"gfp_arg": 1}]})", false},
      {R"({"aliases": {"a": 1}})", false},
      {R"({"lock_types": "spinlock_t"})", false},
      {R"([])", false},
  };
  Validator V = schema();
  for (const Case &C : Cases) {
    RuleSet Rules;
    std::vector<Diagnostic> Diags;
    bool Loaded = loadRuleText(C.Text, "case.jsonc", Rules, Diags);
    bool LoaderClean = Loaded && Diags.empty();
    std::vector<std::string> Errors;
    bool Valid = V.validate(json::parse(C.Text), Errors);
    EXPECT_EQ(LoaderClean, C.Clean) << C.Text << "\n" << dump(Diags);
    EXPECT_EQ(Valid, C.Clean) << C.Text << "\n"
                              << ::testing::PrintToString(Errors);
  }
}

} // namespace
