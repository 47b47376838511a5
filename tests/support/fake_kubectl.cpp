// A fake `kubectl` for tests (never installed): answers config current-context / view /
// get-contexts, version, get namespace / service / endpoints / pods -o json, delete pod, and
// port-forward, with kubectl's real output lines and errors. A pod stands for a process of the
// test's (its "pid"): deleting the pod kills it (SIGKILL with --grace-period=0 --force, else
// SIGTERM), as the kubelet would stop the container. port-forward really forwards to a nats-server on
// loopback. Driven by $FAKE_KUBECTL_DIR/state.json (written by tests/support/fake_k8s.cpp);
// every call is appended to calls.log; a port-forward writes pf-<pid> and dies on SIGUSR1 the way
// kubectl dies when its pod restarts ("lost connection to pod").
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using Json = nlohmann::json;

namespace {

std::string g_dir;
std::string g_pidfile;
std::atomic<bool> g_die{false};

struct Args {
    std::string context, ns = "default", output, selector;
    bool force = false;
    std::string grace;  // --grace-period=N, "" when not given
    std::vector<std::string> positional;
};

Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        std::string s = argv[i];
        auto value = [&](std::string& into) {
            if (i + 1 < argc) into = argv[++i];
        };
        if (s == "--context") value(a.context);
        else if (s.rfind("--context=", 0) == 0) a.context = s.substr(10);
        else if (s == "-n" || s == "--namespace") value(a.ns);
        else if (s == "-o" || s == "--output") value(a.output);
        else if (s == "-l" || s == "--selector") value(a.selector);
        else if (s == "--force" || s == "--force=true") a.force = true;
        else if (s.rfind("--grace-period=", 0) == 0) a.grace = s.substr(15);
        else if (s.rfind("--request-timeout", 0) == 0 || s == "--minify" || s == "--client") {
        } else if (s.rfind("-", 0) == 0) {
        } else a.positional.push_back(s);
    }
    return a;
}

Json load_state() {
    std::ifstream in(g_dir + "/state.json");
    if (!in) return Json::object();
    return Json::parse(in);
}

void log_call(int argc, char** argv) {
    std::ofstream out(g_dir + "/calls.log", std::ios::app);
    for (int i = 1; i < argc; ++i) out << (i > 1 ? " " : "") << argv[i];
    out << "\n";
}

int fail(const std::string& line, int code = 1) {
    std::cerr << line << "\n";
    return code;
}

// The context a command runs against, or an exit code after kubectl's own error.
const Json* context_of(const Json& st, const Args& a, int* code) {
    std::string name = a.context.empty() ? st.value("current_context", "") : a.context;
    if (name.empty()) {
        *code = fail("The connection to the server localhost:8080 was refused - did you specify "
                     "the right host or port?");
        return nullptr;
    }
    if (!st.contains("contexts") || !st["contexts"].contains(name)) {
        *code = fail(a.context.empty()
                         ? "error: context was not found for specified context: " + name
                         : "error: context \"" + name + "\" does not exist");
        return nullptr;
    }
    const Json& c = st["contexts"][name];
    if (!c.value("reachable", true)) {
        std::string server = c.value("server", "https://127.0.0.1:6443");
        *code = fail("The connection to the server " + server.substr(server.find("://") + 3) +
                     " was refused - did you specify the right host or port?");
        return nullptr;
    }
    return &c;
}

const Json* service_of(const Json& ctx, const std::string& ns, const std::string& name) {
    if (!ctx.contains("namespaces") || !ctx["namespaces"].contains(ns)) return nullptr;
    const Json& n = ctx["namespaces"][ns];
    if (!n.contains("services") || !n["services"].contains(name)) return nullptr;
    return &n["services"][name];
}

int cmd_config(const Json& st, const Args& a) {
    const std::string sub = a.positional.size() > 1 ? a.positional[1] : "";
    std::string current = st.value("current_context", "");
    if (sub == "current-context") {
        if (current.empty()) return fail("error: current-context is not set");
        std::cout << current << "\n";
        return 0;
    }
    if (sub == "get-contexts") {
        if (st.contains("contexts"))
            for (auto& [k, v] : st["contexts"].items()) std::cout << k << "\n";
        return 0;
    }
    if (sub == "view") {
        Json cfg = {{"apiVersion", "v1"}, {"kind", "Config"}, {"current-context", current},
                    {"contexts", Json::array()}, {"clusters", Json::array()}};
        if (st.contains("contexts"))
            for (auto& [k, v] : st["contexts"].items()) {
                cfg["contexts"].push_back(
                    {{"name", k}, {"context", {{"cluster", k}, {"user", k}}}});
                cfg["clusters"].push_back(
                    {{"name", k}, {"cluster", {{"server", v.value("server", "")}}}});
            }
        std::cout << cfg.dump(4) << "\n";
        return 0;
    }
    return fail("error: unknown command \"" + sub + "\" for \"kubectl config\"");
}

Json service_json(const std::string& ns, const std::string& name, const Json& s) {
    Json ports = Json::array();
    for (auto& p : s.value("ports", Json::array()))
        ports.push_back({{"name", p.value("name", "")},
                         {"port", p.value("port", 4222)},
                         {"protocol", "TCP"},
                         {"targetPort", p.value("target_port", p.value("port", 4222))}});
    return {{"apiVersion", "v1"},
            {"kind", "Service"},
            {"metadata", {{"name", name}, {"namespace", ns}}},
            {"spec",
             {{"clusterIP", s.value("cluster_ip", "10.96.0.10")},
              {"ports", ports},
              {"type", "ClusterIP"}}}};
}

Json endpoints_json(const std::string& ns, const std::string& name, const Json& s) {
    Json addresses = Json::array(), not_ready = Json::array();
    for (int i = 0; i < s.value("ready", 1); ++i)
        addresses.push_back({{"ip", "10.244.0." + std::to_string(10 + i)}});
    for (int i = 0; i < s.value("not_ready", 0); ++i)
        not_ready.push_back({{"ip", "10.244.1." + std::to_string(10 + i)}});
    Json subset = {{"ports", {{{"name", "nats"}, {"port", 4222}, {"protocol", "TCP"}}}}};
    if (!addresses.empty()) subset["addresses"] = addresses;
    if (!not_ready.empty()) subset["notReadyAddresses"] = not_ready;
    Json out = {{"apiVersion", "v1"}, {"kind", "Endpoints"},
                {"metadata", {{"name", name}, {"namespace", ns}}}};
    if (!addresses.empty() || !not_ready.empty()) out["subsets"] = Json::array({subset});
    return out;
}

const Json* pods_of(const Json& ctx, const std::string& ns) {
    if (!ctx.contains("namespaces") || !ctx["namespaces"].contains(ns)) return nullptr;
    const Json& n = ctx["namespaces"][ns];
    return n.contains("pods") ? &n["pods"] : nullptr;
}

// A pod as `kubectl get pod NAME -o json` prints it (the fields a reader looks at).
Json pod_json(const std::string& ns, const std::string& name, const Json& p) {
    Json labels = p.value("labels", Json::object());
    std::string phase = p.value("phase", "Running");
    return {{"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata",
             {{"name", name}, {"namespace", ns}, {"labels", labels},
              {"uid", "0b1c2d3e-0000-4000-8000-" + std::to_string(100000000000 + p.value("pid", 0))}}},
            {"spec", {{"containers", {{{"name", "app"}, {"image", "aegis:latest"}}}},
                      {"nodeName", p.value("node", "kind-control-plane")}}},
            {"status",
             {{"phase", phase},
              {"podIP", p.value("ip", "10.244.0.20")},
              {"containerStatuses",
               {{{"name", "app"}, {"ready", phase == "Running"}, {"restartCount", 0},
                 {"state", {{phase == "Running" ? "running" : "waiting", Json::object()}}}}}}}}};
}

bool selector_matches(const std::string& selector, const Json& p) {
    if (selector.empty()) return true;
    auto eq = selector.find('=');
    if (eq == std::string::npos) return false;
    Json labels = p.value("labels", Json::object());
    std::string key = selector.substr(0, eq), want = selector.substr(eq + 1);
    return labels.contains(key) && labels[key] == want;
}

int cmd_get_pods(const Json& ctx, const Args& a, const std::string& name) {
    const Json* pods = pods_of(ctx, a.ns);
    if (!name.empty()) {
        if (!pods || !pods->contains(name))
            return fail("Error from server (NotFound): pods \"" + name + "\" not found");
        std::cout << pod_json(a.ns, name, (*pods)[name]).dump(4) << "\n";
        return 0;
    }
    Json items = Json::array();
    if (pods)
        for (auto& [n, p] : pods->items())
            if (selector_matches(a.selector, p)) items.push_back(pod_json(a.ns, n, p));
    if (a.output != "json") {  // the table kubectl prints without -o
        if (items.empty()) return fail("No resources found in " + a.ns + " namespace.", 0);
        std::cout << "NAME                READY   STATUS    RESTARTS   AGE\n";
        for (auto& i : items)
            std::cout << i["metadata"]["name"].get<std::string>() << "   1/1     "
                      << i["status"]["phase"].get<std::string>() << "   0          1m\n";
        return 0;
    }
    std::cout << Json{{"apiVersion", "v1"}, {"kind", "List"}, {"items", items},
                      {"metadata", {{"resourceVersion", ""}}}}.dump(4)
              << "\n";
    return 0;
}

// kubectl delete pod NAME -n NS [--grace-period=0 --force]: the pod's process gets SIGKILL
// (forced) or SIGTERM (its grace period), and the pod leaves state.json.
int cmd_delete(Json st, const Args& a) {
    int code = 0;
    const Json* ctx = context_of(st, a, &code);
    if (!ctx) return code;
    std::string kind = a.positional.size() > 1 ? a.positional[1] : "";
    std::string name = a.positional.size() > 2 ? a.positional[2] : "";
    if (kind.rfind("pod/", 0) == 0) {
        name = kind.substr(4);
        kind = "pod";
    }
    if (kind != "pod" && kind != "pods" && kind != "po")
        return fail("error: the server doesn't have a resource type \"" + kind + "\"");
    if (name.empty()) return fail("error: resource(s) were provided, but no name was specified");
    std::string context = a.context.empty() ? st.value("current_context", "") : a.context;
    Json& pods = st["contexts"][context]["namespaces"][a.ns]["pods"];
    if (!pods.is_object() || !pods.contains(name))
        return fail("Error from server (NotFound): pods \"" + name + "\" not found");
    int pid = pods[name].value("pid", 0);
    bool forced = a.force;  // aegis always gives --grace-period=0 with it
    if (forced)
        std::cerr << "Warning: Immediate deletion does not wait for confirmation that the running "
                     "resource has been terminated. The resource may continue to run on the "
                     "cluster indefinitely.\n";
    if (pid > 0) kill(pid, forced ? SIGKILL : SIGTERM);
    pods.erase(name);
    std::ofstream(g_dir + "/state.json") << st.dump(2);
    std::cout << "pod \"" << name << "\" " << (forced ? "force deleted" : "deleted") << "\n";
    return 0;
}

int cmd_get(const Json& st, const Args& a) {
    int code = 0;
    const Json* ctx = context_of(st, a, &code);
    if (!ctx) return code;
    std::string kind = a.positional.size() > 1 ? a.positional[1] : "";
    std::string name = a.positional.size() > 2 ? a.positional[2] : "";
    if (kind == "namespace" || kind == "namespaces" || kind == "ns") {
        if (!ctx->contains("namespaces") || !(*ctx)["namespaces"].contains(name))
            return fail("Error from server (NotFound): namespaces \"" + name + "\" not found");
        std::cout << Json{{"apiVersion", "v1"}, {"kind", "Namespace"},
                          {"metadata", {{"name", name}}},
                          {"status", {{"phase", "Active"}}}}.dump(4)
                  << "\n";
        return 0;
    }
    if (kind == "pod" || kind == "pods" || kind == "po") return cmd_get_pods(*ctx, a, name);
    bool svc = kind == "service" || kind == "services" || kind == "svc";
    bool ep = kind == "endpoints" || kind == "ep";
    if (!svc && !ep)
        return fail("error: the server doesn't have a resource type \"" + kind + "\"");
    const Json* s = service_of(*ctx, a.ns, name);
    if (!s)
        return fail("Error from server (NotFound): " + std::string(svc ? "services" : "endpoints") +
                    " \"" + name + "\" not found");
    std::cout << (svc ? service_json(a.ns, name, *s) : endpoints_json(a.ns, name, *s)).dump(4)
              << "\n";
    return 0;
}

void pump(int from, int to) {
    char buf[16384];
    for (;;) {
        ssize_t n = read(from, buf, sizeof buf);
        if (n <= 0) break;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(to, buf + off, static_cast<size_t>(n - off));
            if (w <= 0) return;
            off += w;
        }
    }
    shutdown(to, SHUT_WR);
}

int listen_on(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 64) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int connect_backend(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int forward_loop(int lfd, int local, int remote, int backend) {
    std::string pidfile = g_dir + "/pf-" + std::to_string(getpid());
    g_pidfile = pidfile;
    std::ofstream(pidfile) << local << "\n";
    // SIGTERM (aegis stopping its forward): quietly, like kubectl.
    signal(SIGTERM, [](int) {
        unlink(g_pidfile.c_str());
        _exit(0);
    });
    std::cout << "Forwarding from 127.0.0.1:" << local << " -> " << remote << "\n"
              << "Forwarding from [::1]:" << local << " -> " << remote << std::endl;
    while (!g_die) {
        pollfd p{lfd, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0) continue;
        int c = accept(lfd, nullptr, nullptr);
        if (c < 0) continue;
        std::cout << "Handling connection for " << local << std::endl;
        int b = connect_backend(backend);
        if (b < 0) {
            std::cerr << "E1127 12:00:00.000000   " << getpid()
                      << " portforward.go:413] an error occurred forwarding " << local << " -> "
                      << remote << ": error forwarding port " << remote
                      << " to pod nats-0: dial tcp4 127.0.0.1:" << remote
                      << ": connect: connection refused" << std::endl;
            close(c);
            continue;
        }
        std::thread([c, b] { pump(c, b); }).detach();
        std::thread([c, b] { pump(b, c); }).detach();
    }
    unlink(pidfile.c_str());
    std::cerr << "E1127 12:00:00.000000   " << getpid()
              << " portforward.go:413] an error occurred forwarding " << local << " -> " << remote
              << ": error forwarding port " << remote
              << " to pod aegis-trader-nats-0: lost connection to pod" << std::endl;
    std::cerr << "error: lost connection to pod" << std::endl;
    _exit(1);  // every forwarded connection drops with the process, as with a pod restart
}

int cmd_port_forward(const Json& st, const Args& a) {
    int code = 0;
    const Json* ctx = context_of(st, a, &code);
    if (!ctx) return code;
    if (a.positional.size() < 3) return fail("error: TYPE/NAME and list of ports are required");
    std::string target = a.positional[1];
    std::string name = target.rfind("svc/", 0) == 0 ? target.substr(4) : target;
    std::string ports = a.positional[2];
    int local = std::stoi(ports.substr(0, ports.find(':')));
    int remote = std::stoi(ports.substr(ports.find(':') + 1));
    const Json* s = service_of(*ctx, a.ns, name);
    if (!s) return fail("Error from server (NotFound): services \"" + name + "\" not found");
    if (s->value("ready", 1) == 0)
        return fail("error: unable to forward port because pod is not running. Current "
                    "status=Pending");
    int lfd = listen_on(local);
    if (lfd < 0) {
        std::cerr << "Unable to listen on port " << local
                  << ": Listeners failed to create with the following errors: [unable to create "
                     "listener: Error listen tcp4 127.0.0.1:"
                  << local << ": bind: address already in use]\n";
        return fail("error: unable to listen on any of the requested ports: [{" +
                    std::to_string(local) + " " + std::to_string(remote) + "}]");
    }
    return forward_loop(lfd, local, remote, s->value("backend_port", 0));
}

}  // namespace

int main(int argc, char** argv) {
    const char* dir = std::getenv("FAKE_KUBECTL_DIR");
    if (!dir) return fail("fake kubectl: FAKE_KUBECTL_DIR is not set", 2);
    g_dir = dir;
    signal(SIGPIPE, SIG_IGN);
    signal(SIGUSR1, [](int) { g_die = true; });
    log_call(argc, argv);
    Args a = parse(argc, argv);
    Json st = load_state();
    std::string cmd = a.positional.empty() ? "" : a.positional[0];
    if (cmd == "config") return cmd_config(st, a);
    if (cmd == "version") {
        std::cout << R"({"clientVersion": {"major": "1", "minor": "30", )"
                  << R"("gitVersion": "v1.30.0-fake"}})" << "\n";
        return 0;
    }
    if (cmd == "get") return cmd_get(st, a);
    if (cmd == "port-forward") return cmd_port_forward(st, a);
    if (cmd == "delete") return cmd_delete(st, a);
    return fail("error: unknown command \"" + cmd + "\" for \"kubectl\"");
}
