//===- MmLocksImportTest.cpp ----------------------------------------------===//
#include "lockwise/MmLocksImport.h"
#include "lockwise/Rules.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace lockwise::rules;

namespace {

// Shaped like xen/arch/x86/mm/mm-locks.h, with the awkward parts: a
// continued #define, comments and strings that mention the macros, a level
// that is not a lock, a lock taken in a static inline function whose
// parameter is declared, two locks sharing a class with a third lock
// between them, an order constraint, and an include guard.
const char *Synthetic = R"HDR(/* mm-locks.h look-alike */
#ifndef _FAKE_MM_LOCKS_H
#define _FAKE_MM_LOCKS_H

#define MM_LOCK_ORDER_MAX                    64

/* declare_mm_lock(commented_out) must not count */
// declare_mm_lock(also_commented_out)
static const char *s = "declare_mm_lock(in_a_string)";

#define declare_mm_lock(name)                                              \
    static always_inline void mm_lock_##name(                              \
        const struct domain *d, mm_lock_t *l, const char *func, int rec)   \
    { _mm_lock(d, l, func, MM_LOCK_ORDER_##name, rec); }
#define mm_lock(name, d, l) mm_lock_##name(d, l, __func__, 0)
#define mm_write_lock(name, d, l) mm_write_lock_##name(d, l, __func__)

#ifdef CONFIG_HVM
#define MM_LOCK_ORDER_outer       8
declare_mm_lock(outer)
#define outer_lock(d)   mm_lock(outer, d, &(d)->arch.outer_lock)

#define MM_LOCK_ORDER_host       16
declare_mm_rwlock(host);

#define MM_LOCK_ORDER_middle     (24)
declare_mm_lock(middle)
#define middle_lock(d)  mm_lock(middle, d, \
                                &(d)->arch.middle_lock)

#define MM_LOCK_ORDER_alt        32
declare_mm_rwlock(alt);

static always_inline void tbl_lock(struct table *t)
{
    if ( t->alt )
        mm_write_lock(alt, t->domain, &t->lock);
    else
        mm_write_lock(host, t->domain, &t->lock);
}
#endif /* CONFIG_HVM */

#define MM_LOCK_ORDER_pod        48
declare_mm_lock(pod)
#define pod_lock(p)     mm_lock(pod, (p)->domain, &(p)->pod.lock)

#define declare_mm_order_constraint(name)                                  \
    static inline void mm_enforce_order_lock_pre_##name(                   \
        const struct domain *d)                                            \
    { _mm_enforce_order_lock_pre(d, MM_LOCK_ORDER_##name); }               \
    static inline void mm_enforce_order_lock_post_##name(                  \
        const struct domain *d, int *unlock_level)                         \
    { _mm_enforce_order_lock_post(d, MM_LOCK_ORDER_##name, unlock_level); }

#define MM_LOCK_ORDER_page_alloc 56
declare_mm_order_constraint(page_alloc)
#define page_alloc_mm_pre_lock(d)  mm_enforce_order_lock_pre_page_alloc(d)
#define page_alloc_mm_post_lock(d, l) \
        mm_enforce_order_lock_post_page_alloc(d, &(l))
#define page_alloc_mm_unlock(l)    mm_enforce_order_unlock((l), NULL)

#define MM_LOCK_ORDER_external   60
declare_mm_order_constraint(external)

#endif /* _FAKE_MM_LOCKS_H */
)HDR";

std::string
importText(const std::string &Text, std::vector<Diagnostic> &Diags, bool &Ok,
           const MmLocksImportOptions &O = defaultMmLocksImportOptions()) {
  std::string Out;
  Ok = importMmLocks(Text, "fake/mm-locks.h", O, Out, Diags);
  return Out;
}

std::string dump(const std::vector<Diagnostic> &Diags) {
  std::string S;
  for (auto &D : Diags)
    S += D.str() + "\n";
  return S;
}

TEST(MmLocksImport, SyntheticHeader) {
  std::vector<Diagnostic> Diags;
  bool Ok;
  std::string Out = importText(Synthetic, Diags, Ok);
  ASSERT_TRUE(Ok) << dump(Diags);
  EXPECT_TRUE(Diags.empty()) << dump(Diags);

  RuleSet Rules;
  std::vector<Diagnostic> Load;
  ASSERT_TRUE(loadRuleText(Out, "generated.jsonc", Rules, Load))
      << dump(Load) << Out;
  EXPECT_TRUE(Load.empty()) << dump(Load);

  EXPECT_EQ(Rules.canonical("outer"), "domain.arch.outer_lock");
  EXPECT_EQ(Rules.canonical("middle"), "domain.arch.middle_lock");
  // No control-domain bias in this header.
  ASSERT_FALSE(Rules.Hierarchies.empty());
  EXPECT_FALSE(Rules.Hierarchies[0].RunningContextLast);
  // Declared parameter type wins: tbl_lock(struct table *t).
  EXPECT_EQ(Rules.canonical("host"), "table.lock");
  EXPECT_EQ(Rules.canonical("alt"), "table.lock");
  EXPECT_EQ(Rules.canonical("pod"), "p2m_domain.pod.lock");
  // An order constraint's class is its level, checked, held and restored
  // by the functions and macros around it; "external" has no unlock macro.
  EXPECT_EQ(Rules.canonical("page_alloc"), "MM_LOCK_ORDER_page_alloc");
  std::map<std::string, PrimitiveOp> LevelOps;
  for (const Primitive &P : Rules.Primitives)
    if (P.Class == "MM_LOCK_ORDER_page_alloc")
      LevelOps[P.Name] = P.Op;
  EXPECT_EQ(LevelOps, (std::map<std::string, PrimitiveOp>{
                          {"mm_enforce_order_lock_pre_page_alloc",
                           PrimitiveOp::CheckOrder},
                          {"mm_enforce_order_lock_post_page_alloc",
                           PrimitiveOp::Acquire},
                          {"page_alloc_mm_unlock", PrimitiveOp::Release}}))
      << Out;
  EXPECT_EQ(Rules.Aliases.count("external"), 0u);
  EXPECT_EQ(Rules.Aliases.count("MAX"), 0u);
  EXPECT_EQ(Rules.Aliases.count("commented_out"), 0u);
  EXPECT_EQ(Rules.Aliases.count("in_a_string"), 0u);

  ASSERT_EQ(Rules.Hierarchies.size(), 2u) << Out;
  EXPECT_EQ(Rules.Hierarchies[0].Name, "mm-locks");
  EXPECT_EQ(Rules.Hierarchies[0].Order,
            (std::vector<std::string>{"outer", "host", "pod", "page_alloc"}));
  // middle (24) lies between host (16) and alt (32), one class.
  EXPECT_EQ(Rules.Hierarchies[1].Name, "mm-locks/middle");
  EXPECT_EQ(Rules.Hierarchies[1].Order,
            (std::vector<std::string>{"outer", "middle", "pod", "page_alloc"}));

  // The comments say how each class was inferred.
  EXPECT_NE(Out.find("t is declared `struct table *t`"), std::string::npos)
      << Out;
  EXPECT_NE(Out.find("d is a macro parameter: built-in table d -> struct "
                     "domain"),
            std::string::npos)
      << Out;
  EXPECT_NE(Out.find("host (16) and alt (32) both lock table.lock"),
            std::string::npos)
      << Out;
  EXPECT_NE(Out.find("MM_LOCK_ORDER_MAX (64"), std::string::npos);
  EXPECT_NE(Out.find("external (60, order constraint"), std::string::npos);
  EXPECT_NE(Out.find("if defined(CONFIG_HVM)"), std::string::npos);
  EXPECT_EQ(Out.find("_FAKE_MM_LOCKS_H"), std::string::npos)
      << "the include guard is not a condition";
  EXPECT_NE(Out.find("// Generated by `lockwise rules import-mm-locks` from "
                     "fake/mm-locks.h."),
            std::string::npos);
  // The generated members end with the marker, then the closing brace.
  std::string Tail = std::string(MmLocksGeneratedEndMarker) + "\n}\n";
  ASSERT_GE(Out.size(), Tail.size());
  EXPECT_EQ(Out.substr(Out.size() - Tail.size()), Tail);
}

TEST(MmLocksImport, ControlDomainBiasRanksTheCallerLast) {
  // Xen 4.17's _lock_level(): a control domain's locks rank after a
  // subject domain's, so the hierarchies say running_context_last.
  std::string Header = std::string(Synthetic) + R"(
static inline int _lock_level(const struct domain *d, int l)
{
    return l + (d && is_control_domain(d) ? MM_LOCK_ORDER_MAX : 0);
}
)";
  std::vector<Diagnostic> Diags;
  bool Ok;
  std::string Out = importText(Header.c_str(), Diags, Ok);
  ASSERT_TRUE(Ok) << dump(Diags);
  RuleSet Rules;
  std::vector<Diagnostic> Load;
  ASSERT_TRUE(loadRuleText(Out, "generated.jsonc", Rules, Load)) << Out;
  ASSERT_FALSE(Rules.Hierarchies.empty());
  for (const Hierarchy &H : Rules.Hierarchies)
    EXPECT_TRUE(H.RunningContextLast) << H.Name;
}

TEST(MmLocksImport, HandAdditionsAfterTheMarkerLoad) {
  std::vector<Diagnostic> Diags;
  bool Ok;
  std::string Out = importText(Synthetic, Diags, Ok);
  ASSERT_TRUE(Ok);
  std::string Pack =
      Out.substr(0, Out.rfind('}')) +
      "  ,\n  \"guarded\": [{\"field\": \"p2m_domain.pod.count\", "
      "\"by\": \"pod\"}]\n}\n";
  RuleSet Rules;
  std::vector<Diagnostic> Load;
  ASSERT_TRUE(loadRuleText(Pack, "pack.jsonc", Rules, Load)) << dump(Load);
  EXPECT_TRUE(Load.empty());
  ASSERT_EQ(Rules.Guarded.size(), 1u);
}

TEST(MmLocksImport, OptionsOverrideInference) {
  MmLocksImportOptions O = defaultMmLocksImportOptions();
  O.ParamTypes["d"] = "xen_domain";
  O.ConstraintClasses["external"] = "ext_struct.lock";
  O.ClassOverrides["pod"] = "pod_state.lock";
  std::vector<Diagnostic> Diags;
  bool Ok;
  std::string Out = importText(Synthetic, Diags, Ok, O);
  ASSERT_TRUE(Ok) << dump(Diags);
  RuleSet Rules;
  std::vector<Diagnostic> Load;
  ASSERT_TRUE(loadRuleText(Out, "g.jsonc", Rules, Load));
  EXPECT_EQ(Rules.canonical("outer"), "xen_domain.arch.outer_lock");
  EXPECT_EQ(Rules.canonical("external"), "ext_struct.lock");
  EXPECT_EQ(Rules.canonical("pod"), "pod_state.lock");
  EXPECT_NE(Out.find("parameter table d -> struct xen_domain"),
            std::string::npos)
      << Out;
  EXPECT_EQ(Rules.Hierarchies[0].Order.back(), "external");
}

TEST(MmLocksImport, DeclarationWithoutLevelIsAnError) {
  std::vector<Diagnostic> Diags;
  bool Ok;
  std::string Out = importText("#define MM_LOCK_ORDER_a 8\n"
                               "declare_mm_lock(a)\n"
                               "\n"
                               "  declare_mm_lock(b)\n",
                               Diags, Ok);
  EXPECT_FALSE(Ok);
  EXPECT_TRUE(Out.empty());
  ASSERT_FALSE(Diags.empty());
  EXPECT_EQ(Diags[0].K, Diagnostic::Error);
  EXPECT_EQ(Diags[0].str().rfind("fake/mm-locks.h:4:19: error: 'b' is "
                                 "declared but MM_LOCK_ORDER_b is not defined",
                                 0),
            0u)
      << dump(Diags);
}

TEST(MmLocksImport, BadLevelAndRedefinitionAreErrors) {
  std::vector<Diagnostic> Diags;
  bool Ok;
  importText("#define MM_LOCK_ORDER_a FOO\n#define MM_LOCK_ORDER_b 8\n"
             "#define MM_LOCK_ORDER_b 9\n",
             Diags, Ok);
  EXPECT_FALSE(Ok);
  ASSERT_EQ(Diags.size(), 2u) << dump(Diags);
  EXPECT_EQ(Diags[0].Pos.Line, 1u);
  EXPECT_NE(Diags[0].Message.find("not an integer constant"),
            std::string::npos);
  EXPECT_EQ(Diags[1].Pos.Line, 3u);
  EXPECT_NE(Diags[1].Message.find("redefined"), std::string::npos);
}

TEST(MmLocksImport, LevelsInOtherBranchesAreAWarning) {
  std::vector<Diagnostic> Diags;
  bool Ok;
  std::string Out =
      importText("#ifdef BIG\n#define MM_LOCK_ORDER_x 8\n#else\n"
                 "#define MM_LOCK_ORDER_x 9\n#endif\n"
                 "declare_mm_lock(x)\n"
                 "#define MM_LOCK_ORDER_y 16\ndeclare_mm_lock(y)\n"
                 "#define x_lock(d) mm_lock(x, d, &(d)->x)\n"
                 "#define y_lock(d) mm_lock(y, d, &(d)->y)\n",
                 Diags, Ok);
  ASSERT_TRUE(Ok) << dump(Diags);
  ASSERT_EQ(Diags.size(), 1u) << dump(Diags);
  EXPECT_EQ(Diags[0].K, Diagnostic::Warning);
  EXPECT_EQ(Diags[0].Pos.Line, 4u);
  EXPECT_NE(Out.find("\"why\": \"MM_LOCK_ORDER_* levels in fake/mm-locks.h: "
                     "x 8 < y 16\""),
            std::string::npos)
      << Out;
}

TEST(MmLocksImport, NotAnMmLocksHeader) {
  std::vector<Diagnostic> Diags;
  bool Ok;
  importText("int main(void) { return 0; }\n", Diags, Ok);
  EXPECT_FALSE(Ok);
  ASSERT_EQ(Diags.size(), 1u);
  EXPECT_NE(Diags[0].str().find("error: no MM_LOCK_ORDER_"), std::string::npos);
}

TEST(MmLocksImport, UnknownBaseTypeIsAWarningAndTheLockIsLeftOut) {
  std::vector<Diagnostic> Diags;
  bool Ok;
  std::string Out =
      importText("#define MM_LOCK_ORDER_a 8\ndeclare_mm_lock(a)\n"
                 "#define a_lock(x) mm_lock(a, (x)->d, &(x)->a_lock)\n"
                 "#define MM_LOCK_ORDER_b 16\ndeclare_mm_lock(b)\n"
                 "#define b_lock(d) mm_lock(b, d, &(d)->b_lock)\n"
                 "#define MM_LOCK_ORDER_c 24\ndeclare_mm_lock(c)\n"
                 "#define c_lock(d) mm_lock(c, d, &(d)->c_lock)\n",
                 Diags, Ok);
  ASSERT_TRUE(Ok) << dump(Diags);
  ASSERT_EQ(Diags.size(), 2u) << dump(Diags);
  EXPECT_EQ(Diags[0].K, Diagnostic::Warning);
  EXPECT_EQ(Diags[0].Pos.Line, 3u);
  EXPECT_NE(Diags[0].Message.find("type of 'x'"), std::string::npos);
  EXPECT_NE(Diags[1].Message.find("no lock macro or function takes 'a'"),
            std::string::npos);
  RuleSet Rules;
  std::vector<Diagnostic> Load;
  ASSERT_TRUE(loadRuleText(Out, "g.jsonc", Rules, Load));
  EXPECT_TRUE(Load.empty()) << dump(Load);
  EXPECT_EQ(Rules.Aliases.count("a"), 0u);
  ASSERT_EQ(Rules.Hierarchies.size(), 1u);
  EXPECT_EQ(Rules.Hierarchies[0].Order, (std::vector<std::string>{"b", "c"}));
}

std::string readFile(const std::string &Path) {
  std::ifstream In(Path, std::ios::binary);
  std::stringstream S;
  S << In.rdbuf();
  return In ? S.str() : std::string();
}

// The real Xen 4.17 header, when a tree is given (LOCKWISE_XEN_TREE=the
// directory holding xen/arch/x86/mm/mm-locks.h).
TEST(MmLocksImport, RealXen417Header) {
  const char *Tree = std::getenv("LOCKWISE_XEN_TREE");
  if (!Tree || !*Tree)
    GTEST_SKIP() << "LOCKWISE_XEN_TREE is not set";
  std::string Header =
      readFile(std::string(Tree) + "/xen/arch/x86/mm/mm-locks.h");
  ASSERT_FALSE(Header.empty()) << "no xen/arch/x86/mm/mm-locks.h in " << Tree;
  std::string Out;
  std::vector<Diagnostic> Diags;
  ASSERT_TRUE(importMmLocks(Header, "xen/arch/x86/mm/mm-locks.h", Out, Diags))
      << dump(Diags);
  EXPECT_TRUE(Diags.empty()) << dump(Diags);

  RuleSet Rules;
  std::vector<Diagnostic> Load;
  ASSERT_TRUE(loadRuleText(Out, "generated.jsonc", Rules, Load)) << Out;
  EXPECT_TRUE(Load.empty()) << dump(Load);
  EXPECT_EQ(Rules.canonical("nestedp2m"), "domain.arch.nested_p2m_lock");
  EXPECT_EQ(Rules.canonical("p2m"), "p2m_domain.lock");
  EXPECT_EQ(Rules.canonical("altp2mlist"), "domain.arch.altp2m_list_lock");
  EXPECT_EQ(Rules.canonical("altp2m"), "p2m_domain.lock");
  EXPECT_EQ(Rules.canonical("pod"), "p2m_domain.pod.lock");
  EXPECT_EQ(Rules.canonical("page_alloc"), "MM_LOCK_ORDER_page_alloc");
  EXPECT_EQ(Rules.canonical("per_page_sharing"),
            "MM_LOCK_ORDER_per_page_sharing");
  EXPECT_EQ(Rules.canonical("paging"), "domain.arch.paging.lock");
  ASSERT_GE(Rules.Hierarchies.size(), 1u);
  EXPECT_EQ(Rules.Hierarchies[0].Order,
            (std::vector<std::string>{"nestedp2m", "p2m", "pod", "page_alloc",
                                      "paging"}));
  EXPECT_NE(Out.find("p is declared `struct p2m_domain *p`"),
            std::string::npos);
  EXPECT_TRUE(Rules.Hierarchies[0].RunningContextLast);

  // rules/xen-mm.jsonc keeps the generated part verbatim.
  std::string Pack =
      readFile(std::string(LOCKWISE_RULES_DIR) + "/xen-mm.jsonc");
  std::string Generated = Out.substr(0, Out.rfind('}'));
  EXPECT_EQ(Pack.compare(0, Generated.size(), Generated), 0)
      << "rules/xen-mm.jsonc does not start with the importer's output; "
         "regenerate it (rules/README.md)";
}

} // namespace
