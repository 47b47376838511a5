#include "core/nats/status.hpp"

#include <nats/nats.h>

#include <string>

#include "core/util/error.hpp"

namespace aegis::nats {

namespace {

std::string detail(natsStatus s) {
    // nats_GetLastError is thread-local and not cleared by later successes: only trust it when
    // it reports the same status we are handling.
    natsStatus last = NATS_OK;
    const char* text = nats_GetLastError(&last);
    if (text && *text && last == s) return text;
    return natsStatus_GetText(s);
}

}  // namespace

void throw_status(int code, std::string_view what) {
    auto s = static_cast<natsStatus>(code);
    std::string msg = std::string(what) + ": " + detail(s);
    switch (s) {
    case NATS_NO_RESPONDERS:
        throw NoRespondersError(std::string("no responders for ") + std::string(what));
    case NATS_TIMEOUT:
        throw TimeoutError(std::string(what) + " timed out");
    case NATS_NO_SERVER:
    case NATS_CONNECTION_CLOSED:
    case NATS_CONNECTION_DISCONNECTED:
    case NATS_STALE_CONNECTION:
    case NATS_IO_ERROR:
    case NATS_ADDRESS_MISSING:
    case NATS_DRAINING:
        throw UnavailableError(msg);
    case NATS_CONNECTION_AUTH_FAILED:
    case NATS_NOT_PERMITTED:
        throw AuthError(msg);
    case NATS_NOT_FOUND:
        throw NotFoundError(msg);
    case NATS_INVALID_SUBJECT:
    case NATS_INVALID_ARG:
        throw UsageError(msg);
    case NATS_SSL_ERROR:
        throw ConfigError(msg);
    case NATS_MAX_PAYLOAD:
        throw DataError(msg);
    case NATS_ERR:
        // nats.c reports a revision conflict as plain NATS_ERR with this text, nothing else.
        if (msg.find("wrong last sequence") != std::string::npos) throw ConflictError(msg);
        if (msg.find("stream not found") != std::string::npos ||
            msg.find("key not found") != std::string::npos)
            throw NotFoundError(msg);
        [[fallthrough]];
    default:
        throw InternalError(msg);
    }
}

void check_jetstream_reached(int code, int js_err_code, std::string_view what) {
    auto s = static_cast<natsStatus>(code);
    if (s == NATS_NO_RESPONDERS || js_err_code == JSNotEnabledErr ||
        js_err_code == JSNotEnabledForAccountErr)
        throw UnavailableError("JetStream is not enabled on this server (" + std::string(what) +
                                   ")",
                               "start nats-server with -js, or use 'aegis up'");
    if (s == NATS_TIMEOUT || js_err_code == JSClusterNotAvailErr)
        throw TimeoutError("JetStream is enabled but did not answer (" + std::string(what) + ")",
                           "the server or its JetStream cluster is overloaded or has no meta "
                           "leader; try again, or 'aegis validate'");
}

}  // namespace aegis::nats
