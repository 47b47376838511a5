// The hint `aegis call` adds to a failed call's error (core/tool/params.hpp): it names the
// key=value argument the error is about, and only when quoting it is the way out.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/service/params.hpp"
#include "core/tool/params.hpp"

using namespace aegis;
using tool::inferred_type_hint;

namespace {

// The error text a handler's required_param<double> gives for these params.
std::string required_number_error(const Json& params, const std::string& name) {
    try {
        required_param<double>(params, name);
    } catch (const DataError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("a value the handler wanted as text is hinted to be quoted, by its name") {
    auto hint = inferred_type_hint({"message=1"},
                                   "parameter 'message' must be a string, not the number 1");
    CHECK(hint == "'message=1' sent a number: key=value infers numbers, true/false and null; to "
                  "send the text, quote it: message='\"1\"'");
}

TEST_CASE("add a=x b=3: the error is about a, and b is never the one to quote") {
    std::vector<std::string> args = {"a=x", "b=3"};
    auto named = required_number_error(tool::params_from_args(args), "a");
    CHECK(named == "parameter 'a' must be a number, not the string \"x\"");
    CHECK(inferred_type_hint(args, named).empty());
    // A handler reading params.at("a").get<double>(): the JSON library names no parameter.
    CHECK(inferred_type_hint(args, "bad params: type must be number, but is string (the handler "
                                   "reads a parameter as another type)")
              .empty());
}

TEST_CASE("a missing parameter is never answered with a hint to quote another one") {
    std::vector<std::string> args = {"a=1"};
    auto missing = required_number_error(tool::params_from_args(args), "b");
    CHECK(missing == "missing parameter 'b' (a number)");
    CHECK(inferred_type_hint(args, missing).empty());
    CHECK(inferred_type_hint(args, "bad params: key 'b' not found (the handler reads a parameter "
                                   "as another type)")
              .empty());
}

TEST_CASE("an unnamed type error hints the argument of the type the handler found") {
    std::vector<std::string> args = {"name=bob", "id=7"};
    auto hint = inferred_type_hint(args, "bad params: type must be string, but is number (the "
                                         "handler reads a parameter as another type)");
    CHECK(hint.find("quote it: id='\"7\"'") != std::string::npos);
    CHECK(inferred_type_hint({"flag=true"}, "bad params: type must be string, but is boolean")
              .find("flag='\"true\"'") != std::string::npos);
}
