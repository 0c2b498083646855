// Failures of the core addon cross into JS as Errors with a `code` (as
// better-sqlite3's SqliteError), so the TS side maps codes, not message text.
#pragma once
#include <napi.h>

#include <new>
#include <string>

#include "core/safetensors.h"
#include "core/staged_file.h"

namespace studio::js {

// NATIVE_INVALID_FILE: a safetensors file (or a plan over it) that is malformed, changed or does not fit;
// NATIVE_IO: the operating system refused a write; NATIVE_OUT_OF_MEMORY; else NATIVE_ERROR.
inline const char* error_code(const std::exception& e) {
  if (dynamic_cast<const std::bad_alloc*>(&e)) return "NATIVE_OUT_OF_MEMORY";
  if (dynamic_cast<const st::Error*>(&e)) return "NATIVE_INVALID_FILE";
  if (dynamic_cast<const io::IoError*>(&e)) return "NATIVE_IO";
  return "NATIVE_ERROR";
}

inline Napi::Error coded_error(Napi::Env env, const std::exception& e) {
  auto err = Napi::Error::New(env, e.what());
  err.Value().Set("code", Napi::String::New(env, error_code(e)));
  return err;
}

}  // namespace studio::js
