// aegis discover [--env ENV] [--check]: which NATS URL "auto" resolution finds, every attempt on
// the way, and the URL each environment would use (the seed's connection-string generator).
#include <CLI/CLI.hpp>
#include <memory>
#include <vector>
#include <string>

#include "commands/context.hpp"
#include "core/config/nats_url.hpp"
#include "core/config/sdk_config.hpp"
#include "core/k8s/environment.hpp"
#include "core/nats/connection.hpp"
#include "core/output/table.hpp"
#include "core/output/visible.hpp"
#include "core/util/error.hpp"

namespace aegis::cmd {

namespace {

struct DiscoverOpts {
    std::string env;
    bool check = false;
};

const std::vector<k8s::Environment> k_all = {
    k8s::Environment::in_cluster, k8s::Environment::docker, k8s::Environment::local_k8s,
    k8s::Environment::production, k8s::Environment::none};

std::vector<k8s::Environment> chosen(const DiscoverOpts& o) {
    if (o.env.empty()) return k_all;
    return {*k8s::parse_environment(o.env)};
}

std::string human(Context& ctx, const config::Resolution& r, const config::SdkConfig& c,
                  const DiscoverOpts& o) {
    auto st = ctx.out_style();
    std::string out = "environment  " + k8s::to_string(r.detection.environment) + " (" +
                      r.detection.reason + ")\n";
    if (r.found())
        out += "url          " + st.bold(nats::redact_url(r.url)) + " (" + r.source + ")\n";
    else
        out += "url          " + st.red("none found") + "\n";
    if (r.stopped)
        out += "stopped      " + config::describe(r.pins) + " set explicitly: no other server "
               "is tried\n";
    out += "\n" + st.bold("attempts") + "\n";
    for (const auto& line : config::attempts_lines(r)) out += output::visible(line) + "\n";
    out += "\n";
    out += st.bold(o.env.empty() ? "per environment" : "for environment " + o.env) + "\n";
    output::Table t({"ENVIRONMENT", "URL", "HOW"});
    for (auto e : chosen(o)) {
        auto u = config::url_for_environment(c, e);
        t.add({k8s::to_string(e), u.url, u.how});
    }
    return out + t.render();
}

int run_discover(Context& ctx, const DiscoverOpts& o) {
    const auto& c = ctx.config();
    config::ResolveOptions ro;
    ro.dry_run = !o.check;
    ro.announce = false;  // the output says which server it is
    if (!o.env.empty()) ro.assume = k8s::parse_environment(o.env);
    auto r = config::resolve_nats_url(c, ro);
    if (ctx.global.json) {
        Json j = config::to_json(r);
        j["checked"] = o.check;
        Json envs = Json::object();
        for (auto e : chosen(o)) {
            auto u = config::url_for_environment(c, e);
            envs[k8s::to_string(e)] = {{"url", u.url}, {"how", u.how}};
        }
        j["environments"] = std::move(envs);
        ctx.print_json(j);
    } else {
        ctx.print(human(ctx, r, c, o));
    }
    return r.found() ? 0 : exit_code::no;
}

}  // namespace

void setup_discover(CLI::App& root, Context& ctx) {
    auto o = std::make_shared<DiscoverOpts>();
    auto* app =
        root.add_subcommand("discover");
    app->footer(
        "Order: --server / AEGIS_NATS_URL / NATS_URL / config file -> in-cluster service ->\n"
        "NATS already on localhost:4222 -> Docker host -> Kubernetes (kubectl get svc, then a\n"
        "supervised kubectl port-forward) -> the server 'aegis up' started.\n"
        "A chosen k8s.context, k8s.namespace or k8s.service_name: Kubernetes comes first\n"
        "and its failure stops the search (exit 69 in other commands).\n"
        "Without --check nothing is started: the port-forward that would run is shown.");
    app->add_option("--env", o->env, "resolve as if in this environment")
        ->check(CLI::IsMember({"in-cluster", "docker", "local-k8s", "production", "none"}));
    app->add_flag("--check", o->check,
                  "really start the port-forward and check NATS answers through it");
    app->callback([o, &ctx] { ctx.run = [o, &ctx] { return run_discover(ctx, *o); }; });
}

}  // namespace aegis::cmd
