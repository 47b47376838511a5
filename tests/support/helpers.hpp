#pragma once
// Small helpers every suite uses: polling for a condition, text checks, environments, NDJSON,
// the golden vectors, the election bucket, quiet services.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "core/service/failover_policy.hpp"
#include "core/service/service.hpp"
#include "core/wire/json.hpp"

namespace aegis::nats {
class Connection;
}

namespace aegis::test {

using Env = std::vector<std::pair<std::string, std::string>>;

// Polls `done` every `step` until it holds or `timeout` passes; one last look at the end.
template <class F>
bool eventually(F done, std::chrono::milliseconds timeout = std::chrono::seconds(10),
                std::chrono::milliseconds step = std::chrono::milliseconds(10)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(step);
    }
    return done();
}

inline bool contains(const std::string& s, const std::string& what) {
    return s.find(what) != std::string::npos;
}

// `env` plus `extra` (later entries win).
inline Env with(Env env, const Env& extra) {
    env.insert(env.end(), extra.begin(), extra.end());
    return env;
}

// A whole file as text ("" when it cannot be read).
std::string read_file(const std::string& path);

// The command names under "Subcommands:" in a --help text.
std::vector<std::string> help_subcommands(const std::string& help);

// The lines of a text, empty ones kept ("a\n\nb\n" → "a", "", "b").
std::vector<std::string> lines_of(const std::string& text);

// The words a shell hands aegis for a documented command line ("$ aegis call s m 'a b' | jq"):
// from the word after "aegis", quotes removed, up to the first `|`, `;`, `&`, `>`, `<`, `)` or
// ` #` outside quotes (those and what follows are the shell's, not aegis's).
std::vector<std::string> aegis_words(const std::string& line);

// One JSON document per non-empty line.
std::vector<aegis::Json> ndjson(const std::string& text);

// "a0ff…" → bytes.
std::string unhex(std::string_view hex);

// The whole golden vector file (../shared/vectors/aegis-sdk-vectors.json), and one sample of it.
const aegis::Json& vectors();
const aegis::Json& vec(const char* name);

// The instance holding the leader key of SERVICE's group, if any.
std::optional<std::string> lease_holder(const std::shared_ptr<nats::Connection>& conn,
                                        const std::string& service,
                                        const std::string& group = "default");

// A service that neither registers nor answers $SRV: only what a test looks at.
ServiceOptions quiet_options(const std::string& name, const std::string& instance_id);

// A failover policy for tests that wait for takeovers: a 300 ms lease renewed every 75 ms.
FailoverPolicy fast_policy();

}  // namespace aegis::test
