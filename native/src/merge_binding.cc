// Node-API face of the safetensors engine and the streaming merge.
// Plans come from JS (main/core/steps/merge); files are opened once per call.
#include <napi.h>

#include <atomic>
#include <map>
#include <memory>

#include "core/merge.h"
#include "core/safetensors.h"
#include "js_errors.h"

namespace {

using namespace studio;

Napi::Object tensor_info_js(Napi::Env env, const st::TensorInfo& t) {
  auto o = Napi::Object::New(env);
  o.Set("name", t.name);
  o.Set("dtype", st::dtype_name(t.dtype));
  auto shape = Napi::Array::New(env, t.shape.size());
  for (size_t i = 0; i < t.shape.size(); i++) shape.Set(i, static_cast<double>(t.shape[i]));
  o.Set("shape", shape);
  o.Set("byteLength", static_cast<double>(t.nbytes()));
  return o;
}

// readSafetensorsHeader(path) → { tensors, metadata, fileSize }; throws with the file and the reason.
Napi::Value ReadHeader(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  const std::string path = info[0].As<Napi::String>();
  try {
    auto f = st::File::open(path);
    auto out = Napi::Object::New(env);
    auto list = Napi::Array::New(env, f->header().tensors.size());
    for (size_t i = 0; i < f->header().tensors.size(); i++) list.Set(i, tensor_info_js(env, f->header().tensors[i]));
    out.Set("tensors", list);
    auto meta = Napi::Object::New(env);
    for (const auto& [k, v] : f->header().metadata) meta.Set(k, v);
    out.Set("metadata", meta);
    out.Set("fileSize", static_cast<double>(f->file_size()));
    return out;
  } catch (const std::exception& e) {
    throw js::coded_error(env, e);
  }
}

// readTensor(path, name) → { dtype, shape, data: Buffer } (a copy; for checks and small tensors).
Napi::Value ReadTensor(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  const std::string path = info[0].As<Napi::String>();
  const std::string name = info[1].As<Napi::String>();
  try {
    auto f = st::File::open(path, true);
    const auto* t = f->find(name);
    if (!t) throw st::Error(path + ": no tensor '" + name + "'");
    auto o = tensor_info_js(env, *t);
    auto data = Napi::Buffer<uint8_t>::Copy(env, f->data(*t), t->nbytes());
    f->check();  // a file that shrank mid-copy gave zeros: an error, not data
    o.Set("data", data);
    return o;
  } catch (const std::exception& e) {
    throw js::coded_error(env, e);
  }
}

st::DType dtype_arg(Napi::Env env, const Napi::Value& v, const std::string& what) {
  st::DType d;
  if (!v.IsString() || !st::parse_dtype(v.As<Napi::String>(), d)) throw Napi::TypeError::New(env, what + ": unknown dtype");
  return d;
}

std::vector<int64_t> shape_arg(const Napi::Array& a) {
  std::vector<int64_t> s;
  for (uint32_t i = 0; i < a.Length(); i++) s.push_back(a.Get(i).As<Napi::Number>().Int64Value());
  return s;
}

// io: 'buffered' turns direct I/O off (tests use it to cover the fallback path).
io::Mode io_mode_arg(const Napi::Value& v) { return v.IsString() && v.As<Napi::String>().Utf8Value() == "buffered" ? io::Mode::Buffered : io::Mode::Auto; }

// writeSafetensors(path, [{name, dtype, shape, data}], metadata, {io}) → {directIo}: complete file or nothing.
Napi::Value WriteSafetensors(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  const std::string path = info[0].As<Napi::String>();
  auto arr = info[1].As<Napi::Array>();
  std::map<std::string, std::string> meta;
  if (info.Length() > 2 && info[2].IsObject()) {
    auto m = info[2].As<Napi::Object>();
    auto keys = m.GetPropertyNames();
    for (uint32_t i = 0; i < keys.Length(); i++) {
      const std::string k = keys.Get(i).As<Napi::String>();
      meta[k] = m.Get(k).As<Napi::String>();
    }
  }
  std::vector<st::TensorSpec> specs;
  std::vector<Napi::Buffer<uint8_t>> bufs;
  for (uint32_t i = 0; i < arr.Length(); i++) {
    auto t = arr.Get(i).As<Napi::Object>();
    const std::string name = t.Get("name").As<Napi::String>();
    st::TensorSpec s{name, dtype_arg(env, t.Get("dtype"), name), shape_arg(t.Get("shape").As<Napi::Array>())};
    auto b = t.Get("data").As<Napi::Buffer<uint8_t>>();
    uint64_t numel = 1;
    for (auto d : s.shape) numel *= static_cast<uint64_t>(d);
    if (numel * st::dtype_size(s.dtype) != b.Length())
      throw Napi::RangeError::New(env, name + ": data has " + std::to_string(b.Length()) + " bytes, shape × dtype needs " + std::to_string(numel * st::dtype_size(s.dtype)));
    specs.push_back(s);
    bufs.push_back(b);
  }
  const io::Mode mode = info.Length() > 3 && info[3].IsObject() ? io_mode_arg(info[3].As<Napi::Object>().Get("io")) : io::Mode::Auto;
  try {
    st::Writer w(path, specs, meta, mode);
    for (auto& b : bufs) w.write(b.Data(), b.Length());
    w.finish();
    auto r = Napi::Object::New(env);
    r.Set("directIo", w.direct_io());
    return r;
  } catch (const std::exception& e) {
    throw js::coded_error(env, e);
  }
}

// ---- merge -----------------------------------------------------------------

struct MergeJob {
  std::map<std::string, std::unique_ptr<st::File>> files;
  std::vector<merge::OutShard> shards;
  merge::Options options;
  std::atomic<bool> cancel{false};

  const st::File* file(const std::string& path) {
    auto it = files.find(path);
    if (it != files.end()) return it->second.get();
    auto f = st::File::open(path, true);  // guarded: a shrinking input is an error, not SIGBUS
    const st::File* p = f.get();
    files[path] = std::move(f);
    return p;
  }
  const st::TensorInfo* tensor(const st::File* f, const std::string& name, const std::string& role) {
    const auto* t = f->find(name);
    if (!t) throw st::Error(f->path() + ": no tensor '" + name + "' (" + role + ")");
    return t;
  }
};

class MergeWorker : public Napi::AsyncProgressQueueWorker<merge::Progress> {
 public:
  MergeWorker(Napi::Env env, std::shared_ptr<MergeJob> job, Napi::Function on_progress)
      : Napi::AsyncProgressQueueWorker<merge::Progress>(on_progress), job_(std::move(job)), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise promise() { return deferred_.Promise(); }

  void Execute(const ExecutionProgress& p) override {
    try {
      // Throttle: a progress message at most every 32 MB or per tensor.
      uint64_t last = 0;
      size_t last_tensors = 0;
      direct_io_ = merge::run(
                       job_->shards, job_->options,
                       [&](const merge::Progress& pr) {
                         if (pr.bytes_done - last >= (32u << 20) || pr.tensors_done != last_tensors || pr.bytes_done == pr.bytes_total) {
                           last = pr.bytes_done;
                           last_tensors = pr.tensors_done;
                           p.Send(&pr, 1);
                         }
                       },
                       job_->cancel)
                       .direct_io;
    } catch (const merge::Cancelled&) {
      cancelled_ = true;
    } catch (const std::exception& e) {
      code_ = js::error_code(e);
      SetError(e.what());
    }
  }
  void OnProgress(const merge::Progress* pr, size_t n) override {
    if (!n || Callback().IsEmpty()) return;
    auto env = Env();
    Napi::HandleScope scope(env);
    const auto& x = pr[n - 1];
    auto o = Napi::Object::New(env);
    o.Set("bytesDone", static_cast<double>(x.bytes_done));
    o.Set("bytesTotal", static_cast<double>(x.bytes_total));
    o.Set("tensorsDone", static_cast<double>(x.tensors_done));
    o.Set("tensorsTotal", static_cast<double>(x.tensors_total));
    o.Set("current", x.current);
    Callback().Call({o});
  }
  void OnOK() override {
    auto o = Napi::Object::New(Env());
    o.Set("cancelled", cancelled_);
    o.Set("directIo", direct_io_);
    deferred_.Resolve(o);
  }
  void OnError(const Napi::Error& e) override {
    e.Value().Set("code", Napi::String::New(Env(), code_));
    deferred_.Reject(e.Value());
  }

 private:
  std::shared_ptr<MergeJob> job_;
  Napi::Promise::Deferred deferred_;
  bool cancelled_ = false;
  bool direct_io_ = false;
  const char* code_ = "NATIVE_ERROR";
};

// merge(plan, onProgress) → { promise, cancel }.
Napi::Value Merge(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  auto plan = info[0].As<Napi::Object>();
  auto on_progress = info[1].As<Napi::Function>();
  auto job = std::make_shared<MergeJob>();
  try {
    const std::string rounding = plan.Get("rounding").As<Napi::String>();
    job->options.rounding = rounding == "single" ? merge::Rounding::Single : merge::Rounding::Peft;
    job->options.threads = plan.Get("threads").IsNumber() ? plan.Get("threads").As<Napi::Number>().Int32Value() : 0;
    job->options.io = io_mode_arg(plan.Get("io"));
    auto shards = plan.Get("shards").As<Napi::Array>();
    for (uint32_t i = 0; i < shards.Length(); i++) {
      auto s = shards.Get(i).As<Napi::Object>();
      merge::OutShard out;
      out.path = s.Get("path").As<Napi::String>();
      if (s.Has("metadata") && s.Get("metadata").IsObject()) {
        auto m = s.Get("metadata").As<Napi::Object>();
        auto keys = m.GetPropertyNames();
        for (uint32_t k = 0; k < keys.Length(); k++) {
          const std::string key = keys.Get(k).As<Napi::String>();
          out.metadata[key] = m.Get(key).As<Napi::String>();
        }
      }
      auto tensors = s.Get("tensors").As<Napi::Array>();
      for (uint32_t j = 0; j < tensors.Length(); j++) {
        auto t = tensors.Get(j).As<Napi::Object>();
        merge::OutTensor ot;
        ot.name = t.Get("name").As<Napi::String>();
        ot.src = job->file(t.Get("srcFile").As<Napi::String>());
        ot.info = job->tensor(ot.src, t.Get("srcTensor").As<Napi::String>(), "weight");
        ot.out_dtype = dtype_arg(env, t.Get("outDtype"), ot.name);
        if (t.Get("loras").IsArray()) {
          auto ls = t.Get("loras").As<Napi::Array>();
          for (uint32_t k = 0; k < ls.Length(); k++) {
            auto l = ls.Get(k).As<Napi::Object>();
            merge::Lora lo;
            lo.file = job->file(l.Get("file").As<Napi::String>());
            lo.a = job->tensor(lo.file, l.Get("a").As<Napi::String>(), "lora_A of " + ot.name);
            lo.b = job->tensor(lo.file, l.Get("b").As<Napi::String>(), "lora_B of " + ot.name);
            if (l.Has("magnitude") && l.Get("magnitude").IsString()) lo.magnitude = job->tensor(lo.file, l.Get("magnitude").As<Napi::String>(), "DoRA magnitude of " + ot.name);
            lo.scale = l.Get("scale").As<Napi::Number>().DoubleValue();
            lo.fan_in_fan_out = l.Get("fanInFanOut").ToBoolean();
            ot.loras.push_back(lo);
          }
        }
        out.tensors.push_back(std::move(ot));
      }
      job->shards.push_back(std::move(out));
    }
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw js::coded_error(env, e);
  }
  auto* w = new MergeWorker(env, job, on_progress);
  auto result = Napi::Object::New(env);
  result.Set("promise", w->promise());
  result.Set("cancel", Napi::Function::New(env, [job](const Napi::CallbackInfo& ci) {
               job->cancel = true;
               return ci.Env().Undefined();
             }));
  w->Queue();
  return result;
}

}  // namespace

namespace studio {
void register_merge(Napi::Env env, Napi::Object exports) {
  exports.Set("readSafetensorsHeader", Napi::Function::New(env, ReadHeader, "readSafetensorsHeader"));
  exports.Set("readTensor", Napi::Function::New(env, ReadTensor, "readTensor"));
  exports.Set("writeSafetensors", Napi::Function::New(env, WriteSafetensors, "writeSafetensors"));
  exports.Set("merge", Napi::Function::New(env, Merge, "merge"));
}
}  // namespace studio
