# Baselines and in-source suppressions: suppressed findings do not fail the
# gate and are counted in the summary.
set(flags -- -I${TD}/include)
execute_process(COMMAND ${LOCKWISE} check --no-cache ${TD}/core/suppressed.c ${flags}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0 OR NOT out MATCHES "2 suppressed")
  message(FATAL_ERROR "in-source suppressions: expected exit 0 and 2 suppressed, got ${rc}:\n${out}")
endif()
set(bl ${WORK}/baseline.json)
execute_process(COMMAND ${LOCKWISE} check --no-cache --write-baseline ${bl} ${TD}/core/wrappers.c ${flags}
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "writing the baseline: expected exit 1 (findings), got ${rc}")
endif()
execute_process(COMMAND ${LOCKWISE} check --no-cache --baseline ${bl} ${TD}/core/wrappers.c ${flags}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0 OR NOT out MATCHES "3 suppressed")
  message(FATAL_ERROR "with the baseline: expected exit 0 and 3 suppressed, got ${rc}:\n${out}")
endif()
# A finding the baseline does not know still fails.
execute_process(COMMAND ${LOCKWISE} check --no-cache --baseline ${bl} ${TD}/core/wrappers.c ${TD}/core/trylock.c ${flags}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 1 OR NOT out MATCHES "try_leak")
  message(FATAL_ERROR "a new finding must fail the gate, got ${rc}:\n${out}")
endif()
