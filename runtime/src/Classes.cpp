//===- Classes.cpp - Lock classes: interned names -------------------------===//
#define LOCKWISE_RUNTIME_INTERNAL
#include "Classes.h"

#include <lockwise/kernel.h>

#include <mutex>
#include <unordered_map>
#include <vector>

namespace lockwise::rt {
namespace {

struct Registry {
  std::mutex Mu;
  std::unordered_map<std::string, ClassId> Ids;
  std::vector<std::string> Names{"<none>"};
};

Registry &registry() {
  static Registry *R = new Registry; // Never destroyed: used at exit.
  return *R;
}

ClassId resolve(uint32_t *Cached, const char *Name) {
  ClassId Id = __atomic_load_n(Cached, __ATOMIC_ACQUIRE);
  if (Id != NoClass)
    return Id;
  Id = internClass(Name ? Name : "<unnamed>");
  __atomic_store_n(Cached, Id, __ATOMIC_RELEASE);
  return Id;
}

} // namespace

ClassId internClass(const std::string &Name) {
  Registry &R = registry();
  std::lock_guard<std::mutex> G(R.Mu);
  auto It = R.Ids.find(Name);
  if (It != R.Ids.end())
    return It->second;
  if (R.Names.size() >= MaxClasses)
    return NoClass;
  ClassId Id = ClassId(R.Names.size());
  R.Names.push_back(Name);
  R.Ids.emplace(Name, Id);
  return Id;
}

std::string className(ClassId Id) {
  Registry &R = registry();
  std::lock_guard<std::mutex> G(R.Mu);
  return Id < R.Names.size() ? R.Names[Id] : "<unknown>";
}

ClassId classOf(lw_lock *L) { return resolve(&L->cls, L->name); }
ClassId classOf(wait_queue_head *Q) { return resolve(&Q->cls, Q->name); }

} // namespace lockwise::rt
