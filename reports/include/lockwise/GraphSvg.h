//===- GraphSvg.h - The lock graph as inline SVG --------------------------===//
#ifndef LOCKWISE_REPORTS_GRAPHSVG_H
#define LOCKWISE_REPORTS_GRAPHSVG_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace lockwise {

/// Dot rendered by Graphviz's `dot -Tsvg`, starting at the <svg> element (no
/// XML prolog or DOCTYPE, which do not belong inside HTML).  An error says
/// why not: `dot` is not on PATH, or it failed on this input.
llvm::Expected<std::string> renderDotToSvg(llvm::StringRef Dot);

} // namespace lockwise

#endif
