#pragma once
// The open model's arrival schedule: a piecewise-linear rate over time, and a pacer that turns it
// into the intended send time of every call (call k is due when the integral of the rate reaches
// k). Latency in the open model is measured from these times, not from the actual send.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace aegis::load {

struct Segment {
    double start_s = 0;
    double length_s = 0;  // +inf: open-ended (--rate with --requests and no --duration)
    double from_rps = 0;
    double to_rps = 0;
    double rate_at(double t) const;  // t in [start_s, start_s + length_s]
};

class Schedule {
public:
    // --rate R for `duration_s` (may be +inf).
    static Schedule constant(double rps, double duration_s);
    // --ramp FROM:TO, linear over `duration_s`.
    static Schedule ramp(double from_rps, double to_rps, double duration_s);
    // --steps: each rate for its own length.
    static Schedule steps(const std::vector<std::pair<double, double>>& rate_and_length_s);
    // --spike RATE@AT/FOR: the rate is RATE between AT and AT+FOR, whatever the base says.
    void add_spike(double rps, double at_s, double for_s);

    double rate_at(double t) const;  // 0 outside the schedule
    double length_s() const;         // +inf when open-ended
    double peak_rps() const;
    const std::vector<Segment>& segments() const { return m_segments; }

private:
    std::vector<Segment> m_segments;
};

// Yields the offset (seconds from the start) of call 0, 1, 2, ...; nullopt once past the end.
class Pacer {
public:
    explicit Pacer(Schedule s) : m_schedule(std::move(s)) {}
    std::optional<double> next();

private:
    Schedule m_schedule;
    size_t m_segment = 0;
    uint64_t m_k = 0;            // the next call's number
    double m_area_before = 0;    // calls the segments before m_segment hold
};

// Command-line syntax, parsed here so that it is tested without a command line. Each throws
// UsageError naming the flag; durations in it ("5s", "500ms", "2m") go through util::parse_seconds.
std::pair<double, double> parse_ramp(const std::string& text);       // "FROM:TO"
// "100,200,400" (each for duration/N; needs duration) or "100:5s,200:10s" (own lengths).
std::vector<std::pair<double, double>> parse_steps(const std::string& text,
                                                   std::optional<double> duration_s);
struct Spike {
    double rps = 0, at_s = 0, for_s = 0;
};
Spike parse_spike(const std::string& text);  // "RATE@AT/FOR", e.g. "1000@5s/2s"

}  // namespace aegis::load
