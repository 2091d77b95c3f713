// The download endpoint (RFC 8620 §6.2): GET
// {base}/jmap/download/{accountId}/{blobId}/{name}?type={type} answers the
// blob's bytes as a file named `name` of media type `type`.
//
// Service::HandleDownload (download_endpoint.cpp) authenticates like the
// API and reads the blob on a worker with the user's IMAP connection
// (mail_blobs.h). The functions below are the pure parts: the path, and the
// two response headers built from what the client asked, which must never
// let a crafted URL inject a header or make the browser run the blob.
//
// Pure functions: any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace konvert::api {

struct DownloadTarget {
  std::string account_id;
  std::string blob_id;
  std::string name;  // UTF-8, percent-decoded; may hold any character
};

// Parses what follows ".../jmap/download/" in the path: exactly three
// segments, each percent-decoded (RFC 3986 §2.1), the first two non-empty.
// nullopt otherwise.
std::optional<DownloadTarget> ParseDownloadPath(std::string_view rest);

// `text` with every "%XX" decoded; nullopt for a '%' not followed by two
// hex digits.
std::optional<std::string> PercentDecode(std::string_view text);

// The Content-Type to answer for the requested `type`: kept when it is a
// media type of RFC 6838 §4.2 names with optional token=token parameters
// (RFC 9110 §8.3.1), else "application/octet-stream".
std::string DownloadContentType(std::string_view type);

// Content-Disposition for a file named `name` (RFC 6266 §4.1): attachment,
// an ASCII fallback filename="..." for old clients, and the exact UTF-8 name
// as filename*=UTF-8''... (RFC 8187 §3.2). An empty name becomes "download".
std::string AttachmentDisposition(std::string_view name);

}  // namespace konvert::api
