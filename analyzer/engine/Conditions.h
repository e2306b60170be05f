//===- Conditions.h - Parameter conditions of summary items -----------------===//
#ifndef LOCKWISE_ENGINE_CONDITIONS_H
#define LOCKWISE_ENGINE_CONDITIONS_H

#include "engine/Summary.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lockwise::dataflow {

/// Whether C's atom holds for a call that returned R (0, 1 or
/// ReturnsErrorPointer): the value itself, or an error test of it.
bool atomHolds(const Condition &C, int R);

/// What a caller testing the result sees of Returns, given all the values
/// the function returns: "return NULL" (or 0) on some paths and something
/// unknown on the others makes the unknown ones the non-zero ones (the
/// locked object, the error code).
int testedReturn(int Returns, const std::vector<int> &All);

/// The one condition A and B disagree on, when they differ in nothing
/// else: "p" and "!p" on the same parameter (and mask).
std::optional<ParamCondition> complementaryCondition(const Outcome &A,
                                                     const Outcome &B);

/// Outcomes that differ only by a parameter's test, taken both ways, are
/// one outcome that does not depend on it: (A && p) || (A && !p) is A.
/// Keeping them apart would make the parameter look like it tells the
/// caller whether a lock is held ("return info ? lock_desc(info, pflags) :
/// NULL", where the callee split on "if (pflags)").
void mergeComplementaryOutcomes(std::vector<Outcome> &Outcomes);

/// Whether two outcomes' parameter conditions cannot both hold, leaving
/// out those Ignored says a caller cannot decide.
bool contradicts(const ParamConditions &A, const ParamConditions &B,
                        llvm::function_ref<bool(const ParamCondition &)> Ignored);

/// Whether Big has every condition of Small: an item under Small covers one
/// under Big.
bool includes(const ParamConditions &Big, const ParamConditions &Small);

/// Leaves in Into the conditions Other has too: an item reached under
/// either set holds under what both say.
void keepCommon(ParamConditions &Into, const ParamConditions &Other);

/// Whether a caller's constant arguments allow a summary item.
bool allows(const ParamConditions &When, const std::vector<ArgInfo> &Args);

/// A callee's conditions on its parameters, as conditions on ours where we
/// pass our parameter through ("get_gfn_query_unlocked() -> ... (q) ->
/// p2m_pt_get_entry(q)": the populate under "q & P2M_ALLOC" stays
/// conditional on the outermost caller's q).
ParamConditions forwardConditions(const ParamConditions &Callee,
                                  const std::vector<ArgInfo> &Args);

/// The fact "Var holds Fn's result", and back.
std::string resultKey(llvm::StringRef Var, llvm::StringRef Fn);

std::optional<std::pair<llvm::StringRef, llvm::StringRef>>
parseResultKey(llvm::StringRef Key);

} // namespace lockwise::dataflow

#endif
