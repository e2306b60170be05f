//===- WakeupDetector.cpp - Lost wake-ups ---------------------------------===//
//
// A sleeper in wait_event* whose condition is true although no wake-up of
// its queue came since it became true has lost its wake-up: in the kernel
// it would sleep on (until a timeout, or forever).  The shim's sleepers
// re-check their condition now and then (polls in real time, probes at
// quiescence when exploring) and call here when it is true unwoken for the
// grace period, or when nothing else can run any more.
//
//===----------------------------------------------------------------------===//
#include "Config.h"
#include "Detectors.h"

namespace lockwise::rt::wakeup {

bool wait(Task &T, const events::WaitOp &W) {
  if (W.Phase != events::WaitPhase::ConditionUnwoken)
    return true;
  wait_queue_head *Q = W.Queue;
  std::string Queue = className(classOf(Q));

  pthread_mutex_lock(&Q->impl);
  void *Waker = Q->waker;
  const void *WakerSite = Q->waker_ip;
  pthread_mutex_unlock(&Q->impl);
  std::string WakerName = Waker ? taskOf(Waker)->Name : "";

  Finding F;
  F.Check = "lost-wakeup";
  F.Sev = Severity::Error;
  F.Message = "task " + T.Name + " sleeps on '" + Queue +
              "' although its condition is true: no wake-up of the queue came "
              "after the condition became true" +
              (W.Definitive ? " (and no other task can run)" : "");
  F.Locks = {Queue};
  std::vector<Frame> Sleeper = symbolize(captureStack(W.Site));
  std::vector<Frame> LastWake = symbolize(siteStack(WakerSite));
  locateAt(F, Sleeper);
  appendFrames(F, Sleeper, "sleeper " + T.Name);
  if (Waker)
    appendFrames(F, LastWake, "last wake-up of " + Queue + " by " + WakerName);

  std::string Text = "\n==================================================\n"
                     "WARNING: lost wake-up detected\n"
                     "--------------------------------------------------\n";
  Text += "task " + T.Name + " sleeps on wait queue (" + Queue +
          ") though its condition is true and no wake-up came:\n";
  appendFrames(Text, Sleeper);
  if (Waker) {
    Text += "\nthe last wake-up of (" + Queue + ") was by task " + WakerName +
            " at:\n";
    appendFrames(Text, LastWake);
  } else {
    Text += "\nthe queue was never woken.\n";
  }
  Text += "\nwaking the task so that the program goes on.\n\n";
  std::string Key = "lost-wakeup|" + Queue + "|" +
                    (Sleeper.empty() ? "" : Sleeper.front().Function);
  report(Key, std::move(F), Text);
  return true;
}

} // namespace lockwise::rt::wakeup
