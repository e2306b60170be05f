// irq-safety, fixed: every acquisition of pseg->bus2bridge_lock disables
// interrupts (spin_lock_irqsave()), so the lock is IRQ-safe wherever it is
// taken, under an IRQ descriptor's lock or not.  Also quiet: a lock only
// ever taken with interrupts enabled; a try-lock of an IRQ-unsafe lock
// with interrupts off (check_lock() exempts it: it cannot spin), also
// spin_trylock_irqsave(), whose local_irq_save() is an asm statement; and
// a function its caller enters with an IRQ-safe lock held, which drops it
// with spin_unlock_irq() around a call (do_tasklet_work()): the callee
// runs with interrupts on.
#include "xen-mini.h"
// expected-no-diagnostics

struct pci_seg {
  spinlock_t bus2bridge_lock;
  int bus2bridge[256];
};

struct irq_desc {
  spinlock_t lock;
  int irq;
};

static spinlock_t stats_lock;
static int stats;

void pci_conf_write(int bus, int val);

void alloc_pdev(struct pci_seg *pseg, int sec_bus, int sub_bus, int bus)
{
  unsigned long flags;

  spin_lock_irqsave(&pseg->bus2bridge_lock, flags);
  for (; sec_bus <= sub_bus; sec_bus++)
    pseg->bus2bridge[sec_bus] = bus;
  spin_unlock_irqrestore(&pseg->bus2bridge_lock, flags);
  spin_lock(&stats_lock);
  stats++;
  spin_unlock(&stats_lock);
}

int find_upstream_bridge(struct pci_seg *pseg, int bus)
{
  unsigned long flags;
  int b;

  spin_lock_irqsave(&pseg->bus2bridge_lock, flags);
  b = pseg->bus2bridge[bus];
  spin_unlock_irqrestore(&pseg->bus2bridge_lock, flags);
  return b;
}

static void set_msi_source_id(struct pci_seg *pseg, int bus)
{
  pci_conf_write(bus, find_upstream_bridge(pseg, bus));
  if (spin_trylock(&stats_lock)) {
    stats++;
    spin_unlock(&stats_lock);
  }
}

void map_domain_pirq(struct irq_desc *desc, struct pci_seg *pseg, int bus)
{
  unsigned long flags;

  spin_lock_irqsave(&desc->lock, flags);
  set_msi_source_id(pseg, bus);
  spin_unlock_irqrestore(&desc->lock, flags);
}

struct serial_port {
  spinlock_t tx_lock;
  int chunks;
};

static void ehci_dbgp_poll(struct serial_port *port)
{
  unsigned long flags;

  if (spin_trylock_irqsave(&port->tx_lock, flags)) {
    port->chunks = 0;
    spin_unlock_irqrestore(&port->tx_lock, flags);
  }
}

void serial_putc(struct serial_port *port)
{
  unsigned long flags;

  spin_lock_irqsave(&port->tx_lock, flags);
  port->chunks++;
  spin_unlock_irqrestore(&port->tx_lock, flags);
  ehci_dbgp_poll(port);
}

static spinlock_t tasklet_lock;

static void tasklet_work(void)
{
  spin_lock(&stats_lock);
  stats++;
  spin_unlock(&stats_lock);
}

static void do_tasklet_work(void)
{
  spin_unlock_irq(&tasklet_lock);
  tasklet_work();
  spin_lock_irq(&tasklet_lock);
}

void do_tasklet(void)
{
  spin_lock_irq(&tasklet_lock);
  do_tasklet_work();
  spin_unlock_irq(&tasklet_lock);
}
