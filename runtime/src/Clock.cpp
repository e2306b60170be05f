//===- Clock.cpp - The runtime clock outside exploration ------------------===//
#include "Sched.h"

#include <time.h>

namespace lockwise::rt {

int64_t realMs() {
  static const int64_t Start = [] {
    timespec T;
    clock_gettime(CLOCK_MONOTONIC, &T);
    return int64_t(T.tv_sec) * 1000 + T.tv_nsec / 1000000;
  }();
  timespec T;
  clock_gettime(CLOCK_MONOTONIC, &T);
  return int64_t(T.tv_sec) * 1000 + T.tv_nsec / 1000000 - Start;
}

#ifdef LOCKWISE_DISABLE
int64_t nowMs() { return realMs(); }
#endif

} // namespace lockwise::rt
