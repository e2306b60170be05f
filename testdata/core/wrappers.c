// Wrappers name the caller's lock: an acquiring wrapper (returns holding it
// on every path), a releasing wrapper, and a helper taking the lock itself
// by pointer.
#include "linux-mini.h"

struct ring {
  spinlock_t lock;
  unsigned prod, cons;
};

static void ring_lock(struct ring *r) { spin_lock(&r->lock); }
static void ring_unlock(struct ring *r) { spin_unlock(&r->lock); }
static void lock_it(spinlock_t *l) { spin_lock(l); }
static void unlock_it(spinlock_t *l) { spin_unlock(l); }

void balanced(struct ring *r)
{
  ring_lock(r);
  r->prod++;
  ring_unlock(r);
  lock_it(&r->lock);
  r->cons++;
  unlock_it(&r->lock);
}

void relock_through_wrapper(struct ring *r)
{
  ring_lock(r);
  spin_lock(&r->lock); // expected-warning{{double lock of 'ring.lock'}}
  ring_unlock(r);
}

void relock_through_pointer_helper(struct ring *r)
{
  spin_lock(&r->lock);
  lock_it(&r->lock); // expected-warning{{double lock of 'ring.lock'}}
  spin_unlock(&r->lock);
}

void unlock_twice_through_wrapper(struct ring *r)
{
  ring_lock(r);
  ring_unlock(r);
  unlock_it(&r->lock); // expected-warning{{double unlock of 'ring.lock'}}
}

void two_instances_of_one_class(struct ring *a, struct ring *b)
{
  spin_lock(&a->lock);
  spin_lock(&b->lock); /* nested instances, not a double lock */
  spin_unlock(&b->lock);
  spin_unlock(&a->lock);
}
