// Which pattern, when: the answers to quickstart's questions lead to the template docs/patterns.md
// names, and each question is asked only when it still matters.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/quickstart/pattern_choice.hpp"

namespace {

struct Answers {
    std::vector<bool> given;
    std::vector<std::string> asked;
    aegis::quickstart::PatternChoice run() {
        size_t next = 0;
        return aegis::quickstart::choose_pattern([&](std::string_view q) {
            asked.emplace_back(q);
            REQUIRE(next < given.size());
            return given[next++];
        });
    }
};

}  // namespace

TEST_CASE("pattern choice: stateless requests are a service") {
    Answers a{{true, false}};
    auto c = a.run();
    CHECK(c.templ == "service");
    CHECK(c.why.find("queue group") != std::string::npos);
    CHECK(a.asked.size() == 2);
}

TEST_CASE("pattern choice: one writer or ordered work is single-active") {
    Answers a{{true, true}};
    CHECK(a.run().templ == "single-active");
    CHECK(a.asked.size() == 2);
}

TEST_CASE("pattern choice: reacting to facts is events, observing is a client") {
    Answers events{{false, true}};
    CHECK(events.run().templ == "events");
    CHECK(events.asked.size() == 2);
    Answers client{{false, false, true}};
    CHECK(client.run().templ == "client");
    CHECK(client.asked.size() == 3);
    Answers none{{false, false, false}};
    auto c = none.run();
    CHECK(c.templ == "service");
    CHECK(c.why.find("none of the above") != std::string::npos);
}
