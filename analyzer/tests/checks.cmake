# Tests per check (issue 19 item 7): testdata/checks/<id>/ holds the cases of
# check <id>, each run as one --verify test, found by globbing so that a case
# is added by adding its files, never by editing CMake.
#
#   testdata/checks/<id>/buggy*.c    one case per file: the findings its
#   testdata/checks/<id>/fixed*.c      expected-* comments name (a fixed case
#                                      says expected-no-diagnostics)
#   testdata/checks/<id>/<case>/*.c  one case of several TUs, analysed as
#                                      one program (an order cycle across
#                                      files); every file needs directives
#   testdata/checks/<id>/rules.jsonc used (--rules) for every case of <id>
#
# Test names: verify.checks.<id>.<case>, <case> being the file's stem or
# the subdirectory's name.  Included from CMakeLists.txt after
# lockwise_verify() (which adds the flags of the other verify tests: -- -I
# testdata/include -I testdata/cycle3 -std=gnu11).  checks.coverage fails
# when a check lockwise has no directory here with a buggy and a fixed case.

set(checks_td ${td}/checks)
file(GLOB check_dirs LIST_DIRECTORIES true CONFIGURE_DEPENDS ${checks_td}/*)
list(SORT check_dirs)
foreach(check_dir IN LISTS check_dirs)
  if(NOT IS_DIRECTORY ${check_dir})
    continue()
  endif()
  get_filename_component(check_id ${check_dir} NAME)
  set(check_rules "")
  if(EXISTS ${check_dir}/rules.jsonc)
    set(check_rules --rules ${check_dir}/rules.jsonc)
  endif()
  file(GLOB check_entries LIST_DIRECTORIES true CONFIGURE_DEPENDS ${check_dir}/*)
  list(SORT check_entries)
  foreach(entry IN LISTS check_entries)
    get_filename_component(entry_name ${entry} NAME)
    if(IS_DIRECTORY ${entry})
      set(case_name ${entry_name})
      file(GLOB case_files CONFIGURE_DEPENDS ${entry}/*.c)
      list(SORT case_files)
      if(NOT case_files)
        message(WARNING "testdata/checks/${check_id}/${entry_name}/ has no .c files: no test")
        continue()
      endif()
    elseif(entry_name MATCHES "\\.c$")
      string(REGEX REPLACE "\\.c$" "" case_name ${entry_name})
      set(case_files ${entry})
    else()
      continue()
    endif()
    lockwise_verify(checks.${check_id}.${case_name} ${check_rules} ${case_files})
  endforeach()
endforeach()

# Every check lockwise reports (the rules of its SARIF output) has its
# directory with at least one buggy and one fixed case, and every directory
# is a check: a new check cannot land without its tests.
add_test(NAME checks.coverage
  COMMAND ${CMAKE_COMMAND} -DLOCKWISE=$<TARGET_FILE:lockwise> -DTD=${td}
          -DWORK=${CMAKE_CURRENT_BINARY_DIR}
          -P ${CMAKE_CURRENT_SOURCE_DIR}/checks_coverage.cmake)
