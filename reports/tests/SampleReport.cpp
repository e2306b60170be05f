//===- SampleReport.cpp - The report the golden and HTML tests render -----===//

#include "SampleReport.h"

#include "llvm/Support/MemoryBuffer.h"

#include <cstdlib>

namespace lockwise::test {

std::string testsDir() { return LOCKWISE_REPORTS_TESTS_DIR; }

std::string inputsDir() { return testsDir() + "/inputs"; }

static Finding finding(const char *Check, Severity Sev, std::string File,
                       unsigned Line, unsigned Column, const char *Function,
                       std::vector<std::string> Locks, const char *Message,
                       std::vector<TraceStep> Trace) {
  Finding F;
  F.Check = Check;
  F.Sev = Sev;
  F.File = std::move(File);
  F.Line = Line;
  F.Column = Column;
  F.Function = Function;
  F.Locks = std::move(Locks);
  F.Message = Message;
  F.Trace = std::move(Trace);
  return F;
}

ReportInput sampleReport(bool WithReview) {
  // Absolute paths, as the analyzer reports them; SourceRoot makes them
  // relative in the output, so the goldens do not depend on the checkout.
  const std::string Root = inputsDir();
  const std::string Pod = Root + "/xen/arch/x86/mm/p2m-pod.c";
  const std::string Comms = Root + "/drivers/xen/xenbus/xenbus_comms.c";
  const std::string Xs = Root + "/drivers/xen/xenbus/xenbus_xs.c";
  const std::string PodLock = "p2m_domain.pod.lock";

  ReportInput In;
  In.ToolVersion = "0.1.0";
  In.Stats = {/*TranslationUnits=*/3, /*Failed=*/0, /*Functions=*/11,
              /*Seconds=*/0.42, /*Suppressed=*/1};
  In.SourceRoot = Root;
  In.Findings = {
      // On an added line of the patch.
      finding("order-inversion", Severity::Error, Pod, 19, 5,
              "p2m_pod_cache_get", {"page_alloc_lock", PodLock},
              "'p2m_domain.pod.lock' acquired while holding "
              "'page_alloc_lock', against the declared order p2m > pod > "
              "page_alloc",
              {{Pod, 18, 5, "'page_alloc_lock' acquired here"},
               {Pod, 19, 5, "'p2m_domain.pod.lock' acquired here"}}),
      finding("double-unlock", Severity::Warning, Pod, 49, 5,
              "p2m_pod_empty_cache", {PodLock},
              "double unlock of 'p2m_domain.pod.lock'",
              {{Pod, 40, 13, "'p2m_domain.pod.lock' released here"},
               {Pod, 41, 13, "jumps to 'fail' with the lock released"}}),
      // Reported outside the patch, but its witness starts on an added line.
      finding("held-across", Severity::Warning, Pod, 70, 5, "p2m_pod_zero_gfn",
              {PodLock},
              "'p2m_domain.pod.lock' held across flush_tlb_mask(), which "
              "waits for all other CPUs",
              {{Pod, 58, 5,
                "'p2m_domain.pod.lock' acquired here in p2m_pod_zero_check()"},
               {Pod, 60, 9, "p2m_pod_zero_gfn() called with the lock held"}}),
      // In the patched file, but nowhere near the patch.
      finding("lock-leak", Severity::Warning, Pod, 79, 9,
              "p2m_pod_set_mem_target", {PodLock},
              "'p2m_domain.pod.lock' is still held when "
              "p2m_pod_set_mem_target returns here, but is released on "
              "another path",
              {{Pod, 77, 5, "'p2m_domain.pod.lock' acquired here"}}),
      // In files the patch does not touch.
      finding("order-cycle", Severity::Error, Comms, 15, 2, "process_msg",
              {"xs_response_mutex", "xb_write_mutex"},
              "possible circular locking dependency: acquiring "
              "'xb_write_mutex' while holding 'xs_response_mutex'",
              {{Comms, 11, 3, "'xs_response_mutex' acquired here"},
               {Comms, 15, 2, "'xb_write_mutex' acquired here"},
               {Xs, 15, 2, "xs_suspend() acquires 'xb_write_mutex' here"},
               {Xs, 16, 2, "and then 'xs_response_mutex' here"}}),
      // From the runtime: no source location of its own.
      finding("stall", Severity::Note, "", 0, 0, "read_reply", {},
              "thread 'xenwatch' made no progress for 30s in "
              "wait_event(req->wq, req->state == xb_req_state_got_reply)",
              {{"", 0, 0, "in thread xenwatch"}, {Xs, 9, 2, "in read_reply"}}),
  };
  In.Rules = {
      {"order-inversion", "Locks taken against the declared hierarchy.",
       "A lock was acquired while a lock that the rules order after it was "
       "held. Two paths that do this in opposite orders deadlock.",
       "docs/checks/order-inversion.md"},
      {"order-cycle", "A cycle in the observed lock order.",
       "The locks were acquired in orders that form a cycle, as lockdep's "
       "'possible circular locking dependency'. Threads taking the cycle "
       "from different points can deadlock.",
       "https://lockwise.example.org/checks/order-cycle"},
      {"double-unlock", "A lock released twice.",
       "A path releases a lock that it has already released.", ""},
      {"lock-leak", "A lock held on some return paths and not others.", "", ""},
      {"held-across", "A forbidden call with a lock held.",
       "The rules forbid calling this function while the lock is held.", ""},
  };
  In.GraphDot = "digraph lockwise {\n"
                "  rankdir=LR;\n"
                "  node [shape=box, fontname=\"monospace\"];\n"
                "  \"p2m_domain.lock\";\n"
                "  \"p2m_domain.pod.lock\";\n"
                "  \"page_alloc_lock\";\n"
                "  \"xb_write_mutex\";\n"
                "  \"xs_response_mutex\";\n"
                "  \"p2m_domain.lock\" -> \"p2m_domain.pod.lock\" "
                "[label=\"p2m_pod_demand_populate:1141\"];\n"
                "  \"p2m_domain.pod.lock\" -> \"page_alloc_lock\" "
                "[label=\"p2m_pod_cache_add:112\", color=red, penwidth=2];\n"
                "  \"page_alloc_lock\" -> \"p2m_domain.pod.lock\" "
                "[label=\"p2m_pod_cache_get:19\", color=red, penwidth=2];\n"
                "  \"xb_write_mutex\" -> \"xs_response_mutex\" "
                "[label=\"xs_suspend:16\", color=red, penwidth=2];\n"
                "  \"xs_response_mutex\" -> \"xb_write_mutex\" "
                "[label=\"process_msg:15\", color=red, penwidth=2];\n"
                "}\n";

  if (WithReview) {
    auto Patch = llvm::MemoryBuffer::getFile(inputsDir() + "/pod-rework.patch");
    if (!Patch) {
      llvm::errs() << "cannot read pod-rework.patch\n";
      std::abort();
    }
    llvm::Expected<ReviewContext> Review = parsePatch((*Patch)->getBuffer());
    if (!Review) {
      llvm::errs() << llvm::toString(Review.takeError()) << "\n";
      std::abort();
    }
    Review->Reproduce = "lockwise check -p build --rules rules/xen-mm.jsonc "
                        "xen/arch/x86/mm/p2m-pod.c";
    In.Review = std::move(*Review);
  }
  return In;
}

} // namespace lockwise::test
