//===- OrderDetector.cpp - Lock order, hierarchies, double lock/unlock ----===//
//
// As lockdep: every acquisition adds an edge from each held lock's class to
// the new class; a new edge that closes a cycle is reported at once
// (order-cycle), whether or not a deadlock happened, and a new edge that
// goes against a declared hierarchy or a Xen mm-lock level is an
// order-inversion.  Trylocks add no edge; re-entering a recursive lock is
// no event.
//
//===----------------------------------------------------------------------===//
#include "Config.h"
#include "Detectors.h"
#include "Hierarchy.h"
#include "OrderGraph.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>

namespace lockwise::rt::order {
namespace {

using events::LockOp;

struct Witness {
  const void *HeldSite = nullptr;
  Stack Acquire;
  std::string Task;
};

struct State {
  std::mutex Mu;
  OrderGraph Graph;
  std::map<std::pair<ClassId, ClassId>, Witness> Witnesses;
  HierarchySet Hierarchies;
};

[[gnu::always_inline]] inline State &state() {
  static State *S = new State; // Read by the exit handler.
  return *S;
}

/// The class cached in the lock, resolved by name on first use.
[[gnu::always_inline]] inline ClassId lockClass(lw_lock *L) {
  ClassId C = __atomic_load_n(&L->cls, __ATOMIC_ACQUIRE);
  return C != NoClass ? C : classOf(L);
}

std::string quoted(ClassId C) { return "'" + className(C) + "'"; }

const HeldLock *findHeld(const Task &T, const lw_lock *L) {
  for (unsigned I = T.Depth; I-- > 0;)
    if (T.Held[I].Lock == L)
      return &T.Held[I];
  return nullptr;
}

std::vector<Frame> siteFrames(const void *Site) {
  return symbolize(siteStack(Site));
}

/// The held lock's own line, then the stack of the new acquisition.
std::vector<Frame> witnessFrames(const Witness &W) {
  std::vector<Frame> Frames = siteFrames(W.HeldSite);
  for (const Frame &F : symbolize(W.Acquire))
    Frames.push_back(F);
  return Frames;
}

std::string header(const std::string &Title) {
  std::string Rule(Title.size() + 9, '-');
  return "\n" + std::string(Rule.size(), '=') + "\nWARNING: " + Title + "\n" +
         Rule + "\n";
}

void reportCycle(Task &T, const HeldLock &Held, ClassId New,
                 const std::vector<ClassId> &Path, const Stack &Here) {
  State &S = state();
  // Path is New -> ... -> Held; the new edge Held -> New closes it.
  std::vector<ClassId> Cycle = Path;
  std::vector<std::string> Names;
  for (ClassId C : Cycle)
    Names.push_back(className(C));
  std::vector<std::string> Sorted = Names;
  std::rotate(Sorted.begin(), std::min_element(Sorted.begin(), Sorted.end()),
              Sorted.end());
  std::string Key = "order-cycle";
  for (const std::string &N : Sorted)
    Key += "|" + N;

  std::string Chain;
  for (ClassId C : Cycle)
    Chain += className(C) + " --> ";
  Chain += className(New);

  Finding F;
  F.Check = "order-cycle";
  F.Message = "possible circular locking dependency: task " + T.Name +
              " acquires " + quoted(New) + " while holding " +
              quoted(Held.Class) + ", but " + quoted(Held.Class) +
              " is already acquired after " + quoted(New) + " (" + Chain + ")";
  F.Locks.push_back(className(Held.Class));
  for (ClassId C : Cycle)
    if (C != Held.Class)
      F.Locks.push_back(className(C));

  std::vector<Frame> NewFrames = symbolize(Here);
  std::vector<Frame> HeldFrames = siteFrames(Held.Site);
  locateAt(F, NewFrames);
  appendFrames(F, NewFrames, "acquires " + className(New));
  appendFrames(F, HeldFrames, "while holding " + className(Held.Class));

  std::string Text = header("possible circular locking dependency detected");
  Text += "task " + T.Name + " is trying to acquire lock:\n  (" +
          className(New) + ") at:\n";
  appendFrames(Text, NewFrames);
  Text += "\nbut task is already holding lock:\n  (" + className(Held.Class) +
          ") at:\n";
  appendFrames(Text, HeldFrames);
  Text += "\nwhich lock already depends on the new lock.\n\n"
          "the existing dependency chain (in reverse order) is:\n";
  for (size_t I = Cycle.size() - 1; I > 0; --I) {
    ClassId From = Cycle[I - 1], To = Cycle[I];
    const Witness &W = S.Witnesses.at({From, To});
    std::vector<Frame> Frames = witnessFrames(W);
    Text += "\n-> #" + std::to_string(I) + " (" + className(To) +
            "), taken after (" + className(From) + ") by task " + W.Task +
            ":\n";
    appendFrames(Text, Frames);
    appendFrames(F, Frames,
                 "edge " + className(From) + " -> " + className(To) +
                     " (task " + W.Task + ")");
  }
  Text += "\nChain exists of:\n  " + Chain + "\n";
  if (Cycle.size() == 2) {
    std::string A = className(Held.Class), B = className(New);
    Text += "\n Possible unsafe locking scenario:\n\n"
            "       CPU0                    CPU1\n"
            "       ----                    ----\n"
            "  lock(" + A + ");\n"
            "                               lock(" + B + ");\n"
            "                               lock(" + A + ");\n"
            "  lock(" + B + ");\n\n *** DEADLOCK ***\n";
  }
  Text += "\n";
  report(Key, std::move(F), Text);
}

void reportInversion(Task &T, ClassId HeldClass, const void *HeldSite,
                     ClassId New, const Stack &Here, const std::string &Why,
                     const std::string &Rule) {
  Finding F;
  F.Check = "order-inversion";
  F.Message = "task " + T.Name + " acquires " + quoted(New) +
              " while holding " + quoted(HeldClass) + ": " + Why;
  F.Locks = {className(HeldClass), className(New)};
  std::vector<Frame> NewFrames = symbolize(Here);
  std::vector<Frame> HeldFrames = siteFrames(HeldSite);
  locateAt(F, NewFrames);
  appendFrames(F, NewFrames, "acquires " + className(New));
  appendFrames(F, HeldFrames, "while holding " + className(HeldClass));
  if (!Rule.empty())
    F.Trace.push_back({"", 0, 0, "declared order: " + Rule});

  std::string Text = header("lock order inversion detected");
  Text += "task " + T.Name + " is trying to acquire lock:\n  (" +
          className(New) + ") at:\n";
  appendFrames(Text, NewFrames);
  Text += "\nwhile holding lock:\n  (" + className(HeldClass) + ") at:\n";
  appendFrames(Text, HeldFrames);
  Text += "\n" + Why + "\n\n";
  report("order-inversion|" + className(HeldClass) + "|" + className(New),
         std::move(F), Text);
}

void checkHierarchy(State &S, Task &T, const HeldLock &Held, ClassId New,
                    const Stack &Here) {
  auto V = S.Hierarchies.check(className(Held.Class), className(New));
  if (!V)
    return;
  std::string Order;
  for (const std::string &C : V->Order)
    Order += (Order.empty() ? "" : " > ") + C;
  std::string Rule = "hierarchy '" + V->Hierarchy + "'" +
                     (V->Where.empty() ? "" : " (" + V->Where + ")") + ": " +
                     Order;
  reportInversion(T, Held.Class, Held.Site, New, Here,
                  "the declared " + Rule + " puts " + quoted(New) +
                      " outside " + quoted(Held.Class),
                  Rule);
}

void addEdge(Task &T, const HeldLock &Held, ClassId New, const LockOp &Op) {
  State &S = state();
  std::lock_guard<std::mutex> G(S.Mu);
  if (S.Graph.hasEdge(Held.Class, New))
    return;
  Stack Here = captureStack(Op.Site);
  S.Witnesses[{Held.Class, New}] = Witness{Held.Site, Here, T.Name};
  std::vector<ClassId> Path = S.Graph.addEdge(Held.Class, New);
  checkHierarchy(S, T, Held, New, Here);
  if (!Path.empty())
    reportCycle(T, Held, New, Path, Here);
}

/// Xen's _check_lock_level: the task's mm level must not exceed the new
/// lock's level, unless the lock is re-entered recursively.
void checkLevel(Task &T, const LockOp &Op, ClassId New) {
  if (Op.Level < 0 || T.MmLevel <= Op.Level)
    return;
  const HeldLock *Reentered = findHeld(T, Op.Lock);
  if (Reentered && Op.Recursive)
    return;
  const HeldLock *Top = nullptr;
  for (unsigned I = 0; I < T.Depth; ++I)
    if (T.Held[I].Lock->level == T.MmLevel)
      Top = &T.Held[I];
  if (!Top)
    return;
  reportInversion(T, Top->Class, Top->Site, New, captureStack(Op.Site),
                  "mm locking order violation: " + std::to_string(T.MmLevel) +
                      " > " + std::to_string(Op.Level),
                  "");
}

void reportDoubleLock(Task &T, const HeldLock &Held, const LockOp &Op) {
  Finding F;
  F.Check = "double-lock";
  F.Sev = Severity::Error;
  F.Message = "task " + T.Name + " acquires " + quoted(Held.Class) +
              ", which it already holds (self-deadlock)";
  F.Locks = {className(Held.Class)};
  std::vector<Frame> Frames = symbolize(captureStack(Op.Site));
  std::vector<Frame> HeldFrames = siteFrames(Held.Site);
  locateAt(F, Frames);
  appendFrames(F, Frames, "acquires again");
  appendFrames(F, HeldFrames, "first acquired");
  std::string Text = header("possible recursive locking detected");
  Text += "task " + T.Name + " is trying to acquire lock:\n  (" +
          className(Held.Class) + ") at:\n";
  appendFrames(Text, Frames);
  Text += "\nbut task is already holding lock:\n  (" + className(Held.Class) +
          ") at:\n";
  appendFrames(Text, HeldFrames);
  Text += "\n *** DEADLOCK ***\n\n";
  std::string Key = "double-lock|" + className(Held.Class) + "|" +
                    (Frames.empty() ? "" : Frames.front().Function);
  report(Key, std::move(F), Text);
}

void reportBadUnlock(Task &T, const LockOp &Op, const std::string &Holder) {
  ClassId C = classOf(Op.Lock);
  Finding F;
  F.Check = "double-unlock";
  F.Sev = Severity::Error;
  F.Message = "task " + T.Name + " releases " + quoted(C) +
              (Holder.empty() ? ", which is not held"
                              : ", which is held by task " + Holder);
  F.Locks = {className(C)};
  std::vector<Frame> Frames = symbolize(captureStack(Op.Site));
  locateAt(F, Frames);
  appendFrames(F, Frames, "releases");
  std::string Text = header("bad unlock balance detected");
  Text += "task " + T.Name + " is trying to release lock (" + className(C) +
          ") at:\n";
  appendFrames(Text, Frames);
  Text += Holder.empty() ? "but there are no more locks to release!\n\n"
                         : "but it is held by task " + Holder + "\n\n";
  std::string Key = "double-unlock|" + className(C) + "|" +
                    (Frames.empty() ? "" : Frames.front().Function);
  report(Key, std::move(F), Text);
}

} // namespace

/// Zero-initialised, so the lock path needs no guard to reach it.
constinit std::atomic<uint8_t> Seen[MaxClasses] = {};

void onInit(lw_lock *L) { classOf(L); }

bool beforeLock(Task &T, const LockOp &Op) {
  ClassId New = lockClass(Op.Lock);
  if (New == NoClass)
    return true; // Out of classes: lockdep turns itself off too.
  if (Op.Level >= 0)
    checkLevel(T, Op, New);
  if (T.Depth == 0) // Nothing held: no edge, no re-entry.
    return true;
  if (const HeldLock *Held = findHeld(T, Op.Lock)) {
    // Re-entry: fine when recursive, or a reader joining readers of a
    // reader/writer lock; a trylock simply fails.
    if (Op.Recursive || Op.Try || (Op.Shared && Held->Shared))
      return true;
    reportDoubleLock(T, *Held, Op);
    return false;
  }
  if (Op.Try)
    return true;
  // The graph's bit matrix is the table of known edges: one lock-free load
  // per held lock, and the graph's mutex only for an edge never seen.
  const OrderGraph &Graph = state().Graph;
  for (unsigned I = 0; I < T.Depth; ++I) {
    const HeldLock &Held = T.Held[I];
    if (Held.Class != New && Held.Class != NoClass &&
        !Graph.hasEdge(Held.Class, New)) [[unlikely]]
      addEdge(T, Held, New, Op);
  }
  return true;
}

void afterLock(Task &T, const LockOp &Op) {
  ClassId C = lockClass(Op.Lock);
  if (!Seen[C].load(std::memory_order_relaxed)) [[unlikely]]
    Seen[C].store(1, std::memory_order_relaxed);
  if (T.Depth == Task::MaxHeld) [[unlikely]] {
    static std::once_flag Once;
    std::call_once(Once, [] {
      std::fprintf(stderr, "lockwise: more than %u locks held; not tracking\n",
                   Task::MaxHeld);
    });
    return;
  }
  T.Held[T.Depth++] = HeldLock{Op.Lock, C, Op.Site, Op.Try, Op.Shared};
}

bool beforeUnlock(Task &T, const LockOp &Op) {
  for (unsigned I = T.Depth; I-- > 0;) {
    if (T.Held[I].Lock != Op.Lock || T.Held[I].Shared != Op.Shared)
      continue;
    std::copy(T.Held + I + 1, T.Held + T.Depth, T.Held + I);
    --T.Depth;
    return true;
  }
  void *Owner = __atomic_load_n(&Op.Lock->owner, __ATOMIC_RELAXED);
  if (Owner && Owner != &T) {
    reportBadUnlock(T, Op, taskOf(Owner)->Name);
    return true; // Let it go through, as the kernel would.
  }
  reportBadUnlock(T, Op, "");
  return false;
}

std::vector<ObservedEdge> observedEdges() {
  State &S = state();
  std::lock_guard<std::mutex> G(S.Mu);
  std::vector<ObservedEdge> Edges;
  for (auto [From, To] : S.Graph.edges())
    Edges.push_back({className(From), className(To),
                     witnessFrames(S.Witnesses.at({From, To}))});
  std::sort(Edges.begin(), Edges.end(),
            [](const ObservedEdge &A, const ObservedEdge &B) {
              return std::tie(A.From, A.To) < std::tie(B.From, B.To);
            });
  return Edges;
}

std::vector<std::string> observedLocks() {
  std::vector<std::string> Names;
  for (ClassId C = 1; C < MaxClasses; ++C)
    if (Seen[C].load(std::memory_order_relaxed))
      Names.push_back(className(C));
  std::sort(Names.begin(), Names.end());
  return Names;
}

void loadConfiguredRules() {
  const Config &C = config();
  State &S = state();
  std::string Error;
  std::lock_guard<std::mutex> G(S.Mu);
  if (!loadRuleFiles(C.RuleFiles, S.Hierarchies, Error))
    std::fprintf(stderr, "lockwise: LOCKWISE_RULES: %s\n", Error.c_str());
}

void declareOrder(const std::string &Name, std::vector<std::string> Classes) {
  State &S = state();
  std::lock_guard<std::mutex> G(S.Mu);
  S.Hierarchies.add(Name, std::move(Classes));
}

} // namespace lockwise::rt::order
