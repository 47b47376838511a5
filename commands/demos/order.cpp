// aegis demo order: the single-active order processor of the Python quickstart
// (order_service.py, service 'order-processor') done right. Only the leader runs the methods;
// orders live in a KV bucket, so the next leader continues with the same orders; an order is
// created exactly once per order id (or, without one, per request message id), so a retried or
// duplicated request never creates a second order.
#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <memory>
#include <string>

#include <atomic>
#include <regex>

#include "commands/demos/demo.hpp"
#include "core/service/declared_params.hpp"
#include "core/service/history_recorder.hpp"
#include "core/service/params.hpp"
#include "commands/demos/single_active_demo.hpp"
#include "core/nats/kv.hpp"
#include "core/util/error.hpp"
#include "core/util/log.hpp"
#include "core/wire/codec.hpp"
#include "core/wire/timefmt.hpp"

namespace aegis::cmd::demos {

namespace {

constexpr int k_order_cas_tries = 20;

std::string order_id_from(const Json& p, const RpcContext& ctx) {
    if (p.contains("order_id")) {
        if (!p["order_id"].is_string()) throw std::invalid_argument("order_id must be a string");
        std::string id = p["order_id"];
        static const std::regex ok("^[A-Za-z0-9_-]{1,64}$");
        if (!std::regex_match(id, ok))
            throw std::invalid_argument("order_id must be 1–64 of A-Z a-z 0-9 _ -");
        return id;
    }
    // No id given: derive it from the request's message id, which a retry keeps.
    std::string hex;
    for (char c : ctx.request.header.message_id)
        if (c != '-') hex += c;
    return "ORD-" + hex.substr(0, 12);
}

// One of two names (the Python example's first, aegis's older one second), or the fallback.
template <class T>
T either_param(const Json& p, const char* name, const char* old_name, T fallback) {
    if (p.contains(name) && p.contains(old_name))
        throw DataError(std::string("give '") + name + "' or '" + old_name + "', not both");
    return param<T>(p, name, param<T>(p, old_name, fallback));
}

struct Orders {
    nats::KeyValue kv;
    std::string instance_id;
    int instance = 1;
    std::function<bool()> is_leader;
    std::function<std::chrono::milliseconds()> lease_left;
    std::atomic<int> created{0};
    std::string service;
    service::HistoryRecorder* history = nullptr;  // the service's, when it records

    std::optional<Json> find(const std::string& id) {
        auto e = kv.get("order." + id);
        if (!e) return std::nullopt;
        return wire::from_json(e->value);
    }
    Json get(const std::string& id) {
        auto order = find(id);
        if (!order) throw std::invalid_argument("order '" + id + "' not found");
        return *order;
    }

    // The Python example's create_order: order_id (optional), customer_id, total_amount, items;
    // customer and amount are the names aegis read before.
    Json create(const Json& p, const RpcContext& ctx) {
        std::string id = order_id_from(p, ctx);
        double amount = either_param(p, "total_amount", "amount", 0.0);
        if (amount < 0) throw std::invalid_argument("total_amount must not be negative");
        Json order = {{"order_id", id},
                      {"customer_id", either_param<std::string>(p, "customer_id", "customer",
                                                                "guest")},
                      {"items", p.is_object() ? p.value("items", Json::array()) : Json::array()},
                      {"total_amount", amount},
                      {"status", "created"},
                      {"created_at", wire::iso_now()},
                      {"processed_by", instance_id},
                      {"created_by", instance_id},
                      {"message_id", ctx.request.header.message_id}};
        try {
            // Atomic: exactly once per id. Bounded by the lease: cut off from NATS, the write
            // would block until the heal and this call would still run beside the successor's.
            // Unanswered then, the client retries on the new leader, which finds the order if
            // the held write landed after all.
            kv.create_within("order." + id, wire::to_json(order), lease_left());
        } catch (const TimeoutError&) {
            log::warn("#{} ({}) order {}: the lease ran out before the store answered: not "
                      "answered, the caller retries",
                      instance, instance_id, id);
            throw NoReply();
        } catch (const ConflictError&) {
            log::info("♻️  #{} ({}) order {} exists already: a retried or duplicated request",
                      instance, instance_id, id);
            return answer_for(get(id), false);
        }
        ++created;
        if (history)  // for the history checker: each order id must be created once
            history->record(Json{{"kind", "order"},
                                 {"service", service},
                                 {"order_id", id},
                                 {"instance", instance_id},
                                 {"t_us", service::history_now_us()}});
        log::info("📝 #{} ({}) created order {} for {}", instance, instance_id, id,
                  order["customer_id"].get<std::string>());
        return answer_for(order, true);
    }
    static Json answer_for(const Json& order, bool created) {
        return Json{{"success", true},       {"order_id", order["order_id"]},
                    {"status", order["status"]}, {"created", created},
                    {"duplicate", !created}, {"order", order}};
    }

    // The Python client reads success, and message when it is false.
    Json cancel(const Json& p) {
        std::string id = required_param<std::string>(p, "order_id");
        Json answer;
        auto change = [&](std::string_view value) -> std::optional<std::string> {
            Json order = wire::from_json(value);
            if (order["status"] == "cancelled") {
                answer = {{"success", false}, {"cancelled", false}, {"already_cancelled", true},
                          {"message", "order '" + id + "' is already cancelled"},
                          {"order", order}};
                return std::nullopt;
            }
            order["status"] = "cancelled";
            order["cancel_reason"] = param<std::string>(p, "reason", "");
            order["cancelled_at"] = wire::iso_now();
            order["cancelled_by"] = instance_id;
            answer = {{"success", true}, {"cancelled", true}, {"order", order}};
            return wire::to_json(order);
        };
        try {
            if (kv.update_with("order." + id, change, k_order_cas_tries))
                log::info("🚫 #{} ({}) cancelled order {}", instance, instance_id, id);
        } catch (const NotFoundError&) {
            return Json{{"success", false}, {"cancelled", false},
                        {"message", "order '" + id + "' not found"}};
        } catch (const ConflictError&) {
            throw std::runtime_error("order '" + id + "' kept changing; try again");
        }
        return answer;
    }

    Json list(const Json& p) {
        std::string status = param<std::string>(p, "status", "");
        int limit = param(p, "limit", 100);
        Json out = Json::array();
        for (auto& e : kv.entries("order.")) {
            Json o = wire::from_json(e.value);
            if (!status.empty() && o.value("status", "") != status) continue;
            if (static_cast<int>(out.size()) >= limit) break;
            out.push_back(std::move(o));
        }
        return Json{{"orders", out}, {"count", out.size()}};
    }

    // The Python client reads instance_id, total_orders, orders_by_status and is_leader.
    Json statistics() {
        Json by_status = Json::object();
        double total = 0;
        int n = 0;
        for (auto& e : kv.entries("order.")) {
            Json o = wire::from_json(e.value);
            std::string s = o.value("status", "?");
            by_status[s] = by_status.value(s, 0) + 1;
            // Orders stored before the Python names were used carry "amount".
            if (s != "cancelled") total += o.value("total_amount", o.value("amount", 0.0));
            ++n;
        }
        return Json{{"instance_id", instance_id},
                    {"is_leader", is_leader()},
                    {"total_orders", n},
                    {"orders_by_status", by_status},
                    {"total_amount", total},
                    {"served_by", instance_id},
                    {"created_by_this_instance", created.load()}};
    }
};

int run_order(Context& ctx, const SingleDemoOptions& o) {
    auto svc = make_single_demo(ctx, o, "Single-active order processor (AegisSDK quickstart)");
    nats::BucketConfig cfg;
    cfg.name = demo_bucket(o.service, "orders");
    cfg.description = "aegis demo order: orders by id";
    auto orders = std::make_shared<Orders>(nats::KeyValue::open_or_create(svc->connection(), cfg),
                                           svc->instance_id(), o.instance);
    orders->is_leader = [s = svc.get()] { return s->is_leader(); };
    orders->lease_left = [s = svc.get()] { return s->lease_left(); };
    orders->service = svc->name();
    orders->history = svc->history();
    svc->exclusive_rpc("create_order",
                       accepts({"order_id", "customer_id", "total_amount", "items", "customer",
                                "amount"},
                               [orders](const Json& p, const RpcContext& c) {
                                   return orders->create(p, c);
                               }));
    auto get = [orders](const Json& p) {
        return orders->get(required_param<std::string>(p, "order_id"));
    };
    svc->exclusive_rpc("get_order_status", accepts({"order_id"}, get));
    svc->exclusive_rpc("get_order", accepts({"order_id"}, get));
    svc->exclusive_rpc("list_orders", accepts({"status", "limit"}, [orders](const Json& p) {
                           return orders->list(p);
                       }));
    svc->exclusive_rpc("cancel_order", accepts({"order_id", "reason"}, [orders](const Json& p) {
                           return orders->cancel(p);
                       }));
    svc->exclusive_rpc("get_statistics",
                       accepts({}, [orders](const Json&) { return orders->statistics(); }));
    return run_single_demo(*svc, o, "OrderProcessor",
                           "create_order, get_order_status (or get_order), list_orders, "
                           "cancel_order, get_statistics (all exclusive), orders in KV '" +
                               cfg.name + "'");
}

}  // namespace

void setup_order(CLI::App& demo, Context& ctx) {
    auto o = std::make_shared<SingleDemoOptions>();
    o->workers = 4;
    auto* app = demo.add_subcommand("order");
    add_single_demo_options(*app, *o, "order-processor");
    app->callback([o, &ctx] { ctx.run = [o, &ctx] { return run_order(ctx, *o); }; });
}

}  // namespace aegis::cmd::demos
