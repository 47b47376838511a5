#include "core/scenario/failover_fleet.hpp"
#include <chrono>
#include <vector>
#include <string>

#include <signal.h>

#include "core/util/child_groups.hpp"
#include "core/util/process.hpp"
#include "core/wire/names.hpp"

namespace aegis::scenario {

Fleet::Fleet(FleetOptions options) : m_options(std::move(options)) {}

Fleet::~Fleet() { stop_all(); }

std::string Fleet::spawn() {
    const int number = ++m_spawned;
    std::string id = wire::default_instance_id(m_options.service);
    util::SpawnOptions so;
    if (!m_options.command.empty()) {
        so.argv = command_argv(id, number);
        // The names an SDK program takes from its environment (docs/sdk.md): the run's.
        so.env = {{wire::k_instance_id_env, id},
                  {"AEGIS_SERVICE_NAME", m_options.service},
                  {"AEGIS_INSTANCE", std::to_string(number)}};
    } else {
        so.argv = demo_argv(id, number);
    }
    so.stdout_path = log_path(id);
    so.stderr_path = "=stdout";
    // No colours in the log files, and the children must not inherit a caller's log level.
    so.env.insert(so.env.end(), {{"NO_COLOR", "1"}, {"AEGIS_LOG", "info"}});
    // The server URL may hold credentials: a demo gets it in its environment (readable by its
    // owner only), never on its command line, which every user sees in ps. (A --spawn-cmd
    // child gets the same from the caller's m_options.env.)
    if (m_options.command.empty()) so.env.emplace_back("AEGIS_NATS_URL", m_options.server);
    so.env.insert(so.env.end(), m_options.env.begin(), m_options.env.end());
    if (m_options.proxied) {
        auto p = std::make_unique<fault::FaultProxy>(m_options.server);
        std::erase_if(so.env, [](const auto& kv) { return kv.first == "AEGIS_NATS_URL"; });
        so.env.emplace_back("AEGIS_NATS_URL", p->url());
        m_proxies[id] = std::move(p);
    }
    m_children[id] = util::spawn(so);
    return id;
}

std::vector<std::string> Fleet::command_argv(const std::string& id, int number) const {
    std::vector<std::string> argv = m_options.command;
    auto replace_all = [](std::string& s, const std::string& from, const std::string& to) {
        for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
            s.replace(at, from.size(), to);
    };
    for (auto& a : argv) {
        replace_all(a, "{id}", id);
        replace_all(a, "{n}", std::to_string(number));
    }
    return argv;
}

std::vector<std::string> Fleet::demo_argv(const std::string& id, int number) const {
    std::vector<std::string> argv = {m_options.binary,
               "demo",
               m_options.demo,
               "--service",
               m_options.service,
               "--instance-id",
               id,
               "--instance",
               std::to_string(number),
               "--policy",
               m_options.policy};
    argv.insert(argv.end(), m_options.extra_args.begin(), m_options.extra_args.end());
    return argv;
}

bool Fleet::ours(const std::string& id) const { return m_children.count(id) > 0; }

pid_t Fleet::pid(const std::string& id) const {
    auto it = m_children.find(id);
    return it == m_children.end() ? 0 : it->second;
}

fault::FaultProxy* Fleet::proxy(const std::string& id) const {
    auto it = m_proxies.find(id);
    return it == m_proxies.end() ? nullptr : it->second.get();
}

void Fleet::signal(const std::string& id, int sig) {
    if (pid_t p = pid(id)) util::signal_group(p, sig);
}

int Fleet::reap(const std::string& id, std::chrono::milliseconds wait) {
    pid_t p = pid(id);
    if (!p) return -1;
    auto status = util::wait_exit(p, wait);
    if (!status) {
        util::signal_group(p, SIGKILL);
        util::wait_exit(p, std::chrono::milliseconds(2000));
    }
    util::stop_group(p, std::chrono::milliseconds(1000));  // what a --spawn-cmd child started
    m_children.erase(id);
    m_proxies.erase(id);
    return status.value_or(-1);
}

void Fleet::stop_all() {
    for (auto& [id, p] : m_children) util::signal_group(p, SIGTERM);
    for (auto& [id, p] : m_children) util::signal_group(p, SIGCONT);  // a frozen one, too
    for (auto& [id, p] : m_children) util::terminate(p, std::chrono::milliseconds(3000));
    m_children.clear();
    m_proxies.clear();  // after the children: a proxy gone first would cut them off
}

std::vector<std::string> Fleet::ids() const {
    std::vector<std::string> out;
    for (auto& [id, p] : m_children) out.push_back(id);
    return out;
}

std::string Fleet::log_path(const std::string& id) const {
    return m_options.log_dir + "/" + id + ".log";
}

}  // namespace aegis::scenario
