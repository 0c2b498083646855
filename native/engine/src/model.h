// Qwen3-VL on libtorch, module by module as transformers defines it: vision
// tower (patch embedding, interpolated learned positions, 2-D rotary, blocks,
// patch merger, deepstack mergers) and text decoder (RMSNorm, q/k-normed GQA
// attention with interleaved multimodal RoPE, SwiGLU, deepstack injection).
// Weights are plain tensors keyed by their checkpoint names, so LoRA and
// quantised variants can wrap the same forward.
#pragma once
#include <torch/torch.h>

#include <array>
#include <map>
#include <string>
#include <vector>

#include "config.h"
#include "nf4.h"

namespace studio::engine {

struct LoadOptions {
  torch::ScalarType dtype = torch::kFloat32;
  torch::Device device = torch::kCPU;
  // none | nf4 | nf4-dq: the text decoder's projections stored 4-bit (QLoRA), optionally with double quantisation.
  std::string quant = "none";
};

// Inputs for one forward pass; token tensors are [B, S], positions [3, B, S].
struct Batch {
  torch::Tensor input_ids;  // int64
  // int64: 0 = padding; other values are segment ids: a token sees earlier tokens of its own segment
  // only, so several samples packed into one row do not attend to each other (1 everywhere = one sample).
  torch::Tensor attention_mask;
  torch::Tensor position_ids;                       // int64, from the rope-index computation
  torch::Tensor pixel_values;                       // [patches, C·T·P·P] float, may be undefined
  std::vector<std::array<int64_t, 3>> image_grids;  // (t, h, w) per image
  torch::Tensor labels;                             // int64, -100 = ignored; may be undefined
};

// Adds to the text decoder's projections (LoRA): given the module (checkpoint
// path without ".weight", e.g. model.language_model.layers.3.mlp.up_proj), its
// input and the frozen layer's output, returns the adapted output.
class LinearHook {
 public:
  virtual ~LinearHook() = default;
  virtual torch::Tensor adapt(const std::string& module, const torch::Tensor& x, const torch::Tensor& base_out, bool training) const = 0;
};

struct Output {
  torch::Tensor logits;  // [B, S, V] in the model dtype
  torch::Tensor loss;    // scalar float32, undefined without labels
};

// Keys and values of every decoder layer so far (after RoPE, before the GQA repeat), for generation.
struct KVCache {
  std::vector<torch::Tensor> k, v;  // per layer [B, kv_heads, T, head_dim]
  torch::Tensor keys;               // [B, T] bool: the key is a real token (not padding)
  int64_t length() const { return keys.defined() ? keys.size(1) : 0; }
};

class Qwen3VL {
 public:
  // Loads config.json and every tensor (sharded via the index) from a Hugging Face folder.
  static std::unique_ptr<Qwen3VL> load(const std::string& dir, const LoadOptions& opts);

  const ModelConfig& config() const { return cfg_; }
  Output forward(const Batch& batch, const LinearHook* hook = nullptr, bool training = false) const;
  // Gradient checkpointing: a forward without the autograd graph keeping only each decoder layer's
  // input, then the backward recomputes one layer at a time (dropout replayed from the saved
  // generator state). The gradients reaching the hook's parameters are those of
  // (summed loss × scale).backward(); returns the summed loss and its target-token count.
  std::pair<double, int64_t> forward_backward_checkpointed(const Batch& batch, const LinearHook* hook, double scale) const;
  // The summed next-token cross-entropy and its target count (training and evaluation): only the
  // target positions go through the final norm and the lm_head, in chunks; no [B, S, V] logits.
  std::pair<torch::Tensor, int64_t> forward_loss(const Batch& batch, const LinearHook* hook, bool training) const;
  // One generation step with a K/V cache (no autograd): the first call (empty cache) runs the prompt,
  // images included; later calls take only the new tokens (text, positions [3, B, n], attention_mask
  // 0 where a row's token is padding). Returns the last position's logits [B, V] in float32.
  torch::Tensor forward_cached(const Batch& batch, const LinearHook* hook, KVCache& cache) const;

  // Pieces, exposed for tests against their definitions.
  std::pair<torch::Tensor, std::vector<torch::Tensor>> vision(const torch::Tensor& pixels, const std::vector<std::array<int64_t, 3>>& grids) const;
  torch::Tensor vision_position_embeddings(const std::vector<std::array<int64_t, 3>>& grids) const;
  torch::Tensor vision_rotary(const std::vector<std::array<int64_t, 3>>& grids) const;
  std::pair<torch::Tensor, torch::Tensor> text_rope(const torch::Tensor& position_ids) const;

  const torch::Tensor& weight(const std::string& name) const;
  // (out, in) of a projection, quantised or not.
  std::pair<int64_t, int64_t> linear_shape(const std::string& module) const;
  torch::Device device() const { return opts_.device; }
  size_t num_parameters() const;
  size_t weight_bytes() const;

 private:
  ModelConfig cfg_;
  LoadOptions opts_;
  std::map<std::string, torch::Tensor> w_;
  std::map<std::string, Nf4Weight> q_;  // keyed like w_ (…proj.weight)
  torch::Tensor merger(const std::string& prefix, const torch::Tensor& x, bool postshuffle) const;
  torch::Tensor vision_block(int i, const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin, const std::vector<int64_t>& lengths) const;
  struct Prepared {
    torch::Tensor x, cos, sin, mask, image_mask;
    std::vector<torch::Tensor> deep;
  };
  // Embeddings with the image features in place, rotary tables and the attention mask.
  Prepared prepare(const Batch& b) const;
  // Decoder layer i plus its deepstack injection.
  torch::Tensor layer_step(int64_t i, const torch::Tensor& x, const Prepared& p, const LinearHook* hook, bool training) const;
  torch::Tensor head(const torch::Tensor& x) const;
  // Summed loss from the last decoder layer's output x [B, S, H] (before the final norm).
  std::pair<torch::Tensor, int64_t> loss_from_hidden(const torch::Tensor& x, const torch::Tensor& labels) const;
  // cache: this call's keys/values are appended to layer i's and attention runs over all of them.
  torch::Tensor decoder_layer(int i, const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin, const torch::Tensor& mask, const LinearHook* hook, bool training,
                              KVCache* cache = nullptr) const;
};

// Mean cross-entropy over labels != -100 after the one-token shift, in float32.
torch::Tensor causal_lm_loss(const torch::Tensor& logits, const torch::Tensor& labels);
// The summed cross-entropy and the number of target tokens (for averaging over an accumulated batch).
std::pair<torch::Tensor, int64_t> causal_lm_loss_sum(const torch::Tensor& logits, const torch::Tensor& labels);
// Σ cross-entropy(h·wᵀ, targets) for h [N, H], w [V, H] (frozen), targets [N] (all valid), float32, in row
// chunks: differentiable w.r.t. h without ever holding [N, V] logits.
torch::Tensor linear_cross_entropy_sum(const torch::Tensor& h, const torch::Tensor& w, const torch::Tensor& targets);

}  // namespace studio::engine
