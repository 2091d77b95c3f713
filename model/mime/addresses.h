// RFC 5322 §3.4 address lists as RFC 8621 §4.1.2.3 presents them (EmailAddress and
// EmailAddressGroup), parsed leniently from a raw header value.
//
// Display names are decoded (RFC 2047 words, also inside quotes; raw 8-bit text detected);
// an address with no display name but a comment ("a@b (Ann)") takes the comment as its name.
// Broken input yields whatever addresses can be recognised, never an error.
//
// Pure functions: any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace konvert::mime {

struct Address {
  std::optional<std::string> name;  // nullopt when empty
  std::string email;                // the addr-spec as written, "" when there is none
};

struct AddressGroup {
  std::optional<std::string> name;  // the group's display name; nullopt outside any group
  std::vector<Address> addresses;
};

// Addresses in order with groups flattened (RFC 8621 asAddresses).
std::vector<Address> ParseAddresses(std::string_view raw);

// Addresses in order; consecutive addresses outside groups share one group with a null name
// (RFC 8621 asGroupedAddresses).
std::vector<AddressGroup> ParseGroupedAddresses(std::string_view raw);

}  // namespace konvert::mime
