// {{name}}: an aegis service. Every instance joins the queue group rpc.{{name}}, so the instances
// you start share the calls. Try: aegis call {{name}} echo message=hello
#include <aegis/aegis.hpp>

int main(int argc, char** argv) {
    auto svc = aegis::quick_setup("{{name}}", argc, argv);  // --help, --server URL, ...
    svc.rpc("echo", [&svc](const aegis::Json& params) {
        return aegis::Json{{"echo", params.value("message", "")}, {"instance", svc.instance_id()}};
    });
    svc.rpc("add", [](const aegis::Json& params) {  // a missing or non-number a or b: named
        return aegis::Json{{"sum", aegis::required_param<double>(params, "a") +
                                       aegis::required_param<double>(params, "b")}};
    });
    return svc.run();  // until SIGINT / SIGTERM, then deregisters cleanly
}
