//===- Task.cpp - The runtime's record of a thread ------------------------===//
#include "Task.h"
#include "Sched.h"

#include <cstdio>

namespace lockwise::rt {
namespace {

struct TaskList {
  std::mutex Mu;
  std::vector<Task *> Tasks;
};

TaskList &taskList() {
  static TaskList *L = new TaskList; // Tasks outlive their threads.
  return *L;
}

} // namespace

constinit thread_local Task *CurrentTask = nullptr;

Task *newTask(const std::string &Name) {
  Task *T = new Task;
  T->Name = Name;
  lw_completion_init(&T->Exited, "kthread.exited");
  TaskList &L = taskList();
  std::lock_guard<std::mutex> G(L.Mu);
  T->Id = uint32_t(L.Tasks.size() + 1);
  L.Tasks.push_back(T);
  return T;
}

void adoptTask(Task &T) { CurrentTask = &T; }

Task &currentTaskSlow() {
  ensureInit();
  char Name[32];
  pthread_getname_np(pthread_self(), Name, sizeof(Name));
  Task *T = newTask(Name[0] ? Name : "thread");
  CurrentTask = T;
  sched::adopt(*T, true);
  return *T;
}

std::vector<Task *> allTasks() {
  TaskList &L = taskList();
  std::lock_guard<std::mutex> G(L.Mu);
  return L.Tasks;
}

} // namespace lockwise::rt
