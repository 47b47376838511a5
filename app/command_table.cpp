// The command table: the one list of aegis's commands. Adding a command = one file in commands/,
// one declaration and one row here, one docs/commands/<name>.md (docs/adding-a-command.md).
// main reads each row: the summary is the command's description in every --help, the examples
// end its --help, and the flags decide what main does around it (commands/context.hpp).
#include "app/command_table.hpp"
#include <vector>
#include <string>

#include <CLI/CLI.hpp>

#include "core/nats/version.hpp"

namespace aegis::cmd {
void setup_call(CLI::App&, Context&);
void setup_demo(CLI::App&, Context&);
void setup_up(CLI::App&, Context&);
void setup_down(CLI::App&, Context&);
void setup_failover(CLI::App&, Context&);
void setup_explore(CLI::App&, Context&);
void setup_monitor(CLI::App&, Context&);
void setup_config(CLI::App&, Context&);
void setup_discover(CLI::App&, Context&);
void setup_validate(CLI::App&, Context&);
void setup_events(CLI::App&, Context&);
void setup_command(CLI::App&, Context&);
void setup_load(CLI::App&, Context&);
void setup_completion(CLI::App&, Context&);
void setup_quickstart(CLI::App&, Context&);
void setup_help(CLI::App&, Context&);
void setup_test(CLI::App&, Context&);
}  // namespace aegis::cmd

namespace aegis::app {

namespace {
constexpr unsigned k_nats = cmd::k_needs_nats;
constexpr unsigned k_stop = cmd::k_stoppable;
constexpr unsigned k_clean = cmd::k_cleans_up;
constexpr unsigned k_all = cmd::k_whole_tree;
}  // namespace

// {name, summary, setup, examples (one per line), flags}
const std::vector<cmd::CommandSpec>& command_table() {
    static const std::vector<cmd::CommandSpec> table = {
        {"call", "call a service method: aegis call SERVICE METHOD [JSON | key=value ...]",
         cmd::setup_call,
         "aegis call echo-service echo message=hi\n"
         "aegis call echo-service echo '{\"message\":\"hi\"}' --count 10\n"
         "aegis call -i",
         k_nats | k_stop},
        {"demo", "run an example service (aegis demo lists them)", cmd::setup_demo,
         "aegis demo\naegis demo echo --instance 2", k_nats | k_stop},
        {"up", "start a local JetStream nats-server in the background", cmd::setup_up,
         "aegis up\naegis up --port 4333 --url\naegis up --status\naegis up --cluster 3"},
        {"down", "stop the local nats-server started by 'aegis up'", cmd::setup_down,
         "aegis down"},
        {"failover", "measure leader failover of a single-active service (--spawn N to kill)",
         cmd::setup_failover,
         "aegis failover echo-single-service --spawn 3 --trials 10\n"
         "aegis failover echo-single-service --spawn 3 --kill stop --policy aggressive\n"
         "aegis failover order-processor --method get_statistics\n"
         "aegis failover my-service --spawn 3 --spawn-cmd './my-service --log {id}.log'",
         k_nats | k_stop},
        {"load", "load test: aegis load SERVICE METHOD [params] --rate R | -c C, percentiles",
         cmd::setup_load,
         "aegis load echo-service echo message=hi --concurrency 64 --duration 10\n"
         "aegis load echo-service echo message=hi --rate 500 --duration 30 --max-p99-ms 20\n"
         "aegis load order-processor create_order '{\"order_id\":\"{{uuid}}\"}' --ramp 10:200",
         k_nats | k_stop},
        {"explore", "services, instances, leaders, staleness: aegis explore [SERVICE] [--watch]",
         cmd::setup_explore,
         "aegis explore\naegis explore order-processor --tree\naegis explore --watch --all\n"
         "aegis explore --prune --dry-run",
         k_nats | k_stop},
        {"monitor", "live view: rates, latency, leaders, events per service and instance",
         cmd::setup_monitor,
         "aegis monitor\naegis monitor --json --duration 10 > snapshots.ndjson",
         k_nats | k_stop},
        {"config", "show the effective configuration and where each value came from",
         cmd::setup_config,
         "aegis config show\naegis config show --context staging --json\naegis config contexts"},
        {"discover", "which NATS URL auto-discovery finds (env, Kubernetes, port-forward)",
         cmd::setup_discover, "aegis discover\naegis discover --check\naegis discover --env docker",
         k_nats},
        {"validate", "doctor: config, Kubernetes, port-forward, NATS, buckets, services",
         cmd::setup_validate, "aegis validate\naegis validate --offline\naegis validate --json",
         k_nats},
        {"events", "events: tail the event stream live, publish an event", cmd::setup_events,
         "aegis events tail 'orders.*' --last 10\n"
         "aegis events publish orders created order_id=ORD-1 total_amount:=99.5",
         k_nats | k_stop},
        {"command", "send a command to a service and follow its progress", cmd::setup_command,
         "aegis command send batch-processor process_batch size:=5", k_nats | k_stop},
        // k_clean, not k_stop: Ctrl-C stops the steps and the run removes what it created; a
        // second Ctrl-C must not skip that cleanup, so it does not end the process at once.
        {"test", "run scenarios that prove a deployment works: aegis test [NAME ...] (CI)",
         cmd::setup_test,
         "aegis test --list\naegis test failover\naegis test --all --local --junit out.xml\n"
         "aegis test -f my-scenarios.yaml --set instances=5",
         k_nats | k_clean},
        {"completion", "print a completion script for bash, zsh or fish", cmd::setup_completion,
         "source <(aegis completion bash)\n"
         "aegis completion fish > ~/.config/fish/completions/aegis.fish",
         k_all},
        {"help", "show the help of a command: aegis help COMMAND [SUBCOMMAND]", cmd::setup_help,
         "aegis help call\naegis help demo echo", k_all},
        {"quickstart", "scaffold a service project that builds against the installed aegis SDK",
         cmd::setup_quickstart,
         "aegis quickstart my-svc --template single-active --yes\n"
         "aegis quickstart --list"},
    };
    return table;
}

const cmd::CommandSpec* find_command(const std::string& name) {
    for (const auto& spec : command_table())
        if (name == spec.name) return &spec;
    return nullptr;
}

std::string version_text() {
    return std::string("aegis ") + AEGIS_VERSION + " (nats.c " + nats::library_version() + ")";
}

}  // namespace aegis::app
