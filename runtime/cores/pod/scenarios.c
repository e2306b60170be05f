/*===- scenarios.c - PoD scenarios and benchmark --------------------------===*/
#include "../cores.h"
#include "pod.h"

static struct domain dom;
static struct p2m_domain p2m;

struct vcpu {
  int first;        /* gfns first, first + 2, ... */
  int writes;       /* the guest writes what it touches */
  unsigned rounds;  /* benchmark: access/give back rounds */
  unsigned long ops;
};

static int vcpu_thread(void *arg) {
  struct vcpu *v = arg;
  for (unsigned r = 0; r < v->rounds; ++r)
    for (int gfn = v->first; gfn < POD_GFNS; gfn += 2) {
      if (p2m_guest_access(&p2m, gfn, v->writes) == 0)
        v->ops++;
      if (v->rounds > 1) {
        p2m_pod_decrease_reservation(&p2m, gfn);
        guest_physmap_mark_populate_on_demand(&p2m, gfn);
      }
    }
  return 0;
}

static unsigned long run(int cache, int writes, unsigned rounds) {
  struct vcpu v[2] = {{0, writes, rounds, 0}, {1, writes, rounds, 0}};
  p2m_init(&p2m, &dom, cache);
  struct task_struct *t0 = kthread_run(vcpu_thread, &v[0], "vcpu/0");
  struct task_struct *t1 = kthread_run(vcpu_thread, &v[1], "vcpu/1");
  kthread_stop(t0);
  kthread_stop(t1);
  return v[0].ops + v[1].ops;
}

/* The cache runs dry and the sweep must reclaim the guest's zero pages. */
void pod_scenario_sweep(int buggy) {
  pod_bug_sweep_locks = buggy;
  pod_bug_double_unlock = 0;
  run(4, 0, 1);
}

/* The cache runs dry and nothing is reclaimable: out of memory. */
void pod_scenario_oom(int buggy) {
  pod_bug_sweep_locks = 0;
  pod_bug_double_unlock = buggy;
  run(2, 1, 1);
}

unsigned long pod_bench(unsigned iterations) {
  pod_bug_sweep_locks = 0;
  pod_bug_double_unlock = 0;
  return run(POD_GFNS, 1, iterations / POD_GFNS ? iterations / POD_GFNS : 1);
}
