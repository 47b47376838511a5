#include "core/quickstart/pattern_choice.hpp"

namespace aegis::quickstart {

PatternChoice choose_pattern(const std::function<bool(std::string_view question)>& yes) {
    if (yes("Does it answer requests from other services or people (RPC calls)?")) {
        if (yes("Must only one instance act at a time (one writer, work in order, a job that "
                "must not run twice)?"))
            return {"single-active",
                    "one instance at a time: a leader elected in KV serves the exclusive methods "
                    "and a standby takes over when it fails"};
        return {"service",
                "stateless requests: every instance answers, NATS spreads the calls over them "
                "(queue group), add instances to scale"};
    }
    if (yes("Does it react to facts other services publish (an order was created, a payment "
            "was processed)?"))
        return {"events",
                "it reacts to facts: event handlers, compete (one instance per event) or "
                "broadcast (every instance)"};
    if (yes("Does it only watch or call other services (a dashboard, a test driver, a batch "
            "job)?"))
        return {"client", "it observes and calls: a client that finds services in the registry, "
                          "with no service of its own"};
    return {"service", "none of the above: start with a load-balanced service, the simplest "
                       "pattern to grow from"};
}

}  // namespace aegis::quickstart
