// lock-leak: a lock taken under unlikely(c) and released under c.  Xen's
// and Linux's likely()/unlikely() are __builtin_expect(!!(c), v), a hint
// whose truth is c's: the two tests are one fact, so no path takes the
// lock without releasing it (nor releases it without taking it).
#include "xen-mini.h"
// expected-no-diagnostics

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

static spinlock_t stats_lock;
static unsigned long stats;

void work(void);

void account(int shared)
{
  if (unlikely(shared))
    spin_lock(&stats_lock);
  work();
  stats++;
  if (shared)
    spin_unlock(&stats_lock);
}

void account_likely(int shared)
{
  if (likely(!shared))
    goto unlocked;
  spin_lock(&stats_lock);
  stats++;
  spin_unlock(&stats_lock);
  return;
unlocked:
  stats++;
}
