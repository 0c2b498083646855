// The engine's Node-API face: typed arrays in and out, every call run on a
// worker thread with failures carried as coded JS errors (binding_task.h).
#include <napi.h>
#include <torch/torch.h>

#include <cstring>
#include <functional>
#include <memory>
#include <string>

#include "binding_task.h"
#include "model.h"
#include "trainer.h"

namespace {

using studio::engine::js::on_js_thread;
using studio::engine::js::run_task;

using studio::engine::Batch;
using studio::engine::LoraConfig;
using studio::engine::OptimConfig;
using studio::engine::Qwen3VL;
using studio::engine::StepResult;
using studio::engine::Trainer;

struct Handle {
  std::shared_ptr<Qwen3VL> model;
};

torch::ScalarType parse_dtype(const std::string& s) {
  if (s == "float32") return torch::kFloat32;
  if (s == "bfloat16") return torch::kBFloat16;
  if (s == "float16") return torch::kFloat16;
  throw studio::engine::EngineError("dtype must be float32, bfloat16 or float16, got \"" + s + "\"");
}

// Copies a JS typed array into a new int64 tensor of the given shape.
torch::Tensor int_tensor(const Napi::Value& v, std::vector<int64_t> shape, const char* name) {
  if (!v.IsTypedArray()) throw studio::engine::EngineError(std::string(name) + ": expected an Int32Array");
  auto ta = v.As<Napi::TypedArray>();
  if (ta.TypedArrayType() != napi_int32_array) throw studio::engine::EngineError(std::string(name) + ": expected an Int32Array");
  auto arr = v.As<Napi::Int32Array>();
  int64_t n = 1;
  for (auto d : shape) n *= d;
  if (static_cast<int64_t>(arr.ElementLength()) != n)
    throw studio::engine::EngineError(std::string(name) + ": expected " + std::to_string(n) + " values, got " + std::to_string(arr.ElementLength()));
  return torch::from_blob(arr.Data(), shape, torch::kInt32).to(torch::kInt64);
}

// {logits, logitsShape, loss} from a forward pass (logits already float32 on the CPU, or undefined).
Napi::Object forward_result(Napi::Env env, const torch::Tensor& logits, double loss) {
  auto out = Napi::Object::New(env);
  if (logits.defined()) {
    auto arr = Napi::Float32Array::New(env, logits.numel());
    std::memcpy(arr.Data(), logits.data_ptr<float>(), logits.numel() * sizeof(float));
    out.Set("logits", arr);
    auto shape = Napi::Array::New(env);
    for (int64_t i = 0; i < logits.dim(); i++) shape.Set(static_cast<uint32_t>(i), Napi::Number::New(env, static_cast<double>(logits.size(i))));
    out.Set("logitsShape", shape);
  }
  out.Set("loss", loss == loss ? Napi::Number::New(env, loss) : env.Null());
  return out;
}

Napi::Value Load(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "load(dir, {dtype, device}): dir must be a string");
  studio::engine::LoadOptions opts;
  if (info.Length() > 1 && info[1].IsObject()) {
    auto o = info[1].As<Napi::Object>();
    on_js_thread(env, [&] {
      if (o.Has("dtype")) opts.dtype = parse_dtype(o.Get("dtype").As<Napi::String>().Utf8Value());
      if (o.Has("device")) opts.device = torch::Device(o.Get("device").As<Napi::String>().Utf8Value());
      if (o.Has("quant")) opts.quant = o.Get("quant").As<Napi::String>().Utf8Value();
    });
  }
  const std::string dir = info[0].As<Napi::String>().Utf8Value();
  return run_task<std::shared_ptr<Qwen3VL>>(
      env, [dir, opts]() { return std::shared_ptr<Qwen3VL>(Qwen3VL::load(dir, opts)); },
      [](Napi::Env env, std::shared_ptr<Qwen3VL>& model) -> Napi::Value {
        auto h = new Handle{model};
        auto out = Napi::Object::New(env);
        out.Set("handle", Napi::External<Handle>::New(env, h, [](Napi::Env, Handle* p) { delete p; }));
        const auto& c = model->config();
        out.Set("parameters", Napi::Number::New(env, static_cast<double>(model->num_parameters())));
        out.Set("weightBytes", Napi::Number::New(env, static_cast<double>(model->weight_bytes())));
        out.Set("vocab", Napi::Number::New(env, static_cast<double>(c.text.vocab)));
        out.Set("imageTokenId", Napi::Number::New(env, static_cast<double>(c.image_token_id)));
        return out;
      });
}

// {batch, seq, inputIds, attentionMask?, positionIds?, pixelValues?, imageGrids?, labels?} → Batch (copied).
Batch parse_batch(const Napi::Object& o) {
  Batch b;
  const int64_t B = o.Get("batch").As<Napi::Number>().Int64Value(), S = o.Get("seq").As<Napi::Number>().Int64Value();
  b.input_ids = int_tensor(o.Get("inputIds"), {B, S}, "inputIds");
  auto given = [&](const char* k) { return o.Has(k) && !o.Get(k).IsUndefined() && !o.Get(k).IsNull(); };
  if (given("attentionMask")) b.attention_mask = int_tensor(o.Get("attentionMask"), {B, S}, "attentionMask");
  if (given("positionIds")) b.position_ids = int_tensor(o.Get("positionIds"), {3, B, S}, "positionIds");
  if (given("labels")) b.labels = int_tensor(o.Get("labels"), {B, S}, "labels");
  if (given("imageGrids")) {
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
  return b;
}

std::vector<Batch> parse_batches(const Napi::Value& v) {
  if (!v.IsArray()) throw studio::engine::EngineError("expected a list of batches");
  auto arr = v.As<Napi::Array>();
  std::vector<Batch> out;
  for (uint32_t i = 0; i < arr.Length(); i++) out.push_back(parse_batch(arr.Get(i).As<Napi::Object>()));
  return out;
}

// forward(handle, batch, {logits})
Napi::Value Forward(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  if (info.Length() < 2 || !info[0].IsExternal() || !info[1].IsObject()) throw Napi::TypeError::New(env, "forward(handle, batch)");
  auto model = info[0].As<Napi::External<Handle>>().Data()->model;
  Batch b = on_js_thread(env, [&] { return parse_batch(info[1].As<Napi::Object>()); });
  bool want_logits = true;
  if (info.Length() > 2 && info[2].IsObject()) want_logits = info[2].As<Napi::Object>().Get("logits").ToBoolean();
  using Out = std::pair<torch::Tensor, double>;
  return run_task<Out>(
      env,
      [model, b, want_logits]() {
        torch::NoGradGuard no_grad;
        auto out = model->forward(b);
        return Out{want_logits ? out.logits.to(torch::kCPU, torch::kFloat32).contiguous() : torch::Tensor(), out.loss.defined() ? out.loss.item<double>() : std::nan("")};
      },
      [](Napi::Env env, Out& r) -> Napi::Value { return forward_result(env, r.first, r.second); });
}

// ---- training -------------------------------------------------------------

struct TrainerHandle {
  std::shared_ptr<Trainer> trainer;
};

std::shared_ptr<Trainer> trainer_of(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsExternal()) throw Napi::TypeError::New(info.Env(), "expected a trainer handle");
  return info[0].As<Napi::External<TrainerHandle>>().Data()->trainer;
}

double num(const Napi::Object& o, const char* k, double d) { return o.Has(k) && o.Get(k).IsNumber() ? o.Get(k).As<Napi::Number>().DoubleValue() : d; }

// createTrainer(modelHandle, {lora: {r, alpha, rslora, dropout, targets, seed}, optim: {lr, weightDecay, ..., warmupSteps, totalSteps, schedule, lossAverage},
//                             gradientCheckpointing, initAdapter: adapter_model.safetensors to start from})
Napi::Value CreateTrainer(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  if (info.Length() < 2 || !info[0].IsExternal() || !info[1].IsObject()) throw Napi::TypeError::New(env, "createTrainer(handle, config)");
  auto* h = info[0].As<Napi::External<Handle>>().Data();
  auto cfg = info[1].As<Napi::Object>();
  LoraConfig lc;
  OptimConfig oc;
  if (cfg.Has("lora")) {
    auto l = cfg.Get("lora").As<Napi::Object>();
    lc.r = static_cast<int64_t>(num(l, "r", 32));
    lc.alpha = num(l, "alpha", 32);
    lc.rslora = l.Has("rslora") && l.Get("rslora").ToBoolean();
    lc.dropout = num(l, "dropout", 0);
    lc.seed = static_cast<uint64_t>(num(l, "seed", 0));
    if (l.Has("targets")) {
      lc.targets.clear();
      auto t = l.Get("targets").As<Napi::Array>();
      for (uint32_t i = 0; i < t.Length(); i++) lc.targets.push_back(t.Get(i).As<Napi::String>().Utf8Value());
    }
  }
  if (cfg.Has("optim")) {
    auto o = cfg.Get("optim").As<Napi::Object>();
    oc.lr = num(o, "lr", oc.lr);
    oc.weight_decay = num(o, "weightDecay", oc.weight_decay);
    oc.beta1 = num(o, "beta1", oc.beta1);
    oc.beta2 = num(o, "beta2", oc.beta2);
    oc.eps = num(o, "eps", oc.eps);
    oc.max_grad_norm = num(o, "maxGradNorm", oc.max_grad_norm);
    oc.warmup_steps = static_cast<int64_t>(num(o, "warmupSteps", 0));
    oc.total_steps = static_cast<int64_t>(num(o, "totalSteps", 1));
    if (o.Has("schedule")) oc.schedule = o.Get("schedule").As<Napi::String>().Utf8Value();
    oc.states_8bit = o.Has("states8bit") && o.Get("states8bit").ToBoolean();
    if (o.Has("lossAverage"))
      oc.loss_average = o.Get("lossAverage").As<Napi::String>().Utf8Value() == "micro-batch" ? "micro_batch" : o.Get("lossAverage").As<Napi::String>().Utf8Value();
  }
  return on_js_thread(env, [&]() -> Napi::Value {
    auto t = std::make_shared<Trainer>(h->model, lc, oc);
    t->set_gradient_checkpointing(cfg.Has("gradientCheckpointing") && cfg.Get("gradientCheckpointing").ToBoolean());
    if (cfg.Has("initAdapter") && cfg.Get("initAdapter").IsString()) t->load_adapter(cfg.Get("initAdapter").As<Napi::String>().Utf8Value());
    return Napi::External<TrainerHandle>::New(env, new TrainerHandle{t}, [](Napi::Env, TrainerHandle* p) { delete p; });
  });
}

// trainStep(trainer, [microBatch, ...]) → {loss, gradNorm, lr, tokens, step}
Napi::Value TrainStep(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  auto t = trainer_of(info);
  auto micro = on_js_thread(env, [&] { return parse_batches(info[1]); });
  return run_task<StepResult>(
      env, [t, micro]() { return t->step(micro); },
      [](Napi::Env env, StepResult& r) -> Napi::Value {
        auto o = Napi::Object::New(env);
        o.Set("loss", r.loss);
        o.Set("gradNorm", r.grad_norm);
        o.Set("lr", r.lr);
        o.Set("tokens", static_cast<double>(r.tokens));
        o.Set("step", static_cast<double>(r.step));
        o.Set("optimizerStateBytes", static_cast<double>(r.optimizer_state_bytes));
        return o;
      });
}

// evaluate(trainer, [batch, ...]) → {loss, tokens}
Napi::Value Evaluate(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  auto t = trainer_of(info);
  auto batches = on_js_thread(env, [&] { return parse_batches(info[1]); });
  return run_task<std::pair<double, int64_t>>(
      env, [t, batches]() { return t->evaluate(batches); },
      [](Napi::Env env, std::pair<double, int64_t>& r) -> Napi::Value {
        auto o = Napi::Object::New(env);
        o.Set("loss", r.first == r.first ? Napi::Number::New(env, r.first) : env.Null());
        o.Set("tokens", static_cast<double>(r.second));
        return o;
      });
}

// gradients(trainer, [microBatch, ...]) → {loss, grads: {peftKey: Float32Array}}: a step's gradients, no update
Napi::Value Gradients(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  auto t = trainer_of(info);
  auto micro = on_js_thread(env, [&] { return parse_batches(info[1]); });
  using Grads = std::pair<double, std::vector<std::pair<std::string, torch::Tensor>>>;
  return run_task<Grads>(
      env,
      [t, micro]() {
        Grads r;
        r.second = t->gradients(micro, &r.first);
        for (auto& [_, g] : r.second) g = g.to(torch::kCPU, torch::kFloat32).contiguous();
        return r;
      },
      [](Napi::Env env, Grads& r) -> Napi::Value {
        auto o = Napi::Object::New(env);
        o.Set("loss", r.first);
        auto grads = Napi::Object::New(env);
        for (const auto& [key, g] : r.second) {
          auto arr = Napi::Float32Array::New(env, g.numel());
          std::memcpy(arr.Data(), g.data_ptr<float>(), g.numel() * sizeof(float));
          grads.Set(key, arr);
        }
        o.Set("grads", grads);
        return o;
      });
}

// saveAdapter / saveState / loadState(trainer, file) → Promise<true>
Napi::Value FileTask(const Napi::CallbackInfo& info, int which) {
  auto env = info.Env();
  auto t = trainer_of(info);
  if (info.Length() < 2 || !info[1].IsString()) throw Napi::TypeError::New(env, "expected a file path");
  const std::string file = info[1].As<Napi::String>().Utf8Value();
  return run_task<bool>(
      env,
      [t, file, which]() {
        if (which == 0)
          t->save_adapter(file);
        else if (which == 1)
          t->save_state(file);
        else
          t->load_state(file);
        return true;
      },
      [t](Napi::Env env, bool&) -> Napi::Value { return Napi::Number::New(env, static_cast<double>(t->steps_done())); });
}
// trainerForward(trainer, batch) → {logits, logitsShape, loss}: the base model with the current adapter.
Napi::Value TrainerForward(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  auto t = trainer_of(info);
  Batch b = on_js_thread(env, [&] { return parse_batch(info[1].As<Napi::Object>()); });
  using Pair = std::pair<torch::Tensor, double>;
  return run_task<Pair>(
      env,
      [t, b]() {
        torch::NoGradGuard no_grad;
        auto out = t->forward(b);
        return Pair{out.logits.to(torch::kCPU, torch::kFloat32).contiguous(), out.loss.defined() ? out.loss.item<double>() : std::nan("")};
      },
      [](Napi::Env env, Pair& r) -> Napi::Value { return forward_result(env, r.first, r.second); });
}

// generate(trainer, batch, {maxNewTokens, stopIds, bannedIds, temperature, topP, seed, seeds, useCache, padId})
// → one Int32Array of new token ids per prompt row (generate.h)
Napi::Value Generate(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  auto t = trainer_of(info);
  Batch b;
  studio::engine::GenerateOptions o;
  on_js_thread(env, [&] {
    b = parse_batch(info[1].As<Napi::Object>());
    if (info.Length() > 2 && info[2].IsObject()) {
      auto opts = info[2].As<Napi::Object>();
      o.max_new = static_cast<int64_t>(num(opts, "maxNewTokens", 32));
      o.temperature = num(opts, "temperature", 0);
      o.top_p = num(opts, "topP", 1);
      o.seed = static_cast<uint64_t>(num(opts, "seed", 0));
      o.pad_id = static_cast<int64_t>(num(opts, "padId", 0));
      if (opts.Has("useCache") && opts.Get("useCache").IsBoolean()) o.use_cache = opts.Get("useCache").As<Napi::Boolean>().Value();
      auto ids = [&](const char* key, std::vector<int64_t>& into) {
        if (!opts.Has(key) || !opts.Get(key).IsArray()) return;
        auto a = opts.Get(key).As<Napi::Array>();
        for (uint32_t i = 0; i < a.Length(); i++) into.push_back(a.Get(i).As<Napi::Number>().Int64Value());
      };
      ids("stopIds", o.stop);
      ids("bannedIds", o.banned);
      if (opts.Has("seeds") && opts.Get("seeds").IsArray()) {
        auto a = opts.Get("seeds").As<Napi::Array>();
        for (uint32_t i = 0; i < a.Length(); i++) o.seeds.push_back(static_cast<uint64_t>(a.Get(i).As<Napi::Number>().Int64Value()));
      }
    }
  });
  using Rows = std::vector<std::vector<int64_t>>;
  return run_task<Rows>(
      env, [t, b, o]() { return t->generate(b, o); },
      [](Napi::Env env, Rows& rows) -> Napi::Value {
        auto out = Napi::Array::New(env, rows.size());
        for (size_t r = 0; r < rows.size(); r++) {
          auto arr = Napi::Int32Array::New(env, rows[r].size());
          for (size_t i = 0; i < rows[r].size(); i++) arr[i] = static_cast<int32_t>(rows[r][i]);
          out.Set(static_cast<uint32_t>(r), arr);
        }
        return out;
      });
}

Napi::Value SaveAdapter(const Napi::CallbackInfo& info) { return FileTask(info, 0); }
Napi::Value SaveState(const Napi::CallbackInfo& info) { return FileTask(info, 1); }
Napi::Value LoadState(const Napi::CallbackInfo& info) { return FileTask(info, 2); }

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
  exports.Set("createTrainer", Napi::Function::New(env, CreateTrainer));
  exports.Set("gradients", Napi::Function::New(env, Gradients));
  exports.Set("trainStep", Napi::Function::New(env, TrainStep));
  exports.Set("evaluate", Napi::Function::New(env, Evaluate));
  exports.Set("trainerForward", Napi::Function::New(env, TrainerForward));
  exports.Set("generate", Napi::Function::New(env, Generate));
  exports.Set("saveAdapter", Napi::Function::New(env, SaveAdapter));
  exports.Set("saveState", Napi::Function::New(env, SaveState));
  exports.Set("loadState", Napi::Function::New(env, LoadState));
  return exports;
}

}  // namespace

NODE_API_MODULE(studio_engine, Init)
