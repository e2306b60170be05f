//===- FactsIO.h - TU facts to and from JSON ------------------------------===//
//
// Facts are the unit of caching (per TU, keyed by content) and of sharding
// (extract on many machines, merge on one), so they have a stable,
// versioned JSON form.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_FACTS_FACTSIO_H
#define LOCKWISE_FACTS_FACTSIO_H

#include "facts/Facts.h"

#include "llvm/Support/Error.h"

#include <string>

namespace lockwise {

/// Bumped whenever the facts model or what the frontend extracts changes.
constexpr int FactsFormatVersion = 50;

std::string factsToJson(const TUFacts &TU);
llvm::Expected<TUFacts> factsFromJson(const std::string &Text);

} // namespace lockwise

#endif
