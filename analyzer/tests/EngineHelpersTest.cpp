//===- EngineHelpersTest.cpp - The dataflow's pure parts ------------------===//
//
// Path-state joins, parameter conditions, witness chains and the CFG's
// loops, each on its own: the invariants the transfer functions rely on.
//
//===----------------------------------------------------------------------===//
#include "engine/Conditions.h"
#include "engine/FunctionAnalysis.h"
#include "engine/Limits.h"
#include "engine/LockKey.h"
#include "engine/Program.h"
#include "engine/PathState.h"
#include "engine/Witness.h"

#include <gtest/gtest.h>

using namespace lockwise;
using namespace lockwise::dataflow;

namespace {

FactValue fact(const std::string &Key, bool Value) {
  return FactValue{Symbol(Key), 0, Value, {Symbol(Key)}, false};
}

PathState holding(const std::string &Lock) {
  PathState S;
  HeldLock H;
  H.Lock = LockKey::ofClass(Symbol(Lock));
  H.Site = std::make_shared<const Chain>();
  S.addHeld(H);
  return S;
}

WitnessStep stepAt(unsigned Line) {
  return WitnessStep{SrcLoc{"t.c", Line, 1}, Symbol("f"),
                     Symbol("step " + std::to_string(Line))};
}

struct Marks : CheckPathState {
  std::vector<int> Values;
  std::unique_ptr<CheckPathState> clone() const override {
    return std::make_unique<Marks>(*this);
  }
  std::string signature() const override {
    std::string S;
    for (int V : Values)
      S += std::to_string(V) + ";";
    return S;
  }
};

TEST(PathStateJoin, ContradictingFactsStayApartUpToTheLimit) {
  StateSet Set;
  bool Overflow = false;
  for (bool V : {true, false}) {
    PathState S;
    S.addFact(fact("a", V));
    EXPECT_TRUE(joinInto(Set, S, S.signature(), MaxStatesPerBlock, Overflow));
  }
  EXPECT_EQ(Set.States.size(), 2u);
  // A third state contradicting both joins the one it agrees with most.
  PathState Third;
  Third.addFact(fact("a", true));
  Third.addFact(fact("b", true));
  Set.States[0].addFact(fact("b", false));
  Set.States[1].addFact(fact("b", false));
  joinInto(Set, Third, Third.signature(), MaxStatesPerBlock, Overflow);
  EXPECT_EQ(Set.States.size(), MaxFactSplits);
  EXPECT_FALSE(Overflow);
}

TEST(PathStateJoin, AgreeingStatesMergeTheirFacts) {
  StateSet Set;
  bool Overflow = false;
  PathState A = holding("L"), B = holding("L");
  A.addFact(fact("a", true));
  A.addFact(fact("c", true));
  B.addFact(fact("a", true));
  joinInto(Set, A, A.signature(), MaxStatesPerBlock, Overflow);
  EXPECT_TRUE(joinInto(Set, B, B.signature(), MaxStatesPerBlock, Overflow));
  ASSERT_EQ(Set.States.size(), 1u);
  EXPECT_NE(Set.States[0].findFact(Symbol("a")), nullptr);
  EXPECT_EQ(Set.States[0].findFact(Symbol("c")), nullptr);
}

TEST(PathStateJoin, DifferentLocksetsNeverMerge) {
  StateSet Set;
  bool Overflow = false;
  PathState A = holding("L"), B;
  joinInto(Set, A, A.signature(), MaxStatesPerBlock, Overflow);
  joinInto(Set, B, B.signature(), MaxStatesPerBlock, Overflow);
  EXPECT_EQ(Set.States.size(), 2u);
}

TEST(PathStateJoin, PastTheLimitAStateIsDroppedAndSaidSo) {
  StateSet Set;
  bool Overflow = false;
  for (int I = 0; I < 3; ++I) {
    PathState S = holding("L" + std::to_string(I));
    joinInto(Set, S, S.signature(), 2, Overflow);
  }
  EXPECT_EQ(Set.States.size(), 2u);
  EXPECT_TRUE(Overflow);
}

TEST(PathStateChecks, CopyOnWriteAndSignature) {
  PathState A;
  EXPECT_EQ(A.check<Marks>(1), nullptr);
  A.mutableCheck<Marks>(1).Values.push_back(7);
  PathState B = A;
  B.mutableCheck<Marks>(1).Values.push_back(8);
  EXPECT_EQ(A.check<Marks>(1)->Values.size(), 1u);
  EXPECT_EQ(B.check<Marks>(1)->Values.size(), 2u);
  EXPECT_NE(A.signature(), B.signature());
  // A check state that says nothing does not tell paths apart.
  PathState C, D;
  D.mutableCheck<Marks>(0);
  EXPECT_EQ(C.signature(), D.signature());
}

TEST(PathStateFacts, BoundedTruthOfACountedLoop) {
  Condition C;
  C.IntVar = Symbol("try");
  C.IntEq = true;
  C.IntConst = 3;
  FactValue Below{Symbol("try<3"), 0, true, {Symbol("try")}, false};
  Below.IntVar = Symbol("try");
  Below.IntConst = 3;
  EXPECT_EQ(boundedTruth({Below}, C), 0);  // try < 3: try == 3 is false
  EXPECT_EQ(boundedTruth({}, C), -1);      // nothing known
}

TEST(Conditions, IncludesKeepCommonAndAllows) {
  ParamConditions Locked{{0, true}}, LockedAndQ{{0, true}, {1, false, 4}};
  EXPECT_TRUE(includes(LockedAndQ, Locked));
  EXPECT_FALSE(includes(Locked, LockedAndQ));
  ParamConditions X = LockedAndQ;
  keepCommon(X, Locked);
  EXPECT_EQ(X, Locked);
  ArgInfo Zero;
  Zero.HasInt = true;
  Zero.Int = 0;
  EXPECT_FALSE(allows(Locked, {Zero}));
  EXPECT_TRUE(allows({{0, false}}, {Zero}));
}

TEST(Conditions, ComplementaryOutcomesMerge) {
  Outcome A, B;
  A.When = {{0, true}};
  B.When = {{0, false}};
  std::vector<Outcome> Os{A, B};
  mergeComplementaryOutcomes(Os);
  ASSERT_EQ(Os.size(), 1u);
  EXPECT_TRUE(Os[0].When.empty());
}

TEST(Conditions, TestedReturnReadsUnknownAsNonZeroBesideNull) {
  EXPECT_EQ(testedReturn(-1, {0, -1}), 1);
  EXPECT_EQ(testedReturn(-1, {1, -1}), -1);
  EXPECT_EQ(testedReturn(0, {0, -1}), 0);
}

TEST(Conditions, ForwardedThroughOurParameter) {
  ArgInfo PassesOurQ;
  PassesOurQ.Param = 2;
  ParamConditions Out = forwardConditions({{0, true, 8}}, {PassesOurQ});
  ASSERT_EQ(Out.size(), 1u);
  EXPECT_EQ(Out[0].Param, 2);
  EXPECT_EQ(Out[0].Mask, 8u);
}

TEST(Witness, LongChainsKeepBothEnds) {
  Chain Long;
  for (unsigned I = 0; I < 20; ++I)
    Long.push_back(stepAt(I));
  Chain Cut = extend({}, Long);
  ASSERT_EQ(Cut.size(), MaxChainLength);
  EXPECT_EQ(Cut.front().Loc.Line, 0u);
  EXPECT_EQ(Cut.back().Loc.Line, 19u);
  EXPECT_NE(Cut[2].Message.str().find("calls not shown"), std::string::npos);
}

TEST(Witness, ShortestWitnessFirst) {
  LockEdge E{"A", "B", {stepAt(1), stepAt(2), stepAt(3)}, {}};
  mergeWitness(E, LockEdge{"A", "B", {stepAt(5), stepAt(6)}, {}});
  EXPECT_EQ(E.Witness.size(), 2u);
  ASSERT_EQ(E.Others.size(), 1u);
  EXPECT_EQ(E.Others[0].size(), 3u);
}

TEST(Witness, LockBase) {
  EXPECT_EQ(lockBase("&desc->lock").str(), "desc");
  EXPECT_TRUE(lockBase("&xs_state_lock").empty());
  EXPECT_EQ(lockBase("d2", /*Bare=*/true).str(), "d2");
}

TEST(LockNodes, ComparedAsValuesPrintedOnce) {
  LockNode Plain{"p2m_domain.lock"}, Running{"p2m_domain.lock", "", true},
      Held{"rangeset.lock", "vcpu.vpci.mem"};
  EXPECT_EQ(Plain.name(), "p2m_domain.lock");
  EXPECT_EQ(Running.name(), "p2m_domain.lock[current]");
  EXPECT_EQ(Held.name(), "rangeset.lock{vcpu.vpci.mem}");
  EXPECT_FALSE(Plain == Running);
  EXPECT_TRUE((LockNode{"rangeset.lock", "vcpu.vpci.mem"} == Held));
}

TEST(Cfg, BackEdgesAndTheirLoops) {
  // 0 -> 1 -> 2 -> 1 (loop), 2 -> 3
  FunctionFacts F;
  F.Blocks.resize(4);
  for (unsigned I = 0; I < 4; ++I)
    F.Blocks[I].Id = I;
  F.Entry = 0;
  F.Exit = 3;
  F.Blocks[0].Succs = {1};
  F.Blocks[1].Succs = {2};
  F.Blocks[2].Succs = {1, 3};
  LoopBodies Loops = backEdges(F);
  ASSERT_EQ(Loops.size(), 1u);
  EXPECT_EQ(Loops.begin()->first, std::make_pair(2u, 1u));
  EXPECT_EQ(Loops.begin()->second, (std::set<unsigned>{1, 2}));
}

TEST(LockKey, ClassesAndParametersAreTypedNotSpelled) {
  LockKey P2 = LockKey::ofParam(2), P10 = LockKey::ofParam(10);
  LockKey Pod = LockKey::ofClass(Symbol("p2m_domain.pod.lock"));
  // A class spelled like a parameter's printed form is still a class.
  LockKey Tricky = LockKey::ofClass(Symbol("$2"));
  EXPECT_TRUE(P2.isParam());
  EXPECT_EQ(P2.param(), 2u);
  EXPECT_FALSE(Tricky.isParam());
  EXPECT_NE(P2, Tricky);
  EXPECT_EQ(P2.str(), Tricky.str()); // printing is not identity
  EXPECT_TRUE(P2.cls().empty());
  EXPECT_EQ(Pod.cls(), "p2m_domain.pod.lock");
  // Parameters first, by index (not by spelling: 2 before 10), then classes.
  EXPECT_LT(P2, P10);
  EXPECT_LT(P10, Pod);
  EXPECT_LT(P10, Tricky);
  EXPECT_TRUE(LockKey().empty());
  EXPECT_FALSE(LockKey::ofParam(0).empty());
}

TEST(LockKey, ProgramMakesOneFromALockRef) {
  Program P({});
  LockRef Param;
  Param.K = LockRef::Param;
  Param.ParamIndex = 1;
  EXPECT_EQ(P.lockKey(Param), LockKey::ofParam(1));
  LockRef Member;
  Member.K = LockRef::Type;
  Member.Root = "p2m_domain";
  Member.Path = "pod.lock";
  EXPECT_EQ(P.lockKey(Member), LockKey::ofClass(Symbol("p2m_domain.pod.lock")));
  LockRef Local;
  Local.K = LockRef::Local;
  Local.Root = "l@f";
  EXPECT_TRUE(P.lockKey(Local).empty());
}

} // namespace
