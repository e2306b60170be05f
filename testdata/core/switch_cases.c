// A switch on a local or parameter is a branch on its value: each case's
// edge knows the value, the default's knows it is none of them.  Xen 4.17
// xenmem_add_to_physmap_one() (arch/x86/mm/p2m.c:2422-2533) gets the gfn
// (locking the p2m) under "case XENMAPSPACE_gmfn:" and puts it under
// "if ( space == XENMAPSPACE_gmfn )".
#include "xen-mini.h"

#define XENMAPSPACE_shared_info 0
#define XENMAPSPACE_grant_table 1
#define XENMAPSPACE_gmfn 2

struct p2m {
  spinlock_t lock;
};

int map_frame(unsigned long idx);

int add_to_physmap_one(struct p2m *p2m, unsigned int space, unsigned long idx)
{
  int rc = 0;

  switch (space) {
  case XENMAPSPACE_shared_info:
    rc = map_frame(idx);
    break;
  case XENMAPSPACE_grant_table:
    rc = map_frame(idx + 1);
    if (rc)
      return rc;
    break;
  case XENMAPSPACE_gmfn:
    spin_lock(&p2m->lock);
    break;
  default:
    return -1;
  }

  map_frame(idx);
  if (space == XENMAPSPACE_gmfn)
    spin_unlock(&p2m->lock);
  return rc;
}

// The default edge knows the value is none of the cases: the test below
// is false there, and only the gmfn case holds the lock at the return.
int default_path(struct p2m *p2m, int space)
{
  switch (space) {
  case XENMAPSPACE_gmfn:
    return 0;
  default:
    spin_lock(&p2m->lock);
    break;
  }
  if (space == XENMAPSPACE_gmfn)
    spin_lock(&p2m->lock);
  spin_unlock(&p2m->lock);
  return 1;
}

// What the cases do not decide stays open: a lock taken in one case and
// released under a test of another variable is still a leak.
int other_variable(struct p2m *p2m, int space, int put)
{
  switch (space) {
  case XENMAPSPACE_gmfn:
    spin_lock(&p2m->lock);
    break;
  default:
    break;
  }
  if (put)
    spin_unlock(&p2m->lock);
  return 0; // expected-warning{{'p2m.lock' is still held when other_variable returns here, but is released on another path}}
}

// Paths from two cases that reach the same point with the same locks join
// (with the switch's implicit default, three states hold no lock, more
// than are kept apart).  Each case's value rules out the other cases, in
// facts that outlive the join: the joined path still knows the value is
// not XENMAPSPACE_gmfn, and does not put the gmfn case's second hold.
int joined_cases(struct p2m *p2m, unsigned int space, unsigned long idx)
{
  unsigned long gfn = 0;

  switch (space) {
  case XENMAPSPACE_shared_info:
    map_frame(idx);
    break;
  case XENMAPSPACE_grant_table:
    map_frame(idx + 1);
    break;
  case XENMAPSPACE_gmfn:
    gfn = idx;
    spin_lock_recursive(&p2m->lock);
    break;
  }

  spin_lock_recursive(&p2m->lock);
  if (space == XENMAPSPACE_gmfn && map_frame(gfn))
    goto put_all;
  map_frame(idx);
 put_all:
  spin_unlock_recursive(&p2m->lock);
  if (space == XENMAPSPACE_gmfn)
    spin_unlock_recursive(&p2m->lock);
  return 0;
}
