// {{name}}: an aegis client. It discovers the services in the registry and calls one, retrying
// through a failover. Try it against the demo: aegis demo echo &   then   ./build/{{name}}
#include <aegis/aegis.hpp>

#include <cstdio>

int main(int argc, char** argv) {
    auto conn = aegis::quick_connect("{{name}}", argc, argv);  // --help, --server URL, ...
    aegis::registry::Registry registry(conn);
    for (const auto& listed : registry.list())
        std::printf("found %s instance %s\n", listed.instance.service_name.c_str(),
                    listed.instance.instance_id.c_str());
    aegis::Client client(conn);
    aegis::Json reply = client.call("echo-service", "echo", {{"message", "hello from {{name}}"}});
    std::printf("echo-service answered: %s\n", reply.dump().c_str());
    return 0;
}
