// The smallest aegis::quick_setup program, linking only the SDK: the CLI tests check that it
// behaves like an aegis command (help, start line, usage errors, one-line errors, exit codes).
#include <aegis/aegis.hpp>

int main(int argc, char** argv) {
    auto svc = aegis::quick_setup("quick-program", argc, argv);
    svc.rpc("ping", [](const aegis::Json&) { return aegis::Json{{"pong", true}}; });
    return svc.run();
}
