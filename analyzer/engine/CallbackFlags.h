//===- CallbackFlags.h - Which callbacks an object with a flag can carry --===//
//
// Function pointers are resolved per struct field: "aodev->callback" may be
// any function stored into libxl__ao_device.callback anywhere.  Objects
// are set up with their callback and their flags together (FieldGroup), so
// a flag can rule callbacks out: every libxl__ao_device with update_json
// set is set up with device_addrm_aocomplete (or a callback stored on an
// object whose flag is copied from elsewhere), never with the multidev or
// COLO callbacks, whose objects are allocated zeroed or embedded in other
// structs and never get the flag.
//
// Target F of "T.cb" is ruled out by flag g when
//  - every store of a non-zero (or unknown) g stores a known callback with
//    it, and F is none of those; and
//  - every object F is stored on either gets g = 0 there, or is none of the
//    objects that get a non-zero g: objects are told apart by where they
//    come from (allocated zeroed at a site, embedded as a member of another
//    struct, an initialiser, a local struct), a parameter's by what every
//    caller passes, and an object of unknown origin may be any of them.
// This is sound as far as objects are only changed through their fields;
// a copy of a whole struct keeps its callback and flags together.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_ENGINE_CALLBACKFLAGS_H
#define LOCKWISE_ENGINE_CALLBACKFLAGS_H

#include "facts/Facts.h"

#include "llvm/Support/raw_ostream.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace lockwise {

class CallbackFlags {
public:
  /// Functions: the program's (kept copies); Targets: each function-pointer
  /// key's targets.
  void build(const std::vector<TUFacts> &TUs,
             const std::vector<const FunctionFacts *> &Functions,
             const std::map<std::string, std::set<std::string>> &Targets);

  /// The flags of FptrKey's struct ("update_json" for
  /// "libxl__ao_device.callback") that, non-zero, rule Target out; null if
  /// none does.
  const std::vector<Symbol> *excludingFlags(const std::string &FptrKey,
                                            const std::string &Target) const;

  /// Whether Target is stored only on objects we can name (so that the
  /// object a call goes through can rule it out).
  bool narrows(const std::string &FptrKey, const std::string &Target) const;
  /// Whether the object parameter Param of Function points to (or Object,
  /// when not empty) may carry Target in FptrKey.
  bool mayCarry(const std::string &FptrKey, const std::string &Target,
                const std::string &Function, int Param,
                const std::string &Object = "") const;

  /// Developer aid (--debug-callbacks=tag): what build() found for struct
  /// Record: its field groups, the objects parameters receive, and the
  /// callbacks flags rule out.
  void dump(llvm::raw_ostream &OS, const std::string &Record) const;

private:
  using Objects = std::set<std::string>; ///< "" stands for unknown.
  using Groups = std::vector<const FieldGroup *>;
  /// Direct call sites per callee: (caller, the call).
  using CallSites =
      std::map<Symbol, std::vector<std::pair<const FunctionFacts *, const Event *>>>;
  /// ParamObjects for the parameters in Needed and those they are passed
  /// from, resolved (no "ret@" left).
  void computeParameterObjects(const CallSites &Sites,
                               const std::set<Symbol> &AddressTaken,
                               std::vector<std::pair<std::string, int>> Needed);
  void excludeByFlag(const std::string &Key, const std::string &Callback,
                     const std::string &Flag, const Groups &Gs,
                     const std::set<std::string> &Targets);
  /// Objects with "ret@F" replaced by what F returns.
  Objects resolve(const Objects &O, int Depth = 0) const;

  /// The field groups of each struct (pointers into the program's facts).
  std::map<std::string, Groups> ByRecord;
  std::map<Symbol, std::vector<const ReturnedObject *>> Returns;
  std::map<std::string, Objects> ParamObjects;
  /// The objects each group stores into.
  std::map<const FieldGroup *, Objects> GroupObjects;
  /// Per key and target: the objects it is stored on.
  std::map<std::string, std::map<std::string, Objects>> Carriers;
  std::map<std::string, std::map<std::string, std::vector<Symbol>>> Excluded;
};

} // namespace lockwise

#endif
