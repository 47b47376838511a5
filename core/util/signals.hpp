#pragma once
// SIGINT / SIGTERM as a flag the main loop polls (safe in a signal handler), and a closed pipe
// ending quietly.
#include <chrono>
#include <functional>

namespace aegis::util {

// Installs handlers for SIGINT and SIGTERM (idempotent) and ignores SIGPIPE. The first signal
// asks the command to stop. A second Ctrl-C while it is stopping ends the process at once, or,
// when `cleanup_note` is given (a command that removes what it created), does not cut the
// cleanup short: the note is written to stderr and the cleanup goes on.
void install_stop_signals(const char* cleanup_note = nullptr);
// For aegis's own live commands: install_stop_signals(cleanup_note), SIGHUP stopping cleanly
// like SIGTERM (a closed terminal), and a watch on stdout: once nobody reads it (`| head -1` has
// exited) a stop is requested, as SIGPIPE would have ended us at the next write (stop_signal()
// SIGPIPE).
void install_tool_signals(const char* cleanup_note = nullptr);
// A write to stdout failed because nobody reads it any more: stop, quietly.
void note_output_closed();
bool output_closed();
bool stop_requested();
int stop_signal();  // the signal that arrived, 0 if none
void request_stop();  // as if a signal arrived (tests, request_stop())
void reset_stop();
// How many SIGINT / SIGTERM have arrived since the process started (never reset).
int stop_signal_count();
// While a service stops (docs/sdk.md): the next signal only cuts its grace period short (the
// stop path still answers and deregisters), the one after that ends the process at once.
// Pass the count at which to exit, 0 to restore the usual rule (a second Ctrl-C exits).
void exit_on_signal_count(int n);
// Waits until a stop signal or `done()` returns true, checking every `poll`.
void wait_for_stop(const std::function<bool()>& done,
                   std::chrono::milliseconds poll = std::chrono::milliseconds(50));
// Sleeps up to `d`, returning early (false) when a stop was requested.
bool sleep_unless_stopped(std::chrono::milliseconds d);

}  // namespace aegis::util
