// broken-hold, the other way of breaking seed 002's invariant (libxl, Xen
// 4.17 tools/libs/light, a device update path): the JSON is
// updated before the userdata lock is taken, so the lock is not held at
// the first call.
#include <stddef.h>

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

  rc = libxl__set_domain_configuration(gc, domid); // expected-note{{'libxl__domain_userdata_lock' is not held here}} expected-note{{libxl__set_domain_configuration called here}}
  if (rc)
    return rc;
  lock = libxl__lock_domain_userdata(gc, domid);
  if (!lock)
    return -1;
  rc = libxl__xs_transaction_start(gc, &t);
  if (!rc)
    rc = libxl__xs_transaction_commit(gc, &t); // expected-warning{{'libxl__domain_userdata_lock' is not held continuously from libxl__set_domain_configuration to libxl__xs_transaction_commit in cdrom_insert}}
  libxl__unlock_file(lock);
  return rc;
}
