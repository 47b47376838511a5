# `cmake --install` puts the binary, the core library, its headers under include/aegis and an
# aegisConfig.cmake in place, so a scaffolded project does find_package(aegis) and links aegis::core.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS aegis RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS aegis_core EXPORT aegisTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/core/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/aegis/core
        FILES_MATCHING PATTERN "*.hpp" PATTERN "include" EXCLUDE)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/core/include/aegis/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/aegis)
install(EXPORT aegisTargets NAMESPACE aegis:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/aegis)
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/aegisConfig.cmake.in [=[
@PACKAGE_INIT@
include(CMakeFindDependencyMacro)
find_dependency(PkgConfig)
pkg_check_modules(NATS REQUIRED IMPORTED_TARGET libnats)
find_dependency(fmt)
find_dependency(nlohmann_json)
find_dependency(yaml-cpp)
find_dependency(OpenSSL COMPONENTS Crypto)
find_dependency(Threads)
include("${CMAKE_CURRENT_LIST_DIR}/aegisTargets.cmake")
]=])
configure_package_config_file(${CMAKE_CURRENT_BINARY_DIR}/aegisConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/aegisConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/aegis)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/aegisConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/aegisConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/aegisConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/aegis)
