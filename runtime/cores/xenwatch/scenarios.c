/*===- scenarios.c - xenwatch/mtwatch scenarios and benchmark -------------===*/
#include "../cores.h"
#include "xenwatch.h"

#include <stdio.h>

struct backend {
  struct xenbus_watch watch;
  int delivered;
  int stuck_ms; /* the first callback sleeps this long (D state) */
  int slow_ms;  /* every callback takes this long */
};

/* With mtwatch, a domain's retiring thread may still run callbacks of a
 * watch while the thread of its successor (same domid) runs others: the
 * callback must not assume that its calls are serialised. */
static void backend_changed(struct xenbus_watch *watch, const char *path) {
  struct backend *be = watch->data;
  (void)path;
  if (be->stuck_ms && __atomic_load_n(&be->delivered, __ATOMIC_RELAXED) == 0)
    msleep(be->stuck_ms);
  if (be->slow_ms)
    msleep(be->slow_ms);
  __atomic_fetch_add(&be->delivered, 1, __ATOMIC_RELAXED);
}

static void backend_init(struct backend *be, int domid) {
  *be = (struct backend){0};
  be->watch.node = "backend/vif";
  be->watch.domid = domid;
  be->watch.callback = backend_changed;
  be->watch.data = be;
}

static void fire(const struct watch_engine *e, struct backend *be, int n) {
  char path[64];
  for (int i = 0; i < n; ++i) {
    snprintf(path, sizeof(path), "backend/vif/%d/0/state", be->watch.domid);
    e->fire(&be->watch, path);
  }
}

/* Seed 001: domain 1's callback sticks; domain 2 is destroyed meanwhile. */
struct stuck {
  const struct watch_engine *e;
  struct backend be[3];
  struct completion done;
};

static int toolstack_destroys_domain2(void *arg) {
  struct stuck *s = arg;
  fire(s->e, &s->be[0], 1);
  fire(s->e, &s->be[1], 2);
  fire(s->e, &s->be[2], 2);
  msleep(10);
  s->e->unregister(&s->be[1].watch);
  s->e->domain_put(2);
  complete(&s->done);
  return 0;
}

void xenwatch_scenario_stuck_callback(int buggy) {
  static struct stuck s;
  s.e = buggy ? &xenwatch_engine : &mtwatch_engine;
  mtw_bug_keep_on_list = 0;
  mtw_bug_unregister_list_only = 0;
  for (int i = 0; i < 3; ++i)
    backend_init(&s.be[i], i + 1);
  s.be[0].stuck_ms = (int)(2 * lockwise_stall_ms());
  init_completion(&s.done);
  s.e->start();
  for (int i = 0; i < 3; ++i)
    s.e->domain_get(i + 1);
  struct task_struct *t = kthread_run(toolstack_destroys_domain2, &s, "xl");
  wait_for_completion(&s.done);
  kthread_stop(t);
  s.e->stop();
}

/* Seed 000: a device of domid 9 goes away while events for it are queued,
 * and comes back; then its watch is unregistered. */
struct churn {
  struct backend be;
  struct completion fired;
  struct completion done;
};

static int xenstore_fires(void *arg) {
  struct churn *c = arg;
  fire(&mtwatch_engine, &c->be, 3);
  complete_all(&c->fired);
  return 0;
}

static int toolstack_reattaches(void *arg) {
  struct churn *c = arg;
  mtwatch_engine.domain_put(9);
  mtwatch_engine.domain_get(9);
  wait_for_completion(&c->fired);
  mtwatch_engine.domain_put(9);
  complete(&c->done);
  return 0;
}

static int toolstack_detaches(void *arg) {
  struct churn *c = arg;
  mtwatch_engine.domain_put(9);
  mtwatch_engine.unregister(&c->be.watch);
  complete(&c->done);
  return 0;
}

static void churn(int (*toolstack)(void *)) {
  static struct churn c;
  backend_init(&c.be, 9);
  c.be.slow_ms = 1;
  init_completion(&c.fired);
  init_completion(&c.done);
  mtwatch_engine.start();
  mtwatch_engine.domain_get(9);
  struct task_struct *f = kthread_run(xenstore_fires, &c, "xenstored");
  struct task_struct *t = kthread_run(toolstack, &c, "xl");
  wait_for_completion(&c.done);
  wait_for_completion(&c.fired);
  kthread_stop(t);
  kthread_stop(f);
  mtwatch_engine.stop();
}

void mtwatch_scenario_duplicate(int buggy) {
  mtw_bug_keep_on_list = buggy;
  mtw_bug_unregister_list_only = 0;
  churn(toolstack_reattaches);
}

void mtwatch_scenario_unregister(int buggy) {
  mtw_bug_keep_on_list = 0;
  mtw_bug_unregister_list_only = buggy;
  churn(toolstack_detaches);
}

/* The benchmark: a toolstack writes bursts of a backend device's nodes
 * under the device's state mutex, each write firing the backend's watch;
 * the backend's callback takes that mutex to read the state.  A domain's
 * thread woken by the first event of a burst thus waits in the callback
 * until the burst is queued, then runs through it: one wake-up per burst,
 * whichever side the scheduler favours.  (With events fired one by one and
 * no such lock, a run settled either where the domain threads kept up and
 * slept after every event, or where they lagged and never slept, three
 * times faster; which one, the scheduler decided.) */
enum { BENCH_DOMAINS = 4, BENCH_BURST = 64 };

struct bench_backend {
  struct xenbus_watch watch;
  struct mutex state_lock;
  unsigned long delivered;          /* under state_lock */
  unsigned long expected;           /* set before the threads start */
  struct completion *all_delivered; /* completed at the expected count */
};

static void bench_backend_changed(struct xenbus_watch *watch,
                                  const char *path) {
  struct bench_backend *be = watch->data;
  (void)path;
  mutex_lock(&be->state_lock);
  if (++be->delivered == be->expected)
    complete(be->all_delivered);
  mutex_unlock(&be->state_lock);
}

/* Events that burst `burst` of the run sends, and to which backend. */
static unsigned bench_burst(unsigned iterations, unsigned burst, int *to) {
  *to = (int)(burst % BENCH_DOMAINS);
  unsigned first = burst * BENCH_BURST;
  return iterations - first < BENCH_BURST ? iterations - first : BENCH_BURST;
}

/* A fixed amount of work, timed to completion by the runner: `iterations`
 * watch events, each queued by mt_fire and delivered to its callback by
 * the domain's mtwatch thread.  The run waits for the last callback before
 * it unregisters the watches (nothing is left to purge) and stops the
 * threads, so the count is the same under every tool; it is returned as
 * counted by the callbacks. */
unsigned long mtwatch_bench(unsigned iterations) {
  static struct bench_backend be[BENCH_DOMAINS];
  static struct completion drained;
  unsigned bursts = (iterations + BENCH_BURST - 1) / BENCH_BURST;
  int busy = 0, to;
  mtw_bug_keep_on_list = 0;
  mtw_bug_unregister_list_only = 0;
  init_completion(&drained);
  for (int i = 0; i < BENCH_DOMAINS; ++i) {
    be[i] = (struct bench_backend){0};
    be[i].watch.node = "backend/vif";
    be[i].watch.domid = i + 1;
    be[i].watch.callback = bench_backend_changed;
    be[i].watch.data = &be[i];
    mutex_init(&be[i].state_lock);
    lockwise_set_class(&be[i].state_lock, "backend_info.state_lock");
    be[i].all_delivered = &drained;
  }
  for (unsigned b = 0; b < bursts; ++b) {
    unsigned n = bench_burst(iterations, b, &to);
    busy += be[to].expected == 0;
    be[to].expected += n;
  }
  mtwatch_engine.start();
  for (int i = 0; i < BENCH_DOMAINS; ++i)
    mtwatch_engine.domain_get(i + 1);
  for (unsigned b = 0; b < bursts; ++b) {
    unsigned n = bench_burst(iterations, b, &to);
    mutex_lock(&be[to].state_lock);
    for (unsigned k = 0; k < n; ++k) {
      char path[64];
      snprintf(path, sizeof(path), "backend/vif/%d/0/state", to + 1);
      mtwatch_engine.fire(&be[to].watch, path);
    }
    mutex_unlock(&be[to].state_lock);
  }
  for (int i = 0; i < busy; ++i)
    wait_for_completion(&drained);
  for (int i = 0; i < BENCH_DOMAINS; ++i)
    mtwatch_engine.unregister(&be[i].watch);
  mtwatch_engine.stop();
  unsigned long delivered = 0;
  for (int i = 0; i < BENCH_DOMAINS; ++i)
    delivered += be[i].delivered;
  return delivered;
}
