#include "lora.h"

#include <cmath>

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
  auto delta = torch::linear(torch::linear(h, it->second.a), it->second.b) * scale_;
  return y + delta.to(y.scalar_type());
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
