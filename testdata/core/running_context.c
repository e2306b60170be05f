// rules running_context: the running vCPU's locks against the locks of the
// domain a hypercall operates on (Xen 4.17 shapes).  "current" expands to
// "(get_current())", itself a macro, as in asm/current.h.
#include "xen-mini.h"

struct rc_domain {
  spinlock_t event_lock, paging_lock;  // 1.
  spinlock_t grant_lock, mapcache_lock; // 2.
  spinlock_t ioreq_lock, altp2m_lock;   // 1b.
  spinlock_t p2m_lock, pod_lock;        // 3.
};
struct vcpu {
  struct rc_domain *domain;
};
struct cpu_info {
  struct vcpu *current_vcpu;
};
struct cpu_info *get_cpu_info(void);
#define get_current() (get_cpu_info()->current_vcpu)
#define current (get_current())

// 1. paging_log_dirty_op(d) holds the target's paging lock and copies the
// bitmap to the caller, whose preemption check takes the caller's event
// lock; a guest's own event channel operation takes its event lock, then
// its paging lock.  Two domains, no cycle.
static void caller_events_pending(struct vcpu *v)
{
  struct rc_domain *d = v->domain;
  spin_lock(&d->event_lock);
  spin_unlock(&d->event_lock);
}

void log_dirty_op(struct rc_domain *d)
{
  spin_lock(&d->paging_lock);
  caller_events_pending(current);
  spin_unlock(&d->paging_lock);
}

void evtchn_expand(struct rc_domain *d)
{
  spin_lock(&d->event_lock);
  spin_lock(&d->paging_lock);
  spin_unlock(&d->paging_lock);
  spin_unlock(&d->event_lock);
}

// 1b. ...but a vCPU doing both on its own domain is one domain: that cycle
// is reported (the running context's locks keep the plain order among
// themselves).
static void caller_ioreq(struct vcpu *v)
{
  spin_lock(&v->domain->ioreq_lock);
  spin_unlock(&v->domain->ioreq_lock);
}

void ioreq_map(struct rc_domain *d)
{
  spin_lock(&d->ioreq_lock);
  spin_lock(&d->altp2m_lock); // expected-warning{{possible circular locking dependency: acquiring 'rc_domain.altp2m_lock' while holding 'rc_domain.ioreq_lock' closes the cycle 'rc_domain.altp2m_lock' -> 'rc_domain.ioreq_lock' -> 'rc_domain.altp2m_lock'}}
  spin_unlock(&d->altp2m_lock);
  spin_unlock(&d->ioreq_lock);
}

void self_op(void)
{
  struct rc_domain *d = current->domain;
  spin_lock(&d->altp2m_lock);
  caller_ioreq(current);
  spin_unlock(&d->altp2m_lock);
}

// 2. A cycle that crosses from the target's lock to the caller's and back
// through a global lock is still a cycle.
static spinlock_t heap_lock;

static void map_into_caller(struct vcpu *v)
{
  spin_lock(&v->domain->mapcache_lock);
  spin_unlock(&v->domain->mapcache_lock);
}

void grant_copy(struct rc_domain *d)
{
  spin_lock(&d->grant_lock);
  map_into_caller(current);
  spin_unlock(&d->grant_lock);
}

void mapcache_grow(struct rc_domain *d)
{
  spin_lock(&d->mapcache_lock);
  spin_lock(&heap_lock); // expected-warning{{possible circular locking dependency: acquiring 'heap_lock' while holding 'rc_domain.mapcache_lock[current]' closes the cycle 'heap_lock' -> 'rc_domain.grant_lock' -> 'rc_domain.mapcache_lock[current]' -> 'heap_lock'}}
  spin_unlock(&heap_lock);
  spin_unlock(&d->mapcache_lock);
}

void heap_reclaim(struct rc_domain *d)
{
  spin_lock(&heap_lock);
  spin_lock(&d->grant_lock);
  spin_unlock(&d->grant_lock);
  spin_unlock(&heap_lock);
}

// 3. A running_context_last hierarchy (mm-locks.h's control-domain bias):
// the caller's p2m lock after the target's PoD lock is in order; one
// domain's p2m lock after its own PoD lock is not.
static void lock_p2m(struct rc_domain *d)
{
  spin_lock(&d->p2m_lock); // expected-warning{{acquiring 'rc_domain.p2m_lock' while holding 'rc_domain.pod_lock' violates lock hierarchy 'mm-locks' ('rc_domain.p2m_lock' must be taken before 'rc_domain.pod_lock')}}
}

void pod_copy_out(struct rc_domain *d)
{
  spin_lock(&d->pod_lock);
  lock_p2m(current->domain);
  spin_unlock(&current->domain->p2m_lock);
  spin_unlock(&d->pod_lock);
}

void pod_self(void)
{
  struct rc_domain *d = current->domain;
  spin_lock(&d->pod_lock);
  lock_p2m(d);
  spin_unlock(&d->p2m_lock);
  spin_unlock(&d->pod_lock);
}

// 4. The caller's object through a function with several returns, shaped
// like p2m_getlru_nestedp2m(d, NULL): a parameter passed as NULL and a
// returned NULL designate no object, so pick(current, NULL) is the
// caller's domain, and the target's grant lock then the caller's mapcache
// lock is case 2's edge again (no plain grant -> mapcache edge, which
// would close heap_lock -> grant -> mapcache -> heap_lock).
static struct rc_domain *pick(struct vcpu *v, struct rc_domain *hint)
{
  if (!v)
    return NULL;
  if (hint == NULL)
    hint = v->domain;
  return hint;
}

void grant_flush(struct rc_domain *d)
{
  struct rc_domain *c;
  spin_lock(&d->grant_lock);
  c = pick(current, NULL);
  spin_lock(&c->mapcache_lock);
  spin_unlock(&c->mapcache_lock);
  spin_unlock(&d->grant_lock);
}
