// lost-wakeup, Linux 6.1 drivers/xen/xenbus/xenbus_xs.c: xenwatch_thread()
// sleeps on watch_events_waitq until an event is queued; xs_watch_msg()
// queues one (list_add_tail(&event->list, &watch_events)) and wakes it.
// Here the list is a count.  Buggy: the queueing helper never wakes the
// thread, nor does its caller, so the event waits for the next one.
#include "linux-mini.h"

static DEFINE_SPINLOCK(watch_events_lock);
static DECLARE_WAIT_QUEUE_HEAD(watch_events_waitq);
static int watch_events;

void run_watch_callback(void);

int xenwatch_thread(void *unused)
{
  for (;;) {
    wait_event(watch_events_waitq, watch_events != 0); // expected-note{{waiters of 'watch_events_waitq' sleep here until 'watch_events != 0'}}
    spin_lock(&watch_events_lock);
    watch_events--;
    spin_unlock(&watch_events_lock);
    run_watch_callback();
  }
  return 0;
}

static void queue_watch_event(void)
{
  spin_lock(&watch_events_lock);
  watch_events++; // expected-note{{queue_watch_event writes 'watch_events' here}}
  spin_unlock(&watch_events_lock);
}

int xs_watch_msg(void)
{
  queue_watch_event(); // expected-warning{{'watch_events' is changed without waking 'watch_events_waitq', whose waiters test 'watch_events != 0'}} expected-note{{xs_watch_msg calls queue_watch_event}}
  return 0; // expected-note{{xs_watch_msg returns here without waking 'watch_events_waitq'}}
}
