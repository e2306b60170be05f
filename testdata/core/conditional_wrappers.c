// Wrappers that acquire conditionally and say so in their return value:
// a try-lock wrapper (Xen's get_cpu_maps()), and a lookup that returns the
// object locked or NULL (Xen's domain_spin_lock_irq_desc()).  Callers that
// test the result are balanced; one that ignores the NULL case is not.
#include "xen-mini.h"

// expected-no-diagnostics

static spinlock_t cpu_add_remove_lock;
int _spin_trylock_recursive(spinlock_t *lock);

int get_cpu_maps(void)
{
  return _spin_trylock_recursive(&cpu_add_remove_lock);
}

void put_cpu_maps(void)
{
  spin_unlock_recursive(&cpu_add_remove_lock);
}

struct irq_desc {
  spinlock_t lock;
  int irq;
};
struct irq_desc *irq_to_desc(int irq);

struct irq_desc *lock_irq_desc(int irq)
{
  struct irq_desc *desc;
  if (irq <= 0)
    return NULL;
  desc = irq_to_desc(irq);
  spin_lock(&desc->lock);
  return desc;
}

int cpu_work(void)
{
  if (!get_cpu_maps())
    return -1;
  put_cpu_maps();
  return 0;
}

int irq_work(int irq)
{
  struct irq_desc *desc = lock_irq_desc(irq);
  if (!desc)
    return -1;
  desc->irq = irq;
  spin_unlock(&desc->lock);
  return 0;
}
