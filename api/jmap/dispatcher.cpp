#include "api/jmap/dispatcher.h"

#include <chrono>
#include <exception>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "model/jmap/problem.h"
#include "model/jmap/request.h"
#include "model/jmap/result_reference.h"
#include "rapidjson/stringbuffer.h"
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
        MethodContext& context, Allocator& allocator)
      : registry(methods_known),
        using_capabilities(listed),
        ctx(context),
        request_log(context.log),
        alloc(allocator) {}

  const MethodRegistry& registry;
  const std::set<std::string, std::less<>>& using_capabilities;
  MethodContext& ctx;
  const log::Context request_log;
  Allocator& alloc;
  Value responses{rapidjson::kArrayType};
  std::string methods;
};

Value Copy(std::string_view text, Allocator& alloc) {
  return Value(text.data(), static_cast<SizeType>(text.size()), alloc);
}

std::string Quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

ApiReply Refuse(const Status& status, const log::Context& log) {
  log::Debug("request_refused", log, {{"error", status.message()}});
  return ApiReply{jmap::kRequestProblemStatus, jmap::ProblemDetails(status), ""};
}

// Writes `value`, refusing invalid UTF-8 and NaN or infinite numbers, which
// a handler could produce from IMAP data but JSON cannot carry.
bool Write(const Value& value, std::string* out) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>,
                    rapidjson::CrtAllocator, rapidjson::kWriteValidateEncodingFlag>
      writer(buffer);
  if (!value.Accept(writer)) return false;
  out->assign(buffer.GetString(), buffer.GetSize());
  return true;
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

// RFC 8620 §3.6.2: an unregistered method, and one whose capability the
// request did not list in `using`, are both unknownMethod.
Result<Value> Execute(Batch& batch, const jmap::Invocation& call) {
  const Method* method = batch.registry.Find(call.name);
  if (method == nullptr) return Status(ErrorKind::kUnknownMethod, call.name + ": no such method");
  if (!batch.using_capabilities.contains(method->capability)) {
    return Status(ErrorKind::kUnknownMethod,
                  call.name + ": needs " + Quoted(method->capability) + " in using");
  }

  if (!jmap::HasResultReferences(call.arguments)) {
    return Invoke(*method, batch.ctx, call.arguments, batch.alloc);
  }
  Result<Value> args = jmap::ResolveResultReferences(call.arguments, batch.responses, batch.alloc);
  if (!args.ok()) return args.status();
  return Invoke(*method, batch.ctx, *args, batch.alloc);
}

void Append(Batch& batch, std::string_view name, Result<Value> result, std::string_view call_id) {
  if (!result.ok()) {
    batch.responses.PushBack(jmap::MethodError(result.status(), call_id, batch.alloc), batch.alloc);
    return;
  }
  Value invocation(rapidjson::kArrayType);
  invocation.PushBack(Copy(name, batch.alloc), batch.alloc);
  invocation.PushBack(std::move(*result), batch.alloc);
  invocation.PushBack(Copy(call_id, batch.alloc), batch.alloc);
  batch.responses.PushBack(invocation, batch.alloc);
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
void RunImplicitCalls(Batch& batch, std::string_view call_id) {
  std::vector<ImplicitCall> calls = std::move(batch.ctx.implicit_calls);
  batch.ctx.implicit_calls.clear();

  for (ImplicitCall& call : calls) {
    batch.ctx.log = batch.request_log.With("method", call.name);
    Clock::time_point started = Clock::now();
    const Method* method = batch.registry.Find(call.name);
    Result<Value> result =
        method != nullptr
            ? Invoke(*method, batch.ctx, call.arguments, batch.alloc)
            : Result<Value>(Status(ErrorKind::kServerFail, call.name + ": no such method"));
    LogFinished(batch.ctx.log, started, result);
    Append(batch, call.name, std::move(result), call_id);
    batch.ctx.implicit_calls.clear();
  }
}

void RunCall(Batch& batch, const jmap::Invocation& call) {
  if (!batch.methods.empty()) batch.methods += ',';
  batch.methods += call.name;
  batch.ctx.log = batch.request_log.With("method", call.name);
  batch.ctx.implicit_calls.clear();

  Clock::time_point started = Clock::now();
  Result<Value> result = Execute(batch, call);
  LogFinished(batch.ctx.log, started, result);
  bool succeeded = result.ok();
  Append(batch, call.name, std::move(result), call.call_id);

  if (succeeded) RunImplicitCalls(batch, call.call_id);
  batch.ctx.implicit_calls.clear();
  batch.ctx.log = batch.request_log;
}

// Replaces each response that cannot be written as JSON with serverFail,
// so one bad value costs one call, not the whole request.
void ReplaceUnwritable(Value& responses, Allocator& alloc, const log::Context& log) {
  std::string ignored;
  for (Value& response : responses.GetArray()) {
    if (Write(response, &ignored)) continue;
    std::string name(response[0].GetString(), response[0].GetStringLength());
    std::string call_id(response[2].GetString(), response[2].GetStringLength());
    log::Error("method_bad_response", log.With("method", name),
               {{"error", "response is not valid JSON (bad UTF-8 or number)"}});
    response = jmap::MethodError(
        Status(ErrorKind::kServerFail, name + ": the response could not be written"), call_id,
        alloc);
  }
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
  if (Write(response, &reply.body)) return reply;
  ReplaceUnwritable(response["methodResponses"], batch.alloc, batch.request_log);
  if (Write(response, &reply.body)) return reply;

  log::Error("response_unwritable", batch.request_log, {{"error", "createdIds or sessionState"}});
  Status failed(ErrorKind::kServerFail, "the response could not be written");
  return ApiReply{500, jmap::ProblemDetails(failed, 500), std::move(reply.methods)};
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
  Batch batch(registry, request->using_capabilities, ctx, alloc);
  for (const jmap::Invocation& call : request->method_calls) RunCall(batch, call);
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
