/*===- scenarios.c - libxl scenario and benchmark -------------------------===*/
#include "../cores.h"
#include "libxl.h"

static struct libxl_ctx ctx;
static struct libxl_domain dom;

static int creator(void *arg) {
  (void)arg;
  libxl_domain_create(&ctx, &dom);
  return 0;
}

static int destroyer(void *arg) {
  (void)arg;
  libxl_domain_destroy_crashing(&ctx, &dom);
  return 0;
}

static int qmp_adder(void *arg) {
  (void)arg;
  /* Retries until QEMU answers or the domain is gone. */
  for (int tries = 0; tries < 4; ++tries) {
    if (libxl_qmp_add(&dom, 1) == 0 || READ_ONCE(dom.destroyed))
      break;
    msleep(1);
  }
  return 0;
}

/* Seed 002's race: destruction, creation and a QMP add of the same domid. */
void libxl_scenario_create_destroy(int buggy) {
  libxl_bug_destroy_unlocked = buggy;
  libxl_ctx_init(&ctx);
  libxl_domain_init(&dom, 7);
  struct task_struct *d = kthread_run(destroyer, NULL, "xl-destroy");
  struct task_struct *c = kthread_run(creator, NULL, "xl-create");
  struct task_struct *q = kthread_run(qmp_adder, NULL, "qmp-add");
  kthread_stop(c);
  kthread_stop(q);
  kthread_stop(d);
}

static int bench_qmp(void *arg) {
  unsigned *rounds = arg;
  for (unsigned i = 0; i < *rounds; ++i) {
    libxl_qmp_add(&dom, (int)(i % LIBXL_MAX_THINGS));
    libxl_qmp_remove(&dom, (int)(i % LIBXL_MAX_THINGS));
  }
  return 0;
}

unsigned long libxl_bench(unsigned iterations) {
  libxl_bug_destroy_unlocked = 0;
  libxl_ctx_init(&ctx);
  unsigned long ops = 0;
  /* Enough rounds per thread that the locking, not starting and joining
   * the two threads, is what takes the time -- also on a busy machine,
   * where the threads of a cycle wait for a CPU to start and the caller
   * waits for one to join them: with 256 rounds (a cycle of about 0.2 ms
   * uninstrumented) that wait took most of the time, so the faster a
   * column, the more a load next door slowed it (shim/TSan fell from
   * about 5 to about 2). */
  unsigned rounds = 4096;
  unsigned cycles = iterations / (2 * rounds) ? iterations / (2 * rounds) : 1;
  for (unsigned n = 0; n < cycles; ++n) {
    libxl_domain_init(&dom, 7);
    libxl_domain_create(&ctx, &dom);
    struct task_struct *a = kthread_run(bench_qmp, &rounds, "qmp/0");
    struct task_struct *b = kthread_run(bench_qmp, &rounds, "qmp/1");
    kthread_stop(a);
    kthread_stop(b);
    libxl_domain_destroy(&ctx, &dom);
    ops += 2 + 4 * rounds;
  }
  return ops;
}
