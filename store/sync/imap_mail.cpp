#include "store/sync/imap_mail.h"

#include <libetpan/libetpan.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <ctime>
#include <map>

namespace konvert {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

template <typename T>
std::vector<T*> Items(clist* list) {
  std::vector<T*> items;
  if (list == nullptr) return items;
  for (clistiter* it = clist_begin(list); it != nullptr; it = clist_next(it)) {
    items.push_back(static_cast<T*>(clist_content(it)));
  }
  return items;
}

std::string FlagName(const mailimap_flag* flag) {
  switch (flag->fl_type) {
    case MAILIMAP_FLAG_ANSWERED:
      return "\\Answered";
    case MAILIMAP_FLAG_FLAGGED:
      return "\\Flagged";
    case MAILIMAP_FLAG_DELETED:
      return "\\Deleted";
    case MAILIMAP_FLAG_SEEN:
      return "\\Seen";
    case MAILIMAP_FLAG_DRAFT:
      return "\\Draft";
    case MAILIMAP_FLAG_KEYWORD:
      return flag->fl_data.fl_keyword != nullptr ? flag->fl_data.fl_keyword : "";
    case MAILIMAP_FLAG_EXTENSION:
      return flag->fl_data.fl_extension != nullptr ? std::string("\\") + flag->fl_data.fl_extension
                                                   : "";
  }
  return "";
}

int64_t ToUtc(const mailimap_date_time* date) {
  std::tm tm{};
  tm.tm_year = date->dt_year - 1900;
  tm.tm_mon = date->dt_month - 1;
  tm.tm_mday = date->dt_day;
  tm.tm_hour = date->dt_hour;
  tm.tm_min = date->dt_min;
  tm.tm_sec = date->dt_sec;
  int64_t local = static_cast<int64_t>(timegm(&tm));
  // dt_zone is the "+hhmm" offset read as a decimal number.
  int zone = date->dt_zone;
  int sign = zone < 0 ? -1 : 1;
  zone *= sign;
  return local - sign * ((zone / 100) * 3600 + (zone % 100) * 60);
}

// Reads one FETCH response into `out`.
void ReadFetch(const mailimap_msg_att* att, FetchedMessage* out) {
  for (auto* item : Items<mailimap_msg_att_item>(att->att_list)) {
    if (item->att_type == MAILIMAP_MSG_ATT_ITEM_DYNAMIC) {
      if (item->att_data.att_dyn == nullptr) continue;
      for (auto* fetched : Items<mailimap_flag_fetch>(item->att_data.att_dyn->att_list)) {
        if (fetched->fl_type != MAILIMAP_FLAG_FETCH_OTHER || fetched->fl_flag == nullptr) continue;
        std::string name = FlagName(fetched->fl_flag);
        if (!name.empty()) out->flags.push_back(std::move(name));
      }
    } else if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC) {
      const mailimap_msg_att_static* s = item->att_data.att_static;
      switch (s->att_type) {
        case MAILIMAP_MSG_ATT_UID:
          out->uid = s->att_data.att_uid;
          break;
        case MAILIMAP_MSG_ATT_INTERNALDATE:
          if (s->att_data.att_internal_date != nullptr) {
            out->internal_date = ToUtc(s->att_data.att_internal_date);
          }
          break;
        case MAILIMAP_MSG_ATT_RFC822_SIZE:
          out->size = s->att_data.att_rfc822_size;
          break;
        case MAILIMAP_MSG_ATT_BODY_SECTION: {
          const mailimap_msg_att_body_section* section = s->att_data.att_body_section;
          if (section != nullptr && section->sec_body_part != nullptr) {
            out->raw.assign(section->sec_body_part, section->sec_length);
          }
          break;
        }
        default:
          break;
      }
    } else if (item->att_type == MAILIMAP_MSG_ATT_ITEM_EXTENSION) {
      const mailimap_extension_data* ext = item->att_data.att_extension_data;
      if (ext != nullptr && ext->ext_extension == &mailimap_extension_condstore &&
          ext->ext_type == MAILIMAP_CONDSTORE_TYPE_FETCH_DATA && ext->ext_data != nullptr) {
        out->modseq =
            static_cast<mailimap_condstore_fetch_mod_resp*>(ext->ext_data)->cs_modseq_value;
      }
    }
  }
}

std::vector<FlagUpdate> ReadFlagUpdates(clist* fetched) {
  std::vector<FlagUpdate> updates;
  for (auto* att : Items<mailimap_msg_att>(fetched)) {
    FetchedMessage message;
    ReadFetch(att, &message);
    if (message.uid == 0) continue;
    updates.push_back(FlagUpdate{message.uid, std::move(message.flags)});
  }
  return updates;
}

std::vector<UidRange> ReadSet(const mailimap_set* set) {
  std::vector<UidRange> ranges;
  if (set == nullptr) return ranges;
  for (auto* item : Items<mailimap_set_item>(set->set_list)) {
    uint32_t first =
        std::min(item->set_first, item->set_last == 0 ? item->set_first : item->set_last);
    uint32_t last = item->set_last == 0 ? 0 : std::max(item->set_first, item->set_last);
    ranges.emplace_back(first, last);
  }
  return ranges;
}

// Frees a libetpan list of fetch results when it leaves scope.
struct FetchList {
  clist* list = nullptr;
  ~FetchList() {
    if (list != nullptr) mailimap_fetch_list_free(list);
  }
};

}  // namespace

bool ImapFolder::HasAttribute(std::string_view attribute) const {
  return std::find(attributes.begin(), attributes.end(), attribute) != attributes.end();
}

Result<std::vector<ImapFolder>> ListFolders(ImapConnection& imap) {
  std::map<std::string, ImapFolder> folders;
  clist* listed = nullptr;
  Status status = imap.Execute(
      "LIST", [&listed](mailimap* raw) { return mailimap_list(raw, "", "*", &listed); });
  if (!status.ok()) return status;
  for (auto* entry : Items<mailimap_mailbox_list>(listed)) {
    if (entry->mb_name == nullptr) continue;
    ImapFolder folder;
    folder.name = entry->mb_name;
    folder.delimiter = entry->mb_delimiter;
    if (entry->mb_flag != nullptr) {
      if (entry->mb_flag->mbf_type == MAILIMAP_MBX_LIST_FLAGS_SFLAG &&
          entry->mb_flag->mbf_sflag == MAILIMAP_MBX_LIST_SFLAG_NOSELECT) {
        folder.attributes.push_back("noselect");
      }
      for (auto* flag : Items<mailimap_mbx_list_oflag>(entry->mb_flag->mbf_oflags)) {
        if (flag->of_type == MAILIMAP_MBX_LIST_OFLAG_NOINFERIORS) {
          folder.attributes.push_back("noinferiors");
        } else if (flag->of_flag_ext != nullptr) {
          folder.attributes.push_back(Lower(flag->of_flag_ext));
        }
      }
    }
    // RFC 3501 §5.1: INBOX is case-insensitive; keep one spelling.
    if (Lower(folder.name) == "inbox") folder.name = "INBOX";
    folders[folder.name] = std::move(folder);
  }
  if (listed != nullptr) mailimap_list_result_free(listed);

  clist* subscribed = nullptr;
  status = imap.Execute(
      "LSUB", [&subscribed](mailimap* raw) { return mailimap_lsub(raw, "", "*", &subscribed); });
  if (!status.ok()) return status;
  for (auto* entry : Items<mailimap_mailbox_list>(subscribed)) {
    if (entry->mb_name == nullptr) continue;
    std::string name = Lower(entry->mb_name) == "inbox" ? "INBOX" : entry->mb_name;
    if (auto it = folders.find(name); it != folders.end()) it->second.subscribed = true;
  }
  if (subscribed != nullptr) mailimap_list_result_free(subscribed);

  std::vector<ImapFolder> out;
  for (auto& [name, folder] : folders) out.push_back(std::move(folder));
  return out;
}

Result<FolderStatus> StatusOf(ImapConnection& imap, const std::string& folder) {
  FolderStatus result;
  bool condstore = imap.HasCapability("CONDSTORE");
  Status status = imap.Execute("STATUS", [&](mailimap* raw) {
    mailimap_status_att_list* atts = mailimap_status_att_list_new_empty();
    mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_MESSAGES);
    mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_UNSEEN);
    mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_UIDNEXT);
    mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_UIDVALIDITY);
    if (condstore) mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_HIGHESTMODSEQ);
    mailimap_mailbox_data_status* data = nullptr;
    int code = mailimap_status(raw, folder.c_str(), atts, &data);
    mailimap_status_att_list_free(atts);
    if (data == nullptr) return code;
    for (auto* info : Items<mailimap_status_info>(data->st_info_list)) {
      switch (info->st_att) {
        case MAILIMAP_STATUS_ATT_MESSAGES:
          result.messages = info->st_value;
          break;
        case MAILIMAP_STATUS_ATT_UNSEEN:
          result.unseen = info->st_value;
          break;
        case MAILIMAP_STATUS_ATT_UIDNEXT:
          result.uidnext = info->st_value;
          break;
        case MAILIMAP_STATUS_ATT_UIDVALIDITY:
          result.uidvalidity = info->st_value;
          break;
        case MAILIMAP_STATUS_ATT_HIGHESTMODSEQ:
          result.highestmodseq = info->st_value;
          break;
        case MAILIMAP_STATUS_ATT_EXTENSION:
          if (info->st_ext_data != nullptr &&
              info->st_ext_data->ext_extension == &mailimap_extension_condstore &&
              info->st_ext_data->ext_type == MAILIMAP_CONDSTORE_TYPE_STATUS_INFO) {
            result.highestmodseq =
                static_cast<mailimap_condstore_status_info*>(info->st_ext_data->ext_data)
                    ->cs_highestmodseq_value;
          }
          break;
        default:
          break;
      }
    }
    mailimap_mailbox_data_status_free(data);
    return code;
  });
  if (!status.ok()) return status;
  return result;
}

Result<SelectedFolder> SelectFolder(ImapConnection& imap, const std::string& folder,
                                    uint32_t known_uidvalidity, uint64_t known_modseq) {
  SelectedFolder result;
  uint64_t modseq = 0;
  Status status;
  bool qresync = imap.enabled("QRESYNC") && known_uidvalidity != 0 && known_modseq != 0;
  bool condstore = imap.HasCapability("CONDSTORE");
  if (condstore) {
    status = imap.Execute("SELECT CONDSTORE", [&](mailimap* raw) {
      return mailimap_select_condstore(raw, folder.c_str(), &modseq);
    });
  } else {
    status =
        imap.Execute("SELECT", [&](mailimap* raw) { return mailimap_select(raw, folder.c_str()); });
  }
  imap.set_selected(status.ok() ? folder : "");
  if (!status.ok()) return status;

  const mailimap_selection_info* info = imap.raw()->imap_selection_info;
  if (info == nullptr) return Status(ErrorKind::kServerFail, "SELECT gave no mailbox data");
  result.status.uidvalidity = info->sel_uidvalidity;
  result.status.uidnext = info->sel_uidnext;
  result.status.messages = info->sel_exists;
  result.status.highestmodseq = modseq;
  if (!qresync || result.status.uidvalidity != known_uidvalidity) return result;

  // RFC 7162 §3.2.6: what changed since the known modseq, expunges included.
  FetchList fetched;
  mailimap_qresync_vanished* vanished = nullptr;
  status = imap.Execute("UID FETCH VANISHED", [&](mailimap* raw) {
    mailimap_fetch_type* type = mailimap_fetch_type_new_fetch_att_list_empty();
    mailimap_fetch_type_new_fetch_att_list_add(type, mailimap_fetch_att_new_uid());
    mailimap_fetch_type_new_fetch_att_list_add(type, mailimap_fetch_att_new_flags());
    mailimap_set* set = mailimap_set_new_interval(1, 0);
    int code = mailimap_uid_fetch_qresync(raw, set, type, known_modseq, &fetched.list, &vanished);
    mailimap_set_free(set);
    mailimap_fetch_type_free(type);
    return code;
  });
  if (vanished != nullptr) {
    result.vanished = ReadSet(vanished->qr_known_uids);
    mailimap_qresync_vanished_free(vanished);
  }
  if (!status.ok()) return status;
  result.changed = ReadFlagUpdates(fetched.list);
  result.resynced = true;
  return result;
}

Result<std::vector<FetchedMessage>> FetchMessages(ImapConnection& imap, uint32_t first,
                                                  uint32_t last, bool with_body) {
  bool condstore = imap.HasCapability("CONDSTORE");
  FetchList fetched;
  Status status = imap.Execute("UID FETCH", [&](mailimap* raw) {
    mailimap_fetch_type* type = mailimap_fetch_type_new_fetch_att_list_empty();
    mailimap_fetch_type_new_fetch_att_list_add(type, mailimap_fetch_att_new_uid());
    mailimap_fetch_type_new_fetch_att_list_add(type, mailimap_fetch_att_new_flags());
    mailimap_fetch_type_new_fetch_att_list_add(type, mailimap_fetch_att_new_internaldate());
    mailimap_fetch_type_new_fetch_att_list_add(type, mailimap_fetch_att_new_rfc822_size());
    if (condstore)
      mailimap_fetch_type_new_fetch_att_list_add(type, mailimap_fetch_att_new_modseq());
    if (with_body) {
      mailimap_fetch_type_new_fetch_att_list_add(
          type, mailimap_fetch_att_new_body_peek_section(mailimap_section_new(nullptr)));
    }
    mailimap_set* set = mailimap_set_new_interval(first, last);
    int code = mailimap_uid_fetch(raw, set, type, &fetched.list);
    mailimap_set_free(set);
    mailimap_fetch_type_free(type);
    return code;
  });
  if (!status.ok()) return status;

  std::vector<FetchedMessage> messages;
  for (auto* att : Items<mailimap_msg_att>(fetched.list)) {
    FetchedMessage message;
    ReadFetch(att, &message);
    if (message.uid < first || (last != 0 && message.uid > last)) continue;
    messages.push_back(std::move(message));
  }
  return messages;
}

Result<std::vector<FlagUpdate>> FetchFlags(ImapConnection& imap, uint64_t changed_since) {
  FetchList fetched;
  Status status = imap.Execute("UID FETCH FLAGS", [&](mailimap* raw) {
    mailimap_fetch_type* type = mailimap_fetch_type_new_fetch_att_list_empty();
    mailimap_fetch_type_new_fetch_att_list_add(type, mailimap_fetch_att_new_uid());
    mailimap_fetch_type_new_fetch_att_list_add(type, mailimap_fetch_att_new_flags());
    mailimap_set* set = mailimap_set_new_interval(1, 0);
    int code = changed_since != 0
                   ? mailimap_uid_fetch_changedsince(raw, set, type, changed_since, &fetched.list)
                   : mailimap_uid_fetch(raw, set, type, &fetched.list);
    mailimap_set_free(set);
    mailimap_fetch_type_free(type);
    return code;
  });
  if (!status.ok()) return status;
  return ReadFlagUpdates(fetched.list);
}

Result<std::vector<uint32_t>> SearchAllUids(ImapConnection& imap) {
  clist* found = nullptr;
  Status status = imap.Execute("UID SEARCH", [&found](mailimap* raw) {
    mailimap_search_key* key = mailimap_search_key_new_all();
    int code = mailimap_uid_search(raw, nullptr, key, &found);
    mailimap_search_key_free(key);
    return code;
  });
  if (!status.ok()) return status;
  std::vector<uint32_t> uids;
  for (auto* uid : Items<uint32_t>(found)) uids.push_back(*uid);
  if (found != nullptr) mailimap_search_result_free(found);
  std::sort(uids.begin(), uids.end());
  return uids;
}

Result<std::string> FetchRange(ImapConnection& imap, uint32_t uid, uint64_t offset,
                               uint64_t length) {
  FetchList fetched;
  Status status = imap.Execute("UID FETCH BODY", [&](mailimap* raw) {
    mailimap_fetch_type* type = mailimap_fetch_type_new_fetch_att_list_empty();
    mailimap_fetch_type_new_fetch_att_list_add(type, mailimap_fetch_att_new_uid());
    mailimap_fetch_type_new_fetch_att_list_add(
        type, mailimap_fetch_att_new_body_peek_section_partial(mailimap_section_new(nullptr),
                                                               static_cast<uint32_t>(offset),
                                                               static_cast<uint32_t>(length)));
    mailimap_set* set = mailimap_set_new_single(uid);
    int code = mailimap_uid_fetch(raw, set, type, &fetched.list);
    mailimap_set_free(set);
    mailimap_fetch_type_free(type);
    return code;
  });
  if (!status.ok()) return status;
  for (auto* att : Items<mailimap_msg_att>(fetched.list)) {
    FetchedMessage message;
    ReadFetch(att, &message);
    if (message.uid == uid) return std::move(message.raw);
  }
  return Status(ErrorKind::kNotFound, "the message is no longer on the IMAP server");
}

Result<std::vector<uint32_t>> SortUids(ImapConnection& imap, ImapSortKey key, bool reverse) {
  if (!imap.HasCapability("SORT")) {
    if (key != ImapSortKey::kArrival) {
      return Status(ErrorKind::kServerFail, "IMAP server cannot SORT");
    }
    Result<std::vector<uint32_t>> uids = SearchAllUids(imap);
    if (uids.ok() && reverse) std::reverse(uids->begin(), uids->end());
    return uids;
  }
  int type = key == ImapSortKey::kArrival ? MAILIMAP_SORT_KEY_ARRIVAL
             : key == ImapSortKey::kDate  ? MAILIMAP_SORT_KEY_DATE
                                          : MAILIMAP_SORT_KEY_SIZE;
  clist* found = nullptr;
  Status status = imap.Execute("UID SORT", [&](mailimap* raw) {
    mailimap_sort_key* sort = mailimap_sort_key_new(type, reverse ? 1 : 0, nullptr);
    mailimap_search_key* all = mailimap_search_key_new_all();
    int code = mailimap_uid_sort(raw, "UTF-8", sort, all, &found);
    mailimap_sort_key_free(sort);
    mailimap_search_key_free(all);
    return code;
  });
  if (!status.ok()) return status;
  std::vector<uint32_t> uids;
  for (auto* uid : Items<uint32_t>(found)) uids.push_back(*uid);
  if (found != nullptr) mailimap_search_result_free(found);
  return uids;
}

Result<std::vector<std::string>> SharedNamespacePrefixes(ImapConnection& imap) {
  std::vector<std::string> prefixes;
  if (!imap.HasCapability("NAMESPACE")) return prefixes;
  mailimap_namespace_data* data = nullptr;
  Status status =
      imap.Execute("NAMESPACE", [&data](mailimap* raw) { return mailimap_namespace(raw, &data); });
  if (!status.ok()) return status;
  if (data == nullptr) return prefixes;
  for (mailimap_namespace_item* item : {data->ns_other, data->ns_shared}) {
    if (item == nullptr) continue;
    for (auto* info : Items<mailimap_namespace_info>(item->ns_data_list)) {
      if (info->ns_prefix != nullptr) prefixes.emplace_back(info->ns_prefix);
    }
  }
  mailimap_namespace_data_free(data);
  return prefixes;
}

Result<std::optional<std::string>> MyRights(ImapConnection& imap, const std::string& folder) {
  if (!imap.HasCapability("ACL")) return std::optional<std::string>();
  mailimap_acl_myrights_data* data = nullptr;
  Status status = imap.Execute("MYRIGHTS", [&](mailimap* raw) {
    // libetpan refuses ACL commands once a folder is selected, though RFC
    // 4314 §3 allows them there; the session is presented as merely
    // authenticated for this one call.
    int state = raw->imap_state;
    if (state == MAILIMAP_STATE_SELECTED) raw->imap_state = MAILIMAP_STATE_AUTHENTICATED;
    int code = mailimap_acl_myrights(raw, folder.c_str(), &data);
    if (raw->imap_state == MAILIMAP_STATE_AUTHENTICATED) raw->imap_state = state;
    return code;
  });
  if (!status.ok()) return status;
  std::optional<std::string> rights;
  if (data != nullptr) {
    if (data->rights != nullptr) rights = std::string(data->rights);
    mailimap_acl_myrights_data_free(data);
  }
  return rights;
}

}  // namespace konvert
