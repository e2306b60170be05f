//===- Registry.cpp - The scenarios: one seed problem each ----------------===//
#include "Registry.h"

#include "cores.h"

#include <lockwise/kernel.h>

namespace lockwise::scenarios {

const std::vector<Scenario> &scenarios() {
  static const std::vector<Scenario> All = {
      {"xenbus/notify", "003",
       "xb_write skips the event when xenstored looked busy, judging from a "
       "stale consumer index",
       "lost-wakeup", xenbus_scenario_notify, 3, 400, 0, 0,
       "linux-xenbus.jsonc"},
      {"xenbus/reply-order", "003",
       "the reply state is published before the reply body (a data race "
       "ThreadSanitizer reports; the shim sees the empty body)",
       "invariant", xenbus_scenario_reply_order, 2, 400, 150, 0,
       "linux-xenbus.jsonc"},
      {"xenwatch/stuck-callback", "001",
       "one xenwatch thread under xenwatch_mutex: a stuck callback stalls "
       "every domain (fixed: per-domain mtwatch threads)",
       "stall", xenwatch_scenario_stuck_callback, 3, 300, 0, 2000,
       "xen-mtwatch.jsonc"},
      {"mtwatch/duplicate-domain", "000",
       "a retiring mtwatch_domain stays on domain_list while a new one for "
       "the same domid is added",
       "invariant", mtwatch_scenario_duplicate, 3, 300, 0, 0,
       "xen-mtwatch.jsonc"},
      {"mtwatch/unregister-pending", "000",
       "unregister_xenbus_watch scans domain_list only, missing events "
       "queued on purge_list domains",
       "invariant", mtwatch_scenario_unregister, 3, 300, 0, 0,
       "xen-mtwatch.jsonc"},
      {"pod/sweep-inversion", "004",
       "the emergency sweep takes fine-grained p2m locks under the pod lock",
       "order-inversion", pod_scenario_sweep, 2, 300, 0, 0, "xen-mm.jsonc"},
      {"pod/oom-unlock", "004",
       "the out-of-memory path of demand_populate drops the pod lock twice",
       "double-unlock", pod_scenario_oom, 2, 300, 0, 0, "xen-mm.jsonc"},
      {"libxl/create-destroy", "002",
       "destroy kills qemu before taking the JSON lock and deletes the JSON "
       "after a QMP add: the eight-step race",
       "invariant", libxl_scenario_create_destroy, 3, 200, 0, 0,
       "libxl.jsonc"},
  };
  return All;
}

const Scenario *findScenario(const std::string &Name) {
  for (const Scenario &S : scenarios())
    if (S.Name == Name)
      return &S;
  return nullptr;
}

namespace {

DEFINE_MUTEX(bench_mutex);

/// Uncontended lock/unlock pairs: the per-operation cost of the shim (the
/// plain runner's shim is pthreads plus a call).
unsigned long lockOps(unsigned Iterations) {
  for (unsigned I = 0; I < Iterations; ++I) {
    mutex_lock(&bench_mutex);
    mutex_unlock(&bench_mutex);
  }
  return Iterations;
}

/// The same pairs on a bare pthread mutex: the floor both shims add to.
unsigned long pthreadOps(unsigned Iterations) {
  static pthread_mutex_t M = PTHREAD_MUTEX_INITIALIZER;
  for (unsigned I = 0; I < Iterations; ++I) {
    pthread_mutex_lock(&M);
    pthread_mutex_unlock(&M);
  }
  return Iterations;
}

} // namespace

const std::vector<Bench> &benches() {
  static const std::vector<Bench> All = {
      {"pthread", pthreadOps},    {"lockops", lockOps},
      {"xenbus", xenbus_bench},   {"xenbus-rtt", xenbus_rtt_bench},
      {"mtwatch", mtwatch_bench}, {"pod", pod_bench},
      {"libxl", libxl_bench}};
  return All;
}

} // namespace lockwise::scenarios
