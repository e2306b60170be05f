//===- Witness.h - Witness chains and lock spellings ------------------------===//
#ifndef LOCKWISE_ENGINE_WITNESS_H
#define LOCKWISE_ENGINE_WITNESS_H

#include "engine/Analysis.h"
#include "engine/LockKey.h"

#include "llvm/ADT/StringRef.h"

#include <string>

namespace lockwise::dataflow {

/// The local pointer a lock is reached through ("&desc->lock" -> "desc"),
/// or empty.  With Bare, also a wrapper's argument spelled as the pointer
/// itself ("evtchn_write_lock(d2)" -> "d2").
Symbol lockBase(llvm::StringRef Text, bool Bare = false);

Chain extend(const Chain &Prefix, const Chain &Suffix);

/// A witness from inside a wrapper names the lock by the wrapper's
/// parameter ('l' acquired here in mm_lock_pod); once the caller has said
/// which lock that is, name the class instead.
Chain nameParameterLock(const Chain &C, const LockKey &CalleeLock,
                        const std::string &ParamText, const LockKey &Class);

/// How a witness step names a lock: a parameter's by its spelling, a
/// class by its name, quoted.
std::string describe(const LockKey &Lock, const std::string &Text);

bool sameSites(const Chain &A, const Chain &B);

/// Keeps the shortest witness first and up to MaxOtherWitnesses others with
/// distinct acquisition sites.  Called for every edge observation, so it
/// moves chains instead of rebuilding the list.
void mergeWitness(LockEdge &Into, LockEdge New);

std::string locKey(const SrcLoc &L);

} // namespace lockwise::dataflow

#endif
