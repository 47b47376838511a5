#include "tests/support/helpers.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string_view>

#include "core/client/leaders.hpp"
#include "core/nats/kv.hpp"
#include "core/util/error.hpp"
#include "core/wire/codec.hpp"
#include "core/wire/names.hpp"

namespace aegis::test {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    size_t at = 0;
    for (size_t nl; (nl = text.find('\n', at)) != std::string::npos; at = nl + 1)
        out.push_back(text.substr(at, nl - at));
    if (at < text.size()) out.push_back(text.substr(at));
    return out;
}

std::vector<std::string> aegis_words(const std::string& line) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    char quote = 0;
    size_t start = line.find("aegis ");
    for (size_t i = start == std::string::npos ? line.size() : start + 6; i < line.size(); ++i) {
        char c = line[i];
        if (quote) {
            if (c == quote) quote = 0;
            else word += c;
        } else if (c == '\'' || c == '"') {
            quote = c;
            in_word = true;
        } else if (c == ' ') {
            if (in_word) words.push_back(word);
            word.clear();
            in_word = false;
        } else if (std::string_view(">&|);<").find(c) != std::string_view::npos ||
                   (c == '#' && !in_word)) {
            break;
        } else {
            word += c;
            in_word = true;
        }
    }
    if (in_word) words.push_back(word);
    return words;
}

std::vector<std::string> help_subcommands(const std::string& help) {
    std::vector<std::string> names;
    auto at = help.find("Subcommands:");
    if (at == std::string::npos) return names;
    std::istringstream in(help.substr(at));
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line) && line.rfind("  ", 0) == 0) {
        std::istringstream words(line);
        std::string name;
        if (words >> name) names.push_back(name);
    }
    return names;
}

std::vector<aegis::Json> ndjson(const std::string& text) {
    std::vector<aegis::Json> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (!line.empty()) out.push_back(wire::from_json(line));
    return out;
}

std::string unhex(std::string_view hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    return out;
}

const aegis::Json& vectors() {
    static const aegis::Json v = [] {
        std::ifstream in(AEGIS_SHARED_DIR "/vectors/aegis-sdk-vectors.json", std::ios::binary);
        REQUIRE(in.good());
        std::stringstream text;
        text << in.rdbuf();
        return wire::from_json(text.str());
    }();
    return v;
}

const aegis::Json& vec(const char* name) { return vectors().at(name); }

std::optional<std::string> lease_holder(const std::shared_ptr<nats::Connection>& conn,
                                        const std::string& service, const std::string& group) {
    try {
        // A short wait: a request that races the bucket's creation by another process can go
        // unanswered (nats-io/nats-server#6421); for a poll that is "not yet", not a failure.
        auto kv = nats::KeyValue::open(conn, wire::election_bucket(service),
                                       std::chrono::milliseconds(1000));
        auto e = kv.get(wire::leader_key(service, group));
        if (!e) return std::nullopt;
        return client::parse_leader_value(e->value).instance_id;
    } catch (const NotFoundError&) {
        return std::nullopt;
    } catch (const TimeoutError&) {
        return std::nullopt;
    }
}

FailoverPolicy fast_policy() {
    FailoverPolicy p;
    p.mode = "custom";
    p.lease = std::chrono::milliseconds(300);
    p.renew_interval = std::chrono::milliseconds(75);
    p.fence_after = std::chrono::milliseconds(225);
    p.check_interval = std::chrono::milliseconds(20);
    return p;
}

ServiceOptions quiet_options(const std::string& name, const std::string& instance_id) {
    ServiceOptions o;
    o.name = name;
    o.instance_id = instance_id;
    o.register_instance = false;
    o.services_api = false;
    return o;
}

}  // namespace aegis::test
