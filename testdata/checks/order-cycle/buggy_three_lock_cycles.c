// order-cycle, Linux 6.1 drivers/xen/xenbus: two three-lock cycles closed
// by one acquisition.  The reply path (process_msg() holding
// xs_response_mutex, then the file's msgbuffer_mutex) closes both
// msgbuffer_mutex -> xenwatch_mutex -> xs_response_mutex (a watch removed
// from the file waits for the callbacks, which make requests) and
// msgbuffer_mutex -> xs_watch_rwsem -> xs_response_mutex (a watch added
// from the file, against xs_suspend()).  Neither has a chord, so neither
// is explained by a shorter cycle: both are named, in one finding, since
// one acquisition closes them.
#include "linux-mini.h"

static DEFINE_MUTEX(msgbuffer_mutex);
static DEFINE_MUTEX(xenwatch_mutex);
static DECLARE_RWSEM(xs_watch_rwsem);
static DEFINE_MUTEX(xs_response_mutex);

void file_watch(void)
{
  mutex_lock(&msgbuffer_mutex);
  down_read(&xs_watch_rwsem);
  up_read(&xs_watch_rwsem);
  mutex_unlock(&msgbuffer_mutex);
}

void file_unwatch(void)
{
  mutex_lock(&msgbuffer_mutex); // expected-note{{'msgbuffer_mutex' acquired here in file_unwatch}}
  mutex_lock(&xenwatch_mutex); // expected-note{{'xenwatch_mutex' acquired here in file_unwatch}}
  mutex_unlock(&xenwatch_mutex);
  mutex_unlock(&msgbuffer_mutex);
}

void xs_suspend(void)
{
  down_write(&xs_watch_rwsem);
  mutex_lock(&xs_response_mutex);
  mutex_unlock(&xs_response_mutex);
  up_write(&xs_watch_rwsem);
}

void watch_callback(void)
{
  mutex_lock(&xenwatch_mutex); // expected-note{{'xenwatch_mutex' acquired here in watch_callback}}
  mutex_lock(&xs_response_mutex); // expected-note{{'xs_response_mutex' acquired here in watch_callback}}
  mutex_unlock(&xs_response_mutex);
  mutex_unlock(&xenwatch_mutex);
}

void process_msg(void)
{
  mutex_lock(&xs_response_mutex); // expected-note{{'xs_response_mutex' acquired here in process_msg}}
  mutex_lock(&msgbuffer_mutex); // expected-warning{{possible circular locking dependency: acquiring 'msgbuffer_mutex' while holding 'xs_response_mutex' closes the cycle 'msgbuffer_mutex' -> 'xenwatch_mutex' -> 'xs_response_mutex' -> 'msgbuffer_mutex' (one of the cycles among 4 locks and 5 order edges with no consistent order; `lockwise graph --around 'msgbuffer_mutex'` shows them); the same acquisition closes 1 more cycle: 'msgbuffer_mutex' -> 'xs_watch_rwsem' -> 'xs_response_mutex' -> 'msgbuffer_mutex'}}
  // expected-note@-1{{'msgbuffer_mutex' acquired here in process_msg}}
  mutex_unlock(&msgbuffer_mutex);
  mutex_unlock(&xs_response_mutex);
}
