// sleep-in-atomic, a Linux xenbus backend driver: the backend's state is
// switched in xenstore (xenbus_switch_state() writes it and waits for
// xenstored's reply), and the per-device ring state is kept under a
// spinlock.  Fixed: the ring is
// allocated GFP_ATOMIC under the spinlock, and the state is switched in
// xenstore after the spinlock is dropped.
#include "linux-mini.h"

// expected-no-diagnostics

enum xenbus_state { XenbusStateConnected = 4, XenbusStateClosing = 5 };

struct xenbus_device { const char *nodename; };
int xenbus_switch_state(struct xenbus_device *dev, enum xenbus_state state);

struct backend_info {
  struct xenbus_device *dev;
  spinlock_t lock;
  enum xenbus_state state;
  void *ring;
};

static void backend_switch_state(struct backend_info *be, enum xenbus_state state)
{
  be->state = state;
  xenbus_switch_state(be->dev, state);
}

void backend_connect(struct backend_info *be)
{
  spin_lock(&be->lock);
  be->ring = kzalloc(4096, GFP_ATOMIC);
  spin_unlock(&be->lock);
  backend_switch_state(be, XenbusStateConnected);
}
