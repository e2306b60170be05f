/*===- pod.h - Populate-on-Demand core (seed 004) ------------------*- C -*-===*
 *
 * Xen's PoD after the 2012 lock rework: p2m locks (here fine-grained, one
 * per range of gfns, all of class p2m_domain.lock, recursive), the pod
 * lock, and the domain's page_alloc_lock, ordered p2m > pod > page_alloc
 * by mm-lock levels as in mm-locks.h.
 *
 *===----------------------------------------------------------------------===*/
#ifndef LOCKWISE_CORES_POD_H
#define LOCKWISE_CORES_POD_H

#include <lockwise/kernel.h>

#define POD_GFNS 16
#define POD_GFNS_PER_LOCK 4

enum p2m_type { p2m_invalid, p2m_populate_on_demand, p2m_ram_rw };

struct domain {
  spinlock_t page_alloc_lock;
  int page_alloc_unlock_level;
  int tot_pages;
  int is_dying;
};

struct p2m_domain {
  struct domain *domain;
  mm_lock_t lock[POD_GFNS / POD_GFNS_PER_LOCK]; /* per gfn range */
  enum p2m_type type[POD_GFNS];
  int zeroed[POD_GFNS]; /* the guest never wrote the page */
  struct {
    mm_lock_t lock;
    int count;        /* pages in the PoD cache */
    int entry_count;  /* PoD entries in the p2m */
    int reclaim_single; /* where the last sweep stopped */
  } pod;
};

/* The two bugs, chosen by the scenario. */
extern int pod_bug_sweep_locks;   /* sweep takes p2m locks under pod lock */
extern int pod_bug_double_unlock; /* out_of_memory falls into out_fail */

void p2m_init(struct p2m_domain *p2m, struct domain *d, int cache_pages);
/* A guest access to gfn: populates a PoD entry; -1 when that fails. */
int p2m_guest_access(struct p2m_domain *p2m, int gfn, int writes);
/* The guest gives gfn back (decrease_reservation). */
void p2m_pod_decrease_reservation(struct p2m_domain *p2m, int gfn);
/* Marks gfn populate-on-demand again. */
void guest_physmap_mark_populate_on_demand(struct p2m_domain *p2m, int gfn);

#endif
