// Turning one request message into one response: decode (msgpack or JSON), run the handler,
// reply in the requester's format. Nothing a client sends can take the service down.
#include "core/service/service_impl.hpp"
#include <optional>
#include <mutex>
#include <chrono>
#include <memory>
#include <string>
#include "core/util/error.hpp"
#include "core/util/log.hpp"
#include "core/wire/rpc_codec.hpp"

namespace aegis {

namespace {

const char* k_instance_header = "Aegis-Instance";
// Headers (instance id, error text) travel in the same message as the payload.
constexpr int64_t k_header_room = 512;

std::string one_line(const std::string& s) {
    auto nl = s.find('\n');
    return nl == std::string::npos ? s : s.substr(0, nl);
}

void reply(nats::Connection& conn, const nats::Msg& req, const std::string& payload,
           const std::string& instance_id, const std::string* error, const char* code) {
    if (req.reply().empty()) return;  // a publish, not a request: nobody to answer
    if (!error) {
        const nats::HeaderRef h[] = {{k_instance_header, instance_id.c_str()}};
        conn.reply(req, payload, h);
        return;
    }
    // ADR-32 clients look for these headers on failed replies.
    const std::string text = one_line(*error);
    const nats::HeaderRef h[] = {{k_instance_header, instance_id.c_str()},
                                 {"Nats-Service-Error", text.c_str()},
                                 {"Nats-Service-Error-Code", code}};
    conn.reply(req, payload, h);
}

}  // namespace

void Service::Impl::dispatch(Endpoint& ep, nats::Msg& msg) {
    if (options.workers <= 0) {
        handle(ep, msg);
        return;
    }
    auto shared = std::make_shared<nats::Msg>(std::move(msg));
    {
        std::lock_guard lock(work_mutex);
        work.emplace_back(&ep, std::move(shared));
    }
    work_cv.notify_one();
}

void Service::Impl::handle(Endpoint& ep, nats::Msg& msg) {
    auto t0 = std::chrono::steady_clock::now();
    std::string_view data = msg.data();
    wire::Format fmt = data.empty() ? wire::Format::json : wire::sniff(data);
    std::optional<wire::RpcRequest> req;  // engaged once decoded
    std::string error;
    const char* code = "500";
    Json result;
    try {
        try {
            req.emplace(wire::decode_rpc_request(data));
        } catch (const std::exception& e) {
            code = "400";
            throw;
        }
        RpcContext ctx{*req, options.instance_id};
        result = ep.handler(req->params, ctx);
    } catch (const NoReply&) {
        return;
    } catch (const nlohmann::json::exception& e) {
        // A handler that read a parameter of the wrong type: without the library's
        // "[json.exception.type_error.302] " prefix, and saying what it is about.
        std::string what = e.what();
        if (auto at = what.find("] "); what.rfind("[json.exception.", 0) == 0 && at != what.npos)
            what = what.substr(at + 2);
        error = std::string_view(code) == "400" ? what  // the request did not decode
                              : "bad params: " + what + " (the handler reads a parameter as "
                                                        "another type)";
    } catch (const std::exception& e) {
        error = e.what();
        if (error.empty()) error = "handler failed";
    } catch (...) {
        error = "handler failed with a non-standard exception";
    }
    std::optional<std::string_view> correlation;
    if (req) correlation = req->header.message_id;
    const std::string* err = error.empty() ? nullptr : &error;
    try {
        std::string payload;
        try {
            payload = wire::encode_new_response(correlation, result, err, fmt);
        } catch (const std::exception& e) {
            // A result that cannot be encoded (e.g. invalid UTF-8 in JSON) is the handler's error.
            error = std::string("cannot encode result: ") + e.what();
            err = &error;
            payload = wire::encode_new_response(correlation, Json(), err, fmt);
        }
        // A reply the server would refuse (bigger than its max_payload) would leave the caller
        // waiting for a timeout: it gets an error envelope saying so instead.
        int64_t limit = conn->max_payload();
        if (limit > 0 && static_cast<int64_t>(payload.size()) + k_header_room > limit) {
            error = "reply too large: " + std::to_string(payload.size()) +
                    " bytes, more than the server's max_payload of " + std::to_string(limit) +
                    " bytes";
            err = &error;
            code = "500";
            payload = wire::encode_new_response(correlation, Json(), err, fmt);
            log::warn("'{}': {}", ep.subject, error);
        }
        // Count before replying: a STATS request sent after the reply must see this request.
        ep.stats.record(std::chrono::steady_clock::now() - t0, err);
        reply(*conn, msg, payload, options.instance_id, err, code);
    } catch (const std::exception& e) {
        log::warn("'{}': could not send the reply: {}", ep.subject, e.what());
    }
    if (err) log::debug("'{}' failed: {}", ep.subject, one_line(*err));
}

void Service::Impl::start_workers() {
    work_stop = false;
    for (int i = 0; i < options.workers; ++i) {
        workers.emplace_back([this] {
            for (;;) {
                std::pair<Endpoint*, std::shared_ptr<nats::Msg>> item;
                {
                    std::unique_lock lock(work_mutex);
                    work_cv.wait(lock, [this] { return work_stop || !work.empty(); });
                    if (work.empty()) return;  // stopping and drained
                    item = std::move(work.front());
                    work.pop_front();
                }
                handle(*item.first, *item.second);
            }
        });
    }
}

void Service::Impl::stop_workers() {
    {
        std::lock_guard lock(work_mutex);
        work_stop = true;
    }
    work_cv.notify_all();
    for (auto& t : workers)
        if (t.joinable()) t.join();
    workers.clear();
}

}  // namespace aegis
