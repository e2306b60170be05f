// A compiled-out assertion is read as an assumption, as the Clang static
// analyzer reads assert(): Xen's release-build ASSERT(p) is
// "do { if ( 0 && (p) ) {} } while (0)" (xen/include/xen/lib.h:65), so p
// is never evaluated, yet what follows is written for p.
// iommu_legacy_map() (drivers/passthrough/iommu.c:371-384) asserts that
// its caller did not ask for preemption, and iommu_map() takes the
// preemption check (in Xen: local_events_need_delivery() -> ... ->
// event_lock) only under IOMMUF_preempt.
#include "xen-mini.h"

#define ASSERT(p) do { if ( 0 && (p) ) {} } while (0)
#define IOMMUF_preempt (1u << 2)

struct dom {
  spinlock_t event_lock;
  spinlock_t p2m_lock;
  spinlock_t page_lock;
};

// In Xen the check is general_preempt_check() -> ... -> hvm_dpci_eoi().
static void preempt_check(struct dom *d)
{
  spin_lock(&d->event_lock); // expected-warning{{possible circular locking dependency: acquiring 'dom.event_lock' while holding 'dom.page_lock' closes the cycle 'dom.event_lock' -> 'dom.page_lock' -> 'dom.event_lock'}}
  spin_unlock(&d->event_lock);
}

static int iommu_map(struct dom *d, unsigned int flags)
{
  if (flags & IOMMUF_preempt)
    preempt_check(d);
  return 0;
}

int iommu_legacy_map(struct dom *d, unsigned int flags)
{
  ASSERT(!(flags & IOMMUF_preempt));
  return iommu_map(d, flags);
}

// p2m lock -> (no event lock: the assertion rules the check out).
void p2m_set(struct dom *d, unsigned int iommu_flags)
{
  spin_lock(&d->p2m_lock);
  iommu_legacy_map(d, iommu_flags);
  spin_unlock(&d->p2m_lock);
}

// event lock -> p2m lock: with the edge above this would close a cycle.
void expand_array(struct dom *d)
{
  spin_lock(&d->event_lock);
  spin_lock(&d->p2m_lock);
  spin_unlock(&d->p2m_lock);
  spin_unlock(&d->event_lock);
}

// Where the flag is not ruled out, the check is reached: the page lock is
// held across the event lock, and the reverse order below closes a cycle.
void page_set_preemptible(struct dom *d, unsigned int flags)
{
  spin_lock(&d->page_lock);
  iommu_map(d, flags);
  spin_unlock(&d->page_lock);
}

void event_then_page(struct dom *d)
{
  spin_lock(&d->event_lock);
  spin_lock(&d->page_lock);
  spin_unlock(&d->page_lock);
  spin_unlock(&d->event_lock);
}
