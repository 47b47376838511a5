#pragma once
// Command-line options of the bench programs: `--name value` pairs and flags, --help, and a
// usage error (exit 2) for an unknown option, a missing value or a number out of range, so a
// mistyped option never silently runs a whole benchmark with the defaults.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>

namespace aegis::bench {

class BenchArgs {
public:
    explicit BenchArgs(std::string usage) : m_usage(std::move(usage)) {}

    void flag(const std::string& name, bool& target) {
        m_flags[name] = [&target] { target = true; };
    }
    void text(const std::string& name, std::string& target) {
        m_values[name] = [&target](const char* v) { target = v; };
    }
    template <class Number>
    void number(const std::string& name, Number& target, double min) {
        m_values[name] = [this, name, &target, min](const char* v) {
            char* end = nullptr;
            double d = std::strtod(v, &end);
            if (end == v || *end != '\0' || !std::isfinite(d) || d < min || d > 1e9)
                fail(name + " needs a number >= " + trim(min) + ", not '" + v + "'");
            target = static_cast<Number>(d);
        };
    }

    void parse(int argc, char** argv) {
        if (argc > 0) {
            m_prog = argv[0];
            m_prog = m_prog.substr(m_prog.find_last_of('/') + 1);
        }
        for (int i = 1; i < argc; ++i) {
            std::string k = argv[i];
            if (k == "-h" || k == "--help") {
                std::fputs(m_usage.c_str(), stdout);
                std::exit(0);
            }
            if (auto f = m_flags.find(k); f != m_flags.end()) {
                f->second();
                continue;
            }
            auto v = m_values.find(k);
            if (v == m_values.end()) fail("unknown option '" + k + "'");
            if (i + 1 >= argc) fail(k + " needs a value");
            v->second(argv[++i]);
        }
    }

    [[noreturn]] void fail(const std::string& why) const {
        std::fprintf(stderr, "%s: %s\n%s", m_prog.c_str(), why.c_str(), m_usage.c_str());
        std::exit(2);
    }

private:
    static std::string trim(double d) {
        char b[32];
        std::snprintf(b, sizeof b, "%g", d);
        return b;
    }
    std::string m_usage;
    std::string m_prog = "bench";
    std::map<std::string, std::function<void()>> m_flags;
    std::map<std::string, std::function<void(const char*)>> m_values;
};

}  // namespace aegis::bench
