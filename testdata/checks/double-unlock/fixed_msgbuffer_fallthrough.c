// double-unlock, Linux 6.1 drivers/xen/xenbus/xenbus_dev_frontend.c:
// xenbus_file_write() copies the user's request into u->u.buffer under
// msgbuffer_mutex and leaves through one "out:" that drops it.  Fixed: the
// copy-fault path only resets the buffer and lets "out:" drop the mutex.
#include "linux-mini.h"

// expected-no-diagnostics

#define EFAULT 14
#define EINVAL 22

struct xenbus_file_priv {
  struct mutex msgbuffer_mutex;
  unsigned len;
  char buffer[4096];
};

unsigned long copy_from_user(void *to, const void *from, unsigned long n);
int xenbus_write_transaction(struct xenbus_file_priv *u);

long xenbus_file_write(struct xenbus_file_priv *u, const char *ubuf, unsigned long len)
{
  long rc = len;

  mutex_lock(&u->msgbuffer_mutex);
  if (len > sizeof(u->buffer) - u->len) {
    rc = -EINVAL;
    goto out;
  }
  if (copy_from_user(u->buffer + u->len, ubuf, len) != 0) {
    rc = -EFAULT;
    goto fail;
  }
  u->len += len;
  if (xenbus_write_transaction(u))
    rc = -EINVAL;
  goto out;

fail:
  u->len = 0;
out:
  mutex_unlock(&u->msgbuffer_mutex);
  return rc;
}
