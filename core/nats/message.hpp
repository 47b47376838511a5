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
    Msg() = default;
    explicit Msg(natsMsg* m) noexcept : m_msg(m) {}
    Msg(Msg&& o) noexcept : m_msg(std::exchange(o.m_msg, nullptr)) {}
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
    natsMsg* m_msg = nullptr;
};

}  // namespace aegis::nats
