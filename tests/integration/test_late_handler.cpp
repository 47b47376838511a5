// A handler that outlives the stop's grace period, against a real nats-server: the service
// object is destroyed while the handler still runs, and when the handler returns it must touch
// only state that outlives the service (under the ASan build a use-after-free here aborts).
#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <future>
#include <mutex>
#include <thread>

#include "core/client/client.hpp"
#include "core/nats/connection.hpp"
#include "core/service/single_active.hpp"
#include "core/util/error.hpp"
#include "core/util/signals.hpp"
#include "core/wire/codec.hpp"
#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"

using namespace aegis;
using namespace std::chrono_literals;

namespace {

// Shared with the handler, which outlives the service and the test's stack frame's service.
struct LateGate {
    std::mutex mutex;
    std::condition_variable cv;
    bool open = false;
    std::atomic<int> entered{0}, returned{0};
    Json run() {
        ++entered;
        std::unique_lock lk(mutex);
        cv.wait_for(lk, 20s, [this] { return open; });
        ++returned;
        return Json{{"late", true}};
    }
    void release() {
        {
            std::lock_guard lk(mutex);
            open = true;
        }
        cv.notify_all();
    }
};

}  // namespace

TEST_CASE("single-active: a handler past the grace period outlives its service safely") {
    test::NatsServer server;
    util::install_stop_signals();
    auto gate = std::make_shared<LateGate>();
    ServiceOptions o;
    o.name = "late-sa";
    o.instance_id = "late-sa-1";
    o.stop_grace = 300ms;
    SingleActiveOptions sa;
    sa.policy = test::fast_policy();
    sa.audit_subject = "audit.late-sa";  // the handler's epilogue publishes "done" here
    auto svc = std::make_unique<SingleActiveService>(server.connect(o.instance_id), o, sa);
    svc->exclusive_rpc("slow", [gate](const Json&) { return gate->run(); });

    auto observer = server.connect("observer");
    std::atomic<int> done_audits{0};
    auto audits = observer->subscribe("audit.late-sa", [&](nats::Msg& m) {
        if (wire::from_json(std::string(m.data())).value("phase", "") == "done") ++done_audits;
    });
    observer->flush();

    int rc = -1;
    std::thread runner([&] { rc = svc->run(); });
    REQUIRE(test::eventually([&] { return svc->is_leader(); }));
    Client client(server.connect("client"));
    auto call = std::async(std::launch::async, [&client] {
        CallOptions co;
        co.timeout = 3000ms;
        // The leader subscribes its exclusive methods just after it wins: "no responders"
        // until then.
        for (int i = 0; i < 100; ++i) {
            try {
                return client.call_raw("late-sa", "slow", Json::object(), co);
            } catch (const NoRespondersError&) {
                std::this_thread::sleep_for(50ms);
            }
        }
        return client.call_raw("late-sa", "slow", Json::object(), co);
    });
    REQUIRE(test::eventually([&] { return gate->entered.load() == 1; }));
    std::raise(SIGTERM);
    runner.join();  // run() returns after the grace period, the handler still at the gate
    CHECK(rc == 0);
    svc.reset();  // the service object is gone; its handler is not
    gate->release();
    // The handler returns into state that outlived the service: its audit still goes out ...
    CHECK(test::eventually([&] { return done_audits.load() == 1; }));
    CHECK(gate->returned.load() == 1);
    // ... and its late reply is dropped: the caller hears nothing from a stopped instance.
    CHECK_THROWS_AS(call.get(), TimeoutError);
    util::reset_stop();
}
