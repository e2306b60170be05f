//===- Query.h - Questions about the lock graph and who holds what --------===//
#ifndef LOCKWISE_TOOL_QUERY_H
#define LOCKWISE_TOOL_QUERY_H

#include "engine/Analysis.h"
#include "graph/LockGraph.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <string>
#include <vector>

namespace lockwise {

/// Answers one query; the answer is a JSON value (rendered as text or
/// JSON by the caller) or an error for a malformed query.
///   order A B    - is B ever taken while A is held; every witness chain
///   held-at F    - locks that may be held on entry to F, with the callers
///   takes L      - functions that acquire L, directly or through callees
///   path A B     - a chain of order edges from A to B
llvm::Expected<llvm::json::Value> runQuery(const std::vector<std::string> &Words,
                                           const Program &P,
                                           const AnalysisResult &R,
                                           const LockGraph &G);

/// Human-readable rendering of a query answer.
void printQueryText(const llvm::json::Value &Answer, llvm::raw_ostream &OS);

} // namespace lockwise

#endif
