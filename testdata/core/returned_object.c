// A function that locks an object and returns it ("act = &...;
// spin_lock(&act->lock); return act;") returns non-NULL.  Xen 4.17
// swap_grant_ref() (common/grant_table.c:3363-3432) takes two active
// entries through active_entry_acquire() and, on its way out, releases
// each one "if ( act_b != NULL )": where the lock was taken the test is
// true, so no path returns holding an entry.
#include "xen-mini.h"

struct entry {
  spinlock_t lock;
  int pin;
};
struct table {
  struct entry *active[4];
};
struct entry *entry_at(int ref);

static struct entry *entry_acquire(struct table *t, int ref)
{
  struct entry *act = &t->active[ref / 8][ref % 8];
  _spin_lock(&act->lock);
  return act;
}

static void entry_release(struct entry *act)
{
  _spin_unlock(&act->lock);
}

int swap_entries(struct table *t, int a, int b)
{
  struct entry *act_a = NULL, *act_b = NULL;
  int rc = 0;

  if (a == b)
    goto out;
  act_a = entry_acquire(t, a);
  if (act_a->pin) {
    rc = -1;
    goto out;
  }
  act_b = entry_acquire(t, b);
  if (act_b->pin) {
    rc = -1;
    goto out;
  }
  act_a->pin = act_b->pin;
 out:
  if (act_b != NULL)
    entry_release(act_b);
  if (act_a != NULL)
    entry_release(act_a);
  return rc;
}

// Xen 4.17 grant_map_exists() (common/grant_table.c:928-961) returns the
// entry it locked, NULL, or ERR_PTR(-EINVAL) without a lock; its caller
// _cache_flush() tests IS_ERR_OR_NULL(act), which the analysis does not
// read.  The value ERR_PTR() returns is unknown to the analysis and may
// be the locked entry's: the entry is maybe held after the call, and
// neither the early return nor the release is reported.  In
// entry_find() itself the same blindness gives a false "still held" on
// the return of the locked entry (Xen triage, cause C17): telling an
// error pointer from a valid one would need IS_ERR_OR_NULL() read.
static struct entry *entry_find(struct table *t, int from, int to, int mfn)
{
  int ref;

  for (ref = from; ref < to; ref++) {
    struct entry *act = entry_acquire(t, ref);
    if (act->pin == mfn)
      return act; // expected-warning{{'entry.lock' is still held when entry_find returns here, but is released on another path}}
    entry_release(act);
  }
  if (ref < 64)
    return NULL;
  return ERR_PTR(-22);
}

int flush_one(struct table *t, int from, int to, int mfn)
{
  struct entry *act = entry_find(t, from, to, mfn);
  if (IS_ERR_OR_NULL(act))
    return act ? -1 : 1; // no warning: maybe held
  entry_release(act);
  return 0;
}

// A path that really leaves the entry locked.
int pin_check(struct table *t, int ref)
{
  struct entry *act = entry_acquire(t, ref);
  if (act->pin)
    return -1; // expected-warning{{'entry.lock' is still held when pin_check returns here, but is released on another path}}
  entry_release(act);
  return 0;
}
