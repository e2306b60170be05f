//===- FactsIOTest.cpp - the facts cache's JSON form -----------------------===//
#include "facts/FactsIO.h"

#include "gtest/gtest.h"

using namespace lockwise;

namespace {

TUFacts oneEventTU() {
  Event E;
  E.Kind = EventKind::Kill;
  E.Loc = {Symbol("a.c"), 12, 5};
  E.Vars = {Symbol("memflags")};
  E.ChangedBits = ~uint64_t(4);
  E.Direction = -1;
  E.Lock.K = LockRef::Type;
  E.Lock.Root = Symbol("p2m_domain");
  E.Lock.Path = Symbol("pod.lock");
  E.Lock.Owner = OwnerCurrent;
  ArgInfo A;
  A.HasInt = true;
  A.Int = 2;
  A.Var = Symbol("locking");
  A.MaskedParam = 1;
  A.ParamMask = 4;
  E.Args = {A};
  Block B;
  B.Id = 1;
  B.Succs = {2, -1};
  B.Events = {E};
  B.Cond.K = Condition::Fact;
  B.Cond.Key = Symbol("memflags & 2");
  B.Cond.Vars = {Symbol("memflags")};
  B.Cond.MaskParam = 0;
  B.Cond.Mask = 2;
  B.Cond.Negated = true;
  Condition ErrorCase;
  ErrorCase.K = Condition::Fact;
  ErrorCase.ErrTest = Condition::IsErrOrNull;
  ErrorCase.ErrOf = Symbol("act");
  B.CaseConds = {ErrorCase};
  FunctionFacts F;
  F.Key = Symbol("alloc_pages");
  F.Name = Symbol("alloc_pages");
  F.Params = {Symbol("memflags")};
  F.Blocks = {B};
  TUFacts TU;
  TU.File = "a.c";
  TU.Functions = {F};
  return TU;
}

TEST(FactsIO, EveryFieldOfAnEventSurvivesTheRoundTrip) {
  std::string Text = factsToJson(oneEventTU());
  llvm::Expected<TUFacts> Back = factsFromJson(Text);
  ASSERT_TRUE(bool(Back)) << llvm::toString(Back.takeError());
  const Block &B = Back->Functions.at(0).Blocks.at(0);
  const Event &E = B.Events.at(0);
  EXPECT_EQ(E.Kind, EventKind::Kill);
  EXPECT_EQ(E.Loc.Line, 12u);
  EXPECT_EQ(E.ChangedBits, ~uint64_t(4));
  EXPECT_EQ(E.Direction, -1);
  EXPECT_EQ(E.Lock.Path.str(), "pod.lock");
  EXPECT_EQ(E.Lock.Owner, OwnerCurrent);
  EXPECT_EQ(E.Lock.ParamIndex, -1); // absent keys keep their defaults
  ASSERT_EQ(E.Args.size(), 1u);
  EXPECT_TRUE(E.Args[0].HasInt);
  EXPECT_EQ(E.Args[0].Var.str(), "locking");
  EXPECT_EQ(E.Args[0].Param, -1);
  EXPECT_EQ(E.Args[0].MaskedParam, 1);
  EXPECT_EQ(E.Args[0].ParamMask, 4u);
  EXPECT_EQ(B.Cond.Mask, 2u);
  EXPECT_EQ(B.Cond.MaskParam, 0);
  EXPECT_TRUE(B.Cond.Negated);
  ASSERT_EQ(B.CaseConds.size(), 1u);
  EXPECT_EQ(B.CaseConds[0].ErrTest, Condition::IsErrOrNull);
  EXPECT_EQ(B.CaseConds[0].ErrOf.str(), "act");
  // Written again, the same bytes.
  EXPECT_EQ(factsToJson(*Back), Text);
}

TEST(FactsIO, AnEventWithoutItsKindIsMalformedFacts) {
  std::string Text = factsToJson(oneEventTU());
  ASSERT_NE(Text.find("\"k\":7"), std::string::npos) << Text; // Kill
  Text.replace(Text.find("\"k\":7"), 5, "\"q\":7");
  llvm::Expected<TUFacts> Back = factsFromJson(Text);
  ASSERT_FALSE(bool(Back));
  std::string Message = llvm::toString(Back.takeError());
  EXPECT_NE(Message.find("malformed facts"), std::string::npos) << Message;
  EXPECT_NE(Message.find("'k'"), std::string::npos) << Message;
}

} // namespace
