// sleep-in-atomic, a Linux xenbus backend driver: the backend's state is
// switched in xenstore (xenbus_switch_state() writes it and waits for
// xenstored's reply), and the per-device ring state is kept under a
// spinlock.  Buggy: the xenstore write, through a helper, and a
// GFP_KERNEL allocation are made while the spinlock is held.
#include "linux-mini.h"

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
  xenbus_switch_state(be->dev, state); // expected-note{{backend_switch_state calls xenbus_switch_state, which may sleep}}
}

void backend_connect(struct backend_info *be)
{
  spin_lock(&be->lock); // expected-note 2 {{'backend_info.lock' acquired here in backend_connect}}
  be->ring = kzalloc(4096, GFP_KERNEL); // expected-warning{{'kzalloc' may sleep while spinning lock 'backend_info.lock' is held in backend_connect}} expected-note{{backend_connect calls kzalloc, which may sleep}}
  backend_switch_state(be, XenbusStateConnected); // expected-warning{{'xenbus_switch_state' may sleep while spinning lock 'backend_info.lock' is held in backend_connect}} expected-note{{backend_connect calls backend_switch_state}}
  spin_unlock(&be->lock);
}
