// konvert: the server binary. Parses the configuration, loads the server
// key, serves HTTPS until SIGINT or SIGTERM.
#include <signal.h>

#include <cstdio>
#include <string>
#include <vector>

#include "api/config.h"
#include "api/server.h"
#include "store/log/logger.h"
#include "store/secrets/server_key.h"

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

  int received = 0;
  sigwait(&stop_signals, &received);
  log::Info("stopping", log::Context(), {{"signal", received}});
  server.Stop();
  return 0;
}
