// lock-leak of a lock a callee returns holding only maybe, Xen 4.17
// xen/common/memory.c guest_remove_page() (XSA-277): get_gfn_query()
// takes the p2m lock unless the domain is not translated, put_gfn() drops
// it in the same case; the caller cannot tell which, so after the lookup
// the lock is "maybe held".  Buggy: an early return skips put_gfn(),
// while the other path gives the lock back.  A maybe-held lock that
// another path of the function releases is judged like a held one.
#include "xen-mini.h"

struct gfn_map {
  spinlock_t lock;
  int translated;
};

struct vm {
  struct gfn_map *p2m;
};

static unsigned long p2m_lookup(struct gfn_map *p2m, unsigned long gfn,
                                int *type, int locked)
{
  if (!p2m->translated) {
    *type = 0;
    return gfn;
  }
  if (locked)
    spin_lock(&p2m->lock); // expected-note{{'gfn_map.lock' acquired here in p2m_lookup}}
  *type = 1;
  return gfn + 1;
}

static unsigned long get_gfn(struct vm *d, unsigned long gfn, int *type)
{
  return p2m_lookup(d->p2m, gfn, type, 1); // expected-note{{get_gfn calls p2m_lookup}}
}

static void put_gfn(struct vm *d, unsigned long gfn)
{
  struct gfn_map *p2m = d->p2m;
  if (!p2m->translated)
    return;
  spin_unlock(&p2m->lock);
}

int remove_page(struct vm *d, unsigned long gfn)
{
  int type;
  unsigned long mfn = get_gfn(d, gfn, &type); // expected-note{{remove_page calls get_gfn}}
  if (type == 2)
    return -2; // expected-warning{{'gfn_map.lock' is still held when remove_page returns here, but is released on another path}}
  put_gfn(d, gfn); // expected-note{{'gfn_map.lock' released here on another path}}
  return (int)mfn;
}
