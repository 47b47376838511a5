#include "core/client/client.hpp"
#include <optional>
#include <chrono>
#include <memory>
#include <string>

#include "core/client/presence.hpp"
#include "core/nats/connection.hpp"
#include "core/util/error.hpp"
#include "core/wire/names.hpp"
#include "core/wire/rpc_codec.hpp"

namespace aegis {

Client::Client(std::shared_ptr<nats::Connection> conn) : m_conn(std::move(conn)) {}

std::string encode_request(const std::string& service, const std::string& method,
                           const Json& params, const CallOptions& options,
                           std::string* message_id) {
    wire::RequestSpec spec;
    spec.method = method;
    spec.params = &params;
    spec.timeout = std::chrono::duration<double>(options.timeout).count();
    if (options.source) spec.source = *options.source;
    spec.target = service;
    if (options.message_id) spec.message_id = *options.message_id;
    return wire::encode_new_request(spec, options.format, message_id);
}

std::optional<std::string> answering_instance(const std::optional<std::string>& header,
                                              const Json& result) {
    if (header && !header->empty()) return header;
    if (result.is_object()) {
        for (const char* k : {"instance_id", "instance"}) {
            auto it = result.find(k);
            if (it != result.end() && it->is_string()) return it->get<std::string>();
            if (it != result.end() && it->is_number()) return it->dump();
        }
    }
    return std::nullopt;
}

CallResult Client::call_raw(const std::string& service, const std::string& method,
                            const Json& params, const CallOptions& options) const {
    if (!params.is_null() && !params.is_object())
        throw UsageError("params must be a JSON object");
    CallResult out;
    out.subject = wire::rpc_subject(service, method);
    std::string payload = encode_request(service, method, params, options, &out.message_id);
    auto t0 = std::chrono::steady_clock::now();
    nats::Msg reply;
    try {
        reply = m_conn->request(out.subject, payload, options.timeout);
    } catch (const NoRespondersError&) {
        throw client::explain_no_responders(m_conn, service, method);
    } catch (const TimeoutError&) {
        throw TimeoutError("'" + out.subject + "' did not answer within " +
                               std::to_string(options.timeout.count()) + " ms",
                           "raise --timeout, or check the service's logs");
    }
    out.rtt = std::chrono::steady_clock::now() - t0;
    std::string_view data = reply.data();
    if (data.empty()) throw DataError("empty reply from '" + out.subject + "'");
    out.response_format = wire::sniff(data);
    out.response = wire::decode_rpc_response(data);
    out.instance = answering_instance(reply.header("Aegis-Instance"), out.response.result);
    return out;
}

Json Client::call(const std::string& service, const std::string& method, const Json& params,
                  const CallOptions& options) const {
    auto r = call_raw(service, method, params, options);
    if (!r.response.success)
        throw RemoteError("'" + service + "." + method + "' failed: " +
                          r.response.error.value_or("unknown error"));
    return std::move(r.response.result);
}

}  // namespace aegis
