//===- HierarchyTest.cpp - Declared orders and rule files -----------------===//
#include "Hierarchy.h"

#include <gtest/gtest.h>

using namespace lockwise::rt;

TEST(Hierarchy, OuterAfterInnerIsAViolation) {
  HierarchySet H;
  H.add("mm", {"p2m_domain.lock", "p2m_domain.pod.lock", "domain.page_alloc_lock"});
  EXPECT_FALSE(H.check("p2m_domain.lock", "p2m_domain.pod.lock"));
  EXPECT_FALSE(H.check("p2m_domain.lock", "domain.page_alloc_lock"));
  auto V = H.check("p2m_domain.pod.lock", "p2m_domain.lock");
  ASSERT_TRUE(V);
  EXPECT_EQ(V->Hierarchy, "mm");
  EXPECT_FALSE(H.check("p2m_domain.pod.lock", "unrelated_lock"));
}

TEST(Hierarchy, AliasesResolveOnBothSides) {
  HierarchySet H;
  H.addAlias("pod", "p2m_domain.pod.lock");
  H.addAlias("p2m", "p2m_domain.lock");
  H.add("mm", {"p2m", "pod"});
  EXPECT_TRUE(H.check("p2m_domain.pod.lock", "p2m_domain.lock"));
  EXPECT_FALSE(H.check("p2m_domain.lock", "p2m_domain.pod.lock"));
}

TEST(Hierarchy, LoadsARuleFile) {
  HierarchySet H;
  std::string Error;
  bool Ok = loadRuleFiles({LOCKWISE_TEST_DATA "/order.jsonc"}, H, Error);
#ifdef LOCKWISE_HAVE_RULES
  ASSERT_TRUE(Ok) << Error;
  EXPECT_TRUE(H.check("test_inner_lock", "test_outer_lock"));
  EXPECT_FALSE(H.check("test_outer_lock", "test_inner_lock"));
#else
  EXPECT_FALSE(Ok);
  GTEST_SKIP() << "built without the rules library: " << Error;
#endif
}
