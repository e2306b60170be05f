// held-across, unguarded-access and missing-lock driven by
// testdata/rules/xenbus_rules.jsonc.
#include "linux-mini.h"

DEFINE_MUTEX(xenwatch_mutex);
DEFINE_SPINLOCK(watch_events_lock);

struct xs_watch_event {
  int len;
  char *path;
};

static void refresh(void)
{
  xenbus_printf(0, "device", "state", "%d", 1);
}

void callback_under_xenwatch_mutex(void)
{
  mutex_lock(&xenwatch_mutex);
  refresh(); // expected-warning{{'xenbus_printf' is called while 'xenwatch_mutex' is held}}
  mutex_unlock(&xenwatch_mutex);
}

void callback_outside(void)
{
  mutex_lock(&xenwatch_mutex);
  mutex_unlock(&xenwatch_mutex);
  refresh();
}

static void queue_event_locked(struct xs_watch_event *ev)
{
  ev->len = 0;
}

static int event_len(struct xs_watch_event *ev)
{
  return ev->len;
}

void enqueue_ok(struct xs_watch_event *ev)
{
  spin_lock(&watch_events_lock);
  queue_event_locked(ev);
  spin_unlock(&watch_events_lock);
}

void enqueue_unlocked(struct xs_watch_event *ev)
{
  queue_event_locked(ev); // expected-warning{{'watch_events_lock' is not held when calling queue_event_locked, which requires it}}
}

int peek_unlocked(struct xs_watch_event *ev)
{
  return event_len(ev); // expected-warning{{read of 'xs_watch_event.len' without holding 'watch_events_lock'}}
}

int peek_locked(struct xs_watch_event *ev)
{
  int n;
  spin_lock(&watch_events_lock);
  n = event_len(ev);
  spin_unlock(&watch_events_lock);
  return n;
}

// A wait_event*() condition is a lockless peek by design (xenbus_file_read()
// waits for !list_empty(&u->read_buffers) and re-checks under reply_mutex):
// not an unguarded access.
static DECLARE_WAIT_QUEUE_HEAD(event_waitq);

void wait_for_event(struct xs_watch_event *ev)
{
  wait_event(event_waitq, ev->len != 0);
  spin_lock(&watch_events_lock);
  ev->len = 0;
  spin_unlock(&watch_events_lock);
}

// A poll handler reports readiness from lockless reads after poll_wait()
// (xenbus_file_poll()): peeks, as in a wait_event() condition.
struct file;
typedef struct poll_table_struct poll_table;
void poll_wait(struct file *f, struct wait_queue_head *q, poll_table *p);

unsigned int event_poll(struct file *f, struct xs_watch_event *ev, poll_table *p)
{
  poll_wait(f, &event_waitq, p);
  return ev->len != 0;
}

// Without poll_wait() the same read is an unguarded access.
unsigned int event_check(struct xs_watch_event *ev)
{
  return ev->len != 0; // expected-warning{{read of 'xs_watch_event.len' without holding 'watch_events_lock'}}
}
