// Steps that start and stop things: spawn, kill, stop_server, restart_server, sleep.
#include <signal.h>
#include <fmt/format.h>
#include <chrono>
#include <vector>
#include <string>

#include <fstream>
#include <sstream>

#include "core/nats/connection.hpp"
#include "core/registry/registry.hpp"
#include "core/service/history_recorder.hpp"
#include "core/scenario/leaders_view.hpp"
#include "core/scenario/loader.hpp"
#include "core/scenario/local_nats.hpp"
#include "core/scenario/run_state.hpp"
#include "core/util/child_groups.hpp"
#include "core/util/duration.hpp"
#include "core/util/error.hpp"
#include "core/util/process.hpp"
#include "core/util/uuid.hpp"
#include "core/wire/names.hpp"

namespace aegis::scenario {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

namespace {

bool log_contains(const std::string& path, const std::string& text) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str().find(text) != std::string::npos;
}

// The child's command line: `aegis demo ...` with the run's names, or the scenario's own
// command; `command` and `args` may use ${instance_id}, ${index} and ${service}.
std::vector<std::string> spawn_argv(RunState& s, const Json& a, const Json& raw,
                                    const Instance& inst) {
    std::vector<std::string> argv;
    if (a.contains("demo")) {
        argv = {s.options.binary, "demo", s.str(a, "demo"), "--server",
                inst.proxy ? inst.proxy->url() : s.str(a, "server", s.options.server),
                "--service", inst.service, "--instance-id", inst.id, "--instance",
                std::to_string(inst.index)};
        argv.insert(argv.end(), s.options.spawn_args.begin(), s.options.spawn_args.end());
    }
    auto saved = s.vars;
    s.vars["instance_id"] = inst.id;
    s.vars["index"] = inst.index;
    s.vars["service"] = inst.service;
    Json extra;
    try {
        extra = s.subst(Json{{"command", raw.value("command", Json::array())},
                             {"args", raw.value("args", Json::array())}});
    } catch (...) {
        s.vars = saved;
        throw;
    }
    s.vars = saved;
    for (const char* key : {"command", "args"})
        for (const auto& x : extra[key]) argv.push_back(x.is_string() ? x.get<std::string>() : x.dump());
    if (!argv.empty() && argv[0] == "aegis") argv[0] = s.options.binary;
    return argv;
}

bool ready(RunState& s, const Instance& i, const std::string& how, const std::string& text,
           registry::Registry& reg) {
    if (!text.empty() && !log_contains(i.log, text)) return false;
    if (how == "registered") return reg.get(i.service, i.id).has_value();
    if (how == "leader") return lease_holder(s.conn(), i.service).has_value();
    return true;  // started / none
}

// Why an instance never showed up in the registry: under another id (the program chose its
// own), or not at all under the run's name (it registers under another, or elsewhere).
std::string registration_hint(RunState& s, registry::Registry& reg, const Instance& i) {
    std::vector<std::string> others;
    try {
        registry::ListOptions lo;
        lo.service = i.service;
        lo.include_stale = true;
        for (const auto& l : reg.list(lo))
            if (!s.find_instance(l.instance_id())) others.push_back(l.instance_id());
    } catch (const std::exception&) {
    }
    if (!others.empty())
        return fmt::format("; '{}' has instance '{}' registered instead: the program does not "
                           "take the id it is given (aegis::quick_setup programs take "
                           "AEGIS_INSTANCE_ID; else add args: [--instance-id, \"${{instance_id}}\"])",
                           i.service, others.front());
    return fmt::format("; no instance of '{}' is registered: does the program register under "
                       "that name and id (aegis::quick_setup programs take AEGIS_SERVICE_NAME and "
                       "AEGIS_INSTANCE_ID; else add args: [--service, \"${{service}}\", "
                       "--instance-id, \"${{instance_id}}\"]) and reach the run's NATS "
                       "(AEGIS_NATS_URL, ${{server}})?",
                       i.service);
}

void await_ready(RunState& s, const std::vector<Instance*>& group, const std::string& how,
                 const std::string& text, milliseconds timeout) {
    registry::Registry reg(s.conn());
    for (auto* i : group) {
        bool ok = s.wait_until([&] {
            if (!util::alive(i->pid)) return true;
            try {
                return ready(s, *i, how, text, reg);
            } catch (const std::exception&) {
                return false;  // the registry bucket may not exist yet
            }
        }, timeout, milliseconds(25));
        if (!util::alive(i->pid)) {
            i->running = false;
            throw StepFailed(fmt::format("instance {} exited before it was ready:{}", i->id,
                                         s.log_tail(*i)));
        }
        if (!ok)
            throw StepFailed(fmt::format("instance {} not {} within {} ms{}{}", i->id,
                                         text.empty() ? how : "showing '" + text + "'",
                                         timeout.count(),
                                         how == "registered" && text.empty()
                                             ? registration_hint(s, reg, *i) : "",
                                         s.log_tail(*i)));
    }
}

// A command of the user's gets the run's names and server in the environment an SDK program
// reads (docs/sdk.md): it runs namespaced under the run id without flags of its own, and the
// sweep finds the registry entry of an instance the run killed under the id it gave.
void add_command_env(const RunState& s, const Instance& inst,
                     std::vector<std::pair<std::string, std::string>>& env) {
    env.emplace_back(wire::k_instance_id_env, inst.id);
    if (!inst.service.empty()) env.emplace_back("AEGIS_SERVICE_NAME", inst.service);
    if (!s.options.server.empty()) env.emplace_back("AEGIS_NATS_URL", s.options.server);
}

void step_spawn(RunState& s, const Json& raw, StepResult& out) {
    Json base = raw;
    base.erase("command");
    base.erase("args");
    Json a = s.subst(base);
    bool demo = a.contains("demo"), cmd = raw.contains("command");
    if (demo == cmd) throw StepFailed("spawn needs exactly one of 'demo' and 'command'");
    std::string service = s.str(a, "service", demo ? s.str(a, "demo") + "-" + s.run_id : "");
    std::string group = s.str(a, "as", demo ? s.str(a, "demo") : "spawned");
    int count = a.value("count", 1);
    if (count < 1 || count > 20) throw StepFailed("spawn.count must be 1–20");
    std::string how = s.str(a, "ready", demo ? "registered" : "started");
    if (how != "registered" && how != "leader" && how != "started" && how != "none")
        throw StepFailed("spawn.ready is registered, leader, started or none, not '" + how + "'");
    if (how == "registered" && service.empty())
        throw StepFailed("spawn.ready: registered needs 'service'");
    std::vector<Instance*> made;
    std::vector<std::string> ids;
    int first = static_cast<int>(s.group(group).size());
    for (int n = 1; n <= count; ++n) {
        Instance inst;
        inst.service = service;
        inst.group = group;
        inst.index = first + n;
        inst.id = (service.empty() ? group : service) + "-" + util::random_hex(4);
        inst.log = s.log_dir + "/" + inst.id + ".log";
        if (a.value("fault_proxy", false))
            inst.proxy = std::make_shared<fault::FaultProxy>(s.options.server);
        util::SpawnOptions so;
        so.argv = spawn_argv(s, a, raw, inst);
        so.stdout_path = inst.log;
        so.stderr_path = "=stdout";
        so.die_with_parent = true;  // a crashed runner leaves no instance behind
        so.env = {{"NO_COLOR", "1"}, {"AEGIS_LOG", "info"},
                  {service::k_history_env, s.history_file()}};
        if (cmd) add_command_env(s, inst, so.env);
        so.env.insert(so.env.end(), s.options.spawn_env.begin(), s.options.spawn_env.end());
        if (inst.proxy) so.env.emplace_back("AEGIS_NATS_URL", inst.proxy->url());
        inst.pid = util::spawn(so);
        ids.push_back(inst.id);
        s.instances.push_back(inst);
    }
    for (auto* i : s.group(group))
        if (std::find(ids.begin(), ids.end(), i->id) != ids.end()) made.push_back(i);
    s.vars[group] = service;
    s.vars[group + ".count"] = static_cast<int>(s.group(group).size());
    for (auto* i : s.group(group)) s.vars[group + "." + std::to_string(i->index)] = i->id;
    auto t0 = Clock::now();
    if (how != "none")
        await_ready(s, made, how, s.str(a, "ready_log"), parse_duration(a.value("timeout", Json("15s"))));
    s.record(out, s.str(a, "record", group), "ready_ms", util::millis(Clock::now() - t0));
    out.title = fmt::format("spawn {} × {} as '{}' ({}){}", count,
                            demo ? "demo " + s.str(a, "demo") : "command", group,
                            fmt::join(ids, ", "),
                            how == "none" ? "" : fmt::format(", {} in {:.0f} ms", how,
                                                             out.figures["ready_ms"]));
}

int signal_number(const std::string& name) {
    if (name == "KILL" || name == "SIGKILL") return SIGKILL;
    if (name == "TERM" || name == "SIGTERM") return SIGTERM;
    if (name == "INT" || name == "SIGINT") return SIGINT;
    if (name == "STOP" || name == "SIGSTOP") return SIGSTOP;
    if (name == "CONT" || name == "SIGCONT") return SIGCONT;
    throw StepFailed("kill.signal is KILL, TERM, INT, STOP or CONT, not '" + name + "'");
}


void step_kill(RunState& s, const Json& raw, StepResult& out) {
    Json a = s.subst(raw);
    std::string what;
    Instance* victim = kill_target(s, a, what);
    if (!victim->running) throw StepFailed("instance " + victim->id + " is not running");
    std::string sig_name = s.str(a, "signal", "KILL");
    int sig = signal_number(sig_name);
    std::string prefix = s.str(a, "record", "kill");
    s.vars["killed"] = victim->id;
    auto t0 = Clock::now();
    util::signal_group(victim->pid, sig);  // the instance and whatever it started
    out.title = fmt::format("kill {} {} (SIG{})", what, victim->id, sig_name.rfind("SIG", 0) == 0
                                                                    ? sig_name.substr(3) : sig_name);
    std::string new_leader;
    if (a.contains("expect_new_leader")) {
        auto timeout = parse_duration(a["expect_new_leader"]);
        bool ok = s.wait_until([&] {
            auto h = lease_holder(s.conn(), victim->service);
            if (h && *h != victim->id) new_leader = *h;
            return !new_leader.empty();
        }, timeout, milliseconds(5));
        if (!ok)
            throw StepFailed(fmt::format("{}: no new leader of '{}' within {} ms", out.title,
                                         victim->service, timeout.count()));
        double ms = util::millis(Clock::now() - t0);
        s.record(out, prefix, "new_leader_ms", ms);
        s.vars["new_leader"] = new_leader;
        out.title += fmt::format(" → new leader {} in {:.0f} ms", new_leader, ms);
    }
    if (sig == SIGKILL || sig == SIGTERM || sig == SIGINT) {
        auto status = util::wait_exit(victim->pid, milliseconds(10000));
        if (!status) util::terminate(victim->pid, milliseconds(1000));
        victim->running = false;
        s.record(out, prefix, "exit_status", status.value_or(-1));
    }
}

void step_stop_server(RunState& s, const Json&, StepResult& out) {
    if (!s.options.local) throw StepFailed("stop_server needs a server of the run's own (--local)");
    s.options.local->stop();
    out.title = "stop the local nats-server";
}

void step_restart_server(RunState& s, const Json& raw, StepResult& out) {
    if (!s.options.local)
        throw StepFailed("restart_server needs a server of the run's own (--local)");
    auto t0 = Clock::now();
    s.options.local->restart();
    Json a = raw.is_object() ? s.subst(raw) : Json::object();
    auto timeout = parse_duration(a.value("timeout", Json("10s")));
    bool back = s.wait_until([&] { return s.conn()->is_connected(); }, timeout, milliseconds(20));
    out.title = "restart the local nats-server on " + s.options.local->url();
    if (!back) throw StepFailed(fmt::format("not reconnected within {} ms", timeout.count()));
    s.record(out, "restart_server", "restart_ms", util::millis(Clock::now() - t0));
}

void step_sleep(RunState& s, const Json& raw, StepResult& out) {
    auto d = parse_duration(s.subst(raw));
    out.title = fmt::format("sleep {} ms", d.count());
    s.wait_until([] { return false; }, d, milliseconds(10));
}

}  // namespace

Instance* kill_target(RunState& s, const Json& a, std::string& what) {
    if (a.contains("leader")) {
        std::string service = s.str(a, "leader");
        auto holder = lease_holder(s.conn(), service);
        if (!holder) throw StepFailed("service '" + service + "' has no leader to kill");
        Instance* i = s.find_instance(*holder);
        if (!i) throw StepFailed("the leader of '" + service + "' is " + *holder +
                                 ", which this run did not start");
        what = "leader";
        return i;
    }
    if (a.contains("instance")) {
        Instance* i = s.find_instance(s.str(a, "instance"));
        if (!i) throw StepFailed("no instance '" + s.str(a, "instance") + "' in this run");
        what = "instance";
        return i;
    }
    auto g = s.group(s.str(a, "group"));
    int index = a.value("index", 1);
    if (g.empty()) throw StepFailed("kill needs 'leader', 'instance' or 'group' (+ 'index')");
    if (index < 1 || index > static_cast<int>(g.size()))
        throw StepFailed(fmt::format("group '{}' has {} instances, no #{}", s.str(a, "group"),
                                     g.size(), index));
    what = "instance";
    return g[index - 1];
}

StepFn process_step(const std::string& kind) {
    if (kind == "spawn") return step_spawn;
    if (kind == "kill") return step_kill;
    if (kind == "stop_server") return step_stop_server;
    if (kind == "restart_server") return step_restart_server;
    if (kind == "sleep") return step_sleep;
    return nullptr;
}

}  // namespace aegis::scenario
