# lockwise review on testdata: one new finding for a patch adding a leaking
# error path, one for a patch dropping a lock the tree's accesses show
# guards a field, one for a patch dropping the lock a write held, one for a
# patch calling a callee that takes a held lock under a condition, one for
# a patch taking an IRQ-safe lock with interrupts enabled, none for
# a patch adding an access under the lock, exit 2 for malformed and
# non-applying patches.
set(common review --root ${TD} -p ${DB} --no-cache)
execute_process(COMMAND ${LOCKWISE} ${common} --patch ${TD}/patches/trylock-leak.patch --format json
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "leaking patch: expected exit 1, got ${rc}: ${err}")
endif()
string(REGEX MATCHALL "\"check\": \"" checks "${out}")
list(LENGTH checks n)
if(NOT n EQUAL 1 OR NOT out MATCHES "\"check\": \"lock-leak\"" OR NOT out MATCHES "\"line\": 13")
  message(FATAL_ERROR "leaking patch: expected one lock-leak at line 13:\n${out}")
endif()
# PATCH must give exactly one finding, and the JSON report must match every
# regular expression after it.
function(expect_one_finding what patch)
  execute_process(COMMAND ${LOCKWISE} ${common} --patch ${TD}/patches/${patch} --format json
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(REGEX MATCHALL "\"check\": \"" checks "${out}")
  list(LENGTH checks n)
  set(ok TRUE)
  foreach(re ${ARGN})
    if(NOT out MATCHES "${re}")
      set(ok FALSE)
    endif()
  endforeach()
  if(NOT rc EQUAL 1 OR NOT n EQUAL 1 OR NOT ok)
    message(FATAL_ERROR "${what}: expected one finding matching ${ARGN}, got ${rc}:\n${out}${err}")
  endif()
endfunction()
expect_one_finding("lock dropped from do_unmask()" unmask-without-lock.patch
  "\"check\": \"unguarded-access\""
  "write to 'irq_info.mask_reason' without holding 'irq_info.lock'"
  "held at 4 of 5 accesses to 'irq_info.mask_reason' in the tree the patch applies to")
expect_one_finding("lock dropped from bind_to_cpu()" affinity-without-lock.patch
  "write to 'irq_info.cpu' without holding 'irq_info.lock'"
  "before the patch, bind_to_cpu held 'irq_info.lock' at its write to 'irq_info.cpu'")
expect_one_finding("a guarded callee called under its lock" postfork-remove-under-lock.patch
  "double lock of 'no_forking' in postfork_child when 'ctx->registered'")
expect_one_finding("an IRQ-safe lock taken with interrupts on" bridge-lock-irq-unsafe.patch
  "\"check\": \"irq-safety\""
  "'pci_seg.bus2bridge_lock' is taken with interrupts enabled in alloc_pdev")
execute_process(COMMAND ${LOCKWISE} ${common} --patch ${TD}/patches/mask-all-under-lock.patch --format json
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "an access added under the lock: expected no finding, got ${rc}:\n${out}${err}")
endif()
execute_process(COMMAND ${LOCKWISE} ${common} --patch ${TD}/patches/garbage.patch
                RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
if(NOT rc EQUAL 2 OR NOT err MATCHES "malformed patch")
  message(FATAL_ERROR "garbage patch: expected exit 2 and 'malformed patch', got ${rc}: ${err}")
endif()
execute_process(COMMAND ${LOCKWISE} ${common} --patch ${TD}/patches/does-not-apply.patch
                RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
if(NOT rc EQUAL 2 OR NOT err MATCHES "does not apply")
  message(FATAL_ERROR "non-applying patch: expected exit 2 and 'does not apply', got ${rc}: ${err}")
endif()
