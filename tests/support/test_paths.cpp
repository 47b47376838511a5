#include "tests/support/run_process.hpp"

namespace aegis::test {
std::string aegis_binary() { return AEGIS_BINARY; }
std::string shared_dir() { return AEGIS_SHARED_DIR; }
std::string source_dir() { return AEGIS_SOURCE_DIR; }
}  // namespace aegis::test
