//===- render_sample.cpp - Writes the sample report in one format ---------===//
//
// For tests outside gtest (the headless Chromium screenshot of the HTML
// report) and for looking at a format by hand:
//
//   reports_render_sample FORMAT OUTPUT [--review]
//
//===----------------------------------------------------------------------===//

#include "SampleReport.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

using namespace lockwise;

int main(int argc, char **argv) {
  if (argc < 3 || argc > 4 ||
      (argc == 4 && llvm::StringRef(argv[3]) != "--review")) {
    llvm::errs() << "usage: " << argv[0] << " FORMAT OUTPUT [--review]\n";
    return 2;
  }
  std::error_code EC;
  llvm::raw_fd_ostream OS(argv[2], EC);
  if (EC) {
    llvm::errs() << argv[2] << ": " << EC.message() << "\n";
    return 2;
  }
  ReportInput In = test::sampleReport(/*WithReview=*/argc == 4);
  if (llvm::Error E = writeReport(argv[1], In, OS)) {
    llvm::errs() << llvm::toString(std::move(E)) << "\n";
    return 1;
  }
  return 0;
}
