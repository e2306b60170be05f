// unguarded-access, Linux 6.1 drivers/xen/xenbus/xenbus_dev_frontend.c:
// a /dev/xen/xenbus file's partial request (u->len and u->u.buffer) is
// protected by msgbuffer_mutex.  Fixed, as upstream (dev.c:574-583): the
// room left in the buffer is checked after the mutex is taken.
#include "linux-mini.h"

// expected-no-diagnostics

#define EINVAL 22

struct xenbus_file_priv {
  struct mutex msgbuffer_mutex;
  unsigned len;
  char buffer[4096];
};

unsigned long copy_from_user(void *to, const void *from, unsigned long n);

static unsigned xenbus_buffer_room(struct xenbus_file_priv *u)
{
  return sizeof(u->buffer) - u->len;
}

long xenbus_file_write(struct xenbus_file_priv *u, const char *ubuf, unsigned long len)
{
  long rc = len;

  mutex_lock(&u->msgbuffer_mutex);
  if (len > xenbus_buffer_room(u)) {
    rc = -EINVAL;
    goto out;
  }
  if (copy_from_user(u->buffer + u->len, ubuf, len) == 0)
    u->len += len;
  else
    rc = -EINVAL;
out:
  mutex_unlock(&u->msgbuffer_mutex);
  return rc;
}
