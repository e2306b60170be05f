//===- ShimThreads.cpp - kthread_run, kthread_stop, current ---------------===//
#include "Events.h"
#include "Sched.h"

#include <cstdarg>
#include <cstdio>

namespace lockwise::rt {

void wakeQueueQuietly(wait_queue_head_t *Q, const void *Site);

namespace {

void *trampoline(void *Arg) {
  Task &T = *static_cast<Task *>(Arg);
  adoptTask(T);
  sched::start(T);
  T.Result = T.Fn(T.Data);
  // Wake kthread_stop's caller, then give up the baton for good: no
  // scheduling point may come between the two.
  pthread_mutex_lock(&T.Exited.wait.impl);
  __atomic_store_n(&T.Exited.done, UINT32_MAX / 2, __ATOMIC_RELAXED);
  pthread_mutex_unlock(&T.Exited.wait.impl);
  wakeQueueQuietly(&T.Exited.wait, nullptr);
  sched::exit(T);
  return nullptr;
}

} // namespace
} // namespace lockwise::rt

using namespace lockwise::rt;

extern "C" {

struct task_struct *lw_kthread_run(int (*Fn)(void *), void *Data,
                                   const char *Fmt, ...) {
  Task &Parent = currentTask();
  char Name[64];
  va_list Args;
  va_start(Args, Fmt);
  std::vsnprintf(Name, sizeof(Name), Fmt, Args);
  va_end(Args);
  Task *T = newTask(Name);
  T->Fn = Fn;
  T->Data = Data;
  sched::adopt(*T, false);
  if (pthread_create(&T->Thread, nullptr, trampoline, T) != 0) {
    std::fprintf(stderr, "lockwise: cannot start kthread %s\n", Name);
    std::abort();
  }
  T->Joinable = true;
  char Short[16];
  std::snprintf(Short, sizeof(Short), "%s", Name);
  pthread_setname_np(T->Thread, Short);
  sched::point(Parent);
  return reinterpret_cast<struct task_struct *>(T);
}

int kthread_stop(struct task_struct *TS) {
  Task &T = *taskOf(TS);
  T.ShouldStop.store(true);
  wake_up_process(TS);
  wait_for_completion(&T.Exited);
  if (T.Joinable) {
    pthread_join(T.Thread, nullptr);
    T.Joinable = false;
  }
  return T.Result;
}

bool kthread_should_stop(void) { return currentTask().ShouldStop.load(); }

int wake_up_process(struct task_struct *TS) {
  Task &T = *taskOf(TS);
  T.Kicked.store(true);
  if (wait_queue_head *Q = T.SleepingOn.load()) {
    pthread_mutex_lock(&Q->impl);
    pthread_cond_broadcast(&Q->cond);
    pthread_mutex_unlock(&Q->impl);
  }
  sched::kick(T);
  return 1;
}

struct task_struct *lw_current(void) {
  return reinterpret_cast<struct task_struct *>(&currentTask());
}

const char *lw_task_name(struct task_struct *TS) {
  return taskOf(TS)->Name.c_str();
}

} // extern "C"
