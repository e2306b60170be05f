//===- MmLocksImport.h - Rules from a Xen mm-locks.h-shaped header --------===//
//
// `lockwise rules import-mm-locks FILE` reads a header shaped like Xen's
// xen/arch/x86/mm/mm-locks.h and prints a rule file: one alias per lock
// (its mm-locks name -> its lock class) and a hierarchy ordered by the
// MM_LOCK_ORDER_<name> levels.  What is read:
//
//   #define MM_LOCK_ORDER_<name> <N>          the level of <name>
//   declare_mm_lock(<name>)                   an mm_lock_t (spinlock) lock
//   declare_mm_rwlock(<name>)                 an mm_rwlock_t lock
//   declare_mm_order_constraint(<name>)       a level for an external lock:
//   its class is the level, MM_LOCK_ORDER_<name>, checked by the "pre"
//   function the declare macro defines, held from the "post" one to the
//   <prefix>_mm_unlock macro (primitives in the output)
//   #define x_lock(p) mm_lock(<name>, d, &(p)->path)        (also
//   mm_lock_recursive, mm_write_lock, mm_read_lock, in a macro or in a
//   static inline function body)
//
// The class of a lock is "<struct tag>.<path>" of the lock expression
// (&(p)->pod.lock -> p2m_domain.pod.lock).  The struct tag of the base
// comes from the parameter's declaration when the lock is taken in a
// function (struct p2m_domain *p), else from a table of macro parameter
// names (built in: p -> p2m_domain, d -> domain; see MmLocksImportOptions).
// The generated file says in comments how each class was inferred.
//
// LLVM-free, like the rest of the rules library.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_MMLOCKSIMPORT_H
#define LOCKWISE_MMLOCKSIMPORT_H

#include "lockwise/Rules.h"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace lockwise::rules {

struct MmLocksImportOptions {
  /// Macro parameter name -> the struct tag it points at, for lock macros
  /// whose base has no declared type.  Defaults: p -> p2m_domain,
  /// d -> domain (the conventions of mm-locks.h).
  std::map<std::string, std::string> ParamTypes;
  /// Order-constraint name -> the class of the external lock it orders.
  /// Empty by default: a constraint's class is its level,
  /// MM_LOCK_ORDER_<name>, checked and held by the functions
  /// declare_mm_order_constraint() defines, because that is what Xen
  /// checks (the external lock is ordered only where those are called).
  /// Constraints with neither are reported in a comment and left out.
  std::map<std::string, std::string> ConstraintClasses;
  /// Lock name -> class, replacing whatever was inferred.
  std::map<std::string, std::string> ClassOverrides;
};

/// The built-in tables described above.
MmLocksImportOptions defaultMmLocksImportOptions();

/// Marker line that ends the generated members of the output object; hand
/// additions to an imported pack go after it (starting with a comma).
extern const char *const MmLocksGeneratedEndMarker;

/// Reads HeaderText (named Path in diagnostics and in the output) and
/// writes a .jsonc rule file to OutJsonc.  Returns false on errors
/// (OutJsonc is then left empty); warnings do not fail.
bool importMmLocks(std::string_view HeaderText, const std::string &Path,
                   std::string &OutJsonc, std::vector<Diagnostic> &Diags);
bool importMmLocks(std::string_view HeaderText, const std::string &Path,
                   const MmLocksImportOptions &Options, std::string &OutJsonc,
                   std::vector<Diagnostic> &Diags);

} // namespace lockwise::rules

#endif
