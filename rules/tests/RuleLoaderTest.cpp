//===- RuleLoaderTest.cpp -------------------------------------------------===//
#include "lockwise/Rules.h"

#include <gtest/gtest.h>

using namespace lockwise::rules;

namespace {

/// Loading Text fails with exactly these errors: (line, words in the message).
void expectErrors(const char *Text,
                  std::vector<std::pair<unsigned, std::string>> Want,
                  RuleSet &Rules) {
  std::vector<Diagnostic> Diags;
  EXPECT_FALSE(loadRuleText(Text, "t.jsonc", Rules, Diags));
  ASSERT_EQ(Diags.size(), Want.size());
  for (size_t I = 0; I < Want.size(); ++I) {
    EXPECT_EQ(Diags[I].Pos.Line, Want[I].first) << Diags[I].str();
    EXPECT_NE(Diags[I].Message.find(Want[I].second), std::string::npos)
        << Diags[I].str();
  }
}

TEST(RuleLoader, ReadsHierarchiesAliasesAndComments) {
  RuleSet Rules;
  std::vector<Diagnostic> Diags;
  const char *Text = R"({
    // PoD ordering from seed 004
    "aliases": {"pod": "p2m_domain.pod.lock"},
    "hierarchies": [{"name": "mm", "order": ["p2m_domain.lock", "pod", "domain.page_alloc_lock"]}]
  })";
  ASSERT_TRUE(loadRuleText(Text, "t.jsonc", Rules, Diags));
  EXPECT_TRUE(Diags.empty());
  ASSERT_EQ(Rules.Hierarchies.size(), 1u);
  EXPECT_EQ(Rules.Hierarchies[0].Order[1], "pod");
  EXPECT_EQ(Rules.canonical("pod"), "p2m_domain.pod.lock");
  EXPECT_EQ(Rules.canonical("other"), "other");
  EXPECT_EQ(Rules.Hierarchies[0].Pos.Line, 4u);
}

TEST(RuleLoader, SyntaxErrorHasLineAndColumn) {
  RuleSet Rules;
  std::vector<Diagnostic> Diags;
  const char *Text = "{\n  \"hierarchies\": [\n    {\"name\": \"x\" \"order\": []}\n  ]\n}\n";
  EXPECT_FALSE(loadRuleText(Text, "bad.jsonc", Rules, Diags));
  ASSERT_EQ(Diags.size(), 1u);
  EXPECT_EQ(Diags[0].Pos.Line, 3u);
  EXPECT_EQ(Diags[0].Pos.Column, 18u);
  EXPECT_NE(Diags[0].str().find("bad.jsonc:3:18: error:"), std::string::npos)
      << Diags[0].str();
}

TEST(RuleLoader, TypeErrorPointsAtMember) {
  RuleSet Rules;
  std::vector<Diagnostic> Diags;
  const char *Text = "{\n  \"hierarchies\": [\n    {\"name\": \"x\",\n     \"order\": \"a\"}]\n}";
  EXPECT_FALSE(loadRuleText(Text, "t.jsonc", Rules, Diags));
  ASSERT_FALSE(Diags.empty());
  EXPECT_EQ(Diags[0].Pos.Line, 4u);
  EXPECT_EQ(Diags[0].Pos.Column, 6u);
}

TEST(RuleLoader, UnknownKeyIsAWarningWithPosition) {
  RuleSet Rules;
  std::vector<Diagnostic> Diags;
  const char *Text = "{\n  \"hierachies\": []\n}";
  EXPECT_TRUE(loadRuleText(Text, "t.jsonc", Rules, Diags));
  ASSERT_EQ(Diags.size(), 1u);
  EXPECT_EQ(Diags[0].K, Diagnostic::Warning);
  EXPECT_EQ(Diags[0].Pos.Line, 2u);
  EXPECT_NE(Diags[0].Message.find("hierachies"), std::string::npos);
}

TEST(RuleLoader, HandlePrimitivesNameTheirClass) {
  RuleSet Rules;
  std::vector<Diagnostic> Diags;
  const char *Text = R"({"aliases": {"json_lock": "libxl__domain_userdata_lock"},
    "primitives": [
      {"op": "try", "name": "libxl__lock_domain_userdata", "class": "json_lock"},
      {"op": "release", "name": "libxl__unlock_file", "handle": true}]})";
  ASSERT_TRUE(loadRuleText(Text, "t.jsonc", Rules, Diags));
  EXPECT_TRUE(Diags.empty());
  const Primitive *Lock = Rules.findPrimitive("libxl__lock_domain_userdata");
  ASSERT_NE(Lock, nullptr);
  EXPECT_EQ(Rules.canonical(Lock->Class), "libxl__domain_userdata_lock");
  const Primitive *Unlock = Rules.findPrimitive("libxl__unlock_file");
  ASSERT_NE(Unlock, nullptr);
  EXPECT_TRUE(Unlock->Handle);
}

TEST(RuleLoader, ReferencesNameTheirClassAndWhereTheyAreStored) {
  RuleSet Rules;
  std::vector<Diagnostic> Diags;
  const char *Text = R"({"primitives": [
      {"op": "try", "name": "by_id", "class": "dom.ref", "reference": true},
      {"op": "try", "name": "remote", "class": "dom.ref", "reference": true,
       "success": "zero", "result_arg": 1},
      {"op": "release", "name": "put", "class": "dom.ref", "reference": true}]})";
  ASSERT_TRUE(loadRuleText(Text, "t.jsonc", Rules, Diags));
  EXPECT_TRUE(Diags.empty());
  const Primitive *Remote = Rules.findPrimitive("remote");
  ASSERT_NE(Remote, nullptr);
  EXPECT_TRUE(Remote->Reference);
  ASSERT_TRUE(Remote->ResultArg.has_value());
  EXPECT_EQ(*Remote->ResultArg, 1u);
  EXPECT_TRUE(Rules.findPrimitive("put")->Reference);
  // A reference's instance is a variable, its class must be named; only
  // an acquisition stores it.
  RuleSet Bad;
  expectErrors("{\"primitives\": [\n"
               "  {\"op\": \"acquire\", \"name\": \"a\", \"reference\": true},\n"
               "  {\"op\": \"release\", \"name\": \"r\", \"class\": \"c\", \"reference\": true, \"result_arg\": 0},\n"
               "  {\"op\": \"try\", \"name\": \"t\", \"class\": \"c\", \"result_arg\": 1}]}",
               {{2, "'class'"}, {3, "'result_arg'"}, {4, "'result_arg'"}}, Bad);
}

TEST(RuleLoader, HandleKeysOnTheWrongOpAreErrors) {
  RuleSet Rules;
  expectErrors("{\"primitives\": [\n"
               "  {\"op\": \"wake\", \"name\": \"u\", \"class\": \"c\"},\n"
               "  {\"op\": \"acquire\", \"name\": \"l\", \"handle\": true},\n"
               "  {\"op\": \"release\", \"name\": \"r\", \"class\": \"c\", \"handle\": true}]}",
               {{2, "'class'"}, {3, "'handle'"}, {4, "'class'"}}, Rules);
  // A release or check-order of a class takes no lock argument (Xen's
  // mm-locks order levels).
  RuleSet Levels;
  std::vector<Diagnostic> Diags;
  ASSERT_TRUE(loadRuleText(
      "{\"primitives\": [\n"
      "  {\"op\": \"check-order\", \"name\": \"pre\", \"class\": \"LEVEL\"},\n"
      "  {\"op\": \"release\", \"name\": \"unlock\", \"class\": \"LEVEL\"}]}",
      "levels.jsonc", Levels, Diags));
  EXPECT_TRUE(Diags.empty());
  ASSERT_NE(Levels.findPrimitive("pre"), nullptr);
  EXPECT_EQ(Levels.findPrimitive("pre")->Op, PrimitiveOp::CheckOrder);
}

TEST(RuleLoader, ExclusiveContextsAndTheirErrors) {
  RuleSet Rules;
  std::vector<Diagnostic> Diags;
  const char *Good = "{\"exclusive_contexts\": [{\"name\": \"vendor\", \"contexts\": [\n"
                     "  {\"name\": \"vmx\", \"files\": [\"*/vmx/*\"]},\n"
                     "  {\"name\": \"svm\", \"files\": [\"*/svm/*\"]}]}],\n"
                     " \"crash_paths\": [\"panic\"]}";
  ASSERT_TRUE(loadRuleText(Good, "g.jsonc", Rules, Diags));
  ASSERT_EQ(Rules.Exclusive.size(), 1u);
  EXPECT_EQ(Rules.Exclusive[0].Contexts[1].Name, "svm");
  EXPECT_EQ(Rules.Exclusive[0].Contexts[1].Files,
            std::vector<std::string>{"*/svm/*"});
  EXPECT_EQ(Rules.CrashPaths, std::vector<std::string>{"panic"});

  RuleSet Bad;
  expectErrors("{\"exclusive_contexts\": [\n"
               "  {\"name\": \"one\", \"contexts\": [{\"name\": \"x\", \"files\": [\"a\"]}]},\n"
               "  {\"name\": \"two\", \"contexts\": [{\"name\": \"x\", \"files\": [\"a\"]},\n"
               "     {\"name\": \"y\"}]}]}",
               {{2, "at least two"}, {4, "'files'"}}, Bad);
  EXPECT_TRUE(Bad.Exclusive.empty());
}

TEST(RuleLoader, RunningContextAndItsHierarchyFlag) {
  RuleSet Rules;
  std::vector<Diagnostic> Diags;
  const char *Text = R"({
    "running_context": ["current", "get_current"],
    "hierarchies": [{"name": "mm", "order": ["a", "b"], "running_context_last": true},
                    {"name": "plain", "order": ["c", "d"]}]
  })";
  ASSERT_TRUE(loadRuleText(Text, "t.jsonc", Rules, Diags));
  EXPECT_TRUE(Diags.empty());
  EXPECT_EQ(Rules.RunningContext,
            (std::vector<std::string>{"current", "get_current"}));
  ASSERT_EQ(Rules.Hierarchies.size(), 2u);
  EXPECT_TRUE(Rules.Hierarchies[0].RunningContextLast);
  EXPECT_FALSE(Rules.Hierarchies[1].RunningContextLast);

  RuleSet Bad;
  expectErrors("{\n  \"hierarchies\": [{\"name\": \"mm\", \"order\": [\"a\", \"b\"],\n"
               "    \"running_context_last\": \"yes\"}],\n"
               "  \"running_context\": \"current\"\n}",
               {{4, "'running_context' must be an array"},
                {3, "'running_context_last' must be true or false"}},
               Bad);
}

TEST(RuleLoader, ClassByHolderAndItsErrors) {
  RuleSet Rules;
  std::vector<Diagnostic> Diags;
  const char *Text = R"({"class_by_holder": [
    {"type": "rangeset", "constructors": ["rangeset_new"], "why": "vPCI"}]})";
  ASSERT_TRUE(loadRuleText(Text, "t.jsonc", Rules, Diags));
  EXPECT_TRUE(Diags.empty());
  ASSERT_EQ(Rules.ClassesByHolder.size(), 1u);
  EXPECT_EQ(Rules.ClassesByHolder[0].Type, "rangeset");
  EXPECT_EQ(Rules.ClassesByHolder[0].Constructors,
            std::vector<std::string>{"rangeset_new"});

  RuleSet Bad;
  expectErrors("{\"class_by_holder\": [\n  {\"constructors\": [\"f\"]},\n"
               "  {\"type\": \"t\", \"constructors\": \"f\"}]}",
               {{2, "'type'"}, {3, "'constructors' must be an array"}}, Bad);
  EXPECT_TRUE(Bad.ClassesByHolder.empty());
}

TEST(RuleLoader, EnteredHoldingAndItsErrors) {
  RuleSet Rules;
  std::vector<Diagnostic> Diags;
  const char *Text = R"({"entered_holding": [
    {"callbacks": ["libxl__ev_qmp.callback"], "held": ["libxl__ctx.lock"],
     "why": "internal.h:1154"}]})";
  ASSERT_TRUE(loadRuleText(Text, "t.jsonc", Rules, Diags));
  EXPECT_TRUE(Diags.empty());
  ASSERT_EQ(Rules.EnteredHolding.size(), 1u);
  EXPECT_EQ(Rules.EnteredHolding[0].Callbacks,
            std::vector<std::string>{"libxl__ev_qmp.callback"});
  EXPECT_EQ(Rules.EnteredHolding[0].Held,
            std::vector<std::string>{"libxl__ctx.lock"});
  EXPECT_EQ(Rules.EnteredHolding[0].Why, "internal.h:1154");

  RuleSet Bad;
  expectErrors("{\"entered_holding\": [\n  {\"callbacks\": [\"f\"]},\n"
               "  {\"callbacks\": [\"cb\"], \"held\": [\"l\"]},\n"
               "  {\"callbacks\": \"s.f\", \"held\": [\"l\"]}]}",
               {{2, "'held'"},
                {3, "callback 'cb' must name a struct member as 'tag.field'"},
                {4, "'callbacks' must be an array"}},
               Bad);
  EXPECT_TRUE(Bad.EnteredHolding.empty());
}

TEST(RuleLoader, DistinctResultsAndItsErrors) {
  RuleSet Rules;
  std::vector<Diagnostic> Diags;
  const char *Text = R"({"distinct_results": [
    {"functions": ["p2m_get_hostp2m", "p2m_get_altp2m"], "why": "p2m.c"}]})";
  ASSERT_TRUE(loadRuleText(Text, "t.jsonc", Rules, Diags));
  EXPECT_TRUE(Diags.empty());
  ASSERT_EQ(Rules.DistinctResults.size(), 1u);
  EXPECT_EQ(Rules.DistinctResults[0].Functions,
            (std::vector<std::string>{"p2m_get_hostp2m", "p2m_get_altp2m"}));
  EXPECT_EQ(Rules.DistinctResults[0].Why, "p2m.c");

  RuleSet Bad;
  expectErrors("{\"distinct_results\": [\n  {\"why\": \"w\"},\n"
               "  {\"functions\": [\"f\", \"f\"]},\n"
               "  {\"functions\": \"f\"}]}",
               {{2, "'functions'"},
                {3, "needs at least two different functions"},
                {4, "'functions' must be an array"}},
               Bad);
  EXPECT_TRUE(Bad.DistinctResults.empty());
}

TEST(RuleLoader, BuiltinCatalogsLoadCleanly) {
  RuleSet Rules;
  std::vector<Diagnostic> Diags;
  ASSERT_TRUE(loadBuiltinCatalogs(Rules, Diags));
  for (auto &D : Diags)
    ADD_FAILURE() << D.str();
  const Primitive *P = Rules.findPrimitive("mutex_lock_interruptible");
  ASSERT_NE(P, nullptr);
  EXPECT_EQ(P->Op, PrimitiveOp::TryAcquire);
  EXPECT_EQ(P->Success, SuccessValue::Zero);
  const Primitive *M = Rules.findPrimitive("_mm_lock");
  ASSERT_NE(M, nullptr);
  EXPECT_EQ(M->Arg, 1u);
  ASSERT_TRUE(M->RecursiveArg.has_value());
  EXPECT_EQ(*M->RecursiveArg, 4u);
}

TEST(RuleLoader, PrimitiveWithUnknownOpIsAnError) {
  RuleSet Rules;
  std::vector<Diagnostic> Diags;
  const char *Text = R"({"primitives": [{"name": "f", "op": "grab"}]})";
  EXPECT_FALSE(loadRuleText(Text, "t.jsonc", Rules, Diags));
  ASSERT_FALSE(Diags.empty());
  EXPECT_NE(Diags[0].Message.find("grab"), std::string::npos);
}

} // namespace
