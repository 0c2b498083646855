// LoRA adapters on the text decoder's linear layers, as PEFT defines them:
// y = W·x + (B·A·dropout(x))·scale with scale = alpha / r (or alpha / √r with
// rsLoRA), A initialised Kaiming-uniform (a = √5), B zero; only A and B train.
// Keys and shapes are PEFT's, so a saved adapter loads in PEFT and vLLM.
#pragma once
#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

#include "model.h"

namespace studio::engine {

struct LoraConfig {
  int64_t r = 32;
  double alpha = 32;
  bool rslora = false;
  double dropout = 0.0;
  std::vector<std::string> targets = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
  uint64_t seed = 0;
};

struct LoraPair {
  torch::Tensor a;  // [r, in], float32, requires grad
  torch::Tensor b;  // [out, r], float32, requires grad
};

class Lora : public LinearHook {
 public:
  Lora(const Qwen3VL& model, const LoraConfig& cfg);
  // base_out + scale·B·A·dropout(x) for adapted modules; base_out otherwise.
  torch::Tensor adapt(const std::string& module, const torch::Tensor& x, const torch::Tensor& base_out, bool training) const override;
  std::vector<torch::Tensor> parameters() const;
  const std::map<std::string, LoraPair>& pairs() const { return pairs_; }
  std::map<std::string, LoraPair>& pairs() { return pairs_; }
  const LoraConfig& config() const { return cfg_; }
  double scale() const { return scale_; }
  // PEFT's key for a module's A or B: base_model.model.<module>.lora_A.weight
  static std::string peft_key(const std::string& module, char which);

 private:
  LoraConfig cfg_;
  double scale_;
  std::map<std::string, LoraPair> pairs_;
};

// A PEFT adapter folder (adapter_config.json + adapter_model.safetensors) as a starting point:
// peft_lora_config reads r, lora_alpha, use_rslora, lora_dropout and target_modules (a list of
// projection names); load_peft_adapter copies every lora_A/lora_B weight into `lora`, whose
// adapted modules must be exactly the file's (shapes checked, any float dtype, converted to fp32).
LoraConfig peft_lora_config(const std::string& dir);
void load_peft_adapter(Lora& lora, const std::string& dir);
// The same from the safetensors file itself (a trainer starting from an adapter).
void load_lora_weights(Lora& lora, const std::string& file);

}  // namespace studio::engine
