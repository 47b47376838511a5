// aegis demo inventory: a single writer ('inventory-manager'). Only the leader changes stock
// (reserve, release), each change a revision-checked KV update of the SKU's record, so counts
// never go negative and never drift, even with concurrent calls and across a failover. A
// reservation is keyed by its id (default: the request's message id, which retries keep), so a
// retried reserve never reserves twice. get_stock is answered by any instance, from KV.
#include <CLI/CLI.hpp>
#include <optional>
#include <memory>
#include <vector>
#include <string>

#include "commands/demos/demo.hpp"
#include "core/service/declared_params.hpp"
#include "core/service/params.hpp"
#include "commands/demos/single_active_demo.hpp"
#include "core/nats/kv.hpp"
#include "core/util/error.hpp"
#include "core/util/log.hpp"
#include "core/wire/codec.hpp"
#include "core/wire/timefmt.hpp"

namespace aegis::cmd::demos {

namespace {

constexpr int k_stock_cas_tries = 50;
constexpr size_t k_keep_released = 200;  // recent releases remembered (a retried release)

struct Stock {
    nats::KeyValue kv;
    std::string instance_id;
    int instance = 1;

    void seed(const std::string& sku, int64_t total) {
        Json v = {{"sku", sku},
                  {"total", total},
                  {"available", total},
                  {"reserved", 0},
                  {"holds", Json::object()},
                  {"released", Json::array()},
                  {"updated_at", wire::iso_now()},
                  {"updated_by", instance_id}};
        try {
            kv.create("stock." + sku, wire::to_json(v));
        } catch (const ConflictError&) {
            // Seeded before (by us or another instance): keep the counts.
        }
    }

    // Read, change, write back with the revision read; again on a conflict.
    template <class Change>
    Json modify(const std::string& sku, Change change) {
        Json answer;
        auto write = [&](std::string_view value) -> std::optional<std::string> {
            Json v = wire::from_json(value);
            answer = change(v);
            if (!answer.value("changed", false)) return std::nullopt;
            answer.erase("changed");
            v["updated_at"] = wire::iso_now();
            v["updated_by"] = instance_id;
            return wire::to_json(v);
        };
        try {
            kv.update_with("stock." + sku, write, k_stock_cas_tries);
        } catch (const NotFoundError&) {
            throw std::invalid_argument("unknown sku '" + sku + "'");
        } catch (const ConflictError&) {
            throw std::runtime_error("stock of '" + sku + "' kept changing; try again");
        }
        return answer;
    }

    Json reserve(const Json& p, const RpcContext& ctx) {
        std::string sku = param<std::string>(p, "sku", "");
        int64_t qty = param(p, "quantity", int64_t{1});
        if (qty < 1) throw std::invalid_argument("quantity must be at least 1");
        std::string id = param<std::string>(p, "reservation_id", ctx.request.header.message_id);
        Json answer = modify(sku, [&](Json& v) -> Json {
            Json base = {{"sku", sku}, {"reservation_id", id}, {"quantity", qty}};
            if (v["holds"].contains(id)) {
                base.update({{"reserved", true}, {"duplicate", true}});
            } else if (std::find(v["released"].begin(), v["released"].end(), id) !=
                       v["released"].end()) {
                base.update({{"reserved", false}, {"reason", "reservation already released"}});
            } else if (v["available"].get<int64_t>() < qty) {
                base.update({{"reserved", false}, {"reason", "insufficient stock"}});
            } else {
                v["available"] = v["available"].get<int64_t>() - qty;
                v["reserved"] = v["reserved"].get<int64_t>() + qty;
                v["holds"][id] = qty;
                base.update({{"reserved", true}, {"duplicate", false}, {"changed", true}});
            }
            base["available"] = v["available"];
            return base;
        });
        log::info("📦 #{} ({}) reserve {} × {} ({}): {}", instance, instance_id, qty, sku, id,
                  answer.value("reserved", false) ? "ok" : answer.value("reason", "no"));
        return answer;
    }

    Json release(const Json& p) {
        std::string sku = param<std::string>(p, "sku", "");
        std::string id = param<std::string>(p, "reservation_id", "");
        Json answer = modify(sku, [&](Json& v) -> Json {
            Json base = {{"sku", sku}, {"reservation_id", id}};
            if (!v["holds"].contains(id)) {
                base.update({{"released", false}, {"reason", "no such reservation"}});
            } else {
                int64_t q = v["holds"][id].get<int64_t>();
                v["holds"].erase(id);
                v["available"] = v["available"].get<int64_t>() + q;
                v["reserved"] = v["reserved"].get<int64_t>() - q;
                v["released"].push_back(id);
                if (v["released"].size() > k_keep_released) v["released"].erase(0);
                base.update({{"released", true}, {"quantity", q}, {"changed", true}});
            }
            base["available"] = v["available"];
            return base;
        });
        log::info("↩️  #{} ({}) release {} of {}: {}", instance, instance_id, id, sku,
                  answer.value("released", false) ? "ok" : answer.value("reason", "no"));
        return answer;
    }

    static Json summary(const Json& v) {
        return Json{{"sku", v["sku"]},
                    {"total", v["total"]},
                    {"available", v["available"]},
                    {"reserved", v["reserved"]},
                    {"reservations", v["holds"].size()}};
    }

    Json get_stock(const Json& p) {
        if (p.contains("sku")) {
            auto e = kv.get("stock." + param<std::string>(p, "sku", ""));
            if (!e) throw std::invalid_argument("unknown sku '" + param<std::string>(p, "sku", "") + "'");
            return summary(wire::from_json(e->value));
        }
        Json items = Json::array();
        for (auto& e : kv.entries("stock.")) items.push_back(summary(wire::from_json(e.value)));
        return Json{{"items", items}, {"served_by", instance_id}};
    }
};

int run_inventory(Context& ctx, const SingleDemoOptions& o, const std::vector<std::string>& seed) {
    auto svc = make_single_demo(ctx, o, "Single-writer inventory manager (aegis demo)");
    nats::BucketConfig cfg;
    cfg.name = demo_bucket(o.service, "stock");
    cfg.description = "aegis demo inventory: stock per SKU";
    auto stock = std::make_shared<Stock>(nats::KeyValue::open_or_create(svc->connection(), cfg),
                                         svc->instance_id(), o.instance);
    for (const auto& s : seed) {
        auto eq = s.find('=');
        if (eq == std::string::npos || eq == 0)
            throw UsageError("--stock wants SKU=COUNT, not '" + s + "'");
        stock->seed(s.substr(0, eq), std::stoll(s.substr(eq + 1)));
    }
    svc->exclusive_rpc("reserve",
                       accepts({"sku", "quantity", "reservation_id"},
                               [stock](const Json& p, const RpcContext& c) {
                                   return stock->reserve(p, c);
                               }));
    svc->exclusive_rpc("release", accepts({"sku", "reservation_id"}, [stock](const Json& p) {
                           return stock->release(p);
                       }));
    svc->rpc("get_stock",
             accepts({"sku"}, [stock](const Json& p) { return stock->get_stock(p); }));
    return run_single_demo(
        *svc, o, "InventoryManager",
        "reserve, release (exclusive), get_stock (any instance), stock in KV '" + cfg.name + "'");
}

}  // namespace

void setup_inventory(CLI::App& demo, Context& ctx) {
    auto o = std::make_shared<SingleDemoOptions>();
    o->workers = 4;  // concurrent reserves meet in revision-checked updates
    auto seed = std::make_shared<std::vector<std::string>>(
        std::vector<std::string>{"WIDGET-1=100", "GADGET-2=50", "GIZMO-3=25"});
    auto* app = demo.add_subcommand("inventory");
    add_single_demo_options(*app, *o, "inventory-manager");
    app->add_option("--stock", *seed, "SKU=COUNT to create when missing (repeatable)")
        ->capture_default_str()
        ->check([](const std::string& s) {
            auto eq = s.find('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == s.size())
                return std::string("want SKU=COUNT");
            for (size_t i = eq + 1; i < s.size(); ++i)
                if (!std::isdigit(static_cast<unsigned char>(s[i])))
                    return std::string("want SKU=COUNT");
            return std::string();
        });
    app->callback(
        [o, seed, &ctx] { ctx.run = [o, seed, &ctx] { return run_inventory(ctx, *o, *seed); }; });
}

}  // namespace aegis::cmd::demos
