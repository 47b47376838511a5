// Declared parameters (core/service/declared_params.hpp): a name a handler does not accept is
// refused with one line that lists the accepted names, instead of being silently ignored.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/include/aegis/aegis.hpp"

using namespace aegis;

namespace {

const std::vector<std::string> k_order_params = {"order_id", "customer_id", "total_amount",
                                                 "items"};

std::string refusal(const Json& params, const std::vector<std::string>& accepted) {
    try {
        check_params(params, accepted);
    } catch (const DataError& e) {
        return e.what();
    }
    return "(accepted)";
}

}  // namespace

TEST_CASE("check_params: a typo is refused, naming the nearest and every accepted name") {
    CHECK(refusal({{"custmer_id", "C-1"}, {"total_amount", 5}}, k_order_params) ==
          "unknown parameter 'custmer_id' (did you mean 'customer_id'?); accepted: order_id, "
          "customer_id, total_amount, items");
    // Nothing near: no guess, still the list.
    CHECK(refusal({{"colour", "red"}}, k_order_params) ==
          "unknown parameter 'colour'; accepted: order_id, customer_id, total_amount, items");
    // Several: all of them, on one line.
    CHECK(refusal({{"amount", 1}, {"zzz", 2}}, {"total_amount", "items"}) ==
          "unknown parameters 'amount', 'zzz'; accepted: total_amount, items");
    CHECK(refusal({{"x", 1}}, {}) ==
          "unknown parameter 'x'; accepted: none (this method takes no parameters)");
}

TEST_CASE("check_params: accepted names, no parameters and null pass, non-objects do not") {
    CHECK(refusal({{"customer_id", "C-1"}, {"items", Json::array()}}, k_order_params) ==
          "(accepted)");
    CHECK(refusal(Json::object(), k_order_params) == "(accepted)");
    CHECK(refusal(Json(), {}) == "(accepted)");
    CHECK(refusal(Json::array({1, 2}), {"a", "b"}) ==
          "parameters must be a JSON object, not the array [1,2]; accepted: a, b");
}

TEST_CASE("check_params: a hostile name is shown escaped and cut short, on one line") {
    std::string e = refusal({{"bad\nname\x1b[31m", 1}}, {"a"});
    CHECK(e.find('\n') == std::string::npos);
    CHECK(e.find('\x1b') == std::string::npos);
    CHECK(e.find("'bad\\nname\\u001b[31m'") != std::string::npos);
    std::string longer = refusal({{std::string(500, 'q'), 1}}, {"a"});
    CHECK(longer.size() < 120);
    CHECK(longer.find("...") != std::string::npos);
}

TEST_CASE("accepts: the handler runs only when every parameter is accepted") {
    int runs = 0;
    RpcHandler plain = accepts({"a", "b"}, [&runs](const Json& p) {
        ++runs;
        return Json{{"sum", p.value("a", 0) + p.value("b", 0)}};
    });
    CHECK(plain({{"a", 1}, {"b", 2}})["sum"] == 3);
    CHECK_THROWS_WITH(plain({{"a", 1}, {"c", 2}}),
                      "unknown parameter 'c'; accepted: a, b");
    CHECK(runs == 1);

    wire::RpcRequest request;
    std::string instance = "calc-1";
    RpcContext ctx{request, instance};
    RpcHandlerEx ex = accepts({"n"}, [](const Json& p, const RpcContext& c) {
        return Json{{"n", p.at("n")}, {"by", c.instance_id}};
    });
    CHECK(ex({{"n", 7}}, ctx)["by"] == "calc-1");
    CHECK_THROWS_AS(ex({{"m", 7}}, ctx), DataError);

    CommandHandler cmd = accepts_command({"size"}, [](const wire::Command& c,
                                                      const CommandContext&) {
        return Json{{"size", c.payload.at("size")}};
    });
    wire::Command good;
    good.payload = {{"size", 3}};
    std::string worker = "batch-1";
    CommandContext cc{worker};
    CHECK(cmd(good, cc)["size"] == 3);
    wire::Command typo;
    typo.payload = {{"sise", 3}};
    CHECK_THROWS_WITH(cmd(typo, cc),
                      "unknown parameter 'sise' (did you mean 'size'?); accepted: size");
}

TEST_CASE("is_bad_params_error: the SDK's parameter refusals, and nothing else") {
    CHECK(is_bad_params_error("unknown parameter 'x'; accepted: a"));
    CHECK(is_bad_params_error("unknown parameters 'x', 'y'; accepted: a"));
    CHECK(is_bad_params_error("missing parameter 'order_id' (a string)"));
    CHECK(is_bad_params_error("parameter 'message' must be a string, not the number 1"));
    CHECK(is_bad_params_error("parameters must be a JSON object, not the array [1]; accepted: a"));
    CHECK_FALSE(is_bad_params_error("order 'X' not found"));
    CHECK_FALSE(is_bad_params_error("bad params: type must be string"));
    CHECK_FALSE(is_bad_params_error(""));
}
