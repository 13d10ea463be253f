# hardnut(1) from docs/hardnut.1.scd with scdoc (Debian package scdoc).
# Without scdoc the build goes on without a man page, and says so; the
# package test (tests/integrations/package_test.py) fails in that case.
find_program(SCDOC scdoc)
if(SCDOC)
  # Installed compressed, as Debian policy wants man pages; -n keeps the
  # name and time out of the gzip header so that builds are reproducible.
  set(HARDNUT_MAN_PAGE ${CMAKE_BINARY_DIR}/hardnut.1.gz)
  # scdoc reads standard input only, hence the shell.
  add_custom_command(
    OUTPUT ${HARDNUT_MAN_PAGE}
    COMMAND sh -c "\"$0\" < \"$1\" > \"$2\" && gzip -9n < \"$2\" > \"$3\"" ${SCDOC}
            ${CMAKE_SOURCE_DIR}/docs/hardnut.1.scd ${CMAKE_BINARY_DIR}/hardnut.1 ${HARDNUT_MAN_PAGE}
    DEPENDS ${CMAKE_SOURCE_DIR}/docs/hardnut.1.scd
    COMMENT "Building the man page hardnut.1 with scdoc"
    VERBATIM)
  add_custom_target(man ALL DEPENDS ${HARDNUT_MAN_PAGE})
else()
  message(WARNING "scdoc not found: no man page (apt-get install scdoc)")
endif()
