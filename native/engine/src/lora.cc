#include "lora.h"

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "../../src/core/json_lite.h"
#include "../../src/core/safetensors.h"

namespace studio::engine {

Lora::Lora(const Qwen3VL& model, const LoraConfig& cfg) : cfg_(cfg) {
  if (cfg.r <= 0) throw EngineError("lora r must be positive");
  if (cfg.dropout < 0 || cfg.dropout >= 1) throw EngineError("lora dropout must be in [0, 1)");
  scale_ = cfg.rslora ? cfg.alpha / std::sqrt(static_cast<double>(cfg.r)) : cfg.alpha / static_cast<double>(cfg.r);
  const auto& t = model.config().text;
  torch::manual_seed(cfg.seed);
  for (const auto& target : cfg.targets) {
    const bool attn = target == "q_proj" || target == "k_proj" || target == "v_proj" || target == "o_proj";
    const bool mlp = target == "gate_proj" || target == "up_proj" || target == "down_proj";
    if (!attn && !mlp) throw EngineError("lora target \"" + target + "\" is not a language-model projection (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj)");
    for (int64_t i = 0; i < t.layers; i++) {
      const std::string module = "model.language_model.layers." + std::to_string(i) + (attn ? ".self_attn." : ".mlp.") + target;
      const auto [out, in] = model.linear_shape(module);
      const auto opts = torch::TensorOptions().dtype(torch::kFloat32).device(model.device());
      // kaiming_uniform_(a=√5): bound = √(2/(1+5))·√(3/in) = 1/√in
      const double bound = 1.0 / std::sqrt(static_cast<double>(in));
      auto a = torch::empty({cfg.r, in}, opts).uniform_(-bound, bound).set_requires_grad(true);
      auto b = torch::zeros({out, cfg.r}, opts).set_requires_grad(true);
      pairs_[module] = {a, b};
    }
  }
}

torch::Tensor Lora::adapt(const std::string& module, const torch::Tensor& x, const torch::Tensor& y, bool training) const {
  auto it = pairs_.find(module);
  if (it == pairs_.end()) return y;
  auto h = x.to(torch::kFloat32);
  if (training && cfg_.dropout > 0) h = torch::dropout(h, cfg_.dropout, true);
  // The scale rides on the add (y + scale·delta in one pass): no separate [S, out] product nor its backward.
  auto delta = torch::linear(torch::linear(h, it->second.a), it->second.b);
  if (y.scalar_type() == torch::kFloat32) return torch::add(y, delta, scale_);
  // As PEFT: the low-precision base output is added to the fp32 LoRA term in fp32 and rounded once.
  return torch::add(y.to(torch::kFloat32), delta, scale_).to(y.scalar_type());
}

std::vector<torch::Tensor> Lora::parameters() const {
  std::vector<torch::Tensor> out;
  for (const auto& [_, p] : pairs_) {
    out.push_back(p.a);
    out.push_back(p.b);
  }
  return out;
}

std::string Lora::peft_key(const std::string& module, char which) { return "base_model.model." + module + ".lora_" + std::string(1, which) + ".weight"; }

}  // namespace studio::engine

// ---- starting from a PEFT adapter ------------------------------------------

namespace studio::engine {

namespace {

studio::json::Value read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw EngineError(path + ": cannot open (is this a PEFT adapter folder?)");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  try {
    auto v = studio::json::parse(text.data(), text.size(), 16);
    if (v.kind != studio::json::Value::Kind::Object) throw EngineError(path + ": expected a JSON object");
    return v;
  } catch (const studio::json::ParseError& e) {
    throw EngineError(path + ": not valid JSON: " + e.what());
  }
}

}  // namespace

LoraConfig peft_lora_config(const std::string& dir) {
  using Kind = studio::json::Value::Kind;
  const std::string path = dir + "/adapter_config.json";
  const auto root = read_json_file(path);
  const auto& o = *root.object;
  auto get = [&](const char* k) -> const studio::json::Value* {
    auto it = o.find(k);
    return it == o.end() || it->second.kind == Kind::Null ? nullptr : &it->second;
  };
  if (auto* t = get("peft_type"); t && (t->kind != Kind::String || t->string != "LORA")) throw EngineError(path + ": peft_type is not LORA");
  LoraConfig c;
  auto* r = get("r");
  if (!r || r->kind != Kind::Number || !r->is_integer || r->integer <= 0) throw EngineError(path + ": r must be a positive integer");
  c.r = r->integer;
  auto* alpha = get("lora_alpha");
  c.alpha = alpha && alpha->kind == Kind::Number ? alpha->number : 8.0;  // PEFT's default lora_alpha
  if (auto* rs = get("use_rslora")) c.rslora = rs->kind == Kind::Bool && rs->boolean;
  if (auto* d = get("lora_dropout"); d && d->kind == Kind::Number) c.dropout = d->number;
  // Per-module ranks/alphas, layer subsets and DoRA change the arithmetic: refuse rather than misload.
  for (const char* k : {"rank_pattern", "alpha_pattern"})
    if (auto* p = get(k); p && !(p->kind == Kind::Object && p->object->empty())) throw EngineError(path + ": " + k + " is not supported");
  if (get("layers_to_transform")) throw EngineError(path + ": layers_to_transform is not supported");
  if (auto* d = get("use_dora"); d && d->kind == Kind::Bool && d->boolean) throw EngineError(path + ": DoRA is not supported");
  auto* t = get("target_modules");
  if (!t || t->kind != Kind::Array || t->array->empty()) throw EngineError(path + ": target_modules must be a list of projection names");
  c.targets.clear();
  for (const auto& x : *t->array) {
    if (x.kind != Kind::String) throw EngineError(path + ": target_modules must be a list of projection names");
    c.targets.push_back(x.string);
  }
  return c;
}

namespace {
std::string shape_text(const std::vector<int64_t>& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); i++) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}
}  // namespace

void load_lora_weights(Lora& lora, const std::string& file) {
  std::unique_ptr<st::File> f;
  try {
    f = st::File::open(file);
  } catch (const std::exception& e) {
    throw EngineError(e.what());
  }
  torch::NoGradGuard no_grad;
  std::set<std::string> used;
  for (auto& [module, p] : lora.pairs()) {
    for (char which : {'A', 'B'}) {
      const std::string key = Lora::peft_key(module, which);
      const auto* info = f->find(key);
      if (!info) throw EngineError(file + ": tensor " + key + " is missing (the adapter does not train " + module + " with these LoRA targets)");
      torch::Tensor& into = which == 'A' ? p.a : p.b;
      if (info->shape != into.sizes().vec())
        throw EngineError(file + ": tensor " + key + " has shape " + shape_text(info->shape) + ", this LoRA (r = " + std::to_string(lora.config().r) + ") needs " +
                          shape_text(into.sizes().vec()));
      torch::ScalarType dt;
      switch (info->dtype) {
        case st::DType::F32:
          dt = torch::kFloat32;
          break;
        case st::DType::BF16:
          dt = torch::kBFloat16;
          break;
        case st::DType::F16:
          dt = torch::kFloat16;
          break;
        default:
          throw EngineError(file + ": tensor " + key + " has dtype " + std::string(st::dtype_name(info->dtype)) + "; an adapter's weights are floating point");
      }
      // bf16/fp16 adapters are widened to the LoRA's fp32.
      into.copy_(torch::from_blob(const_cast<uint8_t*>(f->data(*info)), info->shape, dt));
      used.insert(key);
    }
  }
  // A tensor this LoRA has no module for means the adapter and the settings disagree.
  for (const auto& t : f->header().tensors)
    if (!used.count(t.name))
      throw EngineError(file + ": tensor " + t.name + " is not one of the configured LoRA targets (only LoRA A/B of the text decoder's projections can be loaded)");
}

void load_peft_adapter(Lora& lora, const std::string& dir) { load_lora_weights(lora, dir + "/adapter_model.safetensors"); }

}  // namespace studio::engine
