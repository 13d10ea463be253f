# hardnut_stage(NAME USES STAGE... [LIBS TARGET...] [EXTRA_SOURCES FILE...])
#
# One folder of src/ as one static library, hardnut_NAME, built from the
# folder's .cc files; its *_test.cc files join hardnut_tests. USES names
# the stages below it that it may include and links them; LIBS are the
# outside libraries it needs itself. tests/layering/check_layers.py reads
# these USES lists: an include of a stage not listed fails the test suite.
function(hardnut_stage name)
  cmake_parse_arguments(STAGE "" "" "USES;LIBS;EXTRA_SOURCES" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  list(FILTER sources EXCLUDE REGEX "(_test|/main)\\.cc$")
  file(GLOB tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc)
  add_library(hardnut_${name} STATIC ${sources} ${STAGE_EXTRA_SOURCES})
  target_include_directories(hardnut_${name} PUBLIC ${CMAKE_SOURCE_DIR}/src
                                                    ${CMAKE_BINARY_DIR}/include)
  list(TRANSFORM STAGE_USES PREPEND hardnut_)
  target_link_libraries(hardnut_${name} PUBLIC ${STAGE_USES} ${STAGE_LIBS})
  target_link_libraries(hardnut_core INTERFACE hardnut_${name})
  set_property(GLOBAL APPEND PROPERTY HARDNUT_STAGES hardnut_${name})
  if(tests)
    target_sources(hardnut_tests PRIVATE ${tests})
  endif()
endfunction()
