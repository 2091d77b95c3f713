// CreatedIds: the map from client creation ids to the server ids of the
// records created under them (RFC 8620 §3.3 `createdIds`, §5.3).
//
// A request may start the map with its own `createdIds`; every successful
// create adds to it, and a later id position holding "#creationId" is
// resolved through it. The map lives for one request; the dispatcher owns it
// through MethodContext and the response echoes it when the request gave one.
//
// A plain value: one thread at a time (the one serving the request).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "model/status.h"

namespace konvert::jmap {

class CreatedIds {
 public:
  // Records that the record created as `creation_id` got the id `id`. A
  // creation id used twice keeps its latest id, as later calls would see it.
  void Add(std::string creation_id, std::string id);

  // The id created for `creation_id` (without the '#'), or nullptr.
  const std::string* Find(std::string_view creation_id) const;

  // Resolves a value in an id position: "#c1" becomes the id created for
  // "c1"; a value without '#' comes back unchanged. Fails with kNotFound,
  // naming the reference, when nothing was created as "c1".
  Result<std::string> ResolveId(std::string_view id_or_reference) const;

  const std::map<std::string, std::string, std::less<>>& entries() const { return entries_; }
  void Clear() { entries_.clear(); }

 private:
  std::map<std::string, std::string, std::less<>> entries_;
};

}  // namespace konvert::jmap
