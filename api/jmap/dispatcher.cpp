#include "api/jmap/dispatcher.h"

#include <chrono>
#include <exception>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "model/jmap/document_forwarder.h"
#include "model/jmap/problem.h"
#include "model/jmap/request.h"
#include "model/jmap/result_reference.h"
#include "rapidjson/writer.h"

namespace konvert::api {
namespace {

using rapidjson::SizeType;
using rapidjson::Value;
using Allocator = rapidjson::Document::AllocatorType;
using Clock = std::chrono::steady_clock;

// A handler that throws is a bug in Konvert; operators alert on this.
log::Counter g_method_exceptions("jmap_method_exceptions");

// What running the calls of one request shares.
struct Batch {
  Batch(const MethodRegistry& methods_known, const std::set<std::string, std::less<>>& listed,
        MethodContext& context, Allocator& allocator, uint64_t max_response)
      : registry(methods_known),
        using_capabilities(listed),
        ctx(context),
        request_log(context.log),
        alloc(allocator),
        max_size(max_response) {}

  const MethodRegistry& registry;
  const std::set<std::string, std::less<>>& using_capabilities;
  MethodContext& ctx;
  const log::Context request_log;
  Allocator& alloc;  // Holds `responses` until the body is written.
  Value responses{rapidjson::kArrayType};
  std::string methods;

  // The body's size so far, as Reply will write it: the envelope without
  // createdIds, each answer, the commas between them.
  uint64_t size = 0;
  const uint64_t max_size;
  size_t call_index = 0;            // In methodCalls, for the limit's message.
  std::optional<Status> too_large;  // Set by the first answer past max_size.
};

// Output streams for Write: one that only counts, so a value is measured
// without its text being built, and one that appends to a string.
struct ByteCounter {
  using Ch = char;
  void Put(char) { ++bytes; }
  void Flush() {}
  uint64_t bytes = 0;
};

struct StringAppender {
  using Ch = char;
  void Put(char c) { text->push_back(c); }
  void Flush() {}
  std::string* text;
};

// Writes `value`, refusing invalid UTF-8 and NaN or infinite numbers, which
// a handler could produce from IMAP data but JSON cannot carry.
template <typename Stream>
bool Write(const Value& value, Stream& out) {
  rapidjson::Writer<Stream, rapidjson::UTF8<>, rapidjson::UTF8<>, rapidjson::CrtAllocator,
                    rapidjson::kWriteValidateEncodingFlag>
      writer(out);
  return value.Accept(writer);
}

// The bytes Write gives for `value`, or nullopt when it cannot be written.
std::optional<uint64_t> WrittenSize(const Value& value) {
  ByteCounter counter;
  if (!Write(value, counter)) return std::nullopt;
  return counter.bytes;
}

// Receives a value's SAX events into a Document, copying every string.
// RapidJSON's own deep copy shares the strings a handler made with
// StringRef, and those may point into the call's allocator, freed when the
// call ends.
class StringCopyingBuilder : public jmap::DocumentForwarder {
 public:
  using DocumentForwarder::DocumentForwarder;

  bool String(const char* s, SizeType n, bool) { return document_.String(s, n, true); }
  bool Key(const char* s, SizeType n, bool) { return document_.Key(s, n, true); }
};

// A copy of `value` that owns all its memory in `alloc`.
Value CopyInto(const Value& value, Allocator& alloc) {
  rapidjson::Document copy(&alloc);
  auto generate = [&](rapidjson::Document& handler) {
    StringCopyingBuilder builder(handler);
    return value.Accept(builder);
  };
  copy.Populate(generate);

  Value owned;
  owned.Swap(copy);
  return owned;
}

Value Copy(std::string_view text, Allocator& alloc) {
  return Value(text.data(), static_cast<SizeType>(text.size()), alloc);
}

std::string Quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string CallPath(const Batch& batch) {
  return "methodCalls[" + std::to_string(batch.call_index) + "]";
}

ApiReply Refuse(const Status& status, const log::Context& log) {
  log::Debug("request_refused", log, {{"error", status.message()}});
  return ApiReply{jmap::kRequestProblemStatus, jmap::ProblemDetails(status), ""};
}

Status TooLarge(std::string what) {
  return Status(ErrorKind::kLimit, std::string(jmap::kLimitMaxSizeResponse) + ": " + what);
}

// Runs the handler. An exception or an answer that is not an object is a
// bug in the method; the client sees serverFail for this call only.
Result<Value> Invoke(const Method& method, MethodContext& ctx, const Value& args,
                     Allocator& alloc) {
  try {
    Result<Value> result = method.handler(ctx, args, alloc);
    if (result.ok() && !result->IsObject()) {
      log::Error("method_bad_response", ctx.log, {{"error", "arguments are not an object"}});
      return Status(ErrorKind::kServerFail, method.name + ": the method gave no arguments object");
    }
    return result;
  } catch (const std::exception& e) {
    log::Error("method_threw", ctx.log, {{"error", e.what()}});
  } catch (...) {
    log::Error("method_threw", ctx.log, {{"error", "exception of unknown type"}});
  }
  g_method_exceptions.Increment();
  return Status(ErrorKind::kServerFail, method.name + ": the server failed to run the method");
}

// Resolves the "#name" arguments (RFC 8620 §3.7), adding up the written
// size of each value as it is copied: many references to one large answer
// would otherwise copy it many times over before anything is checked. Past
// the bytes the body has left, sets `batch.too_large`.
Result<Value> ResolveWithinBudget(Batch& batch, const Value& arguments, Allocator& alloc) {
  uint64_t left = batch.max_size > batch.size ? batch.max_size - batch.size : 0;
  uint64_t copied = 0;
  auto admit = [&](const Value& value) {
    // Every answer in `responses` was measured as writable, so is every part.
    copied += WrittenSize(value).value_or(0);
    if (copied <= left) return Status::Ok();
    batch.too_large = TooLarge("result references in " + CallPath(batch) +
                               " resolve to more than the " + std::to_string(left) +
                               " bytes left of " + std::to_string(batch.max_size) + " allowed");
    return *batch.too_large;
  };
  return jmap::ResolveResultReferences(arguments, batch.responses, alloc, admit);
}

// RFC 8620 §3.6.2: an unregistered method, and one whose capability the
// request did not list in `using`, are both unknownMethod.
Result<Value> Execute(Batch& batch, const jmap::Invocation& call, Allocator& call_alloc) {
  const Method* method = batch.registry.Find(call.name);
  if (method == nullptr) return Status(ErrorKind::kUnknownMethod, call.name + ": no such method");
  if (!batch.using_capabilities.contains(method->capability)) {
    return Status(ErrorKind::kUnknownMethod,
                  call.name + ": needs " + Quoted(method->capability) + " in using");
  }

  if (!jmap::HasResultReferences(call.arguments)) {
    return Invoke(*method, batch.ctx, call.arguments, call_alloc);
  }
  Result<Value> args = ResolveWithinBudget(batch, call.arguments, call_alloc);
  if (!args.ok()) return args.status();
  return Invoke(*method, batch.ctx, *args, call_alloc);
}

// Adds one answer to the responses once it is measured as Reply will write
// it. An answer that cannot be written becomes serverFail, so one bad value
// costs one call; one that would take the body past the limit is not
// copied, and sets `batch.too_large` instead.
void Append(Batch& batch, std::string_view name, Result<Value> result, std::string_view call_id,
            Allocator& call_alloc) {
  Value invocation(rapidjson::kArrayType);
  if (result.ok()) {
    invocation.PushBack(Copy(name, call_alloc), call_alloc);
    invocation.PushBack(std::move(*result), call_alloc);
    invocation.PushBack(Copy(call_id, call_alloc), call_alloc);
  } else if (result.status().kind() == ErrorKind::kServerUnavailable) {
    // Which mail server failed, and how, is for the operator's log, not the
    // client (it names hosts and ports).
    log::Warn("method_unavailable", batch.ctx.log, {{"error", result.status().message()}});
    Status generic(ErrorKind::kServerUnavailable,
                   "a server Konvert relies on is unavailable just now; try again");
    invocation = jmap::MethodError(generic, call_id, call_alloc);
  } else {
    invocation = jmap::MethodError(result.status(), call_id, call_alloc);
  }

  std::optional<uint64_t> bytes = WrittenSize(invocation);
  if (!bytes.has_value()) {
    log::Error("method_bad_response", batch.ctx.log,
               {{"error", "response is not valid JSON (bad UTF-8 or number)"}});
    Status failed(ErrorKind::kServerFail,
                  std::string(name) + ": the response could not be written");
    invocation = jmap::MethodError(failed, call_id, call_alloc);
    bytes = WrittenSize(invocation).value_or(0);
  }

  uint64_t after = batch.size + *bytes + (batch.responses.Empty() ? 0 : 1);
  if (after > batch.max_size) {
    batch.too_large =
        TooLarge(CallPath(batch) + " makes the response at least " + std::to_string(after) +
                 " bytes, at most " + std::to_string(batch.max_size) + " allowed");
    return;
  }
  batch.size = after;
  batch.responses.PushBack(CopyInto(invocation, batch.alloc), batch.alloc);
}

void LogFinished(const log::Context& log, Clock::time_point started, const Result<Value>& result) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);
  int64_t duration_us = micros.count();
  if (result.ok()) {
    log::Debug("method_finished", log, {{"duration_us", duration_us}});
    return;
  }
  log::Debug("method_finished", log,
             {{"duration_us", duration_us}, {"error", ErrorKindName(result.status().kind())}});
}

// Runs the calls a successful method queued, under its call id. They are
// the server's own follow-ups, so `using` is not checked again; calls they
// queue in turn are not run.
void RunImplicitCalls(Batch& batch, std::string_view call_id, Allocator& call_alloc) {
  std::vector<ImplicitCall> calls = std::move(batch.ctx.implicit_calls);
  batch.ctx.implicit_calls.clear();

  for (ImplicitCall& call : calls) {
    if (batch.too_large) return;
    batch.ctx.log = batch.request_log.With("method", call.name);
    Clock::time_point started = Clock::now();
    const Method* method = batch.registry.Find(call.name);
    Result<Value> result =
        method != nullptr
            ? Invoke(*method, batch.ctx, call.arguments, call_alloc)
            : Result<Value>(Status(ErrorKind::kServerFail, call.name + ": no such method"));
    LogFinished(batch.ctx.log, started, result);
    Append(batch, call.name, std::move(result), call_id, call_alloc);
    batch.ctx.implicit_calls.clear();
  }
}

void RunCall(Batch& batch, const jmap::Invocation& call) {
  if (!batch.methods.empty()) batch.methods += ',';
  batch.methods += call.name;
  batch.ctx.log = batch.request_log.With("method", call.name);
  batch.ctx.implicit_calls.clear();

  // Resolved arguments, the handler's answer and its implicit calls live
  // here until Append copies the answers out, so each call's work is freed
  // before the next call runs.
  rapidjson::MemoryPoolAllocator<> call_alloc;
  Clock::time_point started = Clock::now();
  Result<Value> result = Execute(batch, call, call_alloc);
  LogFinished(batch.ctx.log, started, result);
  bool succeeded = result.ok();
  if (!batch.too_large) Append(batch, call.name, std::move(result), call.call_id, call_alloc);

  if (succeeded) RunImplicitCalls(batch, call.call_id, call_alloc);
  batch.ctx.implicit_calls.clear();
  batch.ctx.log = batch.request_log;
}

// The body with no answers and no createdIds: what every response costs.
uint64_t EnvelopeSize(const std::string& session_state) {
  rapidjson::MemoryPoolAllocator<> alloc;
  Value envelope(rapidjson::kObjectType);
  envelope.AddMember("methodResponses", Value(rapidjson::kArrayType), alloc);
  envelope.AddMember("sessionState", Copy(session_state, alloc), alloc);
  return WrittenSize(envelope).value_or(0);
}

ApiReply Reply(Batch& batch, const std::optional<jmap::CreatedIds>& given_ids) {
  Value response(rapidjson::kObjectType);
  response.AddMember("methodResponses", batch.responses, batch.alloc);

  // RFC 8620 §3.4: createdIds is returned only when the request sent it.
  if (given_ids.has_value()) {
    Value ids(rapidjson::kObjectType);
    for (const auto& [creation_id, id] : batch.ctx.created_ids.entries()) {
      ids.AddMember(Copy(creation_id, batch.alloc), Copy(id, batch.alloc), batch.alloc);
    }
    response.AddMember("createdIds", ids, batch.alloc);
  }
  response.AddMember("sessionState", Copy(batch.ctx.session_state, batch.alloc), batch.alloc);

  ApiReply reply{200, "", std::move(batch.methods)};
  reply.body.reserve(batch.size);
  StringAppender out{&reply.body};
  if (!Write(response, out)) {
    log::Error("response_unwritable", batch.request_log, {{"error", "createdIds or sessionState"}});
    Status failed(ErrorKind::kServerFail, "the response could not be written");
    return ApiReply{500, jmap::ProblemDetails(failed, 500), std::move(reply.methods)};
  }

  // Only createdIds is counted here rather than as the calls ran.
  if (reply.body.size() > batch.max_size) {
    Status too_large = TooLarge("response of " + std::to_string(reply.body.size()) +
                                " bytes, at most " + std::to_string(batch.max_size) + " allowed");
    ApiReply refused = Refuse(too_large, batch.request_log);
    refused.methods = std::move(reply.methods);
    return refused;
  }
  return reply;
}

ApiReply Serve(std::string_view body, const jmap::Limits& limits, const MethodRegistry& registry,
               MethodContext& ctx) {
  Result<jmap::Request> request = jmap::ParseRequest(body, limits);
  if (!request.ok()) return Refuse(request.status(), ctx.log);
  for (const std::string& urn : request->using_capabilities) {
    if (registry.HasCapability(urn)) continue;
    return Refuse(Status(ErrorKind::kUnknownCapability, "using: unknown capability " + Quoted(urn)),
                  ctx.log);
  }

  ctx.created_ids = request->created_ids.value_or(jmap::CreatedIds());
  rapidjson::MemoryPoolAllocator<> alloc;
  Batch batch(registry, request->using_capabilities, ctx, alloc, limits.max_size_response);
  batch.size = EnvelopeSize(ctx.session_state);
  for (const jmap::Invocation& call : request->method_calls) {
    RunCall(batch, call);
    if (batch.too_large) {
      ApiReply refused = Refuse(*batch.too_large, batch.request_log);
      refused.methods = std::move(batch.methods);
      return refused;
    }
    ++batch.call_index;
  }
  return Reply(batch, request->created_ids);
}

}  // namespace

Dispatcher::Dispatcher(const jmap::Limits& limits, const MethodRegistry& registry)
    : limits_(limits), registry_(registry) {}

ApiReply Dispatcher::Handle(std::string_view body, MethodContext& ctx) const {
  log::Context request_log = ctx.log;
  try {
    return Serve(body, limits_, registry_, ctx);
  } catch (const std::exception& e) {
    log::Error("request_threw", request_log, {{"error", e.what()}});
  } catch (...) {
    log::Error("request_threw", request_log, {{"error", "exception of unknown type"}});
  }
  ctx.log = request_log;
  Status failed(ErrorKind::kServerFail, "the server failed to process the request");
  return ApiReply{500, jmap::ProblemDetails(failed, 500), ""};
}

}  // namespace konvert::api
