//===- FindingTest.cpp - Ordering and fingerprints of findings ------------===//

#include "lockwise/Finding.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace lockwise;

namespace {

Finding podDoubleUnlock(unsigned Line) {
  Finding F;
  F.Check = "double-unlock";
  F.Message = "double unlock of 'p2m_domain.pod.lock' (first released at "
              "p2m-pod.c:" +
              std::to_string(Line - 7) + ":5)";
  F.File = "xen/arch/x86/mm/p2m-pod.c";
  F.Line = Line;
  F.Column = 5;
  F.Function = "p2m_pod_demand_populate";
  F.Locks = {"p2m_domain.pod.lock"};
  F.Trace = {{F.File, Line - 7, 5, "first released here"}};
  return F;
}

TEST(SeverityTest, NamesRoundTrip) {
  for (Severity S : {Severity::Error, Severity::Warning, Severity::Note})
    EXPECT_EQ(parseSeverity(severityName(S)), S);
  EXPECT_STREQ(severityName(Severity::Error), "error");
  EXPECT_STREQ(severityName(Severity::Warning), "warning");
  EXPECT_STREQ(severityName(Severity::Note), "note");
  EXPECT_FALSE(parseSeverity("fatal"));
}

TEST(FingerprintTest, IsSixteenHexDigits) {
  std::string FP = computeFingerprint(podDoubleUnlock(100));
  ASSERT_EQ(FP.size(), 16u);
  EXPECT_EQ(FP.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(FingerprintTest, StableWhenCodeMoves) {
  Finding Before = podDoubleUnlock(100);
  Finding After = podDoubleUnlock(142);
  After.Column = 9;
  ASSERT_NE(Before.Message, After.Message);
  EXPECT_EQ(computeFingerprint(Before), computeFingerprint(After));
}

TEST(FingerprintTest, DiffersForDifferentLocks) {
  Finding A = podDoubleUnlock(100);
  Finding B = A;
  B.Locks = {"p2m_domain.lock"};
  EXPECT_NE(computeFingerprint(A), computeFingerprint(B));
}

TEST(FingerprintTest, IgnoresLockOrderInList) {
  Finding A = podDoubleUnlock(100);
  A.Check = "order-inversion";
  A.Locks = {"p2m_domain.lock", "p2m_domain.pod.lock"};
  Finding B = A;
  B.Locks = {"p2m_domain.pod.lock", "p2m_domain.lock"};
  EXPECT_EQ(computeFingerprint(A), computeFingerprint(B));
}

TEST(FingerprintTest, DiffersForCheckFunctionAndMessage) {
  Finding Base = podDoubleUnlock(100);
  std::string FP = computeFingerprint(Base);

  Finding OtherCheck = Base;
  OtherCheck.Check = "double-lock";
  EXPECT_NE(computeFingerprint(OtherCheck), FP);

  Finding OtherFunction = Base;
  OtherFunction.Function = "p2m_pod_emergency_sweep";
  EXPECT_NE(computeFingerprint(OtherFunction), FP);

  Finding OtherMessage = Base;
  OtherMessage.Message = "double unlock of 'p2m_domain.pod.lock' on error path";
  EXPECT_NE(computeFingerprint(OtherMessage), FP);
}

TEST(FingerprintTest, KeepsDigitsThatAreNamesNotLines) {
  // "p2m" vs "p3m" and "lock2" vs "lock3": digits inside a name matter.
  Finding A = podDoubleUnlock(100);
  A.Message = "lock 'p2m_lock' taken after 'lock2'";
  Finding B = A;
  B.Message = "lock 'p3m_lock' taken after 'lock2'";
  Finding C = A;
  C.Message = "lock 'p2m_lock' taken after 'lock3'";
  EXPECT_NE(computeFingerprint(A), computeFingerprint(B));
  EXPECT_NE(computeFingerprint(A), computeFingerprint(C));
}

TEST(FingerprintTest, IgnoresFieldsThatMoveWithCode) {
  Finding A = podDoubleUnlock(100);
  Finding B = A;
  B.File = "/abs/path/xen/arch/x86/mm/p2m-pod.c";
  B.Trace.push_back({"p2m.c", 3, 1, "called from here"});
  B.Sev = Severity::Error;
  EXPECT_EQ(computeFingerprint(A), computeFingerprint(B));
}

TEST(FingerprintTest, PinnedForAFixedFinding) {
  // The bytes are those of `lockwise check` on testdata/core/xen_paths.c
  // before the model moved to findings/: baselines and code-scanning
  // services store fingerprints, so these must never change.  Locks are
  // given out of order and the line, file and trace differ from the report's.
  Finding F;
  F.Check = "order-cycle";
  F.Message = "possible circular locking dependency: acquiring 'event_lock' "
              "while holding 'gfn_p2m.lock' closes the cycle 'event_lock' -> "
              "'gfn_p2m.lock' -> 'event_lock' (one of the cycles among 3 locks "
              "and 4 order edges with no consistent order; `lockwise graph "
              "--around 'event_lock'` shows them)";
  F.File = "xen_paths.c";
  F.Line = 1;
  F.Function = "nested_page_fault";
  F.Locks = {"gfn_p2m.lock", "event_lock"};
  EXPECT_EQ(computeFingerprint(F), "18be0ac620a06fa3");
  // Same input, same bytes, and a copy is no different input.
  Finding Copy = F;
  EXPECT_EQ(computeFingerprint(F), computeFingerprint(F));
  EXPECT_EQ(computeFingerprint(Copy), "18be0ac620a06fa3");
}

TEST(SortTest, OrdersByFileLineColumnCheckMessage) {
  Finding A;
  A.File = "a.c";
  A.Line = 10;
  Finding B = A;
  B.Line = 9;
  Finding C = A;
  C.File = "b.c";
  C.Line = 1;
  Finding D = A;
  D.Column = 3;
  Finding E = A;
  E.Check = "order-cycle";

  std::vector<Finding> V = {C, E, D, A, B};
  sortAndUnique(V);
  ASSERT_EQ(V.size(), 5u);
  EXPECT_EQ(V[0], B);
  EXPECT_EQ(V[1], A);
  EXPECT_EQ(V[2], E);
  EXPECT_EQ(V[3], D);
  EXPECT_EQ(V[4], C);
}

TEST(SortTest, SameResultForEveryInputOrder) {
  std::vector<Finding> V;
  for (unsigned I = 0; I < 4; ++I) {
    Finding F = podDoubleUnlock(100);
    // Equal primary keys; only the trace, severity or function differ, so
    // only the tie-breakers decide.
    F.Trace[0].Message += std::to_string(I % 2);
    F.Sev = I < 2 ? Severity::Warning : Severity::Error;
    F.Function += std::to_string(I);
    V.push_back(F);
  }
  std::vector<Finding> Expected = V;
  sortAndUnique(Expected);

  std::sort(V.begin(), V.end(), [](const Finding &A, const Finding &B) {
    return A.Function < B.Function;
  });
  do {
    std::vector<Finding> Copy = V;
    sortAndUnique(Copy);
    EXPECT_EQ(Copy, Expected);
  } while (std::next_permutation(V.begin(), V.end(),
                                 [](const Finding &A, const Finding &B) {
                                   return A.Function < B.Function;
                                 }));
}

TEST(SortTest, RemovesExactDuplicatesOnly) {
  Finding A = podDoubleUnlock(100);
  Finding NearCopy = A;
  NearCopy.Locks.push_back("p2m_domain.lock");
  std::vector<Finding> V = {A, NearCopy, A, A};
  sortAndUnique(V);
  ASSERT_EQ(V.size(), 2u);
  EXPECT_EQ(V[0], A);
  EXPECT_EQ(V[1], NearCopy);
}

TEST(FindingCollectorTest, CollectsThroughHandlerInterface) {
  FindingCollector Collector;
  FindingHandler &Handler = Collector;
  Handler.handle(podDoubleUnlock(100));
  Handler.handle(podDoubleUnlock(200));
  ASSERT_EQ(Collector.Findings.size(), 2u);
  EXPECT_EQ(Collector.Findings[1].Line, 200u);
}

} // namespace
