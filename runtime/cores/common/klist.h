/*===- klist.h - The kernel's intrusive doubly linked list ---------*- C -*-===*
 *
 * Just what the cores use, written for them.  list_empty() reads with
 * READ_ONCE, as Linux's does, so lockless emptiness checks in wait
 * conditions are not data races.
 *
 *===----------------------------------------------------------------------===*/
#ifndef LOCKWISE_CORES_KLIST_H
#define LOCKWISE_CORES_KLIST_H

#include <lockwise/kernel.h>
#include <stddef.h>

struct list_head {
  struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(Name) { &(Name), &(Name) }
#define LIST_HEAD(Name) struct list_head Name = LIST_HEAD_INIT(Name)

#define container_of(Ptr, Type, Member)                                        \
  ((Type *)((char *)(Ptr)-offsetof(Type, Member)))
#define list_entry(Ptr, Type, Member) container_of(Ptr, Type, Member)
#define list_first_entry(Head, Type, Member) list_entry((Head)->next, Type, Member)

static inline void INIT_LIST_HEAD(struct list_head *h) {
  WRITE_ONCE(h->next, h);
  h->prev = h;
}

static inline void list_add_between(struct list_head *n, struct list_head *prev,
                                    struct list_head *next) {
  next->prev = n;
  n->next = next;
  n->prev = prev;
  WRITE_ONCE(prev->next, n);
}

static inline void list_add_tail(struct list_head *n, struct list_head *h) {
  list_add_between(n, h->prev, h);
}

static inline void list_del(struct list_head *e) {
  e->next->prev = e->prev;
  WRITE_ONCE(e->prev->next, e->next);
  e->next = e->prev = NULL;
}

static inline void list_del_init(struct list_head *e) {
  list_del(e);
  INIT_LIST_HEAD(e);
}

static inline int list_empty(const struct list_head *h) {
  return READ_ONCE(h->next) == h;
}

#define list_for_each_entry(Pos, Head, Member)                                 \
  for (Pos = list_entry((Head)->next, __typeof__(*Pos), Member);               \
       &Pos->Member != (Head);                                                 \
       Pos = list_entry(Pos->Member.next, __typeof__(*Pos), Member))

#define list_for_each_entry_safe(Pos, N, Head, Member)                         \
  for (Pos = list_entry((Head)->next, __typeof__(*Pos), Member),               \
      N = list_entry(Pos->Member.next, __typeof__(*Pos), Member);              \
       &Pos->Member != (Head);                                                 \
       Pos = N, N = list_entry(N->Member.next, __typeof__(*N), Member))

#endif
