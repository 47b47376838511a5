// Name rules of docs/protocol.md §12.1 (the "safe" column: names every Python consumer accepts) and
// the subject / KV key layouts of §3.1, §4.1, §5.1, §6.2 and §8.2.
#include "core/wire/names.hpp"
#include <string>

#include <fmt/format.h>

#include "core/util/error.hpp"
#include "core/util/uuid.hpp"

namespace aegis::wire {
namespace {

bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return is_lower(c) || is_upper(c); }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }

// The name as it goes into a one-line message: control bytes shown as '?', long names cut.
std::string printable(std::string_view name) {
    constexpr std::size_t k_max_shown = 80;
    std::string out;
    for (char c : name.substr(0, k_max_shown))
        out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c);
    if (name.size() > k_max_shown) out += "...";
    return out;
}

std::string reject(std::string_view kind, std::string_view name, std::string_view rule,
                   std::string_view why) {
    return fmt::format("{} '{}' is invalid ({}): must match {}", kind, printable(name), why,
                       rule);
}

// The first character of `name` failing `ok`, or npos.
template <class Pred>
std::size_t first_bad(std::string_view name, Pred ok) {
    for (std::size_t i = 0; i < name.size(); ++i)
        if (!ok(name[i])) return i;
    return std::string_view::npos;
}

std::string bad_char(std::string_view name, std::size_t at) {
    return fmt::format("character {} '{}' is not allowed", at + 1, printable(name.substr(at, 1)));
}

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (is_upper(c)) c = static_cast<char>(c - 'A' + 'a');
    return out;
}

}  // namespace

std::string check_service_name(std::string_view name) {
    constexpr std::string_view rule = "^[a-z][a-z0-9-]{1,62}[a-z0-9]$ without '--'";
    const auto reason = [&](std::string_view why) {
        return reject("service name", name, rule, why);
    };
    if (name.size() < 3 || name.size() > 64) {
        return reason(fmt::format("{} characters, 3 to 64 allowed", name.size()));
    }
    if (!is_lower(name.front())) return reason("must start with a lower-case letter");
    const auto bad = first_bad(name, [](char c) { return is_lower(c) || is_digit(c) || c == '-'; });
    if (bad != std::string_view::npos) return reason(bad_char(name, bad));
    if (name.back() == '-') return reason("must not end with '-'");
    if (name.find("--") != std::string_view::npos) return reason("contains '--'");
    return {};
}

std::string check_instance_id(std::string_view id) {
    constexpr std::string_view rule = "^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$ without '__'";
    const auto reason = [&](std::string_view why) { return reject("instance id", id, rule, why); };
    if (id.empty() || id.size() > 100) {
        return reason(fmt::format("{} characters, 1 to 100 allowed", id.size()));
    }
    if (!is_alnum(id.front())) return reason("must start with a letter or digit");
    const auto bad = first_bad(id, [](char c) { return is_alnum(c) || c == '_' || c == '-'; });
    if (bad != std::string_view::npos) return reason(bad_char(id, bad));
    // '__' separates the parts of a registry key.
    if (id.find("__") != std::string_view::npos) return reason("contains '__'");
    return {};
}

std::string check_method_name(std::string_view method) {
    constexpr std::string_view rule = "^[a-zA-Z][a-zA-Z0-9_]*$";
    const auto reason = [&](std::string_view why) {
        return reject("method name", method, rule, why);
    };
    if (method.empty() || method.size() > k_max_token) {
        return reason(fmt::format("{} characters, 1 to {} allowed", method.size(), k_max_token));
    }
    if (!is_alpha(method.front())) return reason("must start with a letter");
    const auto bad = first_bad(method, [](char c) { return is_alnum(c) || c == '_'; });
    if (bad != std::string_view::npos) return reason(bad_char(method, bad));
    return {};
}

std::string check_group_id(std::string_view group) {
    constexpr std::string_view rule = "^[a-z0-9][a-z0-9_-]*$";
    const auto reason = [&](std::string_view why) { return reject("group id", group, rule, why); };
    if (group.empty() || group.size() > k_max_token) {
        return reason(fmt::format("{} characters, 1 to {} allowed", group.size(), k_max_token));
    }
    if (!is_lower(group.front()) && !is_digit(group.front())) {
        return reason("must start with a lower-case letter or digit");
    }
    const auto bad = first_bad(group, [](char c) {
        return is_lower(c) || is_digit(c) || c == '_' || c == '-';
    });
    if (bad != std::string_view::npos) return reason(bad_char(group, bad));
    return {};
}

std::string check_event_pattern(std::string_view pattern) {
    constexpr std::string_view rule =
        "events.<token>(.<token>)* with tokens [a-zA-Z][a-zA-Z0-9-_]*, '*' or a final '>'";
    const auto reason = [&](std::string_view why) {
        return reject("event pattern", pattern, rule, why);
    };
    constexpr std::string_view prefix = "events.";
    if (pattern.size() > k_max_pattern) {
        return reason(fmt::format("{} characters, at most {} allowed", pattern.size(),
                                  k_max_pattern));
    }
    if (!pattern.starts_with(prefix)) return reason("must start with 'events.'");
    std::string_view rest = pattern.substr(prefix.size());
    for (int index = 1;; ++index) {
        const auto dot = rest.find('.');
        const std::string_view token = rest.substr(0, dot);
        const bool last = dot == std::string_view::npos;
        if (token.empty()) return reason(fmt::format("token {} is empty", index));
        const bool word = is_alpha(token.front()) &&
                          first_bad(token, [](char c) {
                              return is_alnum(c) || c == '-' || c == '_';
                          }) == std::string_view::npos;
        if (token == ">" && !last) return reason("'>' must be the last token");
        if (!word && token != "*" && token != ">") {
            return reason(fmt::format("token '{}' is not allowed", printable(token)));
        }
        if (last) return {};
        rest.remove_prefix(dot + 1);
    }
}

std::string check_target_name(std::string_view kind, std::string_view name) {
    constexpr std::string_view rule = "^[A-Za-z0-9][A-Za-z0-9_-]*$, at most 128 characters";
    const auto reason = [&](std::string_view why) { return reject(kind, name, rule, why); };
    if (name.empty() || name.size() > k_max_token) {
        return reason(fmt::format("{} characters, 1 to {} allowed", name.size(), k_max_token));
    }
    if (!is_alnum(name.front())) return reason("must start with a letter or digit");
    const auto bad = first_bad(name, [](char c) { return is_alnum(c) || c == '_' || c == '-'; });
    if (bad != std::string_view::npos) return reason(bad_char(name, bad));
    return {};
}

std::string check_event_part(std::string_view kind, std::string_view part) {
    constexpr std::string_view rule = "<token>(.<token>)* with tokens [a-zA-Z][a-zA-Z0-9-_]*";
    const auto reason = [&](std::string_view why) { return reject(kind, part, rule, why); };
    if (part.empty() || part.size() > k_max_token) {
        return reason(fmt::format("{} characters, 1 to {} allowed", part.size(), k_max_token));
    }
    std::string_view rest = part;
    for (int index = 1;; ++index) {
        const auto dot = rest.find('.');
        const std::string_view token = rest.substr(0, dot);
        if (token.empty()) return reason(fmt::format("token {} is empty", index));
        if (token == "*" || token == ">")
            return reason("wildcards ('*', '>') only go in patterns");
        if (!is_alpha(token.front())) {
            return reason(fmt::format("token {} must start with a letter", index));
        }
        const auto bad = first_bad(token, [](char c) { return is_alnum(c) || c == '-' || c == '_'; });
        if (bad != std::string_view::npos) return reason(bad_char(token, bad));
        if (dot == std::string_view::npos) return {};
        rest.remove_prefix(dot + 1);
    }
}

std::string check_bucket_name(std::string_view bucket) {
    constexpr std::string_view rule = "^[A-Za-z0-9_-]+$, at most 128 characters";
    const auto reason = [&](std::string_view why) {
        return reject("bucket name", bucket, rule, why);
    };
    if (bucket.empty() || bucket.size() > k_max_token) {
        return reason(fmt::format("{} characters, 1 to {} allowed", bucket.size(), k_max_token));
    }
    const auto bad = first_bad(bucket, [](char c) { return is_alnum(c) || c == '_' || c == '-'; });
    if (bad != std::string_view::npos) return reason(bad_char(bucket, bad));
    return {};
}

std::string check_kv_key(std::string_view key) {
    constexpr std::string_view rule = "^[-/_=.A-Za-z0-9]+$ without empty '.'-tokens";
    const auto reason = [&](std::string_view why) { return reject("key", key, rule, why); };
    if (key.empty() || key.size() > k_max_key) {
        return reason(fmt::format("{} characters, 1 to {} allowed", key.size(), k_max_key));
    }
    const auto bad = first_bad(key, [](char c) {
        return is_alnum(c) || c == '-' || c == '/' || c == '_' || c == '=' || c == '.';
    });
    if (bad != std::string_view::npos) return reason(bad_char(key, bad));
    if (key.front() == '.' || key.back() == '.' || key.find("..") != std::string_view::npos)
        return reason("has an empty token");
    return {};
}

void require_service_name(std::string_view name) {
    if (auto why = check_service_name(name); !why.empty()) throw InvalidNameError(why);
}

void require_instance_id(std::string_view id) {
    if (auto why = check_instance_id(id); !why.empty()) throw InvalidNameError(why);
}

void require_method_name(std::string_view method) {
    if (auto why = check_method_name(method); !why.empty()) throw InvalidNameError(why);
}

std::string registry_key(std::string_view service, std::string_view instance) {
    require_target_name("service name", service);
    require_target_name("instance id", instance);
    return fmt::format("{}{}__{}", k_registry_prefix, service, instance);
}

std::string registry_service_prefix(std::string_view service) {
    require_target_name("service name", service);
    return fmt::format("{}{}__", k_registry_prefix, service);
}

// As Python parses it: the first '__'-token after the prefix is the service, the rest (re-joined
// with '__') the instance.
bool parse_registry_key(std::string_view key, std::string& service, std::string& instance) {
    const std::string_view prefix = k_registry_prefix;
    if (!key.starts_with(prefix)) return false;
    key.remove_prefix(prefix.size());
    const auto sep = key.find("__");
    if (sep == std::string_view::npos || sep == 0 || sep + 2 == key.size()) return false;
    service.assign(key.substr(0, sep));
    instance.assign(key.substr(sep + 2));
    return true;
}

// Python's ServiceName value object lower-cases the service here (hyphens kept).
std::string leader_key(std::string_view service, std::string_view group) {
    require_target_name("service name", service);
    require_target_name("group id", group);
    return fmt::format("sticky-active.{}.{}.leader", lower_ascii(service), group);
}

std::string default_instance_id(std::string_view service) {
    return fmt::format("{}-{}", service, util::random_hex(8));
}

}  // namespace aegis::wire
