//===- ShimTest.cpp - The detectors, driven through the C API -------------===//
#include "ChildRun.h"

#include "lockwise/FindingJson.h"

#include <gtest/gtest.h>

#include <lockwise/kernel.h>

using lockwise::test::runChild;
using nlohmann::json;

namespace {

bool hasEdge(const json &Report, const std::string &From, const std::string &To) {
  for (const json &E : Report.value("observed_edges", json::array()))
    if (E.value("from", "") == From && E.value("to", "") == To)
      return true;
  return false;
}

const json *finding(const json &Report, const std::string &Check) {
  for (const json &F : Report["findings"])
    if (F.value("check", "") == Check)
      return &F;
  return nullptr;
}

struct mutex TestA = __MUTEX_INITIALIZER(test_a);
struct mutex TestB = __MUTEX_INITIALIZER(test_b);
spinlock_t TestSpin = __SPIN_LOCK_UNLOCKED(test_spin);

TEST(Shim, CycleIsReportedWithoutADeadlock) {
  auto R = runChild({}, [] {
    mutex_lock(&TestA);
    mutex_lock(&TestB);
    mutex_unlock(&TestB);
    mutex_unlock(&TestA);
    mutex_lock(&TestB);
    mutex_lock(&TestA);
    mutex_unlock(&TestA);
    mutex_unlock(&TestB);
  });
  ASSERT_EQ(R.checks(), std::vector<std::string>{"order-cycle"});
  const json &F = *finding(R.Report, "order-cycle");
  EXPECT_EQ(F["locks"], json({"test_b", "test_a"}));
  EXPECT_FALSE(F["trace"].empty());
  EXPECT_TRUE(hasEdge(R.Report, "test_a", "test_b"));
  EXPECT_TRUE(hasEdge(R.Report, "test_b", "test_a"));
}

TEST(Shim, TrylockAddsNoEdge) {
  auto R = runChild({}, [] {
    mutex_lock(&TestA);
    ASSERT_TRUE(mutex_trylock(&TestB));
    mutex_unlock(&TestB);
    mutex_unlock(&TestA);
    mutex_lock(&TestB);
    mutex_lock(&TestA);
    mutex_unlock(&TestA);
    mutex_unlock(&TestB);
  });
  EXPECT_TRUE(R.checks().empty());
  EXPECT_FALSE(hasEdge(R.Report, "test_a", "test_b"));
  EXPECT_TRUE(hasEdge(R.Report, "test_b", "test_a"));
}

TEST(Shim, RecursiveReentryIsFine) {
  auto R = runChild({}, [] {
    mutex_lock(&TestA);
    spin_lock_recursive(&TestSpin);
    spin_lock_recursive(&TestSpin);
    spin_unlock_recursive(&TestSpin);
    spin_unlock_recursive(&TestSpin);
    mutex_unlock(&TestA);
  });
  EXPECT_TRUE(R.checks().empty());
  EXPECT_TRUE(hasEdge(R.Report, "test_a", "test_spin"));
  EXPECT_FALSE(hasEdge(R.Report, "test_spin", "test_spin"));
}

TEST(Shim, DoubleLockIsReportedAndSurvived) {
  auto R = runChild({}, [] {
    mutex_lock(&TestA);
    mutex_lock(&TestA);
    mutex_unlock(&TestA);
    mutex_unlock(&TestA);
  });
  EXPECT_EQ(R.checks(), std::vector<std::string>{"double-lock"});
}

// Releasing a lock that is not the innermost one leaves the held set
// right: only the locks still held order the next acquisition.
TEST(Shim, OutOfOrderReleaseKeepsTheHeldSet) {
  auto R = runChild({}, [] {
    mutex_lock(&TestA);
    mutex_lock(&TestB);
    mutex_unlock(&TestA);
    spin_lock(&TestSpin);
    spin_unlock(&TestSpin);
    mutex_unlock(&TestB);
    // A known edge is taken again: no new finding, no new edge.
    mutex_lock(&TestA);
    mutex_lock(&TestB);
    mutex_unlock(&TestB);
    mutex_unlock(&TestA);
  });
  EXPECT_TRUE(R.checks().empty());
  EXPECT_TRUE(hasEdge(R.Report, "test_a", "test_b"));
  EXPECT_TRUE(hasEdge(R.Report, "test_b", "test_spin"));
  EXPECT_FALSE(hasEdge(R.Report, "test_a", "test_spin"));
  EXPECT_EQ(R.Report["observed_edges"].size(), 2u);
}

TEST(Shim, TrylockByTheHolderFails) {
  auto R = runChild({}, [] {
    mutex_lock(&TestA);
    bool Got = mutex_trylock(&TestA);
    mutex_unlock(&TestA);
    if (Got)
      std::exit(3);
  });
  EXPECT_EQ(R.Exit, 0);
  EXPECT_TRUE(R.checks().empty());
}

TEST(Shim, DoubleUnlockIsReported) {
  auto R = runChild({}, [] {
    spin_lock(&TestSpin);
    spin_unlock(&TestSpin);
    spin_unlock(&TestSpin);
  });
  ASSERT_EQ(R.checks(), std::vector<std::string>{"double-unlock"});
  const json &F = *finding(R.Report, "double-unlock");
  EXPECT_NE(F.value("file", "").find("ShimTest.cpp"), std::string::npos) << F.dump();
  EXPECT_EQ(F["locks"], json({"test_spin"}));
}

struct mutex Outer = __MUTEX_INITIALIZER(test_outer_lock);
struct mutex Inner = __MUTEX_INITIALIZER(test_inner_lock);

void innerThenOuter() {
  mutex_lock(&Inner);
  mutex_lock(&Outer);
  mutex_unlock(&Outer);
  mutex_unlock(&Inner);
}

TEST(Shim, HierarchyFromARuleFile) {
#ifndef LOCKWISE_HAVE_RULES
  GTEST_SKIP() << "built without the rules library";
#endif
  auto R = runChild({{"LOCKWISE_RULES", LOCKWISE_TEST_DATA "/order.jsonc"}},
                    innerThenOuter);
  ASSERT_EQ(R.checks(), std::vector<std::string>{"order-inversion"});
  EXPECT_NE(finding(R.Report, "order-inversion")->value("message", "").find(
                "test-order"),
            std::string::npos);
  // Without the rule file the same program is fine.
  EXPECT_TRUE(runChild({}, innerThenOuter).checks().empty());
}

TEST(Shim, DeclaredOrderIsEnforced) {
  auto R = runChild({}, [] {
    const char *Order[] = {"test_outer_lock", "test_inner_lock"};
    lockwise_declare_order("declared", Order, 2);
    innerThenOuter();
  });
  EXPECT_EQ(R.checks(), std::vector<std::string>{"order-inversion"});
}

TEST(Shim, MmLockLevelsAreEnforced) {
  auto R = runChild({}, [] {
    static mm_lock_t P2m, Pod;
    mm_lock_init(&P2m);
    mm_lock_init(&Pod);
    _mm_lock(nullptr, &P2m, "f", MM_LOCK_ORDER_p2m, 1);
    _mm_lock(nullptr, &Pod, "f", MM_LOCK_ORDER_pod, 0);
    _mm_lock(nullptr, &P2m, "f", MM_LOCK_ORDER_p2m, 1); // recursive re-entry: fine
    mm_unlock(&P2m);
    mm_unlock(&Pod);
    mm_unlock(&P2m);
    EXPECT_EQ(lockwise_finding_count(), 0u);
    _mm_lock(nullptr, &Pod, "f", MM_LOCK_ORDER_pod, 0);
    _mm_lock(nullptr, &P2m, "f", MM_LOCK_ORDER_p2m, 1); // 48 > 16
    mm_unlock(&P2m);
    mm_unlock(&Pod);
  });
  ASSERT_EQ(R.count("order-inversion"), 1u);
  EXPECT_NE(finding(R.Report, "order-inversion")->value("message", "").find(
                "48 > 16"),
            std::string::npos);
}

DECLARE_WAIT_QUEUE_HEAD(test_wq);
int Flag;
DECLARE_COMPLETION(test_done);

int sleeper(void *) {
  wait_event(test_wq, READ_ONCE(Flag));
  complete(&test_done);
  return 0;
}

void loseTheWakeup() {
  struct task_struct *T = kthread_run(sleeper, nullptr, "sleeper");
  msleep(20);
  WRITE_ONCE(Flag, 1); // and no wake_up(&test_wq)
  wait_for_completion(&test_done);
  kthread_stop(T);
}

TEST(Shim, LostWakeupInRealTime) {
  auto R = runChild({{"LOCKWISE_WAKEUP_GRACE_MS", "100"}}, loseTheWakeup);
  ASSERT_EQ(R.checks(), std::vector<std::string>{"lost-wakeup"});
  const json &F = *finding(R.Report, "lost-wakeup");
  EXPECT_EQ(F["locks"], json({"test_wq"}));
  EXPECT_NE(F.value("function", "").find("sleeper"), std::string::npos);
}

TEST(Shim, LostWakeupWhenExploring) {
  auto R = runChild({{"LOCKWISE_SHAKE", "2"}, {"LOCKWISE_SEED", "3"}},
                    loseTheWakeup);
  ASSERT_EQ(R.checks(), std::vector<std::string>{"lost-wakeup"});
  EXPECT_NE(finding(R.Report, "lost-wakeup")->value("message", "").find(
                "no other task can run"),
            std::string::npos);
}

TEST(Shim, WokenSleepersAreNotLost) {
  for (const char *Shake : {"0", "3"}) {
    auto R = runChild({{"LOCKWISE_SHAKE", Shake}, {"LOCKWISE_WAKEUP_GRACE_MS", "50"}},
                      [] {
                        struct task_struct *T =
                            kthread_run(sleeper, nullptr, "sleeper");
                        msleep(5);
                        WRITE_ONCE(Flag, 1);
                        wake_up(&test_wq);
                        wait_for_completion(&test_done);
                        kthread_stop(T);
                      });
    EXPECT_TRUE(R.checks().empty()) << "LOCKWISE_SHAKE=" << Shake;
  }
}

int holder(void *) {
  mutex_lock(&TestA);
  complete(&test_done);
  msleep(400);
  mutex_unlock(&TestA);
  return 0;
}

TEST(Shim, StallOfABlockedTaskAndOfASleepingHolder) {
  auto R = runChild({{"LOCKWISE_STALL_MS", "100"}}, [] {
    struct task_struct *T = kthread_run(holder, nullptr, "holder");
    wait_for_completion(&test_done);
    mutex_lock(&TestA); // blocks ~400 ms behind a sleeping holder
    mutex_unlock(&TestA);
    kthread_stop(T);
  });
  ASSERT_EQ(R.count("stall"), 2u) << "exit " << R.Exit << ": " << R.Report.dump();
  bool Blocked = false, Sleeping = false;
  for (const json &F : R.Report["findings"]) {
    std::string M = F.value("message", "");
    Blocked |= M.find("blocked on 'test_a'") != std::string::npos &&
               M.find("held by task holder, itself sleeping") != std::string::npos;
    Sleeping |= M.find("task holder sleeps") != std::string::npos &&
                M.find("while holding test_a") != std::string::npos;
  }
  EXPECT_TRUE(Blocked);
  EXPECT_TRUE(Sleeping);
  // Real time: a wait's stack is taken once the wait has lasted, and it is
  // the whole stack, not only the waiting call.
  for (const json &F : R.Report["findings"]) {
    bool Deeper = false;
    for (const json &T : F["trace"])
      Deeper |= T.value("message", "").rfind("#1 ", 0) == 0;
    EXPECT_TRUE(Deeper) << F.dump();
  }
}

TEST(Shim, ShortWaitsAreNoStall) {
  // The holder sleeps 400 ms with the lock: under a 1 s threshold.
  auto R = runChild({{"LOCKWISE_STALL_MS", "1000"}}, [] {
    struct task_struct *T = kthread_run(holder, nullptr, "holder");
    wait_for_completion(&test_done);
    kthread_stop(T);
  });
  EXPECT_TRUE(R.checks().empty());
}

TEST(Shim, ReportHasTheFindingsShape) {
  auto R = runChild({}, [] {
    spin_lock(&TestSpin);
    spin_unlock(&TestSpin);
    spin_unlock(&TestSpin);
  });
  const json &J = R.Report;
  EXPECT_EQ(J["tool"]["name"], "lockwise");
  EXPECT_TRUE(J["tool"]["version"].is_string());
  ASSERT_EQ(J["findings"].size(), 1u);
  const json &F = J["findings"][0];
  for (const char *Key : {"check", "severity", "message", "file", "function",
                          "fingerprint"})
    EXPECT_TRUE(F[Key].is_string()) << Key;
  for (const char *Key : {"line", "column"})
    EXPECT_TRUE(F[Key].is_number_unsigned()) << Key;
  EXPECT_TRUE(F["locks"].is_array());
  ASSERT_FALSE(F["trace"].empty());
  for (const char *Key : {"file", "message"})
    EXPECT_TRUE(F["trace"][0][Key].is_string()) << Key;
  for (const char *Key : {"translation_units", "failed", "functions", "seconds"})
    EXPECT_TRUE(J["stats"].contains(Key)) << Key;
  EXPECT_TRUE(J["observed_edges"].is_array());
  // The finding reads back as the analyzer's model, and its fingerprint is
  // the analyzer's function of it: the same kind of bug, the same identity.
  std::string Problem;
  std::optional<lockwise::Finding> Read = lockwise::findingFromJson(F, &Problem);
  ASSERT_TRUE(Read) << Problem;
  EXPECT_EQ(F["fingerprint"], lockwise::computeFingerprint(*Read));
}

} // namespace
