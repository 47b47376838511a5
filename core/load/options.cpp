// Checks of a load run's options that do not need a connection.
#include <cmath>

#include "core/load/engine.hpp"
#include "core/util/error.hpp"
#include "core/wire/subjects.hpp"

namespace aegis::load {

void validate(const LoadOptions& o) {
    if (o.payload.service.empty() || o.payload.method.empty())
        throw UsageError("missing SERVICE or METHOD", "aegis load SERVICE METHOD [params] ...");
    wire::require_rpc_names(o.payload.service, o.payload.method);  // before connecting
    if (!o.schedule && (o.concurrency < 1 || o.concurrency > 100000))
        throw UsageError("--concurrency must be 1–100000");
    if (o.connections < 1 || o.connections > 64) throw UsageError("--connections must be 1–64");
    if (o.timeout.count() < 1) throw UsageError("--timeout must be more than 0");
    if (!(o.duration_s > 0)) throw UsageError("--duration must be more than 0");
    if (!std::isfinite(o.duration_s) && o.requests == 0)
        throw UsageError("give --duration or --requests");
    if (o.warmup_s < 0 || !std::isfinite(o.warmup_s)) throw UsageError("bad --warmup");
    if (o.schedule) {
        if (o.schedule->peak_rps() <= 0) throw UsageError("the rate must be more than 0");
        if (o.schedule->peak_rps() > 1e6) throw UsageError("the rate must be at most 1,000,000/s");
    }
    if (o.retry_not_active) o.retry.validate();
}

}  // namespace aegis::load
