// unguarded-access, Linux 6.1 drivers/xen/xenbus/xenbus_dev_frontend.c:
// a /dev/xen/xenbus file's partial request (u->len and u->u.buffer) is
// protected by msgbuffer_mutex.  Buggy: xenbus_file_write() checks the
// room left in the buffer before it takes the mutex, so two writers can
// both pass the check; the helper's read is reported at its call, in the
// function that takes the mutex itself.
#include "linux-mini.h"

#define EINVAL 22

struct xenbus_file_priv {
  struct mutex msgbuffer_mutex;
  unsigned len;
  char buffer[4096];
};

unsigned long copy_from_user(void *to, const void *from, unsigned long n);

static unsigned xenbus_buffer_room(struct xenbus_file_priv *u)
{
  return sizeof(u->buffer) - u->len; // expected-note{{reads 'xenbus_file_priv.len' in xenbus_buffer_room}}
}

long xenbus_file_write(struct xenbus_file_priv *u, const char *ubuf, unsigned long len)
{
  long rc = len;

  if (len > xenbus_buffer_room(u)) // expected-warning{{read of 'xenbus_file_priv.len' without holding 'xenbus_file_priv.msgbuffer_mutex'}}
    return -EINVAL;                // expected-note@-1{{xenbus_file_write calls xenbus_buffer_room}}
  mutex_lock(&u->msgbuffer_mutex);
  if (copy_from_user(u->buffer + u->len, ubuf, len) == 0)
    u->len += len;
  else
    rc = -EINVAL;
  mutex_unlock(&u->msgbuffer_mutex);
  return rc;
}
