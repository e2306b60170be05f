//===- DebugDump.cpp - Developer dumps of summaries and states ------------===//
#include "engine/DebugDump.h"

namespace lockwise::dataflow {

namespace {
void printWhen(llvm::raw_ostream &OS, const ParamConditions &When) {
  for (const ParamCondition &C : When)
    if (!C.CarriedKey.empty())
      OS << " $" << C.Param << " may carry " << C.CarriedTarget.str() << " in "
         << C.CarriedKey.str();
    else
      OS << " $" << C.Param << (C.Mask ? "&mask" : "")
         << (C.Field.empty() ? "" : "->") << C.Field.str()
         << (C.NonZero ? "!=0" : "==0");
  OS << "\n";
}
} // namespace

void dumpSummary(llvm::raw_ostream &OS, const std::string &Key,
                 const Summary &Out, const std::set<std::string> &Releases) {
  for (const Outcome &O : Out.Outcomes) {
    OS << Key << " outcome: acquired";
    for (const HeldOnReturn &H : O.Acquired)
      OS << " " << H.Lock.str() << (H.Maybe ? "(maybe)" : "")
         << " owner=" << (int)H.Owner;
    OS << "; released";
    for (const LockKey &L : O.Released)
      OS << " " << L.str();
    OS << "; returns " << O.Returns << "; when";
    printWhen(OS, O.When);
  }
  for (const SummaryAcquire &Acq : Out.Acquires) {
    OS << Key << " acquires " << Acq.Lock.str() << " owner=" << (int)Acq.Owner
       << " when";
    printWhen(OS, Acq.When);
    for (const WitnessStep &W : Acq.Witness)
      OS << "    " << W.Loc.File << ":" << W.Loc.Line << " " << W.Message.str()
         << "\n";
  }
  for (const DeferredEdge &D : Out.Deferred)
    OS << Key << " deferred " << D.From.str() << "(" << (int)D.FromOwner
       << ") -> " << D.To.str() << "(" << (int)D.ToOwner << ")\n";
  for (const std::string &R : Releases)
    OS << Key << " entry-release: " << R << "\n";
}

void dumpStates(llvm::raw_ostream &OS, const char *Where, const Block &B,
                const std::vector<PathState> &States) {
  OS << Where << " " << B.Id << " (line "
     << (B.Events.empty() ? 0 : B.Events.front().Loc.Line) << "), "
     << States.size() << " states:\n";
  for (const PathState &S : States) {
    OS << "  [" << S.signature() << "] returns " << S.ReturnValue << ";";
    for (const FactValue &Fv : S.Facts)
      OS << " " << (Fv.Value ? "" : "!") << Fv.Key.str();
    for (auto [Id, Value] : S.Results)
      OS << " call#" << Id << "=" << Value;
    OS << "\n";
  }
}

} // namespace lockwise::dataflow
