// rules class_by_holder: Xen 4.17's struct rangeset (common/rangeset.c) is
// a domain's iomem capabilities and vPCI's private BAR map alike.  Only
// the BAR map is locked across a callback into the p2m
// (rangeset_consume_ranges(mem, map_range), vpci/header.c:150, :184); the
// p2m code reads the capabilities under the p2m lock.  One class for both
// is a cycle no two CPUs can close; a class per holder is none.
#include "xen-mini.h"

struct hrange {
  spinlock_t lock;
  unsigned long start, end;
};
typedef int (*hrange_cb)(unsigned long s, unsigned long e, void *data);
struct hrange *hrange_new(void);
void hrange_destroy(struct hrange *r);

struct hdomain {
  spinlock_t p2m_lock;
  struct hrange *iomem_caps;
};
struct hvcpu {
  struct hdomain *domain;
  struct hrange *bar_mem;
};

int hrange_contains(struct hrange *r, unsigned long s)
{
  int found;
  spin_lock(&r->lock);
  found = r->start <= s && s <= r->end;
  spin_unlock(&r->lock);
  return found;
}

int hrange_consume(struct hrange *r, hrange_cb cb, void *data)
{
  int rc;
  spin_lock(&r->lock);
  rc = cb(r->start, r->end, data);
  spin_unlock(&r->lock);
  return rc;
}

// The p2m checks the domain's capabilities: p2m lock -> iomem_caps.
void set_mmio_entry(struct hdomain *d, unsigned long mfn)
{
  spin_lock(&d->p2m_lock);
  hrange_contains(d->iomem_caps, mfn);
  spin_unlock(&d->p2m_lock);
}

// vPCI maps BARs from a private rangeset: its lock -> p2m lock.
static int map_range(unsigned long s, unsigned long e, void *data)
{
  struct hdomain *d = data;
  spin_lock(&d->p2m_lock); // expected-warning{{acquiring 'hdomain.p2m_lock' while holding 'hrange.lock{hdomain.iomem_caps}' closes the cycle}}
  spin_unlock(&d->p2m_lock);
  return 0;
}

static void apply_map(struct hdomain *d, struct hrange *mem)
{
  hrange_consume(mem, map_range, d);
}

void modify_bars(struct hdomain *d)
{
  struct hrange *mem = hrange_new();
  apply_map(d, mem);
  hrange_destroy(mem);
}

void process_pending(struct hvcpu *v)
{
  hrange_consume(v->bar_mem, map_range, v->domain);
}

// The same holder both ways: walking the capabilities with the callback
// that takes the p2m lock closes a cycle on one object.
void map_all_caps(struct hdomain *d)
{
  hrange_consume(d->iomem_caps, map_range, d);
}
