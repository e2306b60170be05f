// irq-safety, Xen 4.17 xen/drivers/passthrough/pci.c (XSA-467, fixed by
// taking the lock IRQ-safe): pseg->bus2bridge_lock was taken with plain
// spin_lock() when a bridge is added, with interrupts enabled, while
// find_upstream_bridge() is also reached with interrupts off, under an IRQ
// descriptor's lock (map_domain_pirq() -> ... -> VT-d set_msi_source_id()).
// check_lock() latches a lock's interrupt state at its first use: taken
// both ways, a CPU spinning with interrupts off on it can deadlock an
// IRQ-context rendezvous against the holder.
#include "xen-mini.h"

struct pci_seg {
  spinlock_t bus2bridge_lock;
  int bus2bridge[256];
};

struct irq_desc {
  spinlock_t lock;
  int irq;
};

void pci_conf_write(int bus, int val);

void alloc_pdev(struct pci_seg *pseg, int sec_bus, int sub_bus, int bus)
{
  spin_lock(&pseg->bus2bridge_lock); // expected-warning{{'pci_seg.bus2bridge_lock' is taken with interrupts enabled in alloc_pdev, and with them disabled at 1 other acquisition site(s): inconsistent IRQ safety}} expected-note{{'pci_seg.bus2bridge_lock' acquired here in alloc_pdev with interrupts enabled}}
  for (; sec_bus <= sub_bus; sec_bus++)
    pseg->bus2bridge[sec_bus] = bus;
  spin_unlock(&pseg->bus2bridge_lock);
}

int find_upstream_bridge(struct pci_seg *pseg, int bus)
{
  int b;

  spin_lock(&pseg->bus2bridge_lock); // expected-note{{'pci_seg.bus2bridge_lock' acquired here in find_upstream_bridge with interrupts disabled}}
  b = pseg->bus2bridge[bus];
  spin_unlock(&pseg->bus2bridge_lock);
  return b;
}

static void set_msi_source_id(struct pci_seg *pseg, int bus)
{
  pci_conf_write(bus, find_upstream_bridge(pseg, bus)); // expected-note{{set_msi_source_id calls find_upstream_bridge with interrupts disabled}}
}

void map_domain_pirq(struct irq_desc *desc, struct pci_seg *pseg, int bus)
{
  unsigned long flags;

  spin_lock_irqsave(&desc->lock, flags);
  set_msi_source_id(pseg, bus); // expected-note{{map_domain_pirq calls set_msi_source_id with interrupts disabled (by 'desc->lock')}}
  spin_unlock_irqrestore(&desc->lock, flags);
}
