// order-cycle, Linux 6.1 drivers/xen/xenbus/xenbus_xs.c: xenwatch_thread()
// runs every watch callback under xenwatch_mutex, and a backend's callback
// may register a watch (down_read(&xs_watch_rwsem)).  Fixed, as upstream:
// unregister_xenbus_watch() drops xs_watch_rwsem before it waits for
// running callbacks, so xs_watch_rwsem is only ever taken inside
// xenwatch_mutex.
#include "linux-mini.h"

// expected-no-diagnostics

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
  down_read(&xs_watch_rwsem);
  err = xs_watch(watch->node, "token");
  up_read(&xs_watch_rwsem);
  return err;
}

void unregister_xenbus_watch(struct xenbus_watch *watch)
{
  down_read(&xs_watch_rwsem);
  xs_unwatch(watch->node, "token");
  up_read(&xs_watch_rwsem);
  /* Make sure there are no callbacks running currently. */
  mutex_lock(&xenwatch_mutex);
  mutex_unlock(&xenwatch_mutex);
}

int xenwatch_thread(void *unused)
{
  for (;;) {
    struct xs_watch_event *event = next_watch_event();
    mutex_lock(&xenwatch_mutex);
    event->handle->callback(event->handle, event->path, event->token);
    mutex_unlock(&xenwatch_mutex);
  }
  return 0;
}

/* A backend's otherend watch: a new frontend node, watch it too. */
static struct xenbus_watch frontend_state_watch = { .node = "device/vif/0/state" };

static void backend_changed(struct xenbus_watch *watch, const char *path,
                            const char *token)
{
  register_xenbus_watch(&frontend_state_watch);
}

struct xenbus_watch be_watch = { .node = "backend/vif", .callback = backend_changed };
