// order-cycle, Linux 6.1 drivers/xen/xenbus (fixed counterpart of
// buggy_three_lock_cycles.c): the reply is handed over after
// xs_response_mutex is dropped, so nothing closes the cycles below.
// expected-no-diagnostics
//
// Buggy: two three-lock cycles closed by one acquisition.  The reply path (process_msg() holding
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
  mutex_lock(&msgbuffer_mutex);
  mutex_lock(&xenwatch_mutex);
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
  mutex_lock(&xenwatch_mutex);
  mutex_lock(&xs_response_mutex);
  mutex_unlock(&xs_response_mutex);
  mutex_unlock(&xenwatch_mutex);
}

void process_msg(void)
{
  mutex_lock(&xs_response_mutex);
  mutex_unlock(&xs_response_mutex);
  mutex_lock(&msgbuffer_mutex);
  mutex_unlock(&msgbuffer_mutex);
}
