# Runs lockwise check --format json with --jobs 1 and --jobs 2 over several
# TUs and compares the reports byte for byte, less the timing line.
set(files ${TD}/cycle3/a.c ${TD}/cycle3/b.c ${TD}/cycle3/c.c
          ${TD}/pod/oom_double_unlock.c ${TD}/core/wrappers.c ${TD}/xenbus/comms_buggy.c)
foreach(j 1 2)
  execute_process(COMMAND ${LOCKWISE} check --format json --jobs ${j} ${files}
                          -- -I${TD}/include -I${TD}/cycle3
                  OUTPUT_VARIABLE out${j} RESULT_VARIABLE rc${j})
  string(REGEX REPLACE "\"seconds\": [0-9.e+-]+" "" out${j} "${out${j}}")
endforeach()
if(NOT rc1 EQUAL 1 OR NOT rc2 EQUAL 1)
  message(FATAL_ERROR "expected exit 1 (findings), got ${rc1} and ${rc2}")
endif()
if(NOT out1 STREQUAL out2)
  message(FATAL_ERROR "reports differ between --jobs 1 and --jobs 2")
endif()
string(FIND "${out1}" "\"check\": \"order-cycle\"" at)
if(at EQUAL -1)
  message(FATAL_ERROR "the report lacks the expected order-cycle finding:\n${out1}")
endif()
