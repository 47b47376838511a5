// The scenario loader without NATS: every built-in scenario loads, errors carry file, line and
// column, durations, and the JUnit text escapes what XML cannot carry.
#include <catch2/catch.hpp>

#include "core/scenario/loader.hpp"
#include "core/scenario/report.hpp"
#include "core/util/error.hpp"

using namespace aegis::scenario;

namespace {

std::string load_error(const std::string& text) {
    try {
        load_scenarios(text, "f.yaml");
    } catch (const aegis::DataError& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("scenario loader: every built-in scenario loads, with a description and tags") {
    const auto& all = builtin_scenarios();
    REQUIRE(all.size() == 15);
    for (const auto& sc : all) {
        INFO(sc.name);
        CHECK(sc.builtin);
        CHECK_FALSE(sc.description.empty());
        CHECK_FALSE(sc.tags.empty());
        CHECK_FALSE(sc.steps.empty());
        CHECK(sc.file == "scenarios/" + sc.name + ".yaml");
    }
}

TEST_CASE("scenario loader: steps keep their kind, options and position") {
    auto v = load_scenarios("name: a\nsteps:\n  - stop_server\n  - name: nap\n    sleep: 2s\n"
                            "---\nname: b\nrequires: [local]\nsteps:\n  - assert: \"x.y >= 1\"\n",
                            "f.yaml");
    REQUIRE(v.size() == 2);
    REQUIRE(v[0].steps.size() == 2);
    CHECK(v[0].steps[0].kind == "stop_server");
    CHECK(v[0].steps[1].kind == "sleep");
    CHECK(v[0].steps[1].name == "nap");
    CHECK(v[0].steps[1].line == 4);
    CHECK(v[0].steps[1].column == 5);
    CHECK(v[1].needs == std::vector<std::string>{"local"});
}

TEST_CASE("scenario loader: errors name file, line and column") {
    CHECK(load_error("name: a\nsteps:\n  - sleep: 1s\n  - nap: 1s\n") ==
          "f.yaml:4:5: unknown step kind 'nap' (kinds: spawn, call, load, publish, expect_events, "
          "kill, kill_pod, stop_server, restart_server, wait_for, failover, command, check, assert, "
          "sleep, leftovers, partition, heal, delay)");
    CHECK(load_error("name: a\nsteps: [\n").rfind("f.yaml:3:1: ", 0) == 0);
    CHECK(load_error("name: a\nsteps:\n  - wait_for: {timeout: fast}\n") ==
          "f.yaml:3:25: 'wait_for.timeout' must be a duration (500ms, 2s, 1m or seconds)");
    CHECK(load_error("name: A b\nsteps:\n  - sleep: 1\n").rfind("f.yaml:1:7: ", 0) == 0);
    CHECK(load_error("name: a\nsteps: []\n") == "f.yaml:1:1: a scenario needs 'steps' (at least one)");
    CHECK(load_error("name: a\nsteps:\n  - {sleep: 1, assert: x}\n").rfind("f.yaml:3:16: a step has one kind", 0) == 0);
    CHECK(load_error("name: a\nname2: b\nsteps:\n  - sleep: 1\n") ==
          "f.yaml:2:1: unknown key 'name2' (did you mean 'name'?)");
    CHECK(load_error("name: a\nbogus: 1\nsteps:\n  - sleep: 1\n") ==
          "f.yaml:2:1: unknown key 'bogus' (keys: name, description, tags, requires, vars, timeout, "
          "setup, steps, cleanup)");
}

// Every mapping of the language is closed, however deep: a typo under `expect:` was accepted
// and its check silently never ran (`reslt`, `spread_ovr`, `bogus` all passed).
TEST_CASE("scenario loader: a typo at any depth is an error at the key, with a did-you-mean") {
    const std::string call = "name: a\nsteps:\n  - call:\n      service: s\n      method: m\n";
    CHECK(load_error(call + "      expect: {reslt: {sum: 6}}\n") ==
          "f.yaml:6:16: 'call.expect' has no key 'reslt' (did you mean 'result'?)");
    CHECK(load_error(call + "      expect: {spread_ovr: svc}\n") ==
          "f.yaml:6:16: 'call.expect' has no key 'spread_ovr' (did you mean 'spread_over'?)");
    CHECK(load_error(call + "      expect: {bogus: 1}\n") ==
          "f.yaml:6:16: 'call.expect' has no key 'bogus' (keys: result, error, instance, "
          "not_instance, instances, spread_over, fairness)");
    CHECK(load_error(call + "      parms: {a: 1}\n") ==
          "f.yaml:6:7: 'call' has no option 'parms' (did you mean 'params'?)");
    CHECK(load_error("name: a\nsteps:\n  - slep: 1s\n") ==
          "f.yaml:3:5: unknown step kind 'slep' (did you mean 'sleep'?)");
    CHECK(load_error("name: a\nsteps:\n  - check: [nats, jetstrem]\n") ==
          "f.yaml:3:19: 'check' has no item 'jetstrem' (did you mean 'jetstream'?)");
    CHECK(load_error("name: a\nsteps:\n  - check: nast\n") ==
          "f.yaml:3:12: 'check' has no item 'nast' (did you mean 'nats'?)");
    // The values of expect's keys have their types too.
    CHECK(load_error(call + "      expect: {instances: many}\n") ==
          "f.yaml:6:27: 'call.expect.instances' must be an integer");
    // A check that could never run is refused: fairness without the group it compares, error
    // next to checks of a successful reply.
    CHECK(load_error(call + "      expect: {fairness: 0.5}\n") ==
          "f.yaml:6:15: 'call.expect.fairness' needs 'spread_over' next to it");
    CHECK(load_error(call + "      expect: {error: boom, instance: x}\n") ==
          "f.yaml:6:15: 'call.expect.error' takes no other key: the others would never be checked");
    // load never had spread_over: it was accepted and ignored.
    CHECK(load_error("name: a\nsteps:\n  - load: {service: s, method: m, duration: 1s, "
                     "rate: 1, spread_over: g}\n")
              .rfind("f.yaml:3:58: 'load' has no option 'spread_over'", 0) == 0);
}

TEST_CASE("scenario loader: user data stays open at its value level") {
    // params, payload, vars and the values under expect.result are the user's: any keys.
    auto v = load_scenarios(
        "name: a\nvars: {anything: {goes: 1}}\nsteps:\n  - call:\n      service: s\n"
        "      method: m\n      params: {reslt: 1, nested: {bogus: 2}}\n"
        "      expect: {result: {sum: 6, deep: {bogus: 1}}, spread_over: g, fairness: 0.5}\n"
        "  - publish: {domain: d, type: t, payload: {bogus: 1}}\n"
        "  - check: \"${what}\"\n",
        "f.yaml");
    const auto& call = v.at(0).steps.at(0).args;
    CHECK(call.at("params").at("nested").at("bogus") == 2);
    CHECK(call.at("expect").at("result").at("deep").at("bogus") == 1);
    CHECK(v.at(0).steps.at(1).args.at("payload").at("bogus") == 1);
    CHECK(v.at(0).steps.at(2).args == "${what}");
}

TEST_CASE("scenario loader: a list or a mapping as a key is a DataError at the key (found by fuzzing)") {
    // These escaped as yaml-cpp's TypedBadConversion: not an aegis::Error, so no exit code.
    CHECK(load_error("name: keys\nsteps:\n  - {? [a]\n     : 1}\n") ==
          "f.yaml:3:8: a key must be a name, not a list or a mapping");
    CHECK(load_error("? [name]\n: a\nsteps:\n  - sleep: 1\n") ==
          "f.yaml:1:3: a key must be a name, not a list or a mapping");
    CHECK(load_error("name: a\nvars: {x: {[1, 2]: y}}\nsteps:\n  - sleep: 1\n") ==
          "f.yaml:2:12: a key must be a name, not a list or a mapping");
    CHECK(load_error("name: a\nsteps:\n  - call: {service: s, method: m, {a: b}: c}\n") ==
          "f.yaml:3:35: a key must be a name, not a list or a mapping");
    // An empty or ~ key is YAML's null, read as the name "null" as before.
    auto v = load_scenarios("name: a\nvars: {~: 1}\nsteps:\n  - sleep: 1\n", "f.yaml");
    CHECK(v.at(0).vars == aegis::Json{{"null", 1}});
}

TEST_CASE("scenario loader: a stray ',' is a DataError, not a hang (found by fuzzing)") {
    // yaml-cpp's LoadAll read the ',' as an empty document forever, growing without bound.
    CHECK(load_error(",\n") == "f.yaml:1:1: not valid YAML: unexpected ','");
    CHECK(load_error("name: a\nsteps:\n  - sleep: 1\n...\n, x\n") ==
          "f.yaml:5:1: not valid YAML: unexpected ','");
    // Empty documents still count as none.
    CHECK(load_scenarios("---\n---\nname: a\nsteps:\n  - sleep: 1\n---\n", "f.yaml").size() == 1);
}

TEST_CASE("scenario loader: aliases cannot expand a small file into billions of values") {
    // 433 bytes: eight levels of ten aliases each, 10^8 values once copied out.
    std::string text = "name: bomb\nvars:\n  l0: &l0 [x,x,x,x,x,x,x,x,x,x]\n";
    for (int i = 1; i < 8; ++i) {
        text += "  l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
        for (int j = 0; j < 10; ++j) text += (j ? ",*l" : "*l") + std::to_string(i - 1);
        text += "]\n";
    }
    text += "steps:\n  - sleep: 1\n";
    CHECK(load_error(text).find("more than 100000 values (aliases copy what they name)") !=
          std::string::npos);
    // Aliases in reasonable numbers still work.
    auto v = load_scenarios("name: a\nvars:\n  base: &b {service: echo, method: echo}\n"
                            "steps:\n  - call: *b\n  - call: *b\n", "f.yaml");
    CHECK(v.at(0).steps.at(1).args == aegis::Json{{"service", "echo"}, {"method", "echo"}});
}

TEST_CASE("scenario loader: an alias inside what it names is a DataError, not a stack overflow (found by fuzzing)") {
    CHECK(load_error("name: a\nvars:\n  x: &a [*a]\nsteps:\n  - sleep: 1\n").find(
              "values nested more than 100 deep (an alias inside what it names?)") != std::string::npos);
    CHECK(load_error("name: a\nsteps:\n  - call: &c {service: s, method: m, params: *c}\n")
              .find("nested more than 100 deep") != std::string::npos);
    // 100 levels are fine.
    auto v = load_scenarios("name: a\nvars:\n  x: " + std::string(99, '[') + std::string(99, ']') +
                                "\nsteps:\n  - sleep: 1\n",
                            "f.yaml");
    CHECK(v.at(0).vars.at("x").is_array());
}

TEST_CASE("scenario durations: ms, s, m and plain seconds, nonsense is rejected") {
    using std::chrono::milliseconds;
    CHECK(parse_duration(aegis::Json("500ms")) == milliseconds(500));
    CHECK(parse_duration(aegis::Json("1.5s")) == milliseconds(1500));
    CHECK(parse_duration(aegis::Json("2m")) == milliseconds(120000));
    CHECK(parse_duration(aegis::Json(3)) == milliseconds(3000));
    CHECK_THROWS_AS(parse_duration(aegis::Json("soon")), aegis::DataError);
    CHECK_THROWS_AS(parse_duration(aegis::Json("-1s")), aegis::DataError);
    CHECK_THROWS_AS(parse_duration(aegis::Json("5x")), aegis::DataError);
    CHECK_THROWS_AS(parse_duration(aegis::Json("2d")), aegis::DataError);  // over a day
    CHECK(parse_duration(aegis::Json("1h")) == milliseconds(3600000));
}

TEST_CASE("junit text: markup escaped, control characters shown, never raw") {
    CHECK(xml_escape("a<b & \"c\"") == "a&lt;b &amp; &quot;c&quot;");
    CHECK(xml_escape(std::string("x\x1b[31my\x07", 8)) == "x\\x1b[31my\\x07");
}

TEST_CASE("step lines show control characters from the network visibly") {
    StepResult r;
    r.title = std::string("kill leader evil\x1b[2J\rid");
    r.status = Status::failed;
    r.message = "instance \x07x";
    std::string line = step_line(r, aegis::output::Style{});
    CHECK(line.find('\x1b') == std::string::npos);
    CHECK(line.find('\r') == std::string::npos);
    CHECK(line.find("evil\\x1b[2J\\x0did") != std::string::npos);
    CHECK(line.find("instance \\x07x") != std::string::npos);
}
