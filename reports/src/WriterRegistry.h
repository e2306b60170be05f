//===- WriterRegistry.h - Formats register their writers here -------------===//
//
// Each format file defines one static WriterRegistry::Add<ItsWriter>.  The
// library is linked whole-archive (see reports/CMakeLists.txt) so that these
// otherwise unreferenced registrations are not dropped by the linker.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_REPORTS_WRITERREGISTRY_H
#define LOCKWISE_REPORTS_WRITERREGISTRY_H

#include "lockwise/Report.h"

#include <memory>

namespace lockwise {

class WriterRegistry {
public:
  using Factory = std::unique_ptr<ReportWriter> (*)();

  /// Registers WriterT under Format during static initialisation.
  template <typename WriterT> struct Add {
    explicit Add(const char *Format) {
      registerFormat(Format, []() -> std::unique_ptr<ReportWriter> {
        return std::make_unique<WriterT>();
      });
    }
  };

  static void registerFormat(llvm::StringRef Format, Factory Make);
};

} // namespace lockwise

#endif
