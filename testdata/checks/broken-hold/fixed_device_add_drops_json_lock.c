// broken-hold, libxl (Xen 4.17 tools/libs/light/libxl_device.c,
// libxl__device_add_async()'s shape): the device goes into the domain's
// JSON config and then into xenstore, the primary config, in one xenstore
// transaction, all under the userdata lock.  Fixed, as upstream: the lock
// is held from the JSON update to the commit and dropped at "out:".
#include <stddef.h>

// expected-no-diagnostics

typedef struct libxl__gc libxl__gc;
typedef struct libxl__flock libxl__flock;
typedef unsigned xs_transaction_t;

libxl__flock *libxl__lock_domain_userdata(libxl__gc *gc, unsigned domid);
void libxl__unlock_file(libxl__flock *lock);
int libxl__xs_transaction_start(libxl__gc *gc, xs_transaction_t *t);
int libxl__xs_transaction_commit(libxl__gc *gc, xs_transaction_t *t);
void libxl__xs_transaction_abort(libxl__gc *gc, xs_transaction_t *t);
int libxl__set_domain_configuration(libxl__gc *gc, unsigned domid);
int libxl__device_generic_add(libxl__gc *gc, xs_transaction_t t, unsigned domid);

int device_add(libxl__gc *gc, unsigned domid)
{
  libxl__flock *lock;
  xs_transaction_t t = 0;
  int rc;

  lock = libxl__lock_domain_userdata(gc, domid);
  if (!lock)
    return -1;
  rc = libxl__set_domain_configuration(gc, domid);
  if (rc)
    goto out;

  for (;;) {
    rc = libxl__xs_transaction_start(gc, &t);
    if (rc)
      goto out;
    rc = libxl__device_generic_add(gc, t, domid);
    if (rc)
      goto out;
    rc = libxl__xs_transaction_commit(gc, &t);
    if (!rc)
      break;
    if (rc < 0)
      goto out;
  }
out:
  libxl__xs_transaction_abort(gc, &t);
  libxl__unlock_file(lock);
  return rc;
}
