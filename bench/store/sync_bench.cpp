// sync_bench: how fast a whole account's initial sync runs (AccountSync on a
// fresh cache: LIST, STATUS, SELECT, UID FETCH of whole messages in batches,
// MIME parsing, RocksDB writes), next to the IMAP FETCH rates of the same
// Dovecot for the same messages, measured in the same run:
//
//   FetchBodies             UID FETCH (UID FLAGS INTERNALDATE RFC822.SIZE
//                           [MODSEQ] BODY.PEEK[]) of every message of every
//                           folder in batches of the sync's size, through
//                           FetchMessages: the bytes the sync must move. Run
//                           before and after the sync; the faster pass is the
//                           baseline, so a cold first pass flatters nobody.
//   FetchEnvelopeStructure  UID FETCH 1:* (UID FLAGS ENVELOPE BODYSTRUCTURE)
//                           per folder: what Dovecot answers from its own
//                           cache, the ceiling no body-reading sync reaches.
//                           Also run before and after; the faster counts.
//   InitialSync             Refresh, then InitialStep until every folder is
//                           complete, into an empty cache directory.
//
// Connection set-up and login are outside every timing. The program checks
// that the sync indexed exactly the messages the baseline fetched, and fails
// otherwise; it asserts nothing about time, so CI can run it small.
//
// Usage: konvert_bench_sync --imap imap://127.0.0.1:PORT --login L --password P
//          [--ca FILE] [--cache-dir DIR]
// Without --imap, KONVERT_MAILSTACK_DIR names a tests/support/mailstack.sh
// stack whose env file gives the port and whose certificate is trusted.
#include <libetpan/libetpan.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/server_url.h"
#include "store/imap/imap_connection.h"
#include "store/index/account_index.h"
#include "store/index/mail_cache.h"
#include "store/sync/account_sync.h"
#include "store/sync/imap_mail.h"

namespace konvert {
namespace {

struct Options {
  std::string imap_url;
  std::string login;
  std::string password;
  std::string ca_file;
  std::string cache_dir;
};

// What one measured pass did: wall and CPU time of this process, and how
// many messages and bytes came back.
struct Pass {
  std::string name;
  uint64_t messages = 0;
  uint64_t bytes = 0;
  double seconds = 0;
  double cpu_seconds = 0;
  double Rate() const { return seconds > 0 ? messages / seconds : 0; }
};

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "sync_bench: %s\n", what.c_str());
  std::exit(1);
}

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Times `work`, which fills in messages and bytes of the pass it is given.
template <typename Work>
Pass Measure(std::string name, Work work) {
  Pass pass;
  pass.name = std::move(name);
  double cpu = CpuSeconds();
  auto start = std::chrono::steady_clock::now();
  work(pass);
  pass.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  pass.cpu_seconds = CpuSeconds() - cpu;
  return pass;
}

Options ParseOptions(int argc, char** argv) {
  Options options;
  std::map<std::string, std::string*> flags = {{"--imap", &options.imap_url},
                                               {"--login", &options.login},
                                               {"--password", &options.password},
                                               {"--ca", &options.ca_file},
                                               {"--cache-dir", &options.cache_dir}};
  for (int i = 1; i < argc; i += 2) {
    auto flag = flags.find(argv[i]);
    if (flag == flags.end() || i + 1 >= argc) Fail(std::string("unknown or bare flag ") + argv[i]);
    *flag->second = argv[i + 1];
  }

  // A mail stack of tests/support/mailstack.sh: DIR/env holds IMAP_PORT.
  const char* stack = std::getenv("KONVERT_MAILSTACK_DIR");
  if (options.imap_url.empty() && stack != nullptr) {
    std::ifstream env(std::string(stack) + "/env");
    for (std::string line; std::getline(env, line);) {
      if (line.rfind("IMAP_PORT=", 0) == 0)
        options.imap_url = "imap://127.0.0.1:" + line.substr(10);
    }
    if (options.ca_file.empty()) options.ca_file = std::string(stack) + "/tls/cert.pem";
  }
  if (options.imap_url.empty() || options.login.empty() || options.password.empty()) {
    Fail("needs --imap (or KONVERT_MAILSTACK_DIR), --login and --password");
  }
  if (options.cache_dir.empty()) {
    options.cache_dir = (std::filesystem::temp_directory_path() /
                         ("konvert-sync-bench-" + std::to_string(getpid())))
                            .string();
  }
  return options;
}

std::unique_ptr<ImapConnection> Connect(const Options& options) {
  Result<ServerUrl> url = ParseServerUrl(options.imap_url);
  if (!url.ok()) Fail("--imap: " + url.status().message());
  ImapEndpoint endpoint;
  endpoint.url = *url;
  endpoint.allow_plain_loopback = true;
  endpoint.tls_ca_file = options.ca_file;
  endpoint.timeout = std::chrono::seconds(120);

  Result<std::unique_ptr<ImapConnection>> imap = ImapConnection::Open(endpoint, log::Context());
  if (!imap.ok()) Fail("connect: " + imap.status().message());
  Status login = (*imap)->Login(options.login, options.password);
  if (!login.ok()) Fail("login: " + login.message());
  return std::move(*imap);
}

bool StartsWithFolder(const std::string& name, std::string_view top, char delimiter) {
  if (name == top) return true;
  return delimiter != 0 && name.size() > top.size() && name.compare(0, top.size(), top) == 0 &&
         name[top.size()] == delimiter;
}

// The folders the sync treats as mailboxes: selectable, personal, and not
// where contacts and calendars live (store/sync/account_sync.h).
std::vector<std::string> MailFolders(ImapConnection& imap) {
  Result<std::vector<ImapFolder>> folders = ListFolders(imap);
  if (!folders.ok()) Fail("LIST: " + folders.status().message());
  Result<std::vector<std::string>> shared = SharedNamespacePrefixes(imap);
  if (!shared.ok()) Fail("NAMESPACE: " + shared.status().message());

  std::vector<std::string> names;
  for (const ImapFolder& folder : *folders) {
    if (folder.HasAttribute("noselect") || folder.HasAttribute("nonexistent")) continue;
    bool skip = false;
    for (const std::string& prefix : *shared) {
      // "Public/" covers "Public/x" and the namespace's own "Public".
      skip |= !prefix.empty() &&
              (folder.name.rfind(prefix, 0) == 0 || folder.name + folder.delimiter == prefix);
    }
    for (const char* hidden : kHiddenFolders) {
      skip |= StartsWithFolder(folder.name, hidden, folder.delimiter);
    }
    if (!skip) names.push_back(folder.name);
  }
  return names;
}

void SelectOrFail(ImapConnection& imap, const std::string& folder) {
  Result<SelectedFolder> selected = SelectFolder(imap, folder, 0, 0);
  if (!selected.ok()) Fail("SELECT " + folder + ": " + selected.status().message());
}

// Whole messages, in UID ranges of `batch` existing messages each, as the
// initial sync asks for them.
void FetchBodies(ImapConnection& imap, const std::vector<std::string>& folders, size_t batch,
                 Pass& pass) {
  for (const std::string& folder : folders) {
    SelectOrFail(imap, folder);
    Result<std::vector<uint32_t>> uids = SearchAllUids(imap);
    if (!uids.ok()) Fail("UID SEARCH " + folder + ": " + uids.status().message());

    for (size_t i = 0; i < uids->size(); i += batch) {
      uint32_t first = (*uids)[i];
      uint32_t last = (*uids)[std::min(i + batch, uids->size()) - 1];
      Result<std::vector<FetchedMessage>> messages = FetchMessages(imap, first, last, true);
      if (!messages.ok()) Fail("UID FETCH " + folder + ": " + messages.status().message());
      for (const FetchedMessage& message : *messages) {
        pass.messages += 1;
        pass.bytes += message.raw.size();
      }
    }
  }
}

// UID FETCH 1:* (UID FLAGS ENVELOPE BODYSTRUCTURE), one command per folder.
// imap_mail.h has no such call (the sync never needs it), so it is built
// here with libetpan through ImapConnection::Execute.
void FetchEnvelopeStructure(ImapConnection& imap, const std::vector<std::string>& folders,
                            Pass& pass) {
  for (const std::string& folder : folders) {
    SelectOrFail(imap, folder);
    clist* fetched = nullptr;
    Status status = imap.Execute("UID FETCH", [&fetched](mailimap* raw) {
      mailimap_fetch_type* type = mailimap_fetch_type_new_fetch_att_list_empty();
      mailimap_fetch_type_new_fetch_att_list_add(type, mailimap_fetch_att_new_uid());
      mailimap_fetch_type_new_fetch_att_list_add(type, mailimap_fetch_att_new_flags());
      mailimap_fetch_type_new_fetch_att_list_add(type, mailimap_fetch_att_new_envelope());
      mailimap_fetch_type_new_fetch_att_list_add(type, mailimap_fetch_att_new_bodystructure());
      mailimap_set* set = mailimap_set_new_interval(1, 0);
      int code = mailimap_uid_fetch(raw, set, type, &fetched);
      mailimap_set_free(set);
      mailimap_fetch_type_free(type);
      return code;
    });
    if (fetched != nullptr) {
      pass.messages += clist_count(fetched);
      mailimap_fetch_list_free(fetched);
    }
    if (!status.ok()) Fail("UID FETCH ENVELOPE " + folder + ": " + status.message());
  }
}

// The initial sync into an empty cache; returns how many messages (folder
// copies) the index holds afterwards.
uint64_t InitialSync(ImapConnection& imap, const std::string& cache_dir) {
  Result<std::unique_ptr<MailCache>> cache = MailCache::Open(cache_dir, log::Context());
  if (!cache.ok()) Fail("cache: " + cache.status().message());
  Result<std::unique_ptr<AccountIndex>> index =
      AccountIndex::Load(cache->get(), "bench", log::Context());
  if (!index.ok()) Fail("index: " + index.status().message());
  AccountSync sync(index->get(), log::Context());

  Status refreshed = sync.Refresh(imap);
  if (!refreshed.ok()) Fail("Refresh: " + refreshed.message());
  for (;;) {
    Result<bool> more = sync.InitialStep(imap);
    if (!more.ok()) Fail("InitialStep: " + more.status().message());
    if (!*more) break;
  }

  uint64_t indexed = 0;
  (*index)->Read([&indexed](const AccountView& view) {
    for (const auto& [id, mailbox] : view.mailboxes()) {
      if (const auto* uids = view.Uids(id)) indexed += uids->size();
    }
  });
  return indexed;
}

uint64_t DirectoryBytes(const std::string& directory) {
  uint64_t bytes = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(directory)) {
    if (entry.is_regular_file()) bytes += entry.file_size();
  }
  return bytes;
}

void Print(const Pass& pass, const std::vector<const Pass*>& baselines) {
  std::printf("%-37s %7llu msgs %8.2f s %8.0f msg/s %8.2f cpu-s", pass.name.c_str(),
              static_cast<unsigned long long>(pass.messages), pass.seconds, pass.Rate(),
              pass.cpu_seconds);
  for (const Pass* baseline : baselines) {
    std::printf("  %5.2fx %s", pass.Rate() / baseline->Rate(), baseline->name.c_str());
  }
  std::printf("\n");
}

int Run(int argc, char** argv) {
  Options options = ParseOptions(argc, argv);
  log::SetLevel(log::Level::kWarn);
  const size_t batch = SyncOptions().batch_messages;

  std::unique_ptr<ImapConnection> imap = Connect(options);
  std::vector<std::string> folders = MailFolders(*imap);

  Pass bodies_before = Measure("FetchBodies (before sync)",
                               [&](Pass& pass) { FetchBodies(*imap, folders, batch, pass); });
  Pass envelopes_before = Measure("FetchEnvelopeStructure (before sync)", [&](Pass& pass) {
    FetchEnvelopeStructure(*imap, folders, pass);
  });

  // A session of its own, as the server's background sync has, with
  // nothing selected yet.
  std::filesystem::remove_all(options.cache_dir);
  std::unique_ptr<ImapConnection> sync_imap = Connect(options);
  uint64_t indexed = 0;
  Pass sync = Measure("InitialSync", [&](Pass& pass) {
    indexed = InitialSync(*sync_imap, options.cache_dir);
    pass.messages = indexed;
  });
  uint64_t cache_bytes = DirectoryBytes(options.cache_dir);
  std::filesystem::remove_all(options.cache_dir);

  Pass bodies_after = Measure("FetchBodies (after sync)",
                              [&](Pass& pass) { FetchBodies(*imap, folders, batch, pass); });
  Pass envelopes_after = Measure("FetchEnvelopeStructure (after sync)",
                                 [&](Pass& pass) { FetchEnvelopeStructure(*imap, folders, pass); });

  const Pass& bodies = bodies_after.Rate() > bodies_before.Rate() ? bodies_after : bodies_before;
  const Pass& envelopes =
      envelopes_after.Rate() > envelopes_before.Rate() ? envelopes_after : envelopes_before;
  std::printf("sync_bench: %llu messages in %zu folders, %.1f MiB; batches of %zu\n",
              static_cast<unsigned long long>(bodies.messages), folders.size(),
              bodies.bytes / double(1 << 20), batch);
  Print(bodies_before, {});
  Print(bodies_after, {});
  Print(envelopes_before, {});
  Print(envelopes_after, {});
  Print(sync, {&bodies, &envelopes});
  std::printf("cache after sync: %.1f MiB (%.0f bytes per message)\n",
              cache_bytes / double(1 << 20), indexed ? double(cache_bytes) / indexed : 0.0);

  if (indexed != bodies_before.messages || bodies_after.messages != bodies_before.messages ||
      envelopes_before.messages != bodies_before.messages ||
      envelopes_after.messages != bodies_before.messages) {
    Fail("message counts differ: fetched " + std::to_string(bodies_before.messages) + " and " +
         std::to_string(bodies_after.messages) + " whole, " +
         std::to_string(envelopes_before.messages) + " and " +
         std::to_string(envelopes_after.messages) + " envelopes, indexed " +
         std::to_string(indexed));
  }
  return 0;
}

}  // namespace
}  // namespace konvert

int main(int argc, char** argv) { return konvert::Run(argc, argv); }
