// konvert: the server binary. Parses the configuration, loads the server
// key, serves HTTPS until SIGINT or SIGTERM.
#include <signal.h>

#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "api/config.h"
#include "api/server.h"
#include "store/log/logger.h"
#include "store/secrets/server_key.h"

namespace {

constexpr time_t kCounterLogSeconds = 300;

void LogCounters() {
  using namespace konvert;
  for (const auto& [name, value] : log::CounterSnapshot()) {
    log::Info("counter", log::Context(), {{"name", name}, {"value", value}});
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace konvert;

  std::vector<std::string> args(argv + 1, argv + argc);
  bool help = false;
  Result<api::Config> config = api::ParseConfig(args, &help);
  if (help) {
    std::fputs(api::ConfigHelp().c_str(), stdout);
    return 0;
  }
  if (!config.ok()) {
    std::fprintf(stderr, "konvert: %s (see --help)\n", config.status().message().c_str());
    return 2;
  }

  log::Level level = log::Level::kInfo;
  log::ParseLevel(config->log_level, &level);
  log::SetLevel(level);

  Result<std::string> key = LoadOrCreateServerKey(config->data_dir);
  if (!key.ok()) {
    log::Error("startup_failed", log::Context(), {{"error", key.status().message()}});
    return 1;
  }

  // Block the stop signals before any thread starts, so that only sigwait
  // below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  api::Server server(*config, std::move(*key));
  Status started = server.Start();
  if (!started.ok()) {
    log::Error("startup_failed", log::Context(), {{"error", started.message()}});
    return 1;
  }

  // Until a stop signal, the counters operators alert on are logged every
  // few minutes, so that log-based monitoring sees them without an endpoint.
  // LIMITATION: there is no metrics endpoint (Prometheus or similar) yet.
  timespec interval{kCounterLogSeconds, 0};
  int received = -1;
  while (received < 0) {
    received = sigtimedwait(&stop_signals, nullptr, &interval);
    if (received < 0) LogCounters();
  }
  log::Info("stopping", log::Context(), {{"signal", received}});
  server.Stop();
  LogCounters();
  return 0;
}
