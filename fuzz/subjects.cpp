// libFuzzer target: the checked subject builders (core/wire/subjects.hpp), fed two names cut from
// the input at its first NUL byte (a NUL after the first is part of the second name). A refused
// name must be an InvalidNameError; what a builder accepts must be exactly its layout, made of
// printable ASCII without spaces, with no empty or wildcard token (patterns: only whole-token
// wildcards, '>' last), so nothing a caller names can add a protocol command or widen a subject.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/wire/names.hpp"
#include "core/wire/subjects.hpp"
#include "fuzz/fuzz_check.hpp"

using namespace aegis;
using namespace aegis::wire;

namespace {

std::vector<std::string_view> tokens(std::string_view s) {
    std::vector<std::string_view> out;
    for (;;) {
        auto dot = s.find('.');
        out.push_back(s.substr(0, dot));
        if (dot == std::string_view::npos) return out;
        s.remove_prefix(dot + 1);
    }
}

bool printable_ascii(std::string_view s) {
    for (char c : s)
        if (c <= ' ' || c > '~') return false;
    return true;
}

// A subject to publish to: sendable, no empty token, no wildcard token.
void require_subject(const std::string& s) {
    fuzz::require(sendable_subject(s) && printable_ascii(s), "a built subject is not printable");
    for (auto t : tokens(s)) {
        fuzz::require(!t.empty(), "a built subject has an empty token");
        fuzz::require(t.find_first_of("*>") == std::string_view::npos,
                      "a built subject has a wildcard");
    }
}

// Runs a builder: an InvalidNameError is a refusal (nullopt-like: empty string); anything else
// escapes to libFuzzer as a finding.
template <class F>
std::string built(F f) {
    try {
        std::string s = f();
        fuzz::require(!s.empty(), "a builder returned nothing");
        return s;
    } catch (const InvalidNameError&) {
        return {};
    }
}

void check_rpc(const std::string& a, const std::string& b) {
    std::string s = built([&] { return rpc_subject(a, b); });
    if (s.empty()) return;
    require_subject(s);
    fuzz::require(s == "rpc." + a + "." + b && tokens(s).size() == 3, "rpc subject layout");
    fuzz::require(check_target_name("service", a).empty() && check_method_name(b).empty(),
                  "rpc_subject accepted a name its rules refuse");
}

void check_events(const std::string& a, const std::string& b) {
    std::string s = built([&] { return event_subject(a, b); });
    if (!s.empty()) {
        require_subject(s);
        fuzz::require(s == "events." + a + "." + b, "event subject layout");
    }
    std::string p = built([&] { return event_pattern_subject(a); });
    if (p.empty()) return;
    fuzz::require(sendable_subject(p) && printable_ascii(p) && p.starts_with("events."),
                  "a pattern is not printable");
    auto t = tokens(p);
    for (size_t i = 0; i < t.size(); ++i) {
        fuzz::require(!t[i].empty(), "a pattern has an empty token");
        bool wild = t[i].find_first_of("*>") != std::string_view::npos;
        fuzz::require(!wild || t[i] == "*" || (t[i] == ">" && i + 1 == t.size()),
                      "a pattern has a wildcard inside a token, or '>' before the end");
    }
}

void check_commands_and_kv(const std::string& a, const std::string& b) {
    std::string s = built([&] { return command_subject(a, b); });
    if (!s.empty()) {
        require_subject(s);
        fuzz::require(tokens(s).size() == 3, "command subject layout");
    }
    s = built([&] { return command_progress_subject(a); });
    if (!s.empty()) require_subject(s), fuzz::require(tokens(s).size() == 3, "progress layout");
    s = built([&] { return election_bucket(a); });
    if (!s.empty())
        fuzz::require(check_bucket_name(s).empty(), "election_bucket built a bad bucket name");
    s = built([&] { return kv_subject(a, b); });
    if (!s.empty()) require_subject(s);
    s = built([&] { return registry_key(a, b); });
    if (s.empty()) return;
    fuzz::require(check_kv_key(s).empty(), "registry_key built a bad key");
    // Python's parse gives the names back unless the service itself holds the separator.
    if (a.find("__") == std::string::npos && !a.ends_with('_')) {
        std::string service, instance;
        fuzz::require(parse_registry_key(s, service, instance) && service == a && instance == b,
                      "a registry key does not parse back to its names");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    const auto cut = in.find('\0');
    const std::string a(in.substr(0, cut));
    const std::string b(cut == std::string_view::npos ? std::string_view() : in.substr(cut + 1));
    check_rpc(a, b);
    check_events(a, b);
    check_commands_and_kv(a, b);
    if (sendable_subject(in)) {
        for (char c : in)
            fuzz::require(static_cast<unsigned char>(c) > 0x20 && c != 0x7f,
                          "sendable_subject accepted a control byte");
    }
    return 0;
}
