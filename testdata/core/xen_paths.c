// Shapes from the Xen 4.17 hypervisor that a lock-order analysis must read
// the way Xen runs them, each next to the bug it must still see.
#include "xen-mini.h"

struct tasklet {
  void (*func)(unsigned long);
  unsigned long data;
};

// 1. common/tasklet.c: do_tasklet() holds tasklet_lock and calls
// do_tasklet_work(), which drops it around the tasklet's handler and takes
// it again.  The handler's locks are not ordered after tasklet_lock.
static spinlock_t tasklet_lock;
static spinlock_t pcidevs_lock;

static void do_tasklet_work(struct tasklet *t)
{
  spin_unlock(&tasklet_lock);
  t->func(t->data);
  spin_lock(&tasklet_lock);
}

void do_tasklet(struct tasklet *t)
{
  spin_lock(&tasklet_lock);
  do_tasklet_work(t);
  spin_unlock(&tasklet_lock);
}

static void pci_tasklet(unsigned long data)
{
  spin_lock(&pcidevs_lock);
  spin_unlock(&pcidevs_lock);
}

void tasklet_schedule(struct tasklet *t)
{
  spin_lock(&tasklet_lock);
  spin_unlock(&tasklet_lock);
}

void pci_work(struct tasklet *t)
{
  t->func = pci_tasklet;
  spin_lock(&pcidevs_lock);
  tasklet_schedule(t); // pcidevs_lock -> tasklet_lock: fine, see above
  spin_unlock(&pcidevs_lock);
}

// The same shape without the drop: the handler runs under the lock.
static spinlock_t softirq_lock;
static spinlock_t timer_lock;

static void run_handler_locked(struct tasklet *t)
{
  t->func(t->data);
}

void do_softirq(struct tasklet *t)
{
  spin_lock(&softirq_lock);
  run_handler_locked(t);
  spin_unlock(&softirq_lock);
}

static void timer_handler(unsigned long data)
{
  spin_lock(&timer_lock);
  spin_unlock(&timer_lock);
}

void raise_timer(struct tasklet *t)
{
  t->func = timer_handler;
  spin_lock(&timer_lock);
  spin_lock(&softirq_lock); // expected-warning{{possible circular locking dependency: acquiring 'softirq_lock' while holding 'timer_lock' closes the cycle 'softirq_lock' -> 'timer_lock' -> 'softirq_lock'}}
  spin_unlock(&softirq_lock);
  spin_unlock(&timer_lock);
}

// 2. xen/spinlock.h's spin_lock_if(): the lock is taken when the argument
// is true; the caller tests the same local variable to release it
// (arch/x86/mm.c virt_to_xen_l3e()).
static spinlock_t map_pgdir_lock;
int system_state;

static inline void spin_lock_if(int condition, spinlock_t *l)
{
  if (condition)
    _spin_lock(l);
}

void virt_to_xen_l3e(void)
{
  int locking = system_state > 1;
  spin_lock_if(locking, &map_pgdir_lock);
  printk("update the page table");
  if (locking)
    spin_unlock(&map_pgdir_lock);
}

// The unlock tests another variable: a leak when they disagree.
void virt_to_xen_l2e(int unlock) // expected-warning{{'map_pgdir_lock' is still held when virt_to_xen_l2e returns here}}
{
  int locking = system_state > 1;
  spin_lock_if(locking, &map_pgdir_lock);
  if (unlock)
    spin_unlock(&map_pgdir_lock);
}

// 3. The crash path (rules crash_paths): kexec_crash() runs the crash-time
// debug keys, which take locks under whatever the crashing CPU holds.
static spinlock_t shutdown_lock;
static spinlock_t grant_lock;

void kexec_crash(void)
{
  spin_lock(&grant_lock);
  printk("grant table usage");
  spin_unlock(&grant_lock);
}

void domain_shutdown(void)
{
  spin_lock(&shutdown_lock);
  kexec_crash(); // shutdown_lock -> grant_lock on the way down: not reported
  spin_unlock(&shutdown_lock);
}

void gnttab_transfer(void)
{
  spin_lock(&grant_lock);
  domain_shutdown();
  spin_unlock(&grant_lock);
}

// 4. One unguarded access reached from several entry points (dump_pod()
// and audit_pod() here) is one finding (testdata/rules/xen_paths.jsonc
// guards pod_state.count), reported with the shortest chain.
struct pod_state {
  spinlock_t lock;
  long count;
};

static long pod_count(struct pod_state *p)
{
  return p->count;
}

void dump_pod(struct pod_state *p)
{
  printk("pod %ld", pod_count(p));
}

void audit_pod(struct pod_state *p)
{
  if (pod_count(p) < 0) // expected-warning{{read of 'pod_state.count' without holding 'pod_state.lock'}}
    printk("negative");
}

long pod_target(struct pod_state *p)
{
  long n;
  spin_lock(&p->lock);
  n = pod_count(p);
  spin_unlock(&p->lock);
  return n;
}

// 5. xen/spinlock.h's try-locks: spin_trylock(l) is
// lock_evaluate_nospec(_spin_trylock(l)) (a speculation barrier that returns
// its condition; catalog "transparent"), and spin_trylock_irqsave() tests
// it inside a statement expression's "?:" (drivers/char/ehci-dbgp.c
// _ehci_dbgp_poll()).  Only the success branch holds the lock.
static inline _Bool lock_evaluate_nospec(_Bool condition) { return condition; }
#define xen_spin_trylock(l) lock_evaluate_nospec(_spin_trylock(l))
#define spin_trylock_irqsave(l, f) \
  ({ (f) = 1; xen_spin_trylock(l) ? 1 : ({ (f) = 0; 0; }); })
static spinlock_t tx_lock;
static spinlock_t console_lock;

void dbgp_poll(void)
{
  unsigned long flags;
  if (spin_trylock_irqsave(&tx_lock, flags)) {
    printk("flush");
    spin_unlock(&tx_lock);
  }
  spin_lock(&console_lock); // not under tx_lock
  spin_unlock(&console_lock);
}

void console_flush(void)
{
  spin_lock(&console_lock);
  spin_lock(&tx_lock);
  spin_unlock(&tx_lock);
  spin_unlock(&console_lock);
}

// An early return on the success branch keeps the lock.
void dbgp_poll_leaky(int busy)
{
  unsigned long flags;
  if (!spin_trylock_irqsave(&tx_lock, flags))
    return;
  if (busy)
    return; // expected-warning{{'tx_lock' is still held when dbgp_poll_leaky returns here}}
  spin_unlock(&tx_lock);
}

// 6. common/domctl.c domctl_lock_acquire(): two try-locks, the first rolled
// back when the second fails; the return value says which.  Not a leak.
static spinlock_t hypercall_deadlock_mutex;
static spinlock_t domctl_lock;

int domctl_lock_acquire(void)
{
  if (!xen_spin_trylock(&hypercall_deadlock_mutex))
    return 0;
  if (xen_spin_trylock(&domctl_lock))
    return 1;
  spin_unlock(&hypercall_deadlock_mutex);
  return 0;
}

void domctl_lock_release(void)
{
  spin_unlock(&domctl_lock);
  spin_unlock(&hypercall_deadlock_mutex);
}

int do_domctl(void)
{
  if (!domctl_lock_acquire())
    return -1;
  printk("domctl");
  domctl_lock_release();
  return 0;
}

// 7. common/event_channel.c double_evtchn_lock(): two instances of one
// class through a wrapper that locks its argument's field.  Not a double
// lock; the same argument twice is.
struct evtchn {
  spinlock_t lock;
  int state;
};

static inline void evtchn_write_lock(struct evtchn *evtchn)
{
  spin_lock(&evtchn->lock);
  evtchn->state = 1;
}

void double_evtchn_lock(struct evtchn *lchn, struct evtchn *rchn)
{
  if (lchn > rchn) {
    struct evtchn *tmp = lchn;
    lchn = rchn;
    rchn = tmp;
  }
  evtchn_write_lock(lchn);
  evtchn_write_lock(rchn);
}

void evtchn_relock(struct evtchn *chn)
{
  evtchn_write_lock(chn);
  evtchn_write_lock(chn); // expected-warning{{double lock of 'evtchn.lock' in evtchn_relock}}
}

// 8. common/event_fifo.c evtchn_fifo_set_pending(): one or two queue locks,
// depending on whether q and old_q are the same queue; "old_q = q" after
// dropping the old one.  The comparisons and the assignment are facts
// about the two locals, and a store through old_q does not change old_q.
struct fifo_queue {
  spinlock_t lock;
  int tail;
};

void fifo_set_pending(struct fifo_queue *q, struct fifo_queue *old_q, int port)
{
  if (q == old_q)
    spin_lock(&q->lock);
  else if (q < old_q) {
    spin_lock(&q->lock);
    spin_lock(&old_q->lock);
  } else {
    spin_lock(&old_q->lock);
    spin_lock(&q->lock);
  }
  if (old_q->tail == port)
    old_q->tail = 0;
  if (old_q != q) {
    spin_unlock(&old_q->lock);
    old_q = q;
  }
  q->tail = port;
  if (q != old_q)
    spin_unlock(&old_q->lock);
  spin_unlock(&q->lock);
}

// The same queue released twice under one spelling is still a double unlock.
void fifo_unlock_twice(struct fifo_queue *q, struct fifo_queue *old_q)
{
  spin_lock(&q->lock);
  if (q != old_q)
    spin_lock(&old_q->lock);
  spin_unlock(&q->lock);
  spin_unlock(&q->lock); // expected-warning{{double unlock of 'fifo_queue.lock' in fifo_unlock_twice}}
}

// 9. arch/x86/irq.c pirq_spin_lock_irq_desc(): a lookup that returns the
// object it locked, or NULL, retrying when the object changed under it.
// Not a leak: the return value hands the lock to the caller.
struct irq_desc {
  spinlock_t lock;
  int irq;
};
struct irq_desc *irq_to_desc(int irq);
int pirq_irq(int pirq);

struct irq_desc *pirq_spin_lock_irq_desc(int pirq)
{
  struct irq_desc *desc;
  for (;;) {
    int irq = pirq_irq(pirq);
    if (irq <= 0)
      return NULL;
    desc = irq_to_desc(irq);
    spin_lock(&desc->lock);
    if (irq == pirq_irq(pirq))
      break;
    spin_unlock(&desc->lock);
  }
  return desc;
}

// 10. An edge against two declared hierarchies (xen_paths.jsonc has the
// mm-locks import's two) is one finding naming both.
static spinlock_t paging_lock;
static spinlock_t page_alloc_lock;

void paging_then_alloc(void)
{
  spin_lock(&paging_lock);
  spin_lock(&page_alloc_lock); // expected-warning{{acquiring 'page_alloc_lock' while holding 'paging_lock' violates lock hierarchies 'mm-locks', 'mm-locks/altp2mlist'}}
  spin_unlock(&page_alloc_lock);
  spin_unlock(&paging_lock);
}

// 11. drivers/vpci/msi.c vpci_dump_msi(): the callee drops the caller's
// lock to let softirqs run and returns non-zero when it could not take it
// back ("On error vpci_msix_arch_print will always return without holding
// the lock").  The caller's "if (rc) continue;" is right.
struct vpci {
  spinlock_t lock;
  int entries;
};
void process_pending_softirqs(void);

int vpci_msix_arch_print(struct vpci *v)
{
  for (int i = 0; i < v->entries; i++) {
    if (i && !(i % 64)) {
      spin_unlock(&v->lock);
      process_pending_softirqs();
      if (!xen_spin_trylock(&v->lock))
        return -16;
    }
    printk("entry %d", i);
  }
  return 0;
}

void vpci_dump_msi(struct vpci **devs, int n)
{
  for (int i = 0; i < n; i++) {
    struct vpci *v = devs[i];
    if (!xen_spin_trylock(&v->lock))
      continue;
    if (vpci_msix_arch_print(v)) {
      process_pending_softirqs();
      continue;
    }
    spin_unlock(&v->lock);
  }
}

// 12. common/event_channel.c evtchn_bind_interdomain(): two domains' locks
// in address order, one lock when they are the same domain; "ld < rd"
// means they differ, so "if (ld != rd)" releases the second.
struct evdomain {
  spinlock_t event_lock;
};

int bind_interdomain(struct evdomain *ld, struct evdomain *rd)
{
  if (ld < rd) {
    spin_lock(&ld->event_lock);
    spin_lock(&rd->event_lock);
  } else {
    if (ld != rd)
      spin_lock(&rd->event_lock);
    spin_lock(&ld->event_lock);
  }
  printk("bind");
  spin_unlock(&ld->event_lock);
  if (ld != rd)
    spin_unlock(&rd->event_lock);
  return 0;
}

// 13. arch/x86/mm/p2m-pt.c: a lookup populates (and takes the PoD lock)
// only "if ( q & P2M_ALLOC )"; get_gfn_query_unlocked() passes q = 0
// through two wrappers.  Only the allocating caller orders pod_lock after
// the lock it holds.
#define P2M_ALLOC (1u << 0)
#define P2M_UNSHARE (1u << 1)
static spinlock_t pod_lock;
static spinlock_t shadow_lock;

static void pt_get_entry(unsigned long gfn, unsigned int q)
{
  if (q & P2M_ALLOC) {
    spin_lock(&pod_lock); // expected-warning{{possible circular locking dependency: acquiring 'pod_lock' while holding 'shadow_lock' closes the cycle 'pod_lock' -> 'shadow_lock' -> 'pod_lock'}}
    spin_unlock(&pod_lock);
  }
}

static void get_entry(unsigned long gfn, unsigned int q) { pt_get_entry(gfn, q); }

void shadow_update(unsigned long gfn)
{
  spin_lock(&shadow_lock);
  get_entry(gfn, 0); // query only: no pod_lock under shadow_lock
  spin_unlock(&shadow_lock);
}

void shadow_fault(unsigned long gfn)
{
  spin_lock(&shadow_lock);
  get_entry(gfn, P2M_ALLOC | P2M_UNSHARE); // pod_lock under shadow_lock
  spin_unlock(&shadow_lock);
}

void pod_populate(void)
{
  spin_lock(&pod_lock);
  spin_lock(&shadow_lock);
  spin_unlock(&shadow_lock);
  spin_unlock(&pod_lock);
}

// 14. arch/x86/mm/p2m.c p2m_flush_nestedp2m(): "if ( p2m_locked_by_me(p2m) )
// p2m_flush_table_locked(p2m); else p2m_flush_table(p2m);" - where the
// is-held test is true, the lock is held (by a caller).
struct table {
  spinlock_t lock;
  int n;
};
int _spin_is_locked(spinlock_t *l);

static void flush_locked(struct table *t)
{
  BUG_ON(!_spin_is_locked(&t->lock));
  t->n = 0;
}

static void flush(struct table *t)
{
  spin_lock(&t->lock);
  flush_locked(t);
  spin_unlock(&t->lock);
}

void flush_any(struct table *t)
{
  if (_spin_is_locked(&t->lock))
    flush_locked(t);
  else
    flush(t);
}

void flush_wrong(struct table *t)
{
  flush_locked(t); // expected-warning{{'table.lock' is not held when calling flush_locked, which asserts it}}
}

// 15. evtchn_fifo_set_pending()'s retry loop (common/event_fifo.c:194-236):
// the paths that break out hold the lock and know try < 3; the loop counts
// try up by one from 0 and nothing else writes it, so the exhausted path
// knows try == 3 exactly, and "if ( try == 3 )" sends it away from the
// unlock.
static spinlock_t queue_lock;
int queue_stable(void);

void set_pending_retry(void)
{
  unsigned int try;
  for (try = 0; try < 3; try++) {
    spin_lock(&queue_lock);
    if (queue_stable())
      break;
    spin_unlock(&queue_lock);
  }
  if (try == 3)
    return;
  printk("link");
  spin_unlock(&queue_lock);
}

// The same loop with the counter also moved in its body: leaving it says
// only try >= 3, and the exhausted path may reach the unlock.
void set_pending_skip(int skip)
{
  unsigned int try;
  for (try = 0; try < 3; try++) {
    spin_lock(&queue_lock);
    if (queue_stable())
      break;
    spin_unlock(&queue_lock);
    if (skip)
      try++;
  }
  if (try == 3)
    return;
  printk("link");
  spin_unlock(&queue_lock); // expected-warning{{double unlock of 'queue_lock' in set_pending_skip}}
}

// 16. arch/x86/include/asm/p2m.h: _get_gfn_type_access() returns early
// without the gfn lock for a non-translated domain (or no p2m), put_gfn()
// returns early on the same test; HVM callers know the domain is
// translated and pair them unconditionally.  The callers cannot tell the
// callee's outcomes apart, so the lock is "maybe held" between get and put:
// its order edges stand, releasing or requiring it is not an error.
struct gfn_p2m {
  spinlock_t lock;
  int translate;
};
static spinlock_t event_lock;

static void gfn_assert_locked(struct gfn_p2m *p)
{
  BUG_ON(!_spin_is_locked(&p->lock));
}

unsigned long gfn_to_mfn(struct gfn_p2m *p, unsigned long gfn);

static unsigned long get_gfn(struct gfn_p2m *p, unsigned long gfn)
{
  if (!p || !p->translate)
    return gfn;
  spin_lock(&p->lock);
  return gfn_to_mfn(p, gfn);
}

static void put_gfn(struct gfn_p2m *p, unsigned long gfn)
{
  if (!p->translate)
    return;
  gfn_assert_locked(p);
  spin_unlock(&p->lock);
}

void nested_page_fault(struct gfn_p2m *host, unsigned long gfn)
{
  get_gfn(host, gfn);
  spin_lock(&event_lock); // expected-warning{{possible circular locking dependency: acquiring 'event_lock' while holding 'gfn_p2m.lock' closes the cycle 'event_lock' -> 'gfn_p2m.lock' -> 'event_lock'}}
  spin_unlock(&event_lock);
  put_gfn(host, gfn);
}

void event_then_gfn(struct gfn_p2m *host, unsigned long gfn)
{
  spin_lock(&event_lock);
  get_gfn(host, gfn); // event_lock -> gfn lock
  put_gfn(host, gfn);
  spin_unlock(&event_lock);
}

// 17. p2m_pod_init(): a constructor fills the guarded state of an object
// nobody else can reach yet (rules "unshared" in xen_paths.jsonc), as
// Clang's thread-safety analysis skips constructors.
void pod_state_init(struct pod_state *p)
{
  p->count = 0;
}

// 18. double_evtchn_unlock(): two instances released through a wrapper
// that unlocks its argument's field.  Not a double unlock; the same
// argument twice is.
static inline void evtchn_write_unlock(struct evtchn *evtchn)
{
  evtchn->state = 0;
  spin_unlock(&evtchn->lock);
}

void double_evtchn_unlock(struct evtchn *lchn, struct evtchn *rchn)
{
  evtchn_write_unlock(lchn);
  evtchn_write_unlock(rchn);
}

void evtchn_unlock_twice(struct evtchn *chn)
{
  evtchn_write_unlock(chn);
  evtchn_write_unlock(chn); // expected-warning{{double unlock of 'evtchn.lock' in evtchn_unlock_twice}}
}

// 19. xen-pciback __xen_pcibk_release_pci_dev(): "if (lock)
// device_lock(dev); pcistub_put_pci_dev(dev);" - with lock == 0 the caller
// holds the lock, so the callee's requirement goes to the callers passing 0.
struct pcidev {
  spinlock_t dev_lock;
};

static void put_pci_dev(struct pcidev *d)
{
  BUG_ON(!_spin_is_locked(&d->dev_lock));
}

static void release_pci_dev(struct pcidev *d, int lock)
{
  if (lock)
    spin_lock(&d->dev_lock);
  put_pci_dev(d);
  if (lock)
    spin_unlock(&d->dev_lock);
}

void remove_locked(struct pcidev *d)
{
  spin_lock(&d->dev_lock);
  release_pci_dev(d, 0);
  spin_unlock(&d->dev_lock);
}

void release_unlocked(struct pcidev *d)
{
  release_pci_dev(d, 1);
}

void remove_forgot(struct pcidev *d)
{
  release_pci_dev(d, 0); // expected-warning{{'pcidev.dev_lock' is not held when calling put_pci_dev, which asserts it}}
}

// 20. common/page_alloc.c alloc_domheap_pages(): "memflags |= MEMF_no_refcount"
// and "memflags &= ~MEMF_no_dma" change other bits than MEMF_no_owner, so
// "if ( d && !(memflags & MEMF_no_owner) ) assign_page()" (page_alloc_lock)
// is still decided by the caller's constant: shadow_set_allocation() passes
// MEMF_no_owner under the paging lock.  A write of the tested bit, or a
// plain assignment, leaves the test to the path again.
#define MEMF_no_refcount (1u << 0)
#define MEMF_no_owner (1u << 1)
#define MEMF_no_dma (1u << 2)
static spinlock_t alloc_lock;
static spinlock_t paging_lock2;
int dma_bitsize;

static void alloc_pages(unsigned int memflags)
{
  if (memflags & MEMF_no_owner)
    memflags |= MEMF_no_refcount;
  if (!dma_bitsize)
    memflags &= ~MEMF_no_dma;
  if (!(memflags & MEMF_no_owner)) {
    spin_lock(&alloc_lock);
    spin_unlock(&alloc_lock);
  }
}

static void alloc_pages_owned(unsigned int memflags)
{
  memflags &= ~MEMF_no_owner; // the tested bit: the caller no longer decides
  if (!(memflags & MEMF_no_owner)) {
    spin_lock(&alloc_lock); // expected-warning{{possible circular locking dependency: acquiring 'alloc_lock' while holding 'paging_lock2' closes the cycle 'alloc_lock' -> 'paging_lock2' -> 'alloc_lock'}}
    spin_unlock(&alloc_lock);
  }
}

void set_allocation(void)
{
  spin_lock(&paging_lock2);
  alloc_pages(MEMF_no_owner); // no page_alloc lock under the paging lock
  spin_unlock(&paging_lock2);
}

void set_allocation_owned(void)
{
  spin_lock(&paging_lock2);
  alloc_pages_owned(MEMF_no_owner); // takes it: the callee cleared the bit
  spin_unlock(&paging_lock2);
}

void relinquish(void)
{
  spin_lock(&alloc_lock);
  spin_lock(&paging_lock2);
  spin_unlock(&paging_lock2);
  spin_unlock(&alloc_lock);
}

// 21. arch/x86/mm.c _put_page_type(): "bool preemptible = flags &
// PTF_preemptible;" and then "if ( preemptible && hypercall_preempt_check()
// )".  A local that only its initialiser sets, from a test of parameters
// nothing writes, stands for that test: put_page_type()'s
// "_put_page_type(page, 0, NULL)" under the paging lock does not reach the
// preemption check's event lock.  A local written again keeps the test to
// the path.
#define PTF_preemptible (1u << 0)
static spinlock_t event_lock21;
static spinlock_t paging_lock21;
int preempt_pending;

static int put_type(unsigned int flags)
{
  _Bool preemptible = flags & PTF_preemptible;
  if (preemptible) {
    spin_lock(&event_lock21);
    spin_unlock(&event_lock21);
    return -1;
  }
  return 0;
}

static int put_type_rewritten(unsigned int flags)
{
  _Bool preemptible = flags & PTF_preemptible;
  if (preempt_pending)
    preemptible = 1;
  if (preemptible) {
    spin_lock(&event_lock21); // expected-warning{{possible circular locking dependency: acquiring 'event_lock21' while holding 'paging_lock21' closes the cycle 'event_lock21' -> 'paging_lock21' -> 'event_lock21'}}
    spin_unlock(&event_lock21);
    return -1;
  }
  return 0;
}

// _put_page_type() passes the local on: "_put_final_page_type(page, x,
// preemptible, ptpg)"; the callee's test of its parameter is the caller's
// flag test.
static spinlock_t virq_lock21;

static void put_final_type(_Bool preemptible)
{
  if (preemptible) {
    spin_lock(&virq_lock21);
    spin_unlock(&virq_lock21);
  }
}

static int put_type_passing(unsigned int flags)
{
  _Bool preemptible = flags & PTF_preemptible;
  put_final_type(preemptible);
  return 0;
}

void put_under_paging(void)
{
  spin_lock(&paging_lock21);
  put_type(0); // not preemptible: no event lock under the paging lock
  put_type_passing(0);
  put_type_rewritten(0);
  spin_unlock(&paging_lock21);
}

void event_then_paging(void)
{
  spin_lock(&event_lock21);
  spin_lock(&paging_lock21);
  spin_unlock(&paging_lock21);
  spin_unlock(&event_lock21);
  spin_lock(&virq_lock21);
  spin_lock(&paging_lock21);
  spin_unlock(&paging_lock21);
  spin_unlock(&virq_lock21);
}

// A local initialised from itself names nothing (and the reading ends).
int self_named(void)
{
  _Bool odd = !odd;
  if (odd)
    return 1;
  return 0;
}
