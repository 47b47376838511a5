#include "core/util/uuid.hpp"
#include <string>

#include <pthread.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <random>

namespace aegis::util {
namespace {

constexpr char k_hex_digits[] = "0123456789abcdef";

// Bumped in every forked child so a thread_local generator copied by fork() reseeds instead of
// repeating the parent's sequence (two processes must never produce the same UUIDs).
std::atomic<unsigned> g_fork_generation{0};

void on_fork_child() { g_fork_generation.fetch_add(1, std::memory_order_relaxed); }

void register_fork_handler() {
    static std::once_flag once;
    std::call_once(once, [] { pthread_atfork(nullptr, nullptr, &on_fork_child); });
}

std::mt19937_64 seeded_engine() {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(), device(), device(), device(),
                       device()};
    return std::mt19937_64(seed);
}

// The per-thread engine: no locking on the hot path (two UUIDs per envelope).
std::mt19937_64& engine() {
    thread_local std::mt19937_64 t_engine = [] {
        register_fork_handler();
        return seeded_engine();
    }();
    thread_local unsigned t_generation = g_fork_generation.load(std::memory_order_relaxed);
    const unsigned now = g_fork_generation.load(std::memory_order_relaxed);
    if (now != t_generation) {
        t_engine = seeded_engine();
        t_generation = now;
    }
    return t_engine;
}

// Writes the 16 hex digits of `v`, most significant nibble first, a byte (two digits) at a time.
void put_hex64(char* out, std::uint64_t v) {
    for (int i = 14; i >= 0; i -= 2) {
        out[i] = k_hex_digits[(v >> 4) & 0xF];
        out[i + 1] = k_hex_digits[v & 0xF];
        v >>= 8;
    }
}

}  // namespace

void uuid4_to(char* out) {
    auto& rng = engine();
    std::uint64_t hi = rng();
    std::uint64_t lo = rng();
    // RFC 4122 version 4: version nibble 0100, variant bits 10.
    hi = (hi & ~std::uint64_t{0xF000}) | std::uint64_t{0x4000};
    lo = (lo & ~(std::uint64_t{0xC} << 60)) | (std::uint64_t{0x8} << 60);
    char hex[32];
    put_hex64(hex, hi);
    put_hex64(hex + 16, lo);
    // Groups 8-4-4-4-12.
    std::memcpy(out, hex, 8);
    out[8] = '-';
    std::memcpy(out + 9, hex + 8, 4);
    out[13] = '-';
    std::memcpy(out + 14, hex + 12, 4);
    out[18] = '-';
    std::memcpy(out + 19, hex + 16, 4);
    out[23] = '-';
    std::memcpy(out + 24, hex + 20, 12);
}

std::string uuid4() {
    std::string out(36, '-');
    uuid4_to(out.data());
    return out;
}

std::string random_hex(int n) {
    if (n <= 0) return {};
    std::string out(static_cast<std::size_t>(n), '0');
    auto& rng = engine();
    for (std::size_t i = 0; i < out.size(); i += 16) {
        std::uint64_t v = rng();
        for (std::size_t j = i; j < out.size() && j < i + 16; ++j) {
            out[j] = k_hex_digits[v & 0xF];
            v >>= 4;
        }
    }
    return out;
}

}  // namespace aegis::util
