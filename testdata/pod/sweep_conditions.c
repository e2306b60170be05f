// Xen 4.17's shape of seed 004's sweep: the lookup populates (pod lock,
// then the emergency sweep's p2m_lock()) only when asked to allocate
// ("q & P2M_ALLOC"), and it holds the p2m lock itself only "if (locked)".
// The sweep's re-take is recursive when the lookup holds the lock, so
// whether it inverts the order depends on both arguments: an edge left to
// the callers keeps the condition it was found under.  Called with locked
// = 0 and q = P2M_ALLOC, the lookup would invert the order, as
// sweep_under_pod.c does; no caller here does.
#include "xen-mini.h"

// expected-no-diagnostics

#define P2M_ALLOC 1u

static void p2m_pod_emergency_sweep(struct p2m_domain *p2m)
{
  p2m_lock(p2m);
  p2m->pod.count += 1;
  p2m_unlock(p2m);
}

static void p2m_pod_demand_populate(struct p2m_domain *p2m)
{
  pod_lock(p2m);
  if (p2m->pod.count == 0)
    p2m_pod_emergency_sweep(p2m);
  pod_unlock(p2m);
}

// Like ept_get_entry(): populate only for an allocating query.
static void get_entry(struct p2m_domain *p2m, unsigned int q)
{
  if (q & P2M_ALLOC)
    p2m_pod_demand_populate(p2m);
}

// Like p2m_get_gfn_type_access().
static void lookup(struct p2m_domain *p2m, unsigned int q, int locked)
{
  if (locked)
    p2m_lock(p2m);
  get_entry(p2m, q);
  if (locked)
    p2m_unlock(p2m);
}

// The real callers: an allocating query holds the lock, an unlocked one
// does not allocate (svm_do_nested_pgfault(), get_page_from_gfn()).
void allocating_query(struct p2m_domain *p2m) { lookup(p2m, P2M_ALLOC, 1); }
void unlocked_peek(struct p2m_domain *p2m) { lookup(p2m, 0, 0); }
