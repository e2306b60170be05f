// unguarded-access with an inferred guard, in a review: Linux 6.1
// drivers/xen/events/events_base.c, the reasons an event channel is masked
// for (25da4618af24).  Every update of mask_reason holds the irq_info's
// lock, but one: the initialisation of an irq_info that is already
// reachable.  Four of five accesses is too little for a finding in the
// whole program (the exception would stand beside the discipline), so
// this file has none; a patch that drops the lock from do_unmask() breaks
// the discipline the tree keeps, and review reports it
// (analyzer/tests/review.cmake, testdata/patches/unmask-without-lock.patch).
// The CPU an event is bound to is written in one place, under the lock,
// and read anywhere without it: no belief, but a patch that drops the lock
// from that write is reported all the same, because the write held it
// before (testdata/patches/affinity-without-lock.patch).
#include "linux-mini.h"
// expected-no-diagnostics

struct irq_info {
  spinlock_t lock;
  unsigned char mask_reason;
  unsigned evtchn;
  unsigned cpu;
};

void mask_evtchn(unsigned port);
void unmask_evtchn(unsigned port);

void info_setup(struct irq_info *info, unsigned evtchn)
{
  info->evtchn = evtchn;
  info->mask_reason = 1;
}

void do_mask(struct irq_info *info, unsigned char reason)
{
  spin_lock(&info->lock);
  if (!info->mask_reason)
    mask_evtchn(info->evtchn);
  info->mask_reason |= reason;
  spin_unlock(&info->lock);
}

void do_unmask(struct irq_info *info, unsigned char reason)
{
  spin_lock(&info->lock);
  info->mask_reason &= ~reason;
  if (!info->mask_reason)
    unmask_evtchn(info->evtchn);
  spin_unlock(&info->lock);
}

void bind_to_cpu(struct irq_info *info, unsigned cpu)
{
  spin_lock(&info->lock);
  info->cpu = cpu;
  spin_unlock(&info->lock);
}

unsigned irq_cpu(struct irq_info *info)
{
  return info->cpu;
}

int irq_on_cpu(struct irq_info *info, unsigned cpu)
{
  return info->cpu == cpu;
}
