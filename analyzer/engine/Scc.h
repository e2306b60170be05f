//===- Scc.h - Strongly connected components of a named graph -------------===//
//
// One implementation for the call graph (bottom-up analysis order) and the
// lock graph (groups of locks with no consistent order).
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_ENGINE_SCC_H
#define LOCKWISE_ENGINE_SCC_H

#include "llvm/ADT/STLFunctionalExtras.h"

#include <string>
#include <vector>

namespace lockwise {

/// Tarjan's algorithm, iterative so that deep kernel call chains cannot
/// overflow the stack, started from each root in order.  Components come
/// out successors first (callees before callers), each sorted.
std::vector<std::vector<std::string>> stronglyConnectedComponents(
    const std::vector<std::string> &Roots,
    llvm::function_ref<std::vector<std::string>(const std::string &)> Successors);

} // namespace lockwise

#endif
