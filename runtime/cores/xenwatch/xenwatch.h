/*===- xenwatch.h - xenwatch and mtwatch cores (seeds 000, 001) -*- C -*-===*
 *
 * Two ways to run xenstore watch callbacks: the single xenwatch thread that
 * runs every callback under xenwatch_mutex (xenwatch.c), and the
 * per-domain threads of xenwatch multithreading (mtwatch.c), with a domain
 * hash, a domain list and a purge list.
 *
 *===----------------------------------------------------------------------===*/
#ifndef LOCKWISE_CORES_XENWATCH_H
#define LOCKWISE_CORES_XENWATCH_H

#include "../common/klist.h"

struct xenbus_watch {
  const char *node;
  int domid; /* the frontend the watch is about */
  void (*callback)(struct xenbus_watch *watch, const char *path);
  int unregistered; /* set once unregister_xenbus_watch() has returned */
  void *data;
};

struct xs_watch_event {
  struct list_head list;
  struct xenbus_watch *handle;
  char path[64];
};

/* What the scenarios need from either design. */
struct watch_engine {
  void (*start)(void);
  void (*stop)(void);
  void (*domain_get)(int domid); /* a backend device for domid appears */
  void (*domain_put)(int domid); /* ... and goes */
  void (*fire)(struct xenbus_watch *watch, const char *path);
  void (*unregister)(struct xenbus_watch *watch);
};

extern const struct watch_engine xenwatch_engine;
extern const struct watch_engine mtwatch_engine;

/* mtwatch's two bugs, chosen by the scenario. */
extern int mtw_bug_keep_on_list;    /* retiring domain stays on domain_list */
extern int mtw_bug_unregister_list_only; /* unregister skips purge_list */

struct xs_watch_event *alloc_watch_event(struct xenbus_watch *watch,
                                         const char *path);
/* Runs an event's callback, checking it was not unregistered before. */
void run_watch_event(struct xs_watch_event *event);

#endif
