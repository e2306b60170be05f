//===- Report.cpp - Findings: text on stderr, JSON at exit ----------------===//
#include "Report.h"
#include "Config.h"

#include "lockwise/FindingJson.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

namespace lockwise::rt {
namespace {

// Ordered: keys come in the contract's order (docs/design.md), as the analyzer's
// json format writes them.
using Json = nlohmann::ordered_json;

struct Store {
  std::mutex Mu;
  std::set<std::string> Keys;
  std::vector<Finding> Findings;
};

Store &store() {
  static Store *S = new Store; // Read by the exit handler.
  return *S;
}

std::atomic<int> Pending{0};

} // namespace

PendingReport::PendingReport() { ++Pending; }
PendingReport::~PendingReport() { --Pending; }

void waitForPendingReports() {
  for (int I = 0; I < 500 && Pending.load() > 0; ++I)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

void locateAt(Finding &F, const std::vector<Frame> &Frames) {
  if (!F.Function.empty() || Frames.empty())
    return;
  F.Function = Frames.front().Function;
  F.File = Frames.front().File;
  F.Line = Frames.front().Line;
  F.Column = Frames.front().Column;
}

void appendFrames(Finding &F, const std::vector<Frame> &Frames,
                  const std::string &Label) {
  for (size_t I = 0; I < Frames.size(); ++I) {
    const Frame &Fr = Frames[I];
    std::string Msg = "#" + std::to_string(I) + " " + Fr.Function;
    if (I == 0 && !Label.empty())
      Msg = Label + ": " + Msg;
    F.Trace.push_back({Fr.File, Fr.Line, Fr.Column, Msg});
  }
}

void appendFrames(std::string &Text, const std::vector<Frame> &Frames) {
  for (size_t I = 0; I < Frames.size(); ++I)
    Text += "       #" + std::to_string(I) + " " + describe(Frames[I]) + "\n";
}

bool report(const std::string &Key, Finding F, const std::string &Text) {
  Store &S = store();
  std::lock_guard<std::mutex> G(S.Mu);
  if (!S.Keys.insert(Key).second)
    return false;
  S.Findings.push_back(std::move(F));
  if (!config().Quiet) {
    std::fputs(Text.c_str(), stderr);
    std::fflush(stderr);
  }
  return true;
}

unsigned findingCount() {
  Store &S = store();
  std::lock_guard<std::mutex> G(S.Mu);
  return unsigned(S.Findings.size());
}

bool writeJson(const std::string &Path, const std::vector<ObservedEdge> &Edges,
               const std::vector<std::string> &Locks, const RunInfo &Info) {
  try {
    std::vector<Finding> Findings;
    {
      Store &S = store();
      std::lock_guard<std::mutex> G(S.Mu);
      Findings = S.Findings;
    }
    // As the analyzer's writers do: fingerprints first (findingLess() breaks
    // its last ties on them), then one total order, so that the same findings
    // give the same file.  Nothing is dropped: lockwise_finding_count() and
    // this file must agree.
    for (Finding &F : Findings)
      F.Fingerprint = computeFingerprint(F);
    std::sort(Findings.begin(), Findings.end(), findingLess);
    Json J;
    J["tool"] = {{"name", "lockwise"}, {"version", LOCKWISE_VERSION_STRING}};
    J["findings"] = Json::array();
    for (const Finding &F : Findings)
      J["findings"].push_back(findingToJson(F));
    J["stats"] = {{"translation_units", 0}, {"failed", 0},
                  {"functions", 0},         {"seconds", Info.Seconds},
                  {"tasks", Info.Tasks},    {"lock_classes", Info.Classes},
                  {"seed", Info.Seed},      {"shake", Info.Shake},
                  {"schedule_steps", Info.Steps}};
    Json JEdges = Json::array();
    for (const ObservedEdge &E : Edges) {
      Json W = Json::array();
      for (const Frame &F : E.Witness)
        W.push_back({{"file", F.File}, {"line", F.Line},
                     {"function", F.Function}});
      JEdges.push_back({{"from", E.From}, {"to", E.To}, {"witness", W}});
    }
    J["observed_edges"] = JEdges;
    Json JLocks = Json::array();
    for (const std::string &L : Locks)
      JLocks.push_back({{"name", L}});
    J["observed_locks"] = JLocks;
    std::ofstream Out(Path);
    Out << J.dump(2) << "\n";
    return bool(Out);
  } catch (const std::exception &E) {
    std::fprintf(stderr, "lockwise: cannot write %s: %s\n", Path.c_str(),
                 E.what());
    return false;
  }
}

} // namespace lockwise::rt
