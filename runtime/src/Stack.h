//===- Stack.h - Capturing and symbolising stacks --------------*- C++ -*-===//
//
// Stacks are captured as return addresses (cheap, on slow paths only) and
// symbolised when a finding is reported: dladdr gives function+offset, and
// llvm-symbolizer, when it can be found, adds file:line:column.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_RT_STACK_H
#define LOCKWISE_RT_STACK_H

#include <cstdint>
#include <string>
#include <vector>

namespace lockwise::rt {

struct Stack {
  static constexpr unsigned MaxFrames = 24;
  unsigned Size = 0;
  const void *Pc[MaxFrames] = {};
};

/// Captures the calling thread's stack, dropping the runtime's own frames:
/// everything above CallSite (the return address of the API function the
/// program called) when it is found, else only this function's frame.
Stack captureStack(const void *CallSite);
/// A one-frame stack for a site known only by its return address.
Stack siteStack(const void *CallSite);

struct Frame {
  std::string Function; ///< "p2m_pod_demand_populate" or "module+0x1f0"
  std::string File;     ///< empty when unknown
  unsigned Line = 0;
  unsigned Column = 0;
};

std::vector<Frame> symbolize(const Stack &S);
/// "func (file:line:col)" or "func".
std::string describe(const Frame &F);

} // namespace lockwise::rt

#endif
