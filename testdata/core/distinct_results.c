// Xen 4.17 hvm_hap_nested_page_fault() (arch/x86/hvm/hvm.c:1804-2002) locks
// the gfn in the host p2m, and on the altp2m path in the vCPU's altp2m too;
// at out_put_gfn it releases "if ( p2m != hostp2m )" the altp2m's, then
// the host's.  Both are one lock class.  distinct_results says the two
// accessors never return the same p2m, so on the altp2m path "p2m !=
// hostp2m" holds and both locks are released; without it the false edge
// releases one of the two and the lock looks leaked (triage cause C4).
#include "xen-mini.h"

struct p2m {
  spinlock_t lock;
};
struct dom {
  struct p2m *host;
  struct p2m *alt[4];
  int altp2m_active;
};

// A macro in Xen (p2m.h:395, "((d)->arch.p2m)"), a function for the altp2m.
#define get_hostp2m(d) ((d)->host)
static struct p2m *get_altp2m(struct dom *d, int idx) { return d->alt[idx]; }
static struct p2m *get_view(struct dom *d, int idx) { return d->alt[idx]; }

int nested_fault(struct dom *d, int idx)
{
  struct p2m *p2m, *hostp2m;

  hostp2m = get_hostp2m(d);
  _spin_lock(&hostp2m->lock);
  if (d->altp2m_active) {
    p2m = get_altp2m(d, idx);
    _spin_lock(&p2m->lock);
  } else
    p2m = hostp2m;
  if (p2m != hostp2m)
    _spin_unlock(&p2m->lock);
  _spin_unlock(&hostp2m->lock);
  return 0;
}

// Two results of one accessor, or of one outside the group, may be equal:
// the false edge keeps the second lock.
int nested_fault_views(struct dom *d, int idx)
{
  struct p2m *p2m, *hostp2m;

  hostp2m = get_altp2m(d, 0);
  _spin_lock(&hostp2m->lock);
  if (d->altp2m_active) {
    p2m = get_view(d, idx);
    _spin_lock(&p2m->lock);
  } else
    p2m = hostp2m;
  if (p2m != hostp2m)
    _spin_unlock(&p2m->lock);
  _spin_unlock(&hostp2m->lock);
  return 0; // expected-warning{{'p2m.lock' is still held when nested_fault_views returns here, but is released on another path}}
}
