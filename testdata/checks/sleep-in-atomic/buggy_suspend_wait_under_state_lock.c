// sleep-in-atomic, Linux 6.1 drivers/xen/xenbus/xenbus_xs.c:
// xs_suspend_enter() marks a suspend active under the xs_state_lock
// spinlock and waits for the requests in flight to finish.  Buggy: it
// waits with the spinlock still held.
#include "linux-mini.h"

static DEFINE_SPINLOCK(xs_state_lock);
static DECLARE_WAIT_QUEUE_HEAD(xs_state_exit_wq);
static unsigned int xs_state_users;
static int xs_suspend_active;

static void xs_suspend_enter(void)
{
  spin_lock(&xs_state_lock);
  xs_suspend_active++;
  wait_event(xs_state_exit_wq, xs_state_users == 0); // expected-warning{{'wait_event' may sleep while spinning lock 'xs_state_lock' is held in xs_suspend_enter}}
  spin_unlock(&xs_state_lock);
}

void xs_suspend(void)
{
  xs_suspend_enter();
}
