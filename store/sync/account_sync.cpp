#include "store/sync/account_sync.h"

#include <algorithm>
#include <future>
#include <map>
#include <set>

#include "model/mail/collation.h"
#include "model/mail/mailbox_name.h"
#include "store/index/hashed_id.h"
#include "store/sync/email_ingest.h"
#include "store/sync/imap_mail.h"

namespace konvert {
namespace {

// The first step of a folder fetches its newest 500 UIDs, so that a client
// soon sees the top of the folder; later steps take up to 2,000 messages,
// enough for fetching and storing to overlap, yet short enough (well under
// a second) that a request waiting on the sync lock is not held up long.
constexpr uint32_t kFirstWindow = 500;
constexpr uint32_t kFullWindow = 2000;
// A folder that appears later with at most this many messages is read in
// the request that finds it.
constexpr uint32_t kInlineMessages = 200;
// Sparse UIDs (after many expunges) widen the range up to this.
constexpr uint32_t kMaxWindow = 1u << 20;

std::string MailboxIdFor(std::string_view name, uint32_t uidvalidity) {
  return HashedId('F', std::string(name) + '\0' + std::to_string(uidvalidity), 8);
}

bool Hidden(const std::string& name, char delimiter) {
  for (const char* hidden : kHiddenFolders) {
    std::string_view h(hidden);
    if (name == h) return true;
    if (delimiter != 0 && name.size() > h.size() && name.compare(0, h.size(), h) == 0 &&
        name[h.size()] == delimiter) {
      return true;
    }
  }
  return false;
}

std::string LastComponent(const std::string& name, char delimiter) {
  if (delimiter == 0) return name;
  size_t at = name.rfind(delimiter);
  return at == std::string::npos ? name : name.substr(at + 1);
}

// True when `name` lies in one of the namespaces of `prefixes` ("Public/"),
// or is such a namespace's own root ("Public").
bool InNamespace(const std::string& name, const std::vector<std::string>& prefixes) {
  for (const std::string& prefix : prefixes) {
    if (prefix.empty()) continue;
    if (name.compare(0, prefix.size(), prefix) == 0) return true;
    if (!std::isalnum(static_cast<unsigned char>(prefix.back())) &&
        name == prefix.substr(0, prefix.size() - 1)) {
      return true;
    }
  }
  return false;
}

int SyncPriority(const MailboxState& m) {
  if (m.role == "inbox") return 0;
  if (m.role == "sent" || m.role == "drafts") return 1;
  if (m.role == "trash" || m.role == "junk") return 3;
  return 2;
}

}  // namespace

std::optional<std::string> RoleFromAttributes(const std::vector<std::string>& attributes) {
  static const std::map<std::string, std::string> kRoles = {
      {"sent", "sent"},       {"drafts", "drafts"},      {"trash", "trash"},
      {"junk", "junk"},       {"archive", "archive"},    {"all", "all"},
      {"flagged", "flagged"}, {"important", "important"}};
  for (const std::string& attribute : attributes) {
    if (auto it = kRoles.find(attribute); it != kRoles.end()) return it->second;
  }
  return std::nullopt;
}

std::optional<std::string> RoleFromName(std::string_view name) {
  // Keys are compared case-folded (i;unicode-casemap), so that "Sent Items",
  // "SENT ITEMS" and "Отправленные" in any case all match.
  static const std::map<std::string, std::string> kNames = [] {
    const std::pair<const char*, const char*> names[] = {
        {"Sent", "sent"},
        {"Sent Items", "sent"},
        {"Sent Messages", "sent"},
        {"Sent Mail", "sent"},
        {"Отправленные", "sent"},
        {"Drafts", "drafts"},
        {"Draft", "drafts"},
        {"Черновики", "drafts"},
        {"Trash", "trash"},
        {"Deleted Items", "trash"},
        {"Deleted Messages", "trash"},
        {"Корзина", "trash"},
        {"Удаленные", "trash"},
        {"Junk", "junk"},
        {"Spam", "junk"},
        {"Junk E-mail", "junk"},
        {"Спам", "junk"},
        {"Archive", "archive"},
        {"Archives", "archive"},
        {"Архив", "archive"},
    };
    std::map<std::string, std::string> folded;
    for (const auto& [folder, role] : names) folded.emplace(mail::SortKey(folder), role);
    return folded;
  }();
  auto it = kNames.find(mail::SortKey(name));
  if (it == kNames.end()) return std::nullopt;
  return it->second;
}

AccountSync::AccountSync(AccountIndex* index, log::Context context, SyncOptions options)
    : index_(index), context_(std::move(context)), options_(options) {}

Status AccountSync::Refresh(ImapConnection& imap) {
  std::lock_guard lock(mutex_);
  Status status = RefreshFolders(imap);
  if (!status.ok()) return status;

  std::vector<MailboxState> mailboxes;
  index_->Read([&mailboxes](const AccountView& view) {
    for (const auto& [id, m] : view.mailboxes()) mailboxes.push_back(m);
  });
  for (const MailboxState& m : mailboxes) {
    status = RefreshFolder(imap, m);
    if (status.ok()) continue;
    // A folder deleted between LIST and SELECT is noticed by the next LIST;
    // the other folders are still worth catching up.
    if (status.kind() != ErrorKind::kServerFail) return status;
    log::Warn("mailbox_refresh_failed", context_.With("mailbox", m.id),
              {{"error", status.message()}});
  }
  return Status::Ok();
}

Status AccountSync::RefreshFolders(ImapConnection& imap) {
  Result<std::vector<ImapFolder>> folders = ListFolders(imap);
  if (!folders.ok()) return folders.status();
  if (!shared_prefixes_.has_value()) {
    Result<std::vector<std::string>> prefixes = SharedNamespacePrefixes(imap);
    if (!prefixes.ok()) return prefixes.status();
    shared_prefixes_ = std::move(*prefixes);
  }

  std::map<std::string, MailboxState> by_name;
  std::vector<MailboxState> known;
  index_->Read([&](const AccountView& view) {
    for (const auto& [id, m] : view.mailboxes()) {
      by_name[m.imap_name] = m;
      known.push_back(m);
    }
  });
  std::set<std::string> listed;
  for (const ImapFolder& f : *folders) listed.insert(f.name);

  std::vector<MailboxState> next;
  std::set<std::string> taken_ids;
  for (const ImapFolder& f : *folders) {
    if (InNamespace(f.name, *shared_prefixes_) || Hidden(f.name, f.delimiter)) continue;

    MailboxState m;
    bool selectable = !f.HasAttribute("noselect") && !f.HasAttribute("nonexistent");
    if (auto it = by_name.find(f.name); it != by_name.end()) {
      m = it->second;
    } else {
      uint32_t uidvalidity = 0;
      if (selectable) {
        Result<FolderStatus> status = StatusOf(imap, f.name);
        if (!status.ok()) return status.status();
        uidvalidity = status->uidvalidity;
      }
      // RENAME keeps UIDVALIDITY and the messages (RFC 3501 §6.3.5): a
      // vanished folder with the same UIDVALIDITY is this one renamed.
      auto renamed = std::find_if(known.begin(), known.end(), [&](const MailboxState& k) {
        return uidvalidity != 0 && k.uidvalidity == uidvalidity && listed.count(k.imap_name) == 0 &&
               taken_ids.count(k.id) == 0;
      });
      if (renamed != known.end()) {
        m = *renamed;
      } else {
        m.id = MailboxIdFor(f.name, uidvalidity);
      }
      Result<std::optional<std::string>> rights = MyRights(imap, f.name);
      if (rights.ok() && rights->has_value()) m.rights = **rights;
    }
    taken_ids.insert(m.id);
    m.imap_name = f.name;
    m.delimiter = f.delimiter;
    std::string last = LastComponent(f.name, f.delimiter);
    Result<std::string> decoded = mail::DecodeMailboxName(last);
    m.name = decoded.ok() ? *decoded : last;
    if (f.name == "INBOX") m.name = "Inbox";
    m.subscribed = f.subscribed;
    m.selectable = selectable;
    m.role =
        f.name == "INBOX" ? std::optional<std::string>("inbox") : RoleFromAttributes(f.attributes);
    m.parent_id.reset();
    next.push_back(std::move(m));
  }

  // Parents by name; roles by well-known names where the server marks none.
  std::map<std::string, std::string> ids_by_name;
  std::set<std::string> roles;
  for (const MailboxState& m : next) {
    ids_by_name[m.imap_name] = m.id;
    if (m.role.has_value()) roles.insert(*m.role);
  }
  for (MailboxState& m : next) {
    size_t at = m.delimiter == 0 ? std::string::npos : m.imap_name.rfind(m.delimiter);
    if (at != std::string::npos) {
      auto parent = ids_by_name.find(m.imap_name.substr(0, at));
      if (parent != ids_by_name.end()) m.parent_id = parent->second;
    }
    if (m.role.has_value() || m.parent_id.has_value()) continue;
    std::optional<std::string> role = RoleFromName(m.name);
    if (role.has_value() && roles.insert(*role).second) m.role = role;
  }
  return index_->SetMailboxes(std::move(next));
}

Status AccountSync::Initialise(ImapConnection& imap, const MailboxState& mailbox) {
  Result<FolderStatus> counts = StatusOf(imap, mailbox.imap_name);
  if (!counts.ok()) return counts.status();
  Result<SelectedFolder> selected = SelectFolder(imap, mailbox.imap_name, 0, 0);
  if (!selected.ok()) return selected.status();
  MailboxState m = mailbox;
  m.server_messages = counts->messages;
  m.server_unseen = counts->unseen;
  m.uidvalidity = selected->status.uidvalidity;
  m.synced_uidnext = selected->status.uidnext;
  m.initial_low = selected->status.messages == 0 ? 1 : selected->status.uidnext;
  m.highestmodseq = selected->status.highestmodseq;
  m.initialised = true;
  log::Debug("mailbox_sync_started", context_.With("mailbox", mailbox.id),
             {{"messages", std::to_string(selected->status.messages)}});

  // A small folder that appears once the account is in use (created, or
  // filled by another client) is read at once, so that the request that
  // noticed it already sees its mail; at first use, the background sync and
  // IMAP-answered queries take care of every folder.
  bool in_use = false;
  index_->Read([&](const AccountView& view) {
    for (const auto& [id, other] : view.mailboxes()) in_use = in_use || other.complete();
  });
  if (in_use && selected->status.messages <= kInlineMessages && m.synced_uidnext > 1) {
    Status fetched = FetchNew(imap, m.id, 1, m.synced_uidnext - 1);
    if (!fetched.ok()) return fetched;
    m.initial_low = 1;
  }
  return index_->SaveSyncState(m);
}

Status AccountSync::RefreshFolder(ImapConnection& imap, const MailboxState& mailbox) {
  if (!mailbox.selectable) return Status::Ok();
  if (!mailbox.initialised) return Initialise(imap, mailbox);

  // STATUS on the folder this session has selected answers from the
  // session's own view (RFC 3501 §6.3.10 advises against it), which in
  // Dovecot stays that of a folder deleted and created again under the same
  // name; that folder is selected again instead.
  Result<FolderStatus> status =
      imap.selected() == mailbox.imap_name ? FolderStatus() : StatusOf(imap, mailbox.imap_name);
  if (!status.ok()) return status.status();
  if (status->uidvalidity == mailbox.uidvalidity && status->uidnext == mailbox.synced_uidnext &&
      status->highestmodseq != 0 && status->highestmodseq == mailbox.highestmodseq) {
    return Status::Ok();
  }

  Result<SelectedFolder> selected =
      SelectFolder(imap, mailbox.imap_name, mailbox.uidvalidity, mailbox.highestmodseq);
  if (!selected.ok()) return selected.status();
  const FolderStatus& now = selected->status;
  if (now.uidvalidity != mailbox.uidvalidity) {
    // RFC 3501 §2.3.1.1: every UID known for this folder is void.
    log::Warn(
        "mailbox_uidvalidity_changed", context_.With("mailbox", mailbox.id),
        {{"old", std::to_string(mailbox.uidvalidity)}, {"new", std::to_string(now.uidvalidity)}});
    MailboxState fresh = mailbox;
    fresh.uidvalidity = now.uidvalidity;
    fresh.synced_uidnext = now.uidnext;
    fresh.initial_low = now.messages == 0 ? 1 : now.uidnext;
    fresh.highestmodseq = now.highestmodseq;
    window_.erase(mailbox.id);
    return index_->ResetMailbox(fresh);
  }

  std::vector<FlagUpdate> changed;
  std::vector<uint32_t> gone;
  if (selected->resynced) {
    // The indexed UIDs inside each VANISHED range, found by range, not by
    // walking every UID of the folder.
    changed = std::move(selected->changed);
    index_->Read([&](const AccountView& view) {
      const std::map<uint32_t, std::string>* uids = view.Uids(mailbox.id);
      if (uids == nullptr) return;
      for (const UidRange& r : selected->vanished) {
        auto end = r.second == 0 ? uids->end() : uids->upper_bound(r.second);
        for (auto it = uids->lower_bound(r.first); it != end; ++it) gone.push_back(it->first);
      }
    });
  } else {
    std::vector<uint32_t> known;
    index_->Read([&](const AccountView& view) {
      if (const auto* uids = view.Uids(mailbox.id)) {
        for (const auto& [uid, id] : *uids) known.push_back(uid);
      }
    });
    Result<std::vector<FlagUpdate>> flags = FetchFlags(imap, mailbox.highestmodseq);
    if (!flags.ok()) return flags.status();
    changed = std::move(*flags);
    Result<std::vector<uint32_t>> present = SearchAllUids(imap);
    if (!present.ok()) return present.status();
    std::set_difference(known.begin(), known.end(), present->begin(), present->end(),
                        std::back_inserter(gone));
  }

  Status applied = index_->RemoveMessages(mailbox.id, gone);
  if (!applied.ok()) return applied;
  std::vector<std::pair<uint32_t, std::vector<std::string>>> keywords;
  for (const FlagUpdate& update : changed) {
    keywords.emplace_back(update.uid, KeywordsOf(update.flags));
  }
  applied = index_->SetKeywords(mailbox.id, keywords);
  if (!applied.ok()) return applied;

  if (now.uidnext > mailbox.synced_uidnext) {
    applied = FetchNew(imap, mailbox.id, mailbox.synced_uidnext, now.uidnext - 1);
    if (!applied.ok()) return applied;
  }

  MailboxState m = mailbox;
  if (status->uidvalidity != 0) {
    m.server_messages = status->messages;
    m.server_unseen = status->unseen;
  }
  m.synced_uidnext = std::max(mailbox.synced_uidnext, now.uidnext);
  m.highestmodseq = now.highestmodseq;
  return index_->SaveSyncState(m);
}

Status AccountSync::FetchNew(ImapConnection& imap, const std::string& mailbox_id, uint32_t first,
                             uint32_t last) {
  if (first == 0) first = 1;
  if (last < first) return Status::Ok();
  // Sizes first, so that a batch of bodies stays within its byte budget.
  Result<std::vector<FetchedMessage>> sizes = FetchMessages(imap, first, last, false);
  if (!sizes.ok()) return sizes.status();
  std::vector<FetchedMessage>& list = *sizes;
  std::sort(list.begin(), list.end(),
            [](const FetchedMessage& a, const FetchedMessage& b) { return a.uid > b.uid; });

  // Newest first: batches walk down from the highest UID. While one batch
  // is parsed and stored, the next is already being fetched, so that IMAP
  // and parsing overlap instead of waiting on each other.
  auto store = [this, mailbox_id](std::vector<FetchedMessage> messages) {
    std::vector<FetchedEmail> emails;
    emails.reserve(messages.size());
    for (const FetchedMessage& message : messages) emails.push_back(IngestMessage(message));
    return index_->AddMessages(mailbox_id, std::move(emails));
  };
  std::future<Status> storing;
  auto finish_storing = [&storing]() -> Status {
    return storing.valid() ? storing.get() : Status::Ok();
  };

  size_t at = 0;
  while (at < list.size()) {
    size_t end = at;
    uint64_t bytes = 0;
    while (end < list.size() && end - at < options_.batch_messages &&
           (end == at || bytes + list[end].size <= options_.batch_bytes)) {
      bytes += list[end].size;
      ++end;
    }
    Result<std::vector<FetchedMessage>> bodies =
        FetchMessages(imap, list[end - 1].uid, list[at].uid, true);
    Status stored = finish_storing();
    if (!stored.ok()) return stored;
    if (!bodies.ok()) return bodies.status();
    try {
      storing = std::async(std::launch::async, store, std::move(*bodies));
    } catch (const std::system_error&) {
      // No thread to be had: store this batch here instead.
      stored = store(std::move(*bodies));
      if (!stored.ok()) return stored;
    }
    at = end;
  }
  return finish_storing();
}

std::optional<MailboxState> AccountSync::NextIncomplete(const std::string& first) const {
  std::optional<MailboxState> best;
  index_->Read([&](const AccountView& view) {
    for (const auto& [id, m] : view.mailboxes()) {
      if (!m.selectable || m.complete()) continue;
      if (id == first) {
        best = m;
        return;
      }
      if (!best.has_value() || SyncPriority(m) < SyncPriority(*best)) best = m;
    }
  });
  return best;
}

Result<bool> AccountSync::StepLocked(ImapConnection& imap, const std::string& first) {
  std::optional<MailboxState> next = NextIncomplete(first);
  if (!next.has_value()) return false;
  MailboxState m = *next;
  if (!m.initialised) {
    Status status = Initialise(imap, m);
    if (!status.ok()) return status;
    return true;
  }

  Result<SelectedFolder> selected = SelectFolder(imap, m.imap_name, 0, 0);
  if (!selected.ok()) return selected.status();
  if (selected->status.uidvalidity != m.uidvalidity) {
    // Let the catch-up path reset the folder the way it always does.
    Status status = RefreshFolder(imap, m);
    if (!status.ok()) return status;
    return true;
  }

  uint32_t& window = window_.try_emplace(m.id, kFirstWindow).first->second;
  uint32_t low = m.initial_low;
  uint32_t start = low > window ? low - window : 1;
  size_t before = 0;
  index_->Read([&](const AccountView& view) {
    if (const auto* uids = view.Uids(m.id)) before = uids->size();
  });
  Status status = FetchNew(imap, m.id, start, low - 1);
  if (!status.ok()) return status;
  size_t after = before;
  index_->Read([&](const AccountView& view) {
    if (const auto* uids = view.Uids(m.id)) after = uids->size();
  });
  if (after - before < window / 4) {
    window = std::min(kMaxWindow, window * 4);
  } else {
    window = std::max(window, kFullWindow);
  }

  m.initial_low = start;
  status = index_->SaveSyncState(m);
  if (!status.ok()) return status;
  if (m.complete()) {
    log::Info("mailbox_sync_complete", context_.With("mailbox", m.id),
              {{"emails", std::to_string(after)}});
  }
  return true;
}

Result<bool> AccountSync::InitialStep(ImapConnection& imap, const std::string& first) {
  std::lock_guard lock(mutex_);
  return StepLocked(imap, first);
}

Result<ImapPage> AccountSync::PageFromImap(ImapConnection& imap, const std::string& mailbox_id,
                                           ImapSortKey key, bool ascending, int64_t position,
                                           uint64_t limit) {
  std::lock_guard lock(mutex_);
  std::optional<MailboxState> mailbox;
  index_->Read([&](const AccountView& view) {
    if (const MailboxState* m = view.Mailbox(mailbox_id)) mailbox = *m;
  });
  if (!mailbox.has_value()) return Status(ErrorKind::kNotFound, "no such mailbox");

  Result<SelectedFolder> selected = SelectFolder(imap, mailbox->imap_name, 0, 0);
  if (!selected.ok()) return selected.status();
  Result<std::vector<uint32_t>> uids = SortUids(imap, key, !ascending);
  if (!uids.ok()) return uids.status();

  ImapPage page;
  page.total = uids->size();
  int64_t start =
      position < 0 ? std::max<int64_t>(0, static_cast<int64_t>(page.total) + position) : position;
  page.position = std::min<uint64_t>(static_cast<uint64_t>(start), page.total);
  uint64_t end = std::min<uint64_t>(page.total, page.position + limit);
  std::vector<uint32_t> wanted(uids->begin() + static_cast<std::ptrdiff_t>(page.position),
                               uids->begin() + static_cast<std::ptrdiff_t>(end));

  // Index what the page needs and the initial sync has not reached yet.
  std::vector<uint32_t> missing;
  index_->Read([&](const AccountView& view) {
    for (uint32_t uid : wanted) {
      if (view.At(mailbox_id, uid) == nullptr) missing.push_back(uid);
    }
  });
  std::sort(missing.begin(), missing.end());
  std::vector<FetchedEmail> emails;
  for (uint32_t uid : missing) {
    Result<std::vector<FetchedMessage>> fetched = FetchMessages(imap, uid, uid, true);
    if (!fetched.ok()) return fetched.status();
    for (const FetchedMessage& message : *fetched) emails.push_back(IngestMessage(message));
  }
  if (!emails.empty()) {
    Status added = index_->AddMessages(mailbox_id, std::move(emails));
    if (!added.ok()) return added;
  }

  index_->Read([&](const AccountView& view) {
    for (uint32_t uid : wanted) {
      if (const AccountView::EmailEntry* entry = view.At(mailbox_id, uid)) {
        page.ids.push_back(entry->summary.id);
      }
    }
  });
  return page;
}

Status AccountSync::CompleteMailbox(ImapConnection& imap, const std::string& mailbox_id) {
  std::lock_guard lock(mutex_);
  for (;;) {
    bool done = true;
    index_->Read([&](const AccountView& view) {
      const MailboxState* m = view.Mailbox(mailbox_id);
      done = m == nullptr || !m->selectable || m->complete();
    });
    if (done) return Status::Ok();
    Result<bool> step = StepLocked(imap, mailbox_id);
    if (!step.ok()) return step.status();
    if (!*step) return Status::Ok();
  }
}

}  // namespace konvert
