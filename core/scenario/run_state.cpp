#include "core/scenario/run_state.hpp"
#include <map>
#include <functional>
#include <chrono>
#include <vector>
#include <string>

#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "core/scenario/ns_cluster.hpp"
#include "core/util/child_groups.hpp"
#include "core/util/error.hpp"
#include "core/util/process.hpp"
#include "core/util/signals.hpp"

namespace aegis::scenario {

RunState::RunState(const RunOptions& o, const Scenario& sc, std::string id)
    : options(o), scenario(sc), run_id(std::move(id)) {
    auto timeout = sc.timeout.count() > 0 ? sc.timeout : o.timeout;
    deadline = std::chrono::steady_clock::now() + timeout;
    vars["run"] = run_id;
    vars["scenario"] = sc.name;
    vars["server"] = o.server;
    if (o.cluster)  // `requires: [netns]`: each node's URL, for a spawn pinned to one node
        for (int i = 0; i < o.cluster->size(); ++i)
            vars["node" + std::to_string(i + 1)] = o.cluster->url(i);
    for (const auto& [k, v] : sc.vars.items()) vars[k] = v;
    for (const auto& [k, v] : o.overrides.items()) vars[k] = v;
    namespace fs = std::filesystem;
    std::string dir = (fs::temp_directory_path() / ("aegis-test-" + run_id + "-XXXXXX")).string();
    if (!mkdtemp(dir.data())) throw IoError("cannot create a log directory in " +
                                            fs::temp_directory_path().string());
    log_dir = dir;
}

RunState::~RunState() { stop_processes(); }

// Each instance leads a process group: stopping the group also stops what a `command`
// instance started itself (a shell's background jobs), even after the instance has exited.
void RunState::stop_processes() {
    for (auto& i : instances)
        if (i.running) util::signal_group(i.pid, SIGTERM);
    for (auto& i : instances) {
        if (i.running) util::terminate(i.pid, std::chrono::milliseconds(5000));
        else util::stop_group(i.pid, std::chrono::milliseconds(2000));
        i.running = false;
    }
}

namespace {

Json lookup(const std::map<std::string, Json>& vars, const std::string& name) {
    auto it = vars.find(name);
    if (it == vars.end()) throw DataError("unknown variable '${" + name + "}'");
    return it->second;
}

std::string as_text(const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

Json subst_string(const std::map<std::string, Json>& vars, const std::string& s) {
    if (s.size() > 3 && s.rfind("${", 0) == 0 && s.find('}') == s.size() - 1)
        return lookup(vars, s.substr(2, s.size() - 3));
    std::string out;
    size_t pos = 0;
    while (pos < s.size()) {
        size_t a = s.find("${", pos);
        if (a == std::string::npos) break;
        size_t b = s.find('}', a);
        if (b == std::string::npos) throw DataError("unterminated '${' in '" + s + "'");
        out += s.substr(pos, a - pos) + as_text(lookup(vars, s.substr(a + 2, b - a - 2)));
        pos = b + 1;
    }
    return out + s.substr(std::min(pos, s.size()));
}

}  // namespace

Json RunState::subst(const Json& v) const {
    if (v.is_string()) return subst_string(vars, v.get<std::string>());
    if (v.is_array()) {
        Json a = Json::array();
        for (const auto& x : v) a.push_back(subst(x));
        return a;
    }
    if (v.is_object()) {
        Json o = Json::object();
        for (const auto& [k, x] : v.items()) o[k] = subst(x);
        return o;
    }
    return v;
}

std::string RunState::str(const Json& args, const char* key, const std::string& def) const {
    if (!args.is_object() || !args.contains(key) || args[key].is_null()) return def;
    return as_text(args[key]);
}

bool RunState::out_of_time() const { return std::chrono::steady_clock::now() > deadline; }

bool RunState::wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout,
                          std::chrono::milliseconds step) const {
    auto end = std::min(deadline, std::chrono::steady_clock::now() + timeout);
    while (true) {
        if (done()) return true;
        if (util::stop_requested() || std::chrono::steady_clock::now() >= end) return false;
        std::this_thread::sleep_for(step);
    }
}

Instance* RunState::find_instance(const std::string& id) {
    for (auto& i : instances)
        if (i.id == id) return &i;
    return nullptr;
}

std::vector<Instance*> RunState::group(const std::string& name) {
    std::vector<Instance*> out;
    for (auto& i : instances)
        if (i.group == name) out.push_back(&i);
    return out;
}

void RunState::record(StepResult& r, const std::string& prefix, const std::string& key,
                      double value) {
    r.figures[key] = value;
    figures[prefix + "." + key] = value;
}

std::string RunState::log_tail(const Instance& inst, size_t lines) const {
    std::ifstream in(inst.log);
    std::vector<std::string> all;
    for (std::string l; std::getline(in, l);) all.push_back(l);
    std::string out;
    for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i)
        out += "\n    " + all[i];
    return out;
}

}  // namespace aegis::scenario
