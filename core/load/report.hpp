#pragma once
// A load run's report: the --json document, the terminal text, and the CI thresholds
// (--max-p99-ms, --max-error-rate, --min-rps) judged against it.
#include <optional>
#include <string>
#include <vector>

#include "core/load/engine.hpp"
#include "core/output/style.hpp"

namespace aegis::load {

struct Thresholds {
    std::optional<double> max_p99_ms, max_error_rate, min_rps;
};

struct ThresholdResult {
    std::string flag;  // "--max-p99-ms"
    double limit = 0, value = 0;
    bool ok = true;
};

std::vector<ThresholdResult> check(const LoadReport& r, const Thresholds& t);
double error_rate(const LoadReport& r);  // errors / completed calls, 0 when none completed
// "no call succeeded (N sent, M failed)" when not one call succeeded, else "": a run that
// measured nothing never passes, whatever its thresholds say.
std::string nothing_succeeded(const LoadReport& r);

Json to_json(const LoadReport& r, const std::vector<ThresholdResult>& thresholds);
std::string render_text(const LoadReport& r, const std::vector<ThresholdResult>& thresholds,
                        const output::Style& st);
// The live progress line (no newline): elapsed / total, rate, p99, errors.
std::string progress_line(const Progress& p);

}  // namespace aegis::load
