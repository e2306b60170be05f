# Malformed rules and a broken compile database: exit 2 with a message that
# says where.
execute_process(COMMAND ${LOCKWISE} check --rules ${DATA}/malformed.jsonc
                        ${TD}/core/trylock.c -- -I${TD}/include
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 2)
  message(FATAL_ERROR "malformed rules: expected exit 2, got ${rc}")
endif()
if(NOT err MATCHES "malformed.jsonc:4:5: error:")
  message(FATAL_ERROR "malformed rules: no FILE:LINE:COL in: ${err}")
endif()
execute_process(COMMAND ${LOCKWISE} check -p ${DATA}/broken_db.json
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "cannot read compilation database")
  message(FATAL_ERROR "broken database: expected exit 2 and a message, got ${rc}: ${err}")
endif()
execute_process(COMMAND ${LOCKWISE} check -p ${DATA}/does-not-exist
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 2)
  message(FATAL_ERROR "missing database: expected exit 2, got ${rc}")
endif()
# A TU that does not fully parse: what parsed is analysed, exit 3.
execute_process(COMMAND ${LOCKWISE} check --format json ${DATA}/broken_tu.c -- -I${TD}/include
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 3)
  message(FATAL_ERROR "broken TU: expected exit 3, got ${rc}")
endif()
if(NOT out MATCHES "double lock of 'm'" OR NOT out MATCHES "\"failed\": 1")
  message(FATAL_ERROR "broken TU: the parsed part was not analysed: ${out}")
endif()
if(NOT err MATCHES "broken_tu.c:13:")
  message(FATAL_ERROR "broken TU: the parse error is not reported: ${err}")
endif()
# Unknown lock and function names in a rule file: warnings at their position,
# the run goes on.
execute_process(COMMAND ${LOCKWISE} check --no-cache --rules ${DATA}/typo.jsonc
                        ${TD}/cycle3/a.c ${TD}/cycle3/b.c ${TD}/cycle3/c.c
                        -- -I${TD}/include -I${TD}/cycle3
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 1 OR NOT err MATCHES "typo.jsonc:2:19: warning: unknown lock 'b_lokc'"
   OR NOT err MATCHES "typo.jsonc:3:16: warning: unknown function 'no_such_fn'")
  message(FATAL_ERROR "unknown names: expected warnings with positions, got ${rc}: ${err}")
endif()
# An invalid glob in a rule: an error at the rule's position, exit 2 (it was
# dropped without a word).
execute_process(COMMAND ${LOCKWISE} check --no-cache --rules ${DATA}/bad_glob.jsonc
                        ${TD}/core/trylock.c -- -I${TD}/include
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "bad_glob.jsonc:4:5: error: forbidden_while_held: invalid glob 'xs_\\[talk'")
  message(FATAL_ERROR "bad glob: expected exit 2 and FILE:LINE:COL, got ${rc}: ${err}")
endif()
# An invalid --exclude glob is an error like a bad --include (it was
# dropped without a word, so nothing was excluded).
execute_process(COMMAND ${LOCKWISE} check --no-cache --exclude "drivers/[xen"
                        ${TD}/core/trylock.c -- -I${TD}/include
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "bad --exclude glob 'drivers/\\[xen'")
  message(FATAL_ERROR "bad --exclude: expected exit 2 and the glob, got ${rc}: ${err}")
endif()
