// sleep-in-atomic: a sleeping operation under a spinlock, directly and
// through a callee; the same operations under a mutex, or with GFP_ATOMIC,
// are fine.
#include "linux-mini.h"

struct backend {
  spinlock_t lock;
  struct mutex mutex;
  void *buf;
};

static void publish_state(struct backend *be)
{
  xenbus_printf(0, "backend", "state", "%d", 4);
}

void under_spinlock(struct backend *be)
{
  spin_lock(&be->lock);
  be->buf = kzalloc(64, GFP_KERNEL); // expected-warning{{'kzalloc' may sleep while spinning lock 'backend.lock' is held}}
  publish_state(be); // expected-warning{{'xenbus_printf' may sleep while spinning lock 'backend.lock' is held}}
  mutex_lock(&be->mutex); // expected-warning{{'mutex_lock' may sleep while spinning lock 'backend.lock' is held}}
  mutex_unlock(&be->mutex);
  spin_unlock(&be->lock);
}

void fine(struct backend *be)
{
  spin_lock(&be->lock);
  be->buf = kzalloc(64, GFP_ATOMIC);
  spin_unlock(&be->lock);
  mutex_lock(&be->mutex);
  be->buf = kzalloc(64, GFP_KERNEL);
  publish_state(be);
  msleep(1);
  mutex_unlock(&be->mutex);
}
