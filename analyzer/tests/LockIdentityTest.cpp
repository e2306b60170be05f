//===- LockIdentityTest.cpp - Canonical lock names from real C ------------===//
#include "TestSupport.h"
#include "engine/Program.h"

#include <gtest/gtest.h>

using namespace lockwise;

namespace {

const char *Prelude = R"(
typedef struct { int t; } spinlock_t;
void _spin_lock(spinlock_t *l);
void _spin_unlock(spinlock_t *l);
void _spin_lock_recursive(spinlock_t *l);
typedef struct { spinlock_t lock; int level; } mm_lock_t;
struct p2m_domain { struct { mm_lock_t lock; int count; } pod; spinlock_t lk; };
struct domain { struct p2m_domain *p2m; spinlock_t page_alloc_lock; };
static spinlock_t table_lock;
spinlock_t locks[4];
)";

/// The class names of every acquisition in function Fn, in order.
std::vector<std::string> acquired(const std::string &Code, const std::string &Fn) {
  TUFacts TU = test::extractCode(std::string(Prelude) + Code);
  EXPECT_FALSE(TU.Failed) << (TU.Errors.empty() ? "" : TU.Errors[0]);
  std::vector<TUFacts> TUs{TU};
  Program P(std::move(TUs));
  std::vector<std::string> Out;
  for (const FunctionFacts *F : P.functions()) {
    if (F->Name != Fn)
      continue;
    for (const Block &B : F->Blocks)
      for (const Event &E : B.Events)
        if (E.Kind == EventKind::Acquire)
          Out.push_back(E.Lock.K == LockRef::Param
                            ? "$" + std::to_string(E.Lock.ParamIndex)
                            : P.className(E.Lock));
  }
  return Out;
}

TEST(LockIdentity, GlobalIsItsName) {
  EXPECT_EQ(acquired("void f(void) { _spin_lock(&table_lock); }", "f"),
            std::vector<std::string>{"table_lock"});
}

TEST(LockIdentity, MemberThroughPointerChainIsTagAndPath) {
  auto A = acquired("void f(struct domain *d) { _spin_lock(&d->p2m->lk); "
                    "_spin_lock(&d->page_alloc_lock); }",
                    "f");
  EXPECT_EQ(A, (std::vector<std::string>{"p2m_domain.lk", "domain.page_alloc_lock"}));
}

TEST(LockIdentity, LockInsideLockTypeNamesTheOuterLock) {
  // &p->pod.lock.lock: the spinlock inside an mm_lock_t is the mm lock.
  auto A = acquired("void f(struct p2m_domain *p) { _spin_lock(&p->pod.lock.lock); }", "f");
  EXPECT_EQ(A, std::vector<std::string>{"p2m_domain.pod.lock"});
}

TEST(LockIdentity, PointerParameterToLockIsAParameterLock) {
  auto A = acquired("void f(mm_lock_t *l) { _spin_lock_recursive(&l->lock); }", "f");
  EXPECT_EQ(A, std::vector<std::string>{"$0"});
}

TEST(LockIdentity, CastsArraysAndLocalAliases) {
  auto A = acquired("void f(struct domain *d, int i) {"
                    "  spinlock_t *l = &d->page_alloc_lock;"
                    "  _spin_lock(l);"
                    "  _spin_lock((spinlock_t *)(void *)&locks[i]);"
                    "}",
                    "f");
  EXPECT_EQ(A, (std::vector<std::string>{"domain.page_alloc_lock", "locks[]"}));
}

TEST(LockIdentity, StaticGlobalInTwoFilesGetsFileSuffix) {
  std::string Code = std::string(Prelude) + "void f(void) { _spin_lock(&table_lock); }";
  TUFacts A = test::extractCode(Code);
  TUFacts B = test::extractCode(Code);
  ASSERT_NE(A.File, B.File);
  std::vector<TUFacts> TUs{A, B};
  Program P(std::move(TUs));
  for (const FunctionFacts *F : P.functions())
    for (const Block &Bl : F->Blocks)
      for (const Event &E : Bl.Events)
        if (E.Kind == EventKind::Acquire)
          EXPECT_EQ(P.className(E.Lock).rfind("table_lock@lockwise-test", 0), 0u)
              << P.className(E.Lock);
}

} // namespace
