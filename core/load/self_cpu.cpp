#include "core/load/self_cpu.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <system_error>

namespace aegis::load {

namespace {

// utime + stime of /proc/self/task/<tid>/stat, in seconds (0 when the thread is gone).
double thread_cpu_s(const std::filesystem::path& stat_file) {
    std::ifstream in(stat_file);
    std::string stat((std::istreambuf_iterator<char>(in)), {});
    auto close = stat.rfind(')');  // the thread name may hold spaces and parentheses
    if (close == std::string::npos || close + 2 > stat.size()) return 0;
    std::istringstream fields(stat.substr(close + 2));
    std::string f;
    double ticks = 0;
    for (int i = 3; i <= 15 && fields >> f; ++i)
        if (i == 14 || i == 15) ticks += std::strtod(f.c_str(), nullptr);
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace

CpuSample sample_cpu() {
    CpuSample s;
    s.at = std::chrono::steady_clock::now();
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    s.process_s = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                  static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    std::error_code ec;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
        int tid = std::atoi(task.path().filename().c_str());
        if (tid > 0) s.threads_s[tid] = thread_cpu_s(task.path() / "stat");
    }
    return s;
}

bool generator_bound(double busiest_thread, double cores, unsigned machine_cores) {
    return busiest_thread >= 0.9 || cores >= 0.9 * std::max(1u, machine_cores);
}

GeneratorCpu generator_cpu(const CpuSample& from, const CpuSample& to, unsigned machine_cores) {
    GeneratorCpu g;
    g.machine_cores = std::max(1u, machine_cores);
    double wall = std::chrono::duration<double>(to.at - from.at).count();
    g.cpu_s = std::max(0.0, to.process_s - from.process_s);
    if (wall <= 0) return g;
    g.cores = g.cpu_s / wall;
    for (const auto& [tid, s] : to.threads_s) {
        auto before = from.threads_s.find(tid);  // a thread started during the run: all of it
        double used = s - (before == from.threads_s.end() ? 0.0 : before->second);
        g.busiest_thread = std::max(g.busiest_thread, std::min(1.0, used / wall));
    }
    g.bound = generator_bound(g.busiest_thread, g.cores, g.machine_cores);
    return g;
}

}  // namespace aegis::load
