// The Node-API face of the native core: thin wrappers that move work off the
// JS thread (Napi::AsyncWorker) and turn C++ structs into plain JS objects.
#include <napi.h>

#include "core/system_report.h"

namespace studio {
void register_merge(Napi::Env env, Napi::Object exports);
}

namespace {

const char* kAddonVersion = "0.1.0";

Napi::Object to_js(Napi::Env env, const studio::SystemReport& r) {
  auto o = Napi::Object::New(env);
  o.Set("addonVersion", kAddonVersion);
  o.Set("platform", r.platform);
  o.Set("arch", r.arch);

  auto cpu = Napi::Object::New(env);
  cpu.Set("model", r.cpu_model);
  cpu.Set("logicalCores", r.logical_cores);
  auto features = Napi::Array::New(env, r.cpu_features.size());
  for (size_t i = 0; i < r.cpu_features.size(); i++) features.Set(i, r.cpu_features[i]);
  cpu.Set("features", features);
  o.Set("cpu", cpu);

  auto mem = Napi::Object::New(env);
  mem.Set("totalBytes", static_cast<double>(r.memory_total_bytes));
  o.Set("memory", mem);

  auto cuda = Napi::Object::New(env);
  cuda.Set("usable", r.cuda_usable);
  cuda.Set("reason", r.cuda_reason);
  cuda.Set("driverVersion", r.cuda_driver_version >= 0 ? Napi::Value(Napi::Number::New(env, r.cuda_driver_version)) : env.Null());
  auto devices = Napi::Array::New(env, r.cuda_devices.size());
  for (size_t i = 0; i < r.cuda_devices.size(); i++) {
    const auto& d = r.cuda_devices[i];
    auto dj = Napi::Object::New(env);
    dj.Set("index", d.index);
    dj.Set("name", d.name);
    dj.Set("totalMemoryBytes", static_cast<double>(d.total_memory_bytes));
    dj.Set("computeCapability", d.compute_capability);
    devices.Set(i, dj);
  }
  cuda.Set("devices", devices);
  o.Set("cuda", cuda);

  auto torch = Napi::Object::New(env);
  torch.Set("usable", r.libtorch_usable);
  torch.Set("reason", r.libtorch_reason);
  torch.Set("path", r.libtorch_path.empty() ? env.Null() : Napi::String::New(env, r.libtorch_path));
  torch.Set("version", r.libtorch_version.empty() ? env.Null() : Napi::String::New(env, r.libtorch_version));
  torch.Set("cuda", r.libtorch_cuda);
  o.Set("libtorch", torch);

  auto warnings = Napi::Array::New(env, r.warnings.size());
  for (size_t i = 0; i < r.warnings.size(); i++) warnings.Set(i, r.warnings[i]);
  o.Set("warnings", warnings);
  return o;
}

// Probing CUDA can take a second (driver init): never on the JS thread.
class SystemReportWorker : public Napi::AsyncWorker {
 public:
  explicit SystemReportWorker(Napi::Env env) : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise promise() { return deferred_.Promise(); }
  void Execute() override { report_ = studio::probe_system(); }
  void OnOK() override { deferred_.Resolve(to_js(Env(), report_)); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  studio::SystemReport report_;
};

Napi::Value SystemReport(const Napi::CallbackInfo& info) {
  auto* w = new SystemReportWorker(info.Env());
  auto p = w->promise();
  w->Queue();
  return p;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("addonVersion", kAddonVersion);
  // The Node-API version of the running process (Node or Electron), for the System page.
  exports.Set("abi", Napi::Number::New(env, Napi::VersionManagement::GetNapiVersion(env)));
  exports.Set("systemReport", Napi::Function::New(env, SystemReport, "systemReport"));
  studio::register_merge(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(studio_native, Init)
