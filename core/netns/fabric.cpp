#include "core/netns/fabric.hpp"
#include <fmt/format.h>
#include <atomic>
#include <cctype>
#include <chrono>
#include <random>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include "core/util/error.hpp"
#include "core/util/log.hpp"
#include "core/util/net.hpp"
#include "core/util/process.hpp"
#include "core/util/text.hpp"

namespace aegis::netns {

namespace {

constexpr const char* k_prefix = "netns";
constexpr auto k_ip_timeout = std::chrono::seconds(10);

std::string bridge_ns(const std::string& id) { return k_prefix + id + "-br"; }
std::string node_ns(const std::string& id, int i) {
    return k_prefix + id + "-n" + std::to_string(i + 1);
}
std::string host_link(const std::string& id) { return k_prefix + id; }  // at most 15 characters

std::string trimmed(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    size_t b = 0;
    while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    return s.substr(b);
}

// Runs `ip ARGS...` (an argv, never a shell); UnavailableError with ip's own words on failure.
std::string ip(std::vector<std::string> args) {
    args.insert(args.begin(), "ip");
    auto r = util::run_capture(args, k_ip_timeout);
    if (r.not_found)
        throw UnavailableError("'ip' is not installed", "install it with 'apt-get install iproute2'");
    if (r.exit_code != 0) {
        std::string cmd;
        for (auto& a : args) cmd += (cmd.empty() ? "" : " ") + a;
        std::string said = trimmed(r.err + r.out);
        throw UnavailableError(fmt::format("'{}' failed: {}", cmd, said.substr(0, said.find('\n'))));
    }
    return r.out;
}

// Best effort, for removal: what is already gone is fine.
void ip_quiet(std::vector<std::string> args) {
    args.insert(args.begin(), "ip");
    util::run_capture(args, k_ip_timeout);
}

std::vector<std::string> namespaces() {
    std::vector<std::string> out;
    auto r = util::run_capture({"ip", "netns", "list"}, k_ip_timeout);
    for (auto& line : util::split(r.out, '\n')) {
        auto name = trimmed(line.substr(0, line.find(' ')));
        if (!name.empty()) out.push_back(name);
    }
    return out;
}

// A 10.x.y.0/24 that no route of the host touches yet: the host's side of the fabric gets an
// address there, and two fabrics (or a real network) on one subnet would steal each other's
// packets.
std::string free_subnet() {
    std::string routes = util::run_capture({"ip", "-4", "route", "show", "table", "all"},
                                           k_ip_timeout).out;
    std::mt19937 rng(std::random_device{}());
    for (int attempt = 0; attempt < 50; ++attempt) {
        auto s = fmt::format("10.{}.{}.", 200 + rng() % 50, rng() % 256);
        if (routes.find(s) == std::string::npos) return s;
    }
    throw UnavailableError("no free 10.x.y.0/24 subnet for the namespaces");
}

std::string new_id() {
    static std::atomic<int> seq{0};
    return std::to_string(::getpid()) + "x" + std::to_string(seq++ % 100);
}

void remove_all(const std::string& id, int nodes) {
    ip_quiet({"link", "del", host_link(id)});  // takes its peer in the bridge with it
    for (int i = 0; i < nodes; ++i) ip_quiet({"netns", "del", node_ns(id, i)});
    ip_quiet({"netns", "del", bridge_ns(id)});
}

void set_port(const std::string& id, int i, bool up) {
    ip({"-n", bridge_ns(id), "link", "set", "n" + std::to_string(i + 1), up ? "up" : "down"});
}

}  // namespace

std::string unavailable_reason() {
    if (::geteuid() != 0) return "network namespaces need root";
    if (util::find_in_path("ip").empty()) return "'ip' (iproute2) is not installed";
    return {};
}

Fabric::Fabric(FabricOptions o)
    : m_id(new_id()), m_nodes(o.nodes),
      m_cut(static_cast<size_t>(o.nodes), false) {
    if (auto why = unavailable_reason(); !why.empty()) throw UnavailableError(why);
    sweep_dead_fabrics();
    remove_all(m_id, m_nodes);  // an id reused after a crash (same pid, same count)
    try {
        m_subnet = free_subnet();
        std::string br = bridge_ns(m_id);
        ip({"netns", "add", br});
        ip({"-n", br, "link", "add", "br0", "type", "bridge"});
        ip({"-n", br, "link", "set", "br0", "up"});
        for (int i = 0; i < m_nodes; ++i) {
            std::string ns = node_ns(m_id, i), port = "n" + std::to_string(i + 1);
            ip({"netns", "add", ns});
            ip({"-n", br, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns",
                ns});
            ip({"-n", br, "link", "set", port, "master", "br0", "up"});
            ip({"-n", ns, "addr", "add", node_address(i) + "/24", "dev", "eth0"});
            ip({"-n", ns, "link", "set", "eth0", "up"});
            ip({"-n", ns, "link", "set", "lo", "up"});
        }
        ip({"link", "add", host_link(m_id), "type", "veth", "peer", "name", "uplink", "netns", br});
        ip({"-n", br, "link", "set", "uplink", "master", "br0", "up"});
        ip({"addr", "add", host_address() + "/24", "dev", host_link(m_id)});
        ip({"link", "set", host_link(m_id), "up"});
    } catch (...) {
        remove_all(m_id, m_nodes);
        throw;
    }
    log::debug("network namespaces {}-* on {}0/24", k_prefix + m_id, m_subnet);
}

Fabric::~Fabric() { remove(); }

std::string Fabric::node_namespace(int i) const { return node_ns(m_id, i); }
std::string Fabric::node_address(int i) const { return m_subnet + std::to_string(i + 2); }
std::string Fabric::host_address() const { return m_subnet + "1"; }

std::vector<std::string> Fabric::exec_prefix(int i) const {
    return {"ip", "netns", "exec", node_ns(m_id, i)};
}

void Fabric::cut(int i) {
    set_port(m_id, i, false);
    m_cut.at(static_cast<size_t>(i)) = true;
}

void Fabric::heal(int i) {
    set_port(m_id, i, true);
    m_cut.at(static_cast<size_t>(i)) = false;
}

bool Fabric::is_cut(int i) const { return m_cut.at(static_cast<size_t>(i)); }

void Fabric::delay(int i, int ms) {
    auto r = util::run_capture({"tc", "-n", node_ns(m_id, i), "qdisc", "replace", "dev", "eth0",
                                "root", "netem", "delay", std::to_string(ms) + "ms"},
                               k_ip_timeout);
    if (r.not_found) throw UnavailableError("'tc' is not installed", "install iproute2");
    if (r.exit_code != 0)
        throw UnavailableError("cannot delay a namespaced node: tc netem failed (" +
                                   trimmed(r.err + r.out) + ")",
                               "this kernel has no netem (sch_netem)");
}

void Fabric::undelay(int i) {
    util::run_capture({"tc", "-n", node_ns(m_id, i), "qdisc", "del", "dev", "eth0", "root"},
                      k_ip_timeout);
}

bool Fabric::reaches(int from, const std::string& host, int port,
                     std::chrono::milliseconds timeout) const {
    bool ok = false;
    std::thread t([&] {
        int fd = ::open(("/var/run/netns/" + node_ns(m_id, from)).c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return;
        if (::setns(fd, CLONE_NEWNET) == 0) ok = util::port_open(host, port, timeout);
        ::close(fd);
    });
    t.join();
    return ok;
}

void Fabric::remove() {
    if (m_removed) return;
    m_removed = true;
    remove_all(m_id, m_nodes);
}

bool remove_fabric(const std::string& id) {
    bool found = false;
    std::string prefix = k_prefix + id + "-";
    int nodes = 0;
    for (auto& ns : namespaces())
        if (ns.rfind(prefix, 0) == 0) {
            found = true;
            ++nodes;
        }
    if (found) remove_all(id, nodes);
    return found;
}

void sweep_dead_fabrics() {
    static const std::regex own(std::string("^") + k_prefix + "([0-9]+)x[0-9]+-");
    for (auto& ns : namespaces()) {
        std::smatch m;
        if (!std::regex_search(ns, m, own)) continue;
        pid_t pid = static_cast<pid_t>(std::stol(m[1].str()));
        if (util::alive(pid)) continue;
        std::string id = ns.substr(std::string(k_prefix).size(),
                                   static_cast<size_t>(m.length(0)) - 1 -
                                       std::string(k_prefix).size());
        log::info("removing network namespaces {}-* left by a run that ended (pid {})",
                  k_prefix + id, pid);
        remove_fabric(id);
    }
}

}  // namespace aegis::netns
