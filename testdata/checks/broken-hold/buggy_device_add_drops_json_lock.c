// broken-hold, libxl (Xen 4.17 tools/libs/light/libxl_device.c,
// libxl__device_add_async()'s shape): the device goes into the domain's
// JSON config and then into xenstore, the primary config, in one xenstore
// transaction, all under the userdata lock.  Buggy: the lock is dropped
// after the JSON update, so another libxl process may rewrite the JSON
// (without this device) before the xenstore commit adds it.
#include <stddef.h>

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
  rc = libxl__set_domain_configuration(gc, domid); // expected-note{{libxl__set_domain_configuration called here}}
  libxl__unlock_file(lock); // expected-note{{'libxl__domain_userdata_lock' released here}}
  if (rc)
    return rc;

  for (;;) {
    rc = libxl__xs_transaction_start(gc, &t);
    if (rc)
      goto out;
    rc = libxl__device_generic_add(gc, t, domid);
    if (rc)
      goto out;
    rc = libxl__xs_transaction_commit(gc, &t); // expected-warning{{'libxl__domain_userdata_lock' is not held continuously from libxl__set_domain_configuration to libxl__xs_transaction_commit in device_add}}
    if (!rc)
      break;
    if (rc < 0)
      goto out;
  }
out:
  libxl__xs_transaction_abort(gc, &t);
  return rc;
}
