// broken-hold, the other way of breaking seed 002's invariant (libxl, Xen
// 4.17 tools/libs/light, a device update path).  Fixed: the
// userdata lock is taken before the JSON update and held to the commit.
#include <stddef.h>

// expected-no-diagnostics

typedef struct libxl__gc libxl__gc;
typedef struct libxl__flock libxl__flock;
typedef unsigned xs_transaction_t;

libxl__flock *libxl__lock_domain_userdata(libxl__gc *gc, unsigned domid);
void libxl__unlock_file(libxl__flock *lock);
int libxl__xs_transaction_start(libxl__gc *gc, xs_transaction_t *t);
int libxl__xs_transaction_commit(libxl__gc *gc, xs_transaction_t *t);
int libxl__set_domain_configuration(libxl__gc *gc, unsigned domid);

int cdrom_insert(libxl__gc *gc, unsigned domid)
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
  rc = libxl__xs_transaction_start(gc, &t);
  if (!rc)
    rc = libxl__xs_transaction_commit(gc, &t);
out:
  libxl__unlock_file(lock);
  return rc;
}
