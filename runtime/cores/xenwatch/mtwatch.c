/*===- mtwatch.c - Xenwatch multithreading: one thread per domain ---------===*
 *
 * After Dongli Zhang's series (seeds 000, 001).  A domain's thread exists
 * while backend devices of the domain exist (a reference count).  Domains
 * are on a hash (to find them by domid) and on domain_list (so that
 * unregistering a watch can drop its pending events everywhere); retired
 * domains wait on purge_list until their thread has drained its events.
 * Callbacks run without any lock, so a stuck one stalls only its domain.
 *
 *===----------------------------------------------------------------------===*/
#include "xenwatch.h"

#include <stdlib.h>

#define MTWATCH_HASH_SIZE 8

int mtw_bug_keep_on_list;
int mtw_bug_unregister_list_only;

enum { MTWATCH_DOMAIN_UP, MTWATCH_DOMAIN_DOWN };

struct mtwatch_domain {
  int domid;
  int refcnt; /* under domain_lock */
  int state;  /* READ_ONCE/WRITE_ONCE */
  struct task_struct *task;
  spinlock_t events_lock;
  struct list_head events;
  wait_queue_head_t events_wq;
  struct xenbus_watch *running; /* whose callback runs, under events_lock */
  wait_queue_head_t idle_wq;    /* woken when running goes back to NULL */
  struct list_head hash_node;
  struct list_head list_node;
  struct list_head purge_node;
};

static struct mtwatch_info {
  spinlock_t domain_lock;
  struct list_head domain_hash[MTWATCH_HASH_SIZE];
  struct list_head domain_list;
  spinlock_t purge_lock;
  struct list_head purge_list;
} mtwatch_info;

static struct mtwatch_domain *hash_find(int domid) {
  struct mtwatch_domain *d;
  list_for_each_entry(d, &mtwatch_info.domain_hash[domid % MTWATCH_HASH_SIZE],
                      hash_node) {
    if (d->domid == domid)
      return d;
  }
  return NULL;
}

static void retire(struct mtwatch_domain *d) {
  spin_lock(&mtwatch_info.purge_lock);
  list_add_tail(&d->purge_node, &mtwatch_info.purge_list);
  spin_unlock(&mtwatch_info.purge_lock);
}

static int mtwatch_thread(void *arg) {
  struct mtwatch_domain *d = arg;
  for (;;) {
    wait_event(d->events_wq, !list_empty(&d->events) ||
                                 READ_ONCE(d->state) == MTWATCH_DOMAIN_DOWN);
    struct xs_watch_event *event = NULL;
    spin_lock(&d->events_lock);
    if (!list_empty(&d->events)) {
      event = list_first_entry(&d->events, struct xs_watch_event, list);
      list_del(&event->list);
      WRITE_ONCE(d->running, event->handle);
    }
    spin_unlock(&d->events_lock);
    if (!event)
      break; /* down, and every event processed */
    run_watch_event(event);
    spin_lock(&d->events_lock);
    WRITE_ONCE(d->running, NULL);
    spin_unlock(&d->events_lock);
    wake_up(&d->idle_wq);
  }
  if (mtw_bug_keep_on_list) {
    /* The old design: off domain_list only now that the events are done. */
    spin_lock(&mtwatch_info.domain_lock);
    list_del(&d->list_node);
    spin_unlock(&mtwatch_info.domain_lock);
    retire(d);
  }
  return 0;
}

static void mt_start(void) {
  spin_lock_init(&mtwatch_info.domain_lock);
  lockwise_set_class(&mtwatch_info.domain_lock, "mtwatch_info.domain_lock");
  spin_lock_init(&mtwatch_info.purge_lock);
  lockwise_set_class(&mtwatch_info.purge_lock, "mtwatch_info.purge_lock");
  for (int i = 0; i < MTWATCH_HASH_SIZE; ++i)
    INIT_LIST_HEAD(&mtwatch_info.domain_hash[i]);
  INIT_LIST_HEAD(&mtwatch_info.domain_list);
  INIT_LIST_HEAD(&mtwatch_info.purge_list);
}

static void mt_domain_get(int domid) {
  spin_lock(&mtwatch_info.domain_lock);
  struct mtwatch_domain *d = hash_find(domid);
  if (d) {
    d->refcnt++;
    spin_unlock(&mtwatch_info.domain_lock);
    return;
  }
  spin_unlock(&mtwatch_info.domain_lock);

  struct mtwatch_domain *nd = calloc(1, sizeof(*nd));
  nd->domid = domid;
  nd->refcnt = 1;
  spin_lock_init(&nd->events_lock);
  lockwise_set_class(&nd->events_lock, "mtwatch_domain.events_lock");
  INIT_LIST_HEAD(&nd->events);
  init_waitqueue_head(&nd->events_wq);
  lockwise_set_queue_class(&nd->events_wq, "mtwatch_domain.events_wq");
  init_waitqueue_head(&nd->idle_wq);
  lockwise_set_queue_class(&nd->idle_wq, "mtwatch_domain.idle_wq");

  spin_lock(&mtwatch_info.domain_lock);
  d = hash_find(domid);
  if (d) {
    d->refcnt++;
    spin_unlock(&mtwatch_info.domain_lock);
    free(nd);
    return;
  }
  struct mtwatch_domain *e;
  list_for_each_entry(e, &mtwatch_info.domain_list, list_node) {
    WARN(e->domid == domid,
         "a second mtwatch_domain for domid %d goes on domain_list while the "
         "retiring one is still there",
         domid);
  }
  list_add_tail(&nd->hash_node,
                &mtwatch_info.domain_hash[domid % MTWATCH_HASH_SIZE]);
  list_add_tail(&nd->list_node, &mtwatch_info.domain_list);
  spin_unlock(&mtwatch_info.domain_lock);
  nd->task = kthread_run(mtwatch_thread, nd, "xen-mtwatch-%d", domid);
}

static void mt_domain_put(int domid) {
  spin_lock(&mtwatch_info.domain_lock);
  struct mtwatch_domain *d = hash_find(domid);
  if (!d || --d->refcnt > 0) {
    spin_unlock(&mtwatch_info.domain_lock);
    return;
  }
  WRITE_ONCE(d->state, MTWATCH_DOMAIN_DOWN);
  list_del(&d->hash_node);
  if (!mtw_bug_keep_on_list) {
    /* Off domain_list at once: no two entries for a domid there, ever. */
    list_del(&d->list_node);
    retire(d);
  }
  spin_unlock(&mtwatch_info.domain_lock);
  wake_up(&d->events_wq);
}

static void mt_fire(struct xenbus_watch *watch, const char *path) {
  spin_lock(&mtwatch_info.domain_lock);
  struct mtwatch_domain *d = hash_find(watch->domid);
  if (d) {
    struct xs_watch_event *event = alloc_watch_event(watch, path);
    spin_lock(&d->events_lock);
    list_add_tail(&event->list, &d->events);
    spin_unlock(&d->events_lock);
  }
  spin_unlock(&mtwatch_info.domain_lock);
  if (d)
    wake_up(&d->events_wq);
}

static void drop_events(struct mtwatch_domain *d, struct xenbus_watch *watch) {
  struct xs_watch_event *event, *next;
  spin_lock(&d->events_lock);
  list_for_each_entry_safe(event, next, &d->events, list) {
    if (event->handle != watch)
      continue;
    list_del(&event->list);
    free(event);
  }
  spin_unlock(&d->events_lock);
}

/* A domain whose thread runs watch's callback now, or NULL. */
static struct mtwatch_domain *running(struct list_head *head, size_t off,
                                      struct xenbus_watch *watch) {
  for (struct list_head *n = head->next; n != head; n = n->next) {
    struct mtwatch_domain *d = (struct mtwatch_domain *)((char *)n - off);
    if (READ_ONCE(d->running) == watch)
      return d;
  }
  return NULL;
}

static void mt_unregister(struct xenbus_watch *watch) {
  struct mtwatch_domain *d;
  spin_lock(&mtwatch_info.domain_lock);
  list_for_each_entry(d, &mtwatch_info.domain_list, list_node)
    drop_events(d, watch);
  if (!mtw_bug_unregister_list_only) {
    spin_lock(&mtwatch_info.purge_lock);
    list_for_each_entry(d, &mtwatch_info.purge_list, purge_node)
      drop_events(d, watch);
    spin_unlock(&mtwatch_info.purge_lock);
  }
  spin_unlock(&mtwatch_info.domain_lock);

  /* Wait for a callback of this watch that is running now. */
  for (;;) {
    spin_lock(&mtwatch_info.domain_lock);
    spin_lock(&mtwatch_info.purge_lock);
    d = running(&mtwatch_info.domain_list,
                offsetof(struct mtwatch_domain, list_node), watch);
    if (!d)
      d = running(&mtwatch_info.purge_list,
                  offsetof(struct mtwatch_domain, purge_node), watch);
    spin_unlock(&mtwatch_info.purge_lock);
    spin_unlock(&mtwatch_info.domain_lock);
    if (!d)
      break;
    wait_event(d->idle_wq, READ_ONCE(d->running) != watch);
  }
  WRITE_ONCE(watch->unregistered, 1);
}

static void mt_stop(void) {
  /* Every domain still up goes down; then every thread is reaped. */
  for (;;) {
    spin_lock(&mtwatch_info.domain_lock);
    struct mtwatch_domain *d = NULL;
    for (int i = 0; i < MTWATCH_HASH_SIZE && !d; ++i)
      if (!list_empty(&mtwatch_info.domain_hash[i]))
        d = list_first_entry(&mtwatch_info.domain_hash[i],
                             struct mtwatch_domain, hash_node);
    if (d)
      d->refcnt = 1;
    spin_unlock(&mtwatch_info.domain_lock);
    if (!d)
      break;
    mt_domain_put(d->domid);
  }
  for (;;) {
    spin_lock(&mtwatch_info.domain_lock);
    struct mtwatch_domain *d = NULL;
    if (!list_empty(&mtwatch_info.domain_list))
      d = list_first_entry(&mtwatch_info.domain_list, struct mtwatch_domain,
                           list_node);
    spin_unlock(&mtwatch_info.domain_lock);
    if (!d)
      break;
    kthread_stop(d->task); /* it leaves domain_list as it exits */
  }
  for (;;) {
    spin_lock(&mtwatch_info.purge_lock);
    struct mtwatch_domain *d = NULL;
    if (!list_empty(&mtwatch_info.purge_list)) {
      d = list_first_entry(&mtwatch_info.purge_list, struct mtwatch_domain,
                           purge_node);
      list_del(&d->purge_node);
    }
    spin_unlock(&mtwatch_info.purge_lock);
    if (!d)
      break;
    kthread_stop(d->task);
    free(d);
  }
}

const struct watch_engine mtwatch_engine = {
    mt_start, mt_stop, mt_domain_get, mt_domain_put, mt_fire, mt_unregister};
