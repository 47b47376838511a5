// aegis demo order: the single-active order processor of the Python quickstart
// (order_service.py, service 'order-processor') done right. Only the leader runs the methods;
// orders live in a KV bucket, so the next leader continues with the same orders; an order is
// created exactly once per order id (or, without one, per request message id), so a retried or
// duplicated request never creates a second order.
#include <CLI/CLI.hpp>
#include <optional>
#include <memory>
#include <string>

#include <atomic>
#include <regex>

#include "commands/demos/demo.hpp"
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

struct Orders {
    nats::KeyValue kv;
    std::string instance_id;
    int instance = 1;
    std::atomic<int> created{0};

    Json get(const std::string& id) {
        auto e = kv.get("order." + id);
        if (!e) throw std::invalid_argument("order '" + id + "' not found");
        return wire::from_json(e->value);
    }

    Json create(const Json& p, const RpcContext& ctx) {
        std::string id = order_id_from(p, ctx);
        double amount = param(p, "amount", 0.0);
        if (amount < 0) throw std::invalid_argument("amount must not be negative");
        Json order = {{"order_id", id},
                      {"customer", param<std::string>(p, "customer", "guest")},
                      {"items", p.value("items", Json::array())},
                      {"amount", amount},
                      {"status", "created"},
                      {"created_at", wire::iso_now()},
                      {"created_by", instance_id},
                      {"message_id", ctx.request.header.message_id}};
        try {
            kv.create("order." + id, wire::to_json(order));  // atomic: exactly once per id
        } catch (const ConflictError&) {
            log::info("♻️  #{} ({}) order {} exists already: a retried or duplicated request",
                      instance, instance_id, id);
            return Json{{"created", false}, {"duplicate", true}, {"order", get(id)}};
        }
        ++created;
        log::info("📝 #{} ({}) created order {} for {}", instance, instance_id, id,
                  order["customer"].get<std::string>());
        return Json{{"created", true}, {"duplicate", false}, {"order", order}};
    }

    Json cancel(const Json& p) {
        std::string id = param<std::string>(p, "order_id", "");
        Json answer;
        auto change = [&](std::string_view value) -> std::optional<std::string> {
            Json order = wire::from_json(value);
            if (order["status"] == "cancelled") {
                answer = {{"cancelled", false}, {"already_cancelled", true}, {"order", order}};
                return std::nullopt;
            }
            order["status"] = "cancelled";
            order["cancel_reason"] = param<std::string>(p, "reason", "");
            order["cancelled_at"] = wire::iso_now();
            order["cancelled_by"] = instance_id;
            answer = {{"cancelled", true}, {"order", order}};
            return wire::to_json(order);
        };
        try {
            if (kv.update_with("order." + id, change, k_order_cas_tries))
                log::info("🚫 #{} ({}) cancelled order {}", instance, instance_id, id);
        } catch (const NotFoundError&) {
            throw std::invalid_argument("order '" + id + "' not found");
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

    Json statistics() {
        Json by_status = Json::object();
        double total = 0;
        int n = 0;
        for (auto& e : kv.entries("order.")) {
            Json o = wire::from_json(e.value);
            std::string s = o.value("status", "?");
            by_status[s] = by_status.value(s, 0) + 1;
            if (s != "cancelled") total += o.value("amount", 0.0);
            ++n;
        }
        return Json{{"total_orders", n},
                    {"by_status", by_status},
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
    svc->exclusive_rpc("create_order", [orders](const Json& p, const RpcContext& c) {
        return orders->create(p, c);
    });
    svc->exclusive_rpc("get_order",
                       [orders](const Json& p) { return orders->get(param<std::string>(p, "order_id", "")); });
    svc->exclusive_rpc("list_orders", [orders](const Json& p) { return orders->list(p); });
    svc->exclusive_rpc("cancel_order", [orders](const Json& p) { return orders->cancel(p); });
    svc->exclusive_rpc("get_statistics", [orders](const Json&) { return orders->statistics(); });
    return run_single_demo(*svc, o, "OrderProcessor",
                           "create_order, get_order, list_orders, cancel_order, get_statistics "
                           "(all exclusive), orders in KV '" +
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
