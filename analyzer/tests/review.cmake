# lockwise review on testdata: one new finding for a patch adding a leaking
# error path, exit 2 for malformed and non-applying patches.
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
