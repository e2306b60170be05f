// order-cycle, Linux 6.1 drivers/xen/xenbus/xenbus_xs.c: xenwatch_thread()
// runs every watch callback under xenwatch_mutex, and a backend's callback
// may register a watch (down_read(&xs_watch_rwsem)).  Buggy:
// unregister_xenbus_watch() waits for running callbacks (mutex_lock of
// xenwatch_mutex) before it drops xs_watch_rwsem, the other way round.  A
// read hold is enough to deadlock: once xs_suspend() waits to take the
// rwsem for write, the callback's down_read() queues behind it.
#include "linux-mini.h"

static DEFINE_MUTEX(xenwatch_mutex);
static DECLARE_RWSEM(xs_watch_rwsem);

struct xenbus_watch {
  const char *node;
  void (*callback)(struct xenbus_watch *, const char *path, const char *token);
};

struct xs_watch_event {
  struct xenbus_watch *handle;
  const char *path, *token;
};

struct xs_watch_event *next_watch_event(void);
int xs_watch(const char *path, const char *token);
int xs_unwatch(const char *path, const char *token);

int register_xenbus_watch(struct xenbus_watch *watch)
{
  int err;
  down_read(&xs_watch_rwsem); // expected-note{{'xs_watch_rwsem' acquired here in register_xenbus_watch}}
  err = xs_watch(watch->node, "token");
  up_read(&xs_watch_rwsem);
  return err;
}

void unregister_xenbus_watch(struct xenbus_watch *watch)
{
  down_read(&xs_watch_rwsem); // expected-note{{'xs_watch_rwsem' acquired here in unregister_xenbus_watch}}
  xs_unwatch(watch->node, "token");
  /* Make sure there are no callbacks running currently. */
  mutex_lock(&xenwatch_mutex); // expected-warning{{possible circular locking dependency: acquiring 'xenwatch_mutex' while holding 'xs_watch_rwsem' closes the cycle 'xenwatch_mutex' -> 'xs_watch_rwsem' -> 'xenwatch_mutex'}}
  // expected-note@-1{{'xenwatch_mutex' acquired here in unregister_xenbus_watch}}
  mutex_unlock(&xenwatch_mutex);
  up_read(&xs_watch_rwsem);
}

int xenwatch_thread(void *unused)
{
  for (;;) {
    struct xs_watch_event *event = next_watch_event();
    mutex_lock(&xenwatch_mutex); // expected-note{{'xenwatch_mutex' acquired here in xenwatch_thread}}
    event->handle->callback(event->handle, event->path, event->token); // expected-note{{xenwatch_thread calls xenbus_watch.callback -> backend_changed}}
    mutex_unlock(&xenwatch_mutex);
  }
  return 0;
}

/* A backend's otherend watch: a new frontend node, watch it too. */
static struct xenbus_watch frontend_state_watch = { .node = "device/vif/0/state" };

static void backend_changed(struct xenbus_watch *watch, const char *path,
                            const char *token)
{
  register_xenbus_watch(&frontend_state_watch); // expected-note{{backend_changed calls register_xenbus_watch}}
}

struct xenbus_watch be_watch = { .node = "backend/vif", .callback = backend_changed };
