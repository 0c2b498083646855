// Qwen3-VL's config.json as the engine needs it (text_config + vision_config).
// Unknown architectures and missing or nonsensical fields are errors naming the field.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace studio::engine {

class EngineError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TextConfig {
  int64_t hidden = 0, intermediate = 0, layers = 0, heads = 0, kv_heads = 0, head_dim = 0, vocab = 0;
  double rms_eps = 1e-6, rope_theta = 5000000;
  std::vector<int64_t> mrope_section;  // (t, h, w), sums to head_dim / 2
  bool attention_bias = false;
  std::string act = "silu";
};

struct VisionConfig {
  int64_t depth = 0, hidden = 0, intermediate = 0, heads = 0, in_channels = 3, patch = 16, merge = 2, temporal_patch = 2;
  int64_t out_hidden = 0, num_position_embeddings = 0;
  std::vector<int64_t> deepstack_indexes;
  std::string act = "gelu_pytorch_tanh";
};

struct ModelConfig {
  TextConfig text;
  VisionConfig vision;
  int64_t image_token_id = 0, video_token_id = 0, vision_start_token_id = 0;
  bool tie_word_embeddings = false;
};

// Reads <dir>/config.json; throws EngineError naming the file and field.
ModelConfig load_config(const std::string& dir);

}  // namespace studio::engine
