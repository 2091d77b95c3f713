// ServerKey: the 32-byte secret that seals session tokens (api/auth).
//
// It lives in `<data-dir>/server.key`, created on first start with mode 0600
// inside a data directory of mode 0700. Every node behind one load balancer
// must hold the same file so that any node opens any node's tokens; copying
// it is the operator's job. Deleting it logs every user out, nothing more.
//
// Blocks on file I/O: call once at start-up, on the main thread.
#pragma once

#include <string>

#include "model/status.h"

namespace konvert {

inline constexpr size_t kServerKeySize = 32;

// Returns the key, creating the directory and the file if missing. Fails
// with kServerFail when the file is unreadable, of the wrong size, or
// readable by group or others (it would then not be a secret any more).
Result<std::string> LoadOrCreateServerKey(const std::string& data_dir);

}  // namespace konvert
