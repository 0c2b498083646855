// Text generation with a K/V cache: a batch of prompts (images included) is run
// once, then one token per row per step. Greedy or seeded sampling (temperature,
// top-p); a row ends at a stop id (EOS), and banned ids (image/video/vision
// placeholders: tokens that need pixels) are never emitted.
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "model.h"

namespace studio::engine {

struct GenerateOptions {
  int64_t max_new = 32;
  std::vector<int64_t> stop;    // a row ends after emitting one of these
  std::vector<int64_t> banned;  // never emitted (added to the model's own placeholder ids)
  double temperature = 0;       // 0: greedy (argmax)
  double top_p = 1;
  uint64_t seed = 0;            // sampling draws from a generator seeded with this
  std::vector<uint64_t> seeds;  // one per row: each row draws from its own generator, so a row's sample does not
                                // depend on which other rows share the batch (rollouts replay); empty: seed for all
  bool use_cache = true;        // false: the whole sequence is re-run per token (the reference for tests)
  int64_t pad_id = 0;
};

// The ids a model must never sample: its image, video and vision start/end placeholders.
std::vector<int64_t> placeholder_ids(const ModelConfig& cfg);

// prompts: [B, S] with attention_mask 0 on padding (either side) and position_ids [3, B, S] from the
// rope index (or none: 0..S-1). Returns each row's new tokens (its stop id included when one ended it).
std::vector<std::vector<int64_t>> generate(const Qwen3VL& model, const Batch& prompts, const LinearHook* hook, const GenerateOptions& opts);

}  // namespace studio::engine
