// The engine's Node-API face: load a model folder and run forward passes on a
// worker thread (never the JS thread), with typed arrays in and out.
#include <napi.h>
#include <torch/torch.h>

#include <memory>
#include <string>

#include "model.h"

namespace {

using studio::engine::Batch;
using studio::engine::Qwen3VL;

struct Handle {
  std::shared_ptr<Qwen3VL> model;
};

torch::ScalarType parse_dtype(const std::string& s) {
  if (s == "float32") return torch::kFloat32;
  if (s == "bfloat16") return torch::kBFloat16;
  if (s == "float16") return torch::kFloat16;
  throw studio::engine::EngineError("dtype must be float32, bfloat16 or float16, got \"" + s + "\"");
}

class LoadWorker : public Napi::AsyncWorker {
 public:
  LoadWorker(Napi::Env env, std::string dir, studio::engine::LoadOptions opts) : Napi::AsyncWorker(env), dir_(std::move(dir)), opts_(opts), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override {
    try {
      model_ = Qwen3VL::load(dir_, opts_);
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override {
    auto env = Env();
    auto h = new Handle{std::shared_ptr<Qwen3VL>(std::move(model_))};
    auto ext = Napi::External<Handle>::New(env, h, [](Napi::Env, Handle* p) { delete p; });
    auto out = Napi::Object::New(env);
    out.Set("handle", ext);
    const auto& c = h->model->config();
    out.Set("parameters", Napi::Number::New(env, static_cast<double>(h->model->num_parameters())));
    out.Set("vocab", Napi::Number::New(env, static_cast<double>(c.text.vocab)));
    out.Set("imageTokenId", Napi::Number::New(env, static_cast<double>(c.image_token_id)));
    deferred_.Resolve(out);
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  std::string dir_;
  studio::engine::LoadOptions opts_;
  std::unique_ptr<Qwen3VL> model_;
  Napi::Promise::Deferred deferred_;
};

// Copies a JS typed array into a new int64 tensor of the given shape.
torch::Tensor int_tensor(const Napi::Value& v, std::vector<int64_t> shape, const char* name) {
  if (!v.IsTypedArray()) throw studio::engine::EngineError(std::string(name) + ": expected an Int32Array");
  auto ta = v.As<Napi::TypedArray>();
  if (ta.TypedArrayType() != napi_int32_array) throw studio::engine::EngineError(std::string(name) + ": expected an Int32Array");
  auto arr = v.As<Napi::Int32Array>();
  int64_t n = 1;
  for (auto d : shape) n *= d;
  if (static_cast<int64_t>(arr.ElementLength()) != n) throw studio::engine::EngineError(std::string(name) + ": expected " + std::to_string(n) + " values, got " + std::to_string(arr.ElementLength()));
  return torch::from_blob(arr.Data(), shape, torch::kInt32).to(torch::kInt64);
}

class ForwardWorker : public Napi::AsyncWorker {
 public:
  ForwardWorker(Napi::Env env, std::shared_ptr<Qwen3VL> model, Batch batch, bool logits)
      : Napi::AsyncWorker(env), model_(std::move(model)), batch_(std::move(batch)), want_logits_(logits), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override {
    try {
      torch::NoGradGuard no_grad;
      auto out = model_->forward(batch_);
      if (want_logits_) logits_ = out.logits.to(torch::kCPU, torch::kFloat32).contiguous();
      if (out.loss.defined()) loss_ = out.loss.item<double>();
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override {
    auto env = Env();
    auto out = Napi::Object::New(env);
    if (logits_.defined()) {
      auto arr = Napi::Float32Array::New(env, logits_.numel());
      std::memcpy(arr.Data(), logits_.data_ptr<float>(), logits_.numel() * sizeof(float));
      out.Set("logits", arr);
      auto shape = Napi::Array::New(env);
      for (int64_t i = 0; i < logits_.dim(); i++) shape.Set(static_cast<uint32_t>(i), Napi::Number::New(env, static_cast<double>(logits_.size(i))));
      out.Set("logitsShape", shape);
    }
    out.Set("loss", loss_ == loss_ ? Napi::Number::New(env, loss_) : env.Null());
    deferred_.Resolve(out);
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  std::shared_ptr<Qwen3VL> model_;
  Batch batch_;
  bool want_logits_;
  torch::Tensor logits_;
  double loss_ = std::nan("");
  Napi::Promise::Deferred deferred_;
};

Napi::Value Load(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "load(dir, {dtype, device}): dir must be a string");
  studio::engine::LoadOptions opts;
  if (info.Length() > 1 && info[1].IsObject()) {
    auto o = info[1].As<Napi::Object>();
    try {
      if (o.Has("dtype")) opts.dtype = parse_dtype(o.Get("dtype").As<Napi::String>().Utf8Value());
      if (o.Has("device")) opts.device = torch::Device(o.Get("device").As<Napi::String>().Utf8Value());
    } catch (const std::exception& e) {
      throw Napi::Error::New(env, e.what());
    }
  }
  auto* w = new LoadWorker(env, info[0].As<Napi::String>().Utf8Value(), opts);
  auto p = w->Promise();
  w->Queue();
  return p;
}

// forward(handle, {batch, seq, inputIds, attentionMask?, positionIds?, pixelValues?, imageGrids?, labels?}, {logits})
Napi::Value Forward(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  if (info.Length() < 2 || !info[0].IsExternal() || !info[1].IsObject()) throw Napi::TypeError::New(env, "forward(handle, batch)");
  auto* h = info[0].As<Napi::External<Handle>>().Data();
  auto o = info[1].As<Napi::Object>();
  Batch b;
  try {
    const int64_t B = o.Get("batch").As<Napi::Number>().Int64Value(), S = o.Get("seq").As<Napi::Number>().Int64Value();
    b.input_ids = int_tensor(o.Get("inputIds"), {B, S}, "inputIds");
    if (o.Has("attentionMask") && !o.Get("attentionMask").IsUndefined()) b.attention_mask = int_tensor(o.Get("attentionMask"), {B, S}, "attentionMask");
    if (o.Has("positionIds") && !o.Get("positionIds").IsUndefined()) b.position_ids = int_tensor(o.Get("positionIds"), {3, B, S}, "positionIds");
    if (o.Has("labels") && !o.Get("labels").IsUndefined()) b.labels = int_tensor(o.Get("labels"), {B, S}, "labels");
    if (o.Has("imageGrids") && !o.Get("imageGrids").IsUndefined()) {
      auto g = o.Get("imageGrids").As<Napi::Int32Array>();
      if (g.ElementLength() % 3) throw studio::engine::EngineError("imageGrids: expected (t, h, w) triples");
      int64_t patches = 0;
      for (size_t i = 0; i < g.ElementLength(); i += 3) {
        b.image_grids.push_back({g[i], g[i + 1], g[i + 2]});
        patches += static_cast<int64_t>(g[i]) * g[i + 1] * g[i + 2];
      }
      auto px = o.Get("pixelValues").As<Napi::Float32Array>();
      if (patches == 0 || px.ElementLength() % patches) throw studio::engine::EngineError("pixelValues: length does not match the image grids");
      b.pixel_values = torch::from_blob(px.Data(), {patches, static_cast<int64_t>(px.ElementLength()) / patches}, torch::kFloat32).clone();
    }
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
  bool logits = true;
  if (info.Length() > 2 && info[2].IsObject()) logits = info[2].As<Napi::Object>().Get("logits").ToBoolean();
  auto* w = new ForwardWorker(env, h->model, std::move(b), logits);
  auto p = w->Promise();
  w->Queue();
  return p;
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  auto out = Napi::Object::New(env);
  out.Set("torch", Napi::String::New(env, TORCH_VERSION));
  out.Set("cuda", Napi::Boolean::New(env, torch::cuda::is_available()));
  out.Set("cudaDevices", Napi::Number::New(env, static_cast<double>(torch::cuda::device_count())));
  return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("load", Napi::Function::New(env, Load));
  exports.Set("forward", Napi::Function::New(env, Forward));
  exports.Set("info", Napi::Function::New(env, Info));
  return exports;
}

}  // namespace

NODE_API_MODULE(studio_engine, Init)
