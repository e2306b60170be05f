//===- Limits.h - Every bound the dataflow applies ------------------------===//
//
// The analysis is exact up to these bounds.  Each is named here, with what
// happens when it is reached; a bound whose reaching can lose a finding is
// counted (AnalysisResult::LimitHits) and reported, never silent.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_ENGINE_LIMITS_H
#define LOCKWISE_ENGINE_LIMITS_H

#include <cstddef>

namespace lockwise::dataflow {

/// Path states kept apart at one block.  Past it, a new state that joins
/// none of them is dropped (the function is marked incomplete).
constexpr size_t MaxStatesPerBlock = 32;
/// States with one lockset kept apart by contradicting facts
/// (joinPartner()); past it a state joins the one it agrees with most,
/// which loses facts but no state.
constexpr size_t MaxFactSplits = 2;
/// Block visits per function: MaxVisitsPerBlock per block plus
/// MaxVisitsBase.  Past it the worklist stops (the function is marked
/// incomplete).
constexpr size_t MaxVisitsPerBlock = 64;
constexpr size_t MaxVisitsBase = 256;
/// Calls a summary records for rules (forbidden_while_held,
/// held_continuously); past it further calls are not passed to callers.
constexpr size_t MaxSummaryCalls = 32;
/// Copies of one summary item kept apart by their parameter conditions;
/// past it a new copy merges into the first, under what both say.
constexpr size_t MaxConditionalCopies = 4;
constexpr size_t MaxConditionalCalls = 4;
/// Steps of a witness chain; longer chains keep both ends and mark the gap.
constexpr size_t MaxChainLength = 12;
/// Functions an indirect call is resolved to; past it the rest (in key
/// order) are not analysed as targets of that call.
constexpr size_t MaxFptrTargets = 64;
/// A switch with more cases keeps only each case's own value.
constexpr size_t MaxCasesRuledOut = 16;
/// Rounds over a recursive component of the call graph until its
/// summaries settle; past it the last round's summaries stand.
constexpr int MaxSccRounds = 4;
/// Rounds of the top-down exclusive-context propagation.
constexpr int MaxContextRounds = 8;
/// exclusive_contexts, one bit each.
constexpr size_t MaxExclusiveContexts = 64;

} // namespace lockwise::dataflow

#endif
