//===- DebugDump.h - Developer dumps of summaries and states --------------===//
//
// Written to the stream the driver passes in AnalysisOptions::Debug
// (`lockwise check --debug-summaries=f,g --debug-states=f`); the analysis
// itself never prints.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_ENGINE_DEBUGDUMP_H
#define LOCKWISE_ENGINE_DEBUGDUMP_H

#include "engine/PathState.h"
#include "engine/Summary.h"

#include "llvm/Support/raw_ostream.h"

#include <set>
#include <string>
#include <vector>

namespace lockwise::dataflow {

/// What a function's summary says, each acquisition with its chain, and
/// the entry locks it releases (Releases, "lock at file:line:col").
void dumpSummary(llvm::raw_ostream &OS, const std::string &Key,
                 const Summary &Out, const std::set<std::string> &Releases);

/// A block's path states, each as its signature, branch facts and known
/// call results.
void dumpStates(llvm::raw_ostream &OS, const char *Where, const Block &B,
                const std::vector<PathState> &States);

} // namespace lockwise::dataflow

#endif
