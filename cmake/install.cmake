# `cmake --install` to the standard prefixes (GNUInstallDirs), and a .deb
# with CPack (`cpack -G DEB` in the build directory).
include(GNUInstallDirs)

install(TARGETS hardnut RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(HARDNUT_MAN_PAGE)
  install(FILES ${HARDNUT_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()

# Completions where bash-completion, zsh and fish look for packaged ones.
install(FILES ${CMAKE_SOURCE_DIR}/completions/hardnut.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME hardnut)
install(FILES ${CMAKE_SOURCE_DIR}/completions/_hardnut
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${CMAKE_SOURCE_DIR}/completions/hardnut.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)

# The Prometheus textfile refresher; systemd units live in lib/, not
# share/, whatever the prefix's layout (as systemd.pc's systemdsystemunitdir).
set(HARDNUT_SYSTEMD_UNIT_DIR "lib/systemd/system"
    CACHE STRING "Where the systemd units are installed, relative to the prefix")
# ExecStart= names the binary without a path: systemd finds it in
# /usr/local/bin or /usr/bin, whichever prefix it was installed to.
install(FILES ${CMAKE_SOURCE_DIR}/packaging/hardnut-prometheus.service
              ${CMAKE_SOURCE_DIR}/packaging/hardnut-prometheus.timer
        DESTINATION ${HARDNUT_SYSTEMD_UNIT_DIR})

install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# --- Debian package ---
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "hardnut")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "hardnut maintainers <hardnut@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "measure and improve the security exposure of systemd services")
set(CPACK_PACKAGE_DESCRIPTION
    "hardnut scores systemd units exactly as systemd-analyze security (systemd 252)\n\
does, and goes further: folder and machine scans, SARIF for code scanning,\n\
Prometheus metrics, baselines for CI and inline suppressions.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "admin")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
# Depends from the libraries the binary links (libseccomp2, libsystemd0,
# libstdc++6, libc6, ...), as dpkg-shlibdeps computes them for Debian's own
# packages.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# systemd: the units hardnut scores and the service it ships; the node
# exporter reads the metrics the timer writes.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "systemd")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "prometheus-node-exporter")
set(CPACK_STRIP_FILES ON)
set(CPACK_SET_DESTDIR OFF)
if(NOT DEFINED CPACK_PACKAGING_INSTALL_PREFIX)
  set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
endif()
include(CPack)
