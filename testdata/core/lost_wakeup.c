// lost-wakeup: the xenwatch event list that xenwatch_thread() waits on is
// changed without a wake-up on one path.
#include "linux-mini.h"

DECLARE_WAIT_QUEUE_HEAD(watch_events_waitq);
DEFINE_SPINLOCK(watch_events_lock);
int watch_events_pending;
int stop_requested;

int xenwatch_thread(void *unused)
{
  for (;;) {
    wait_event(watch_events_waitq, watch_events_pending || stop_requested);
    if (stop_requested)
      break;
    spin_lock(&watch_events_lock);
    watch_events_pending--;
    spin_unlock(&watch_events_lock);
  }
  return 0;
}

static void queue_event(void)
{
  spin_lock(&watch_events_lock);
  watch_events_pending++;
  spin_unlock(&watch_events_lock);
}

void xs_watch_msg(void)
{
  queue_event();
  wake_up(&watch_events_waitq);
}

void xs_watch_msg_quiet(int thread_busy)
{
  queue_event(); // expected-warning{{'watch_events_pending' is changed without waking 'watch_events_waitq', whose waiters test 'watch_events_pending || stop_requested'; the wake-up is skipped when thread_busy}}
  if (!thread_busy)
    wake_up(&watch_events_waitq);
}

// xenbus_xs.c:144-158 (xs_request_exit): the wake-up is skipped when no
// suspend is waiting.  The global lock taken on the way is no condition.
DECLARE_WAIT_QUEUE_HEAD(state_exit_wq);
int state_users;
int suspend_active;

void suspend_wait(void)
{
  wait_event(state_exit_wq, state_users == 0);
}

void request_exit(void)
{
  spin_lock(&watch_events_lock);
  state_users--; // expected-warning{{'state_users' is changed without waking 'state_exit_wq', whose waiters test 'state_users == 0'; the wake-up is skipped when !(suspend_active)}}
  spin_unlock(&watch_events_lock);
  if (suspend_active && !state_users)
    wake_up(&state_exit_wq);
}
