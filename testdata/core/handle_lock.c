// Handle-returning locks (rules "class"/"handle"), shaped like libxl 4.17's
// users of libxl__lock_domain_userdata(): the handle is NULL when the lock
// was not taken, "if (lock) libxl__unlock_file(lock)" at a shared "out:",
// and "lock = NULL" after an early release.
#include <stddef.h>

typedef struct libxl__flock libxl__flock;
libxl__flock *libxl__lock_domain_userdata(int domid);
libxl__flock *libxl__lock_domid_history(void);
void libxl__unlock_file(libxl__flock *lock);
int libxl__set_domain_configuration(int domid);
int libxl__get_domain_configuration(int domid);
int libxl__xs_transaction_commit(int domid);
int libxl__qmp_send(int domid);

// libxl_dom.c:1339-1350's shape: fine.
int userdata_store(int domid)
{
  int rc;
  libxl__flock *lock = libxl__lock_domain_userdata(domid);
  if (!lock)
    return -1;
  rc = libxl__set_domain_configuration(domid);
  libxl__xs_transaction_commit(domid);
  libxl__unlock_file(lock);
  return rc;
}

// libxl_pci.c:170-215's shape: the lock is taken only on some paths, and
// the JSON is written only "if (lock)": fine.
int pci_add(int domid, int starting)
{
  libxl__flock *lock = NULL;
  int rc = 0;
  if (!starting) {
    lock = libxl__lock_domain_userdata(domid);
    if (!lock) {
      rc = -1;
      goto out;
    }
  }
  if (lock) {
    rc = libxl__set_domain_configuration(domid);
    if (rc)
      goto out;
  }
  libxl__xs_transaction_commit(domid);
out:
  if (lock)
    libxl__unlock_file(lock);
  return rc;
}

// libxl_domain.c:2327-2365's shape: released early, "lock = NULL", and the
// shared exit releases only a handle still held: fine.
int retrieve(int domid)
{
  libxl__flock *lock = NULL;
  int rc;
  lock = libxl__lock_domain_userdata(domid);
  if (!lock) {
    rc = -1;
    goto out;
  }
  rc = libxl__get_domain_configuration(domid);
  libxl__unlock_file(lock);
  lock = NULL;
  libxl__qmp_send(domid);
out:
  if (lock)
    libxl__unlock_file(lock);
  return rc;
}

// Another flock released through the same function is not the userdata
// lock.
void domid_history(void)
{
  libxl__flock *h = libxl__lock_domid_history();
  libxl__unlock_file(h);
}

// Buggy: the JSON is written without the lock.
int store_unlocked(int domid)
{
  return libxl__set_domain_configuration(domid); // expected-warning{{'libxl__domain_userdata_lock' is not held when calling libxl__set_domain_configuration, which requires it}}
}

// Buggy: the lock dropped between the JSON write and the commit (seed 002).
int add_racy(int domid)
{
  libxl__flock *lock = libxl__lock_domain_userdata(domid);
  if (!lock)
    return -1;
  libxl__set_domain_configuration(domid);
  libxl__unlock_file(lock);
  return libxl__xs_transaction_commit(domid); // expected-warning{{'libxl__domain_userdata_lock' is not held continuously from libxl__set_domain_configuration to libxl__xs_transaction_commit}}
}

// Buggy: released twice through the handle.
void release_twice(int domid)
{
  libxl__flock *lock = libxl__lock_domain_userdata(domid);
  if (!lock)
    return;
  libxl__unlock_file(lock);
  libxl__unlock_file(lock); // expected-warning{{double unlock of 'libxl__domain_userdata_lock' in release_twice}}
}
