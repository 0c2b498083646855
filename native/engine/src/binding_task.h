// How the engine's Node-API face runs work and reports failures: every call
// runs on a libuv worker thread (never the JS thread) and settles a Promise;
// a failure becomes a JS Error with a `code` (as better-sqlite3's SqliteError),
// so the TS side maps codes, not message text.
#pragma once
#include <napi.h>

#include <c10/util/Exception.h>

#include <functional>
#include <new>
#include <string>

#include "config.h"

namespace studio::engine::js {

// ENGINE_OUT_OF_MEMORY: the device (or host) allocator gave up; ENGINE_BAD_INPUT: our own checks
// (config fields, shapes, files) refused the request; ENGINE_TORCH: libtorch raised; else ENGINE_ERROR.
inline const char* error_code(const std::exception& e) {
  if (dynamic_cast<const c10::OutOfMemoryError*>(&e) || dynamic_cast<const std::bad_alloc*>(&e)) return "ENGINE_OUT_OF_MEMORY";
  if (dynamic_cast<const EngineError*>(&e)) return "ENGINE_BAD_INPUT";
  if (dynamic_cast<const c10::Error*>(&e)) return "ENGINE_TORCH";
  return "ENGINE_ERROR";
}

inline Napi::Error coded_error(Napi::Env env, const std::string& message, const char* code) {
  auto err = Napi::Error::New(env, message);
  err.Value().Set("code", Napi::String::New(env, code));
  return err;
}

// Runs fn on the JS thread (argument parsing); a C++ exception becomes a coded JS Error.
template <typename F>
auto on_js_thread(Napi::Env env, F&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw coded_error(env, e.what(), error_code(e));
  }
}

// Runs fn on a worker thread; resolves with what make() builds from its result on the JS thread.
template <typename R>
class TaskWorker : public Napi::AsyncWorker {
 public:
  TaskWorker(Napi::Env env, std::function<R()> fn, std::function<Napi::Value(Napi::Env, R&)> make)
      : Napi::AsyncWorker(env), fn_(std::move(fn)), make_(std::move(make)), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override {
    try {
      result_ = fn_();
    } catch (const std::exception& e) {
      code_ = error_code(e);
      SetError(e.what());
    }
  }
  void OnOK() override { deferred_.Resolve(make_(Env(), result_)); }
  void OnError(const Napi::Error& e) override {
    e.Value().Set("code", Napi::String::New(Env(), code_));
    deferred_.Reject(e.Value());
  }

 private:
  std::function<R()> fn_;
  std::function<Napi::Value(Napi::Env, R&)> make_;
  R result_{};
  const char* code_ = "ENGINE_ERROR";
  Napi::Promise::Deferred deferred_;
};

template <typename R>
Napi::Value run_task(Napi::Env env, std::function<R()> fn, std::function<Napi::Value(Napi::Env, R&)> make) {
  auto* w = new TaskWorker<R>(env, std::move(fn), std::move(make));
  auto p = w->Promise();
  w->Queue();
  return p;
}

}  // namespace studio::engine::js
