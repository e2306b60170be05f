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
int entry_more(struct table *t, int ref);

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
// _cache_flush() tests IS_ERR_OR_NULL(act).  An error pointer is a return
// value of its own, which IS_ERR() and IS_ERR_OR_NULL() tell apart from
// NULL and from the locked entry: the return that hands the entry over is
// told from the others (no "still held"), and a caller past those tests
// holds the entry.  The real test before "return NULL" is "ref <
// nr_grant_entries(rgt)"; a call's result here, so that the NULL and the
// error paths reach the exit with the same facts and would be joined into
// one unknown value if the error return were not kept apart.
static struct entry *entry_find(struct table *t, int from, int to, int mfn)
{
  int ref;

  for (ref = from; ref < to; ref++) {
    struct entry *act = entry_acquire(t, ref);
    if (act->pin == mfn)
      return act;
    entry_release(act);
  }
  if (entry_more(t, ref))
    return NULL;
  return ERR_PTR(-22);
}

int flush_one(struct table *t, int from, int to, int mfn)
{
  struct entry *act = entry_find(t, from, to, mfn);
  if (IS_ERR_OR_NULL(act))
    return act ? -1 : 1;
  entry_release(act);
  return 0;
}

// IS_ERR() leaves NULL and the entry; "!act" then leaves the entry, held.
int flush_forgets(struct table *t, int from, int to, int mfn)
{
  struct entry *act = entry_find(t, from, to, mfn);
  if (IS_ERR(act))
    return -1;
  if (!act)
    return 1;
  if (act->pin > 3)
    return 2; // expected-warning{{'entry.lock' is still held when flush_forgets returns here, but is released on another path}}
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
