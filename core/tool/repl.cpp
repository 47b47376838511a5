#include "core/tool/repl.hpp"
#include <map>
#include <optional>
#include <chrono>
#include <memory>
#include <vector>
#include <string>

#include <algorithm>
#include <cctype>
#include <set>

#include "core/tool/params.hpp"
#include "core/client/srv_client.hpp"
#include "core/client/sticky_retry.hpp"
#include "core/tool/system_view.hpp"
#include "core/nats/kv.hpp"
#include "core/registry/registry.hpp"
#include "core/util/error.hpp"
#include "core/wire/names.hpp"

namespace aegis::tool {

namespace {

const std::map<std::string, ReplVerb> k_verbs = {
    {"call", ReplVerb::call},       {"services", ReplVerb::services},
    {"instances", ReplVerb::instances}, {":json", ReplVerb::json},
    {":timeout", ReplVerb::timeout}, {":format", ReplVerb::format},
    {"help", ReplVerb::help},       {":help", ReplVerb::help},
    {"?", ReplVerb::help},          {"quit", ReplVerb::quit},
    {"exit", ReplVerb::quit},       {":q", ReplVerb::quit},
    {"clear", ReplVerb::clear},     {":clear", ReplVerb::clear},
};

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

// The next whitespace-separated word; `rest` keeps what follows, untouched (JSON keeps spaces).
std::string next_word(std::string_view& rest) {
    rest = trim(rest);
    size_t end = 0;
    while (end < rest.size() && !std::isspace(static_cast<unsigned char>(rest[end]))) ++end;
    std::string w(rest.substr(0, end));
    rest.remove_prefix(end);
    return w;
}

Json parse_params(std::string_view rest) {
    rest = trim(rest);
    if (rest.empty()) return Json::object();
    if (rest.front() == '{' || rest.front() == '[') return params_from_args({std::string(rest)});
    return params_from_args(split_words(rest));
}

std::vector<std::string> with_prefix(const std::vector<std::string>& all, const std::string& p) {
    std::vector<std::string> out;
    for (const auto& s : all)
        if (s.compare(0, p.size(), p) == 0) out.push_back(s);
    return out;
}

}  // namespace

std::vector<std::string> split_words(std::string_view text) {
    std::vector<std::string> out;
    std::string cur;
    bool in_word = false;
    char quote = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (quote) {
            if (c == quote) quote = 0;
            else if (c == '\\' && quote == '"' && i + 1 < text.size()) cur += text[++i];
            else cur += c;
        } else if (c == '\'' || c == '"') {
            quote = c;
            in_word = true;
        } else if (c == '\\' && i + 1 < text.size()) {
            cur += text[++i];
            in_word = true;
        } else if (std::isspace(static_cast<unsigned char>(c))) {
            if (in_word) out.push_back(std::move(cur));
            cur.clear();
            in_word = false;
        } else {
            cur += c;
            in_word = true;
        }
    }
    if (quote) throw UsageError("unterminated quote in '" + std::string(text) + "'");
    if (in_word) out.push_back(std::move(cur));
    return out;
}

ReplLine parse_repl_line(const std::string& line) {
    std::string_view rest = line;
    ReplLine out;
    std::string first = next_word(rest);
    if (first.empty() || first[0] == '#') return out;
    auto it = k_verbs.find(first);
    if (it == k_verbs.end()) {
        if (first[0] == ':')
            throw UsageError("unknown setting '" + first + "'", "try 'help'");
        // The short form: SERVICE METHOD [params].
        out.verb = ReplVerb::call;
        out.service = first;
    } else {
        out.verb = it->second;
    }
    switch (out.verb) {
    case ReplVerb::call:
        if (out.service.empty()) out.service = next_word(rest);
        out.method = next_word(rest);
        if (out.service.empty() || out.method.empty())
            throw UsageError("expected 'call SERVICE METHOD [JSON | key=value ...]'");
        out.params = parse_params(rest);
        break;
    case ReplVerb::instances:
        out.arg = next_word(rest);
        if (out.arg.empty()) throw UsageError("expected 'instances SERVICE'");
        break;
    default:
        out.arg = std::string(trim(rest));
        break;
    }
    return out;
}

const std::vector<std::string>& repl_command_words() {
    static const std::vector<std::string> words = {
        "call", "services", "instances", ":json", ":timeout", ":format", "help", "clear", "quit"};
    return words;
}

std::string repl_help() {
    return "  call SERVICE METHOD [JSON | key=value ...]\n"
           "                           call a method (or just: SERVICE METHOD ...)\n"
           "  services                 services in the registry: pattern, instances, leader\n"
           "  instances SERVICE        one row per instance: role, state, heartbeat, RTT\n"
           "  :json [on|off]           print whole reply envelopes as JSON\n"
           "  :timeout [SECONDS]       show or set the call timeout\n"
           "  :format [msgpack|json]   show or set the request encoding\n"
           "  clear                    clear the screen (as Ctrl-L does)\n"
           "  help, quit               (Tab completes names; Up/Down walk the history)\n";
}

std::optional<NotActiveInfo> describe_not_active(const wire::RpcResponse& r) {
    if (!is_not_active(r)) return std::nullopt;
    if (!r.success && r.error) return NotActiveInfo{"envelope error", *r.error};
    const Json& res = r.result;
    for (const char* k : {"message", "error_message"}) {
        std::string m = json_str(res, k);
        if (!m.empty())
            return NotActiveInfo{res.contains("error_code") ? "error_code" : "single-active result",
                                 m};
    }
    return NotActiveInfo{res.contains("error_code") ? "error_code" : "single-active result",
                         "this instance is not the active one"};
}

NameSource::NameSource(std::shared_ptr<nats::Connection> conn, std::chrono::milliseconds max_wait)
    : m_conn(std::move(conn)), m_max_wait(max_wait) {}
NameSource::~NameSource() = default;

std::vector<std::string> NameSource::services(bool single_active_only) {
    if (single_active_only) {
        std::set<std::string> names;
        if (services().empty() || !m_registry) return {};
        for (const auto& l : m_registry->list())
            if (l.instance.sticky_active_group &&
                wire::check_service_name(l.instance.service_name).empty())
                names.insert(l.instance.service_name);
        return {names.begin(), names.end()};
    }
    if (Clock::now() - m_services_at < std::chrono::seconds(3)) return m_services;
    try {
        if (!m_registry) {
            nats::KeyValue::open(m_conn, wire::k_registry_bucket);  // never create it
            m_registry = std::make_unique<registry::Registry>(m_conn);
        }
        std::set<std::string> names;
        // Names come from the network and end up in shells and terminals: only valid ones.
        for (const auto& l : m_registry->list())
            if (wire::check_service_name(l.instance.service_name).empty())
                names.insert(l.instance.service_name);
        m_services.assign(names.begin(), names.end());
    } catch (const Error&) {
        // Completion is a convenience: without a registry there is simply nothing to offer.
    }
    m_services_at = Clock::now();
    return m_services;
}

std::vector<std::string> NameSource::methods(const std::string& service) {
    auto it = m_methods.find(service);
    if (it != m_methods.end() && Clock::now() - it->second.first < std::chrono::seconds(10))
        return it->second.second;
    std::set<std::string> names;
    try {
        // Instances of one service list the same methods: the first replies are enough.
        client::SrvGather g;
        g.verbs = {client::SrvVerb::info};
        g.service = service;
        g.window = std::min(std::chrono::milliseconds(300), m_max_wait);
        g.max_wait = m_max_wait;
        g.settle = std::chrono::milliseconds(30);
        g.complete = [](const std::vector<client::SrvReply>& got) { return !got.empty(); };
        auto replies = client::srv_gather(*m_conn, g);
        for (const auto& r : replies) {
            auto eps = r.body.find("endpoints");
            if (eps == r.body.end() || !eps->is_array()) continue;
            for (const auto& ep : *eps) {
                std::string name = json_str(ep, "name");
                if (wire::check_method_name(name).empty()) names.insert(name);
            }
        }
    } catch (const Error&) {
    }
    auto& slot = m_methods[service];
    slot = {Clock::now(), std::vector<std::string>(names.begin(), names.end())};
    return slot.second;
}

output::Completion NameSource::complete(const std::string& line, size_t cursor) {
    std::string before = line.substr(0, std::min(cursor, line.size()));
    size_t start = before.find_last_of(" \t");
    start = start == std::string::npos ? 0 : start + 1;
    std::string word = before.substr(start);
    std::vector<std::string> words;
    std::string_view rest = std::string_view(before).substr(0, start);
    for (std::string w = next_word(rest); !w.empty(); w = next_word(rest)) words.push_back(w);
    std::vector<std::string> all;
    if (words.empty()) {
        all = repl_command_words();
        for (const auto& s : services()) all.push_back(s);
    } else if (words.size() == 1 && (words[0] == "call" || words[0] == "instances")) {
        all = services();
    } else if (words.size() == 1 && words[0] == ":json") {
        all = {"on", "off"};
    } else if (words.size() == 1 && words[0] == ":format") {
        all = {"msgpack", "json"};
    } else if (words.size() == 1 && !k_verbs.count(words[0])) {
        all = methods(words[0]);  // the short form: SERVICE METHOD
    } else if (words.size() == 2 && words[0] == "call") {
        all = methods(words[1]);
    }
    return {start, with_prefix(all, word)};
}

}  // namespace aegis::tool
