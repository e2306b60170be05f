/*===- xenwatch.c - The single xenwatch thread (drivers/xen/xenbus) -------===*
 *
 * Every callback of every domain runs on one thread under xenwatch_mutex,
 * so one callback stuck in D state stalls all of them, and everyone who
 * unregisters a watch waits on the mutex behind it (seed 001).
 *
 *===----------------------------------------------------------------------===*/
#include "xenwatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

DEFINE_MUTEX(xenwatch_mutex);
DEFINE_SPINLOCK(watch_events_lock);
static LIST_HEAD(watch_events);
static DECLARE_WAIT_QUEUE_HEAD(watch_events_waitq);
static struct task_struct *xenwatch_task;

struct xs_watch_event *alloc_watch_event(struct xenbus_watch *watch,
                                         const char *path) {
  struct xs_watch_event *event = calloc(1, sizeof(*event));
  event->handle = watch;
  snprintf(event->path, sizeof(event->path), "%s", path);
  return event;
}

void run_watch_event(struct xs_watch_event *event) {
  struct xenbus_watch *watch = event->handle;
  WARN(READ_ONCE(watch->unregistered),
       "event %s delivered for watch %s of domid %d after "
       "unregister_xenbus_watch() returned (a use after free in the kernel)",
       event->path, watch->node, watch->domid);
  watch->callback(watch, event->path);
  free(event);
}

static int xenwatch_thread(void *unused) {
  (void)unused;
  for (;;) {
    wait_event_interruptible(watch_events_waitq,
                             !list_empty(&watch_events) ||
                                 kthread_should_stop());
    if (kthread_should_stop() && list_empty(&watch_events))
      return 0;
    mutex_lock(&xenwatch_mutex);
    struct xs_watch_event *event = NULL;
    spin_lock(&watch_events_lock);
    if (!list_empty(&watch_events)) {
      event = list_first_entry(&watch_events, struct xs_watch_event, list);
      list_del(&event->list);
    }
    spin_unlock(&watch_events_lock);
    if (event)
      run_watch_event(event);
    mutex_unlock(&xenwatch_mutex);
  }
}

static void xw_start(void) {
  xenwatch_task = kthread_run(xenwatch_thread, NULL, "xenwatch");
}

static void xw_stop(void) { kthread_stop(xenwatch_task); }

static void xw_domain(int domid) { (void)domid; }

static void xw_fire(struct xenbus_watch *watch, const char *path) {
  struct xs_watch_event *event = alloc_watch_event(watch, path);
  spin_lock(&watch_events_lock);
  list_add_tail(&event->list, &watch_events);
  spin_unlock(&watch_events_lock);
  wake_up(&watch_events_waitq);
}

static void xw_unregister(struct xenbus_watch *watch) {
  /* Make sure there are no callbacks running currently (unless it's us). */
  if (current != xenwatch_task)
    mutex_lock(&xenwatch_mutex);
  struct xs_watch_event *event, *next;
  spin_lock(&watch_events_lock);
  list_for_each_entry_safe(event, next, &watch_events, list) {
    if (event->handle != watch)
      continue;
    list_del(&event->list);
    free(event);
  }
  spin_unlock(&watch_events_lock);
  if (current != xenwatch_task)
    mutex_unlock(&xenwatch_mutex);
  WRITE_ONCE(watch->unregistered, 1);
}

const struct watch_engine xenwatch_engine = {
    xw_start, xw_stop, xw_domain, xw_domain, xw_fire, xw_unregister};
