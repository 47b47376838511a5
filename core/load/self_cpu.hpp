#pragma once
// The load generator's own CPU: whether it, and not the service, limits a run. The process's
// user + system time over the run gives the cores it used and its CPU per call; the busiest of
// its threads shows the serial limit (a connection's nats.c reader or delivery thread) that no
// spare core helps with.
#include <chrono>
#include <map>

namespace aegis::load {

struct CpuSample {
    double process_s = 0;              // user + system, every thread
    std::map<int, double> threads_s;   // per thread id, user + system
    std::chrono::steady_clock::time_point at{};
};

CpuSample sample_cpu();

struct GeneratorCpu {
    double cpu_s = 0;           // CPU the process used between the samples
    double cores = 0;           // cpu_s / wall time
    double busiest_thread = 0;  // the busiest thread's share of the wall time, 0..1
    unsigned machine_cores = 1;
    bool bound = false;         // the generator was the limit (see generator_bound)
};

// A generator is the limit when one of its threads was busy nearly all the time (it cannot go
// faster) or the process used nearly every core of the machine.
bool generator_bound(double busiest_thread, double cores, unsigned machine_cores);

GeneratorCpu generator_cpu(const CpuSample& from, const CpuSample& to, unsigned machine_cores);

}  // namespace aegis::load
