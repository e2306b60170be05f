//===- CheckRegistry.h - Checks register themselves -----------------------===//
//
// Each check's .cpp holds one CheckRegistration, so a new check is new
// files only.  The checks are linked as a whole archive (CMakeLists.txt),
// or the linker would drop registrations nothing references.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_CHECKS_CHECKREGISTRY_H
#define LOCKWISE_CHECKS_CHECKREGISTRY_H

#include "checks/Checker.h"

#include <functional>
#include <map>
#include <memory>

namespace lockwise {

/// Analyses several checks share (LockRequirements behind missing-lock and
/// unguarded-access), one object per type and per set of checks.
class SharedAnalyses {
public:
  template <class T> std::shared_ptr<T> get() {
    std::shared_ptr<void> &P = Objects[&Tag<T>];
    if (!P)
      P = std::make_shared<T>();
    return std::static_pointer_cast<T>(P);
  }

private:
  template <class T> static inline const char Tag = 0;
  std::map<const void *, std::shared_ptr<void>> Objects;
};

using CheckFactory = std::function<std::unique_ptr<Checker>(SharedAnalyses &)>;

/// A static object in a check's .cpp adds the check to createCheckers().
struct CheckRegistration {
  explicit CheckRegistration(CheckFactory Make);
};

/// Registers a check constructed without arguments.
template <class T> struct RegisterCheck : CheckRegistration {
  RegisterCheck()
      : CheckRegistration([](SharedAnalyses &) { return std::make_unique<T>(); }) {}
};

} // namespace lockwise

#endif
