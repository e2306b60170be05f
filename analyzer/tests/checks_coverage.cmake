# checks.coverage (see checks.cmake): every check lockwise has must have
# testdata/checks/<id>/ with a buggy and a fixed case, and every directory
# there must name a check.
#
#   cmake -DLOCKWISE=<lockwise> -DTD=<testdata> -DWORK=<scratch dir>
#         -P checks_coverage.cmake
#
# The check IDs come from lockwise itself: its SARIF report lists every
# check as a rule (tool.driver.rules[].id), findings or not.

# Script mode: the policies of the project's minimum (IN_LIST, string(JSON)).
cmake_minimum_required(VERSION 3.20)

foreach(var LOCKWISE TD WORK)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "checks_coverage.cmake needs -D${var}=...")
  endif()
endforeach()

set(scratch ${WORK}/checks-coverage)
file(MAKE_DIRECTORY ${scratch})
file(WRITE ${scratch}/empty.c "int checks_coverage;\n")
execute_process(
  COMMAND ${LOCKWISE} check --no-cache --format sarif -o ${scratch}/ids.sarif
          ${scratch}/empty.c -- -std=gnu11
  RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "lockwise check on an empty file exited ${rc}:\n${err}")
endif()
file(READ ${scratch}/ids.sarif sarif)
string(JSON nrules ERROR_VARIABLE json_err LENGTH "${sarif}" runs 0 tool driver rules)
if(json_err OR nrules EQUAL 0)
  message(FATAL_ERROR "no check IDs in lockwise's SARIF rules (${json_err})")
endif()

set(ids "")
math(EXPR last "${nrules} - 1")
foreach(i RANGE ${last})
  string(JSON id GET "${sarif}" runs 0 tool driver rules ${i} id)
  list(APPEND ids ${id})
endforeach()

set(problems "")
foreach(id IN LISTS ids)
  set(dir ${TD}/checks/${id})
  if(NOT IS_DIRECTORY ${dir})
    string(APPEND problems "\n  ${id}: no testdata/checks/${id}/")
    continue()
  endif()
  foreach(kind buggy fixed)
    # A case is a file ${kind}*.c or a subdirectory ${kind}* with .c files.
    file(GLOB cases LIST_DIRECTORIES true ${dir}/${kind}*)
    set(found "")
    foreach(c IN LISTS cases)
      if(IS_DIRECTORY ${c})
        file(GLOB srcs ${c}/*.c)
      elseif(c MATCHES "\\.c$")
        set(srcs ${c})
      else()
        set(srcs "")
      endif()
      # A buggy case must expect a finding; a fixed one is free to expect
      # none.
      if(srcs AND kind STREQUAL "buggy")
        set(expects FALSE)
        foreach(src IN LISTS srcs)
          file(STRINGS ${src} hits REGEX "expected-(warning|error)")
          if(hits)
            set(expects TRUE)
          endif()
        endforeach()
        if(NOT expects)
          string(APPEND problems "\n  ${id}: ${c} expects no warning")
          set(srcs "")
        endif()
      endif()
      if(srcs)
        list(APPEND found ${c})
      endif()
    endforeach()
    if(NOT found)
      string(APPEND problems "\n  ${id}: no ${kind} case (${kind}*.c or ${kind}*/) in testdata/checks/${id}/")
    endif()
  endforeach()
endforeach()

file(GLOB dirs LIST_DIRECTORIES true ${TD}/checks/*)
foreach(d IN LISTS dirs)
  get_filename_component(name ${d} NAME)
  if(IS_DIRECTORY ${d} AND NOT name IN_LIST ids)
    string(APPEND problems "\n  testdata/checks/${name}/ names no check (checks: ${ids})")
  endif()
endforeach()

if(problems)
  message(FATAL_ERROR "tests per check incomplete:${problems}")
endif()
list(LENGTH ids n)
message(STATUS "${n} checks, each with buggy and fixed cases: ${ids}")
