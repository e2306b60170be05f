// sleep-in-atomic, Linux 6.1 drivers/xen/xenbus/xenbus_xs.c:
// xs_suspend_enter() marks a suspend active under the xs_state_lock
// spinlock and waits for the requests in flight to finish.  Fixed, as
// upstream: the spinlock is dropped before the wait.
#include "linux-mini.h"

// expected-no-diagnostics

static DEFINE_SPINLOCK(xs_state_lock);
static DECLARE_WAIT_QUEUE_HEAD(xs_state_exit_wq);
static unsigned int xs_state_users;
static int xs_suspend_active;

static void xs_suspend_enter(void)
{
  spin_lock(&xs_state_lock);
  xs_suspend_active++;
  spin_unlock(&xs_state_lock);
  wait_event(xs_state_exit_wq, xs_state_users == 0);
}

void xs_suspend(void)
{
  xs_suspend_enter();
}
