// aegis up [--port 4222] [--data DIR] [--cluster N] | aegis up --status: a local JetStream
// nats-server, or a cluster of N on loopback.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <memory>
#include <string>

#include "commands/context.hpp"
#include "core/config/local_server.hpp"
#include "core/util/error.hpp"

namespace aegis::cmd {

namespace {

struct UpOpts {
    int port = 4222;
    std::string data_dir;
    bool status = false;
    bool url_only = false;
    int cluster = 0;
    bool port_given = false;
};

Json to_json(const config::LocalServer& s) {
    Json j = {{"running", s.running}, {"pid", s.pid},           {"port", s.port},
              {"url", s.url},         {"data_dir", s.data_dir}, {"log_file", s.log_file},
              {"started_at", s.started_at}};
    if (s.clustered()) {
        j["cluster"] = s.cluster_name;
        j["nodes"] = Json::array();
        for (auto& n : s.nodes)
            j["nodes"].push_back({{"name", n.name},
                                  {"running", n.running},
                                  {"pid", n.pid},
                                  {"port", n.port},
                                  {"cluster_port", n.cluster_port},
                                  {"data_dir", n.data_dir},
                                  {"log_file", n.log_file},
                                  {"started_at", n.started_at}});
    }
    return j;
}

// One line per node: name, client URL, route port, pid, state.
std::string node_lines(Context& ctx, const config::LocalServer& s) {
    auto st = ctx.out_style();
    std::string out;
    for (auto& n : s.nodes)
        out += fmt::format("  {}  nats://127.0.0.1:{}  routes :{}  pid {}  {}\n", n.name, n.port,
                           n.cluster_port, n.pid, n.running ? st.green("running") : st.red("down"));
    return out;
}

std::string cluster_heading(const config::LocalServer& s) {
    return fmt::format("{}-node JetStream cluster '{}' ({} of {} running, stores in {})",
                       s.nodes.size(), s.cluster_name, s.nodes_running(), s.nodes.size(),
                       s.data_dir);
}

int run_status(Context& ctx, bool url_only) {
    auto s = config::local_server_status();
    if (url_only) {
        if (s && s->running) ctx.print(s->url + "\n");
    } else if (ctx.global.json) {
        ctx.print_json(s ? to_json(*s) : Json{{"running", false}});
    } else if (s && s->running && s->clustered()) {
        ctx.print("running: " + cluster_heading(*s) + "\n" + node_lines(ctx, *s));
    } else if (s && s->running) {
        ctx.print(fmt::format("running: {} (pid {}, JetStream in {}, log {})\n", s->url, s->pid,
                              s->data_dir, s->log_file));
    } else {
        ctx.print("not running (start it with 'aegis up')\n");
    }
    return s && s->running ? 0 : exit_code::no;
}

int run_up(Context& ctx, const UpOpts& o) {
    if (o.status) return run_status(ctx, o.url_only);
    bool started = false;
    auto s = config::local_server_up({o.port, o.data_dir, o.cluster, o.port_given}, &started);
    if (o.url_only) {
        ctx.print(s.url + "\n");
    } else if (ctx.global.json) {
        Json j = to_json(s);
        j["started"] = started;
        ctx.print_json(j);
    } else {
        auto st = ctx.out_style();
        std::string state = started ? st.green("started") : st.yellow("already running");
        if (s.clustered())
            ctx.print(state + " " + cluster_heading(s) + "\n" + node_lines(ctx, s));
        else
            ctx.print(fmt::format("{} {} (pid {}, JetStream in {})\n", state, s.url, s.pid,
                                  s.data_dir));
        if (s.port != 4222 || s.clustered())
            ctx.print(fmt::format("use it with: export AEGIS_NATS_URL={}\n", s.url));
    }
    return 0;
}

}  // namespace

void setup_up(CLI::App& root, Context& ctx) {
    auto o = std::make_shared<UpOpts>();
    auto* app = root.add_subcommand("up");
    app->footer("Idempotent: a second 'aegis up' reports the running server. Stop it with "
                "'aegis down'.\nState (pid, port, log) lives in $XDG_STATE_HOME/aegis.");
    app->add_option("-p,--port", o->port, "client port on 127.0.0.1 (0: any free port)")
        ->capture_default_str()
        ->check(CLI::Range(0, 65535));
    app->add_flag("--url", o->url_only, "print only the server URL (for scripts)");
    app->add_option("--data", o->data_dir, "JetStream store directory");
    app->add_flag("--status", o->status, "report whether the local server runs (exit 1 if not)");
    app->add_option("--cluster", o->cluster,
                    "start a JetStream cluster of N nodes (3-5) on 127.0.0.1: client ports "
                    "--port, --port+1, ...; 'aegis up' again restarts nodes that died")
        ->check(CLI::Range(3, 5));
    app->callback([o, app, &ctx] {
        o->port_given = app->count("--port") > 0;
        ctx.run = [o, &ctx] { return run_up(ctx, *o); };
    });
}

void setup_down(CLI::App& root, Context& ctx) {
    auto* app = root.add_subcommand("down");
    app->callback([&ctx] {
        ctx.run = [&ctx] {
            bool stopped = config::local_server_down();
            if (ctx.global.json)
                ctx.print_json({{"stopped", stopped}});
            else
                ctx.print(stopped ? "stopped\n" : "not running\n");
            return 0;
        };
    });
}

}  // namespace aegis::cmd
