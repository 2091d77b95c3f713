#include "model/jmap/created_ids.h"

#include <utility>

namespace konvert::jmap {

void CreatedIds::Add(std::string creation_id, std::string id) {
  entries_.insert_or_assign(std::move(creation_id), std::move(id));
}

const std::string* CreatedIds::Find(std::string_view creation_id) const {
  auto it = entries_.find(creation_id);
  return it == entries_.end() ? nullptr : &it->second;
}

Result<std::string> CreatedIds::ResolveId(std::string_view id_or_reference) const {
  if (!id_or_reference.starts_with('#')) return std::string(id_or_reference);

  const std::string* id = Find(id_or_reference.substr(1));
  if (id == nullptr) {
    return Status(ErrorKind::kNotFound,
                  std::string(id_or_reference) + ": no record was created with this creation id");
  }
  return *id;
}

}  // namespace konvert::jmap
