#pragma once
// Private to the command hub (commands.cpp, command_delivery.cpp): one command's state.
#include <atomic>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_set>

#include "core/nats/connection.hpp"
#include "core/service/commands.hpp"

namespace aegis::service {

struct CommandHub::Entry {
    std::string command;
    std::string subject;
    CommandHandler handler;
    CommandOptions options;
    std::string durable;
    nats::Subscription sub;
    std::atomic<bool> bound{false};
    std::atomic<uint64_t> completed{0}, failed_attempts{0}, failed{0}, dropped{0};

    // Ids completed here: a redelivery whose ack was lost is acknowledged, not run again.
    bool is_done(const std::string& id) {
        std::lock_guard lock(done_mutex);
        return done.count(id) > 0;
    }
    void mark_done(const std::string& id) {
        std::lock_guard lock(done_mutex);
        if (!done.insert(id).second) return;
        done_order.push_back(id);
        if (done_order.size() > 1024) {
            done.erase(done_order.front());
            done_order.pop_front();
        }
    }

private:
    std::mutex done_mutex;
    std::deque<std::string> done_order;
    std::unordered_set<std::string> done;
};

}  // namespace aegis::service
