/*
 * Fixture for the lockwise report tests: a shortened p2m-pod.c as it reads
 * after "[PATCH 3/5] Rework locking in the PoD layer".  Not the Xen file.
 */
#include <xen/mm.h>
#include <asm/p2m.h>
#include "mm-locks.h"

static void p2m_pod_zero_gfn(struct p2m_domain *p2m, gfn_t gfn);

/* Takes a page from the PoD cache; the caller holds the p2m lock. */
static struct page_info *p2m_pod_cache_get(struct p2m_domain *p2m,
                                           unsigned int order)
{
    struct domain *d = p2m->domain;
    struct page_info *p = NULL;

    spin_lock(&d->page_alloc_lock);
    pod_lock(p2m);
    if ( page_list_empty(&p2m->pod.super) )
        goto out;
    p = page_list_remove_head(&p2m->pod.super);
    p2m->pod.count -= 1 << order;
 out:
    pod_unlock(p2m);
    spin_unlock(&d->page_alloc_lock);
    return p;
}

int p2m_pod_empty_cache(struct domain *d)
{
    struct p2m_domain *p2m = p2m_get_hostp2m(d);
    struct page_info *page;

    pod_lock(p2m);
    while ( (page = page_list_remove_head(&p2m->pod.super)) )
    {
        if ( !page_is_ram(page) )
        {
            pod_unlock(p2m);
            goto fail;
        }
        free_domheap_page(page);
    }
    pod_unlock(p2m);
    return 0;

 fail:
    pod_unlock(p2m);
    return -EINVAL;
}

static void p2m_pod_zero_check(struct p2m_domain *p2m, const gfn_t *gfns,
                               unsigned int count)
{
    unsigned int i;

    pod_lock(p2m);
    for ( i = 0; i < count; i++ )
        p2m_pod_zero_gfn(p2m, gfns[i]);
    pod_unlock(p2m);
}

static void p2m_pod_zero_gfn(struct p2m_domain *p2m, gfn_t gfn)
{
    void *map = map_domain_page(gfn_to_mfn(p2m, gfn));

    clear_page(map);
    unmap_domain_page(map);
    flush_tlb_mask(p2m->domain->dirty_cpumask);
}

int p2m_pod_set_mem_target(struct domain *d, unsigned long target)
{
    struct p2m_domain *p2m = p2m_get_hostp2m(d);

    pod_lock(p2m);
    if ( p2m->pod.entry_count > target )
        return -EBUSY;
    p2m->pod.target = target;
    pod_unlock(p2m);
    return 0;
}
