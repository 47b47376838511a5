#pragma once
// A received NATS message: owns the nats.c message, gives zero-copy views of it.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

typedef struct __natsMsg natsMsg;

namespace aegis::nats {

using Headers = std::vector<std::pair<std::string, std::string>>;

class Msg {
public:
    // How the nats.c message is released. nats.c hands every destroyed message to its collector
    // thread, which costs a thread wake-up per message: on the RPC path that was the largest
    // cost of a call. A plain core-NATS message that is ours alone (delivered to a core
    // subscription, a request's reply, one we created) is freed at once instead.
    enum class Release : unsigned char { collector, direct };

    Msg() = default;
    explicit Msg(natsMsg* m, Release r = Release::collector) noexcept : m_msg(m), m_release(r) {}
    Msg(Msg&& o) noexcept
        : m_msg(std::exchange(o.m_msg, nullptr)), m_release(o.m_release) {}
    Msg& operator=(Msg&& o) noexcept;
    Msg(const Msg&) = delete;
    Msg& operator=(const Msg&) = delete;
    ~Msg();

    explicit operator bool() const noexcept { return m_msg != nullptr; }
    std::string_view subject() const;
    std::string_view reply() const;  // empty when none
    std::string_view data() const;
    std::optional<std::string> header(const char* key) const;
    Headers headers() const;
    bool is_no_responders() const;
    natsMsg* raw() const noexcept { return m_msg; }

private:
    void release() noexcept;
    natsMsg* m_msg = nullptr;
    Release m_release = Release::collector;
};

}  // namespace aegis::nats
