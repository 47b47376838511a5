# `cpack -G DEB` (from the build directory): one .deb with the binary, the man page, completions
# and the SDK. Runtime dependencies come from dpkg-shlibdeps on the binary (libnats3.4,
# libyaml-cpp0.7, libfmt9, libssl3, ...); what building against the SDK or `aegis up` needs is
# recommended, not required.
set(CPACK_PACKAGE_NAME aegis)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "aegis")
set(CPACK_PACKAGE_CONTACT "aegis maintainers <aegis@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "build, run, watch and test AegisSDK services on NATS (tool and C++ SDK)")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # aegis_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS
  "nats-server, libnats-dev, libyaml-cpp-dev, libfmt-dev, nlohmann-json3-dev, libssl-dev, pkg-config, cmake, g++")
set(CPACK_GENERATOR DEB)
# cpack (and `make install`) install what was built instead of first building every target,
# the test suite included: `cmake --build` comes first anyway.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
include(CPack)
