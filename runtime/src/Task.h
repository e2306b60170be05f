//===- Task.h - The runtime's record of a thread ---------------*- C++ -*-===//
//
// Every thread that uses the shim has a Task: its name, the locks it holds
// (lockdep's held_locks), what it is blocked on (for the stall watchdog),
// its kthread bookkeeping and its scheduler state in exploration mode.
// Tasks are never freed, so other threads may always look at them.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_RT_TASK_H
#define LOCKWISE_RT_TASK_H

#define LOCKWISE_RUNTIME_INTERNAL
#include <lockwise/kernel.h>

#include "Classes.h"
#include "Stack.h"

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

namespace lockwise::rt {

struct HeldLock {
  lw_lock *Lock = nullptr;
  ClassId Class = NoClass;
  const void *Site = nullptr; ///< return address of the locking call
  bool Try = false;
  bool Shared = false;
};

/// What a task is doing, as the stall watchdog sees it.
enum class Activity : uint8_t { Running, BlockedOnLock, Sleeping, Finished };

/// Scheduler state, used only in exploration mode (Sched.cpp).
enum class RunState : uint8_t { Runnable, BlockedOnLock, Sleeping, Finished };
enum class WakeReason : uint8_t { None, Woken, Timeout, Poll, Probe, Spurious };

struct Task {
  static constexpr unsigned MaxHeld = 48; // as lockdep's MAX_LOCK_DEPTH

  uint32_t Id = 0;
  std::string Name;

  // Owned by the thread itself while it runs.
  HeldLock Held[MaxHeld];
  unsigned Depth = 0;
  int MmLevel = 0;         ///< Xen's per-CPU mm_lock_level
  int64_t LongWaitAt = -1; ///< when the current sleep becomes long (real time)

  // What the task waits for; written by the task under StateMu, read by
  // the stall watchdog under StateMu.  Held[] is stable while not Running.
  std::mutex StateMu;
  Activity Doing = Activity::Running;
  const void *WaitObject = nullptr; ///< lw_lock* or wait_queue_head*
  lw_lock *WaitLock = nullptr;
  int64_t WaitSince = 0;          ///< runtime clock, ms
  Stack WaitStack;                ///< the call site, or the whole stack
  const void *WaitSite = nullptr; ///< return address of the waiting call
  bool StallReported = false;

  // kthread.
  int (*Fn)(void *) = nullptr;
  void *Data = nullptr;
  int Result = 0;
  pthread_t Thread{};
  bool Joinable = false;
  std::atomic<bool> ShouldStop{false};
  std::atomic<bool> Kicked{false};          ///< wake_up_process
  std::atomic<wait_queue_head *> SleepingOn{nullptr};
  struct completion Exited;

  // Exploration (Sched.cpp), guarded by the scheduler's mutex.
  RunState Run = RunState::Runnable;
  const void *BlockedOn = nullptr;
  int64_t Deadline = -1;
  WakeReason Reason = WakeReason::None;
  uint64_t Priority = 0;
  uint64_t ProbedEpoch = ~0ull;
  bool NoProbe = false;
  pthread_cond_t Turn = PTHREAD_COND_INITIALIZER;
};

/// The calling thread's task; null until the thread first uses the shim.
/// Initial-exec TLS: one load from the thread pointer, no __tls_get_addr.
extern constinit thread_local Task *CurrentTask
    __attribute__((tls_model("initial-exec")));
/// Creates the calling thread's task (first use by a thread).
Task &currentTaskSlow();
/// The calling thread's task, created on first use.  A thread has a task
/// only after ensureInit() ran, so the fast path is one TLS load.
inline Task &currentTask() {
  if (Task *T = CurrentTask) [[likely]]
    return *T;
  return currentTaskSlow();
}
/// Creates a task for a thread about to be started (kthread_run).
Task *newTask(const std::string &Name);
/// Binds the calling (new) thread to T.
void adoptTask(Task &T);
/// Every task created so far, in creation order.
std::vector<Task *> allTasks();

/// Set (release) once the configuration is read and the detectors started.
extern std::atomic<bool> Initialized;
void initOnce();
/// Reads the configuration and starts the detectors, once per process.
inline void ensureInit() {
  if (!Initialized.load(std::memory_order_acquire)) [[unlikely]]
    initOnce();
}

inline Task *taskOf(void *TaskStruct) { return static_cast<Task *>(TaskStruct); }

} // namespace lockwise::rt

#endif
