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

// {name, summary, setup, examples (one per line), flags, exit codes}
const std::vector<cmd::CommandSpec>& command_table() {
    static const std::vector<cmd::CommandSpec> table = {
        {"call", "call a service method: aegis call SERVICE METHOD [JSON | key=value ...]",
         cmd::setup_call,
         "aegis call echo-service echo message=hi\n"
         "aegis call echo-service echo '{\"message\":\"hi\"}' --count 10\n"
         "aegis call -i",
         k_nats | k_stop,
         "0 ok; 1 the service answered with an error; 2 usage; 65 bad params; 66 missing params "
         "file; 69 no responders or NATS unreachable; 75 timeout; 78 bad config"},
        {"demo", "run an example service (aegis demo lists them)", cmd::setup_demo,
         "aegis demo\naegis demo echo --instance 2", k_nats | k_stop,
         "0 stopped by SIGTERM; 2 usage; 69 NATS unreachable; 130 Ctrl-C"},
        {"up", "start a local JetStream nats-server in the background", cmd::setup_up,
         "aegis up\naegis up --port 4333 --url\naegis up --status\naegis up --cluster 3",
         0,
         "0 ok; 1 --status and nothing runs; 2 usage; 69 nats-server missing, port taken or not "
         "ready; 74 --data cannot be created"},
        {"down", "stop the local nats-server started by 'aegis up'", cmd::setup_down,
         "aegis down",
         0,
         "0 stopped, or nothing ran; 2 usage"},
        {"failover", "measure leader failover of a single-active service (--spawn N to kill)",
         cmd::setup_failover,
         "aegis failover echo-single-service --spawn 3 --trials 10\n"
         "aegis failover echo-single-service --spawn 3 --kill stop --policy aggressive\n"
         "aegis failover order-processor --method get_statistics\n"
         "aegis failover my-service --spawn 3 --spawn-cmd './my-service --log {id}.log'",
         k_nats | k_stop,
         "0 ok; 1 no call succeeded, a call was lost, split-brain, a bound was broken, or the "
         "history checker found a violation; 2 usage; 65 the service does not have --method; "
         "69 NATS or the service unavailable; 130 Ctrl-C"},
        {"load", "load test: aegis load SERVICE METHOD [params] --rate R | -c C, percentiles",
         cmd::setup_load,
         "aegis load echo-service echo message=hi --concurrency 64 --duration 10\n"
         "aegis load echo-service echo message=hi --rate 500 --duration 30 --max-p99-ms 20\n"
         "aegis load order-processor create_order '{\"order_id\":\"{{uuid}}\"}' --ramp 10:200",
         k_nats | k_stop,
         "0 finished, a call succeeded, no threshold broken; 1 a threshold broken or no call "
         "succeeded; 2 usage; 65 bad params; 66 missing -d @file; 69 NATS unreachable or no "
         "responder; 74 -o FILE cannot be written; 75 every call timed out; 130 interrupted"},
        {"explore", "services, instances, leaders, staleness: aegis explore [SERVICE] [--watch]",
         cmd::setup_explore,
         "aegis explore\naegis explore order-processor --tree\naegis explore --watch --all\n"
         "aegis explore --prune --dry-run",
         k_nats | k_stop,
         "0 ok; 1 SERVICE not found; 2 usage; 69 NATS unreachable; 130 --watch interrupted"},
        {"monitor", "live view: rates, latency, leaders, events per service and instance",
         cmd::setup_monitor,
         "aegis monitor\naegis monitor --json --duration 10 > snapshots.ndjson",
         k_nats | k_stop,
         "0 q or --duration reached; 2 usage; 69 NATS unreachable; 130 interrupted"},
        {"config", "show the effective configuration and where each value came from",
         cmd::setup_config,
         "aegis config show\naegis config show --context staging --json\naegis config contexts",
         0,
         "0 ok; 66 the named config file is missing; 78 bad config"},
        {"discover", "which NATS URL auto-discovery finds (env, Kubernetes, port-forward)",
         cmd::setup_discover, "aegis discover\naegis discover --check\naegis discover --env docker",
         k_nats,
         "0 a URL was found; 1 none was; 78 bad config"},
        {"validate", "doctor: config, Kubernetes, port-forward, NATS, buckets, services",
         cmd::setup_validate, "aegis validate\naegis validate --offline\naegis validate --json",
         k_nats,
         "0 no check failed; 1 a check failed; 2 usage"},
        {"events", "events: tail the event stream live, publish an event", cmd::setup_events,
         "aegis events tail 'orders.*' --last 10\n"
         "aegis events publish orders created order_id=ORD-1 total_amount:=99.5",
         k_nats | k_stop,
         "0 stored (publish) or --count/--duration reached (tail); 2 usage; 65 bad payload JSON;"
         " 66 missing payload file; 69 NATS or JetStream unavailable; 75 no ack from the stream;"
         " 130 Ctrl-C"},
        {"command", "send a command to a service and follow its progress", cmd::setup_command,
         "aegis command send batch-processor process_batch size:=5", k_nats | k_stop,
         "0 completed; 1 the handler reported failure; 2 usage; 65 bad payload; 69 NATS or "
         "JetStream unavailable; 75 no completion in time; 130 interrupted"},
        // k_clean, not k_stop: Ctrl-C stops the steps and the run removes what it created; a
        // second Ctrl-C must not skip that cleanup, so it does not end the process at once.
        {"test", "run scenarios that prove a deployment works: aegis test [NAME ...] (CI)",
         cmd::setup_test,
         "aegis test --list\naegis test failover\naegis test --all --local --junit out.xml\n"
         "aegis test -f my-scenarios.yaml --set instances=5",
         k_nats | k_clean,
         "0 all passed; 1 a scenario failed; 2 usage; 65 an invalid scenario file; 66 a file "
         "that cannot be read; 69 NATS unreachable; 130 Ctrl-C"},
        {"completion", "print a completion script for bash, zsh or fish", cmd::setup_completion,
         "source <(aegis completion bash)\n"
         "aegis completion fish > ~/.config/fish/completions/aegis.fish",
         k_all,
         "0 ok; 2 usage"},
        {"help", "show the help of a command: aegis help COMMAND [SUBCOMMAND]", cmd::setup_help,
         "aegis help call\naegis help demo echo", k_all,
         "0 ok; 2 no such command"},
        {"quickstart", "scaffold a service project that builds against the installed aegis SDK",
         cmd::setup_quickstart,
         "aegis quickstart my-svc --template single-active --yes\n"
         "aegis quickstart --list",
         0,
         "0 written; 2 a bad name, template or URL; 73 the directory exists and is not empty, or"
         " cannot be made; 74 a write failed"},
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
