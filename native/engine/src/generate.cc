#include "generate.h"

#include <algorithm>
#include <limits>

namespace studio::engine {

namespace {

using torch::Tensor;

// The batch with every row's real tokens moved to the right end (left padding), so the last
// column is each row's last prompt token and new tokens line up in one column per step.
Batch left_padded(const Batch& in, int64_t pad_id) {
  Batch b = in;
  const int64_t B = in.input_ids.size(0), S = in.input_ids.size(1);
  auto ids = in.input_ids.to(torch::kCPU, torch::kInt64).contiguous();
  auto mask = in.attention_mask.defined() ? in.attention_mask.to(torch::kCPU, torch::kInt64).contiguous() : torch::ones({B, S}, torch::kInt64);
  auto pos = in.position_ids.defined() ? in.position_ids.to(torch::kCPU, torch::kInt64).contiguous() : torch::arange(S).view({1, 1, S}).expand({3, B, S}).contiguous();
  auto out_ids = torch::full({B, S}, pad_id, torch::kInt64), out_mask = torch::zeros({B, S}, torch::kInt64), out_pos = torch::zeros({3, B, S}, torch::kInt64);
  for (int64_t r = 0; r < B; r++) {
    auto real = mask[r].ne(0).nonzero().flatten();
    const int64_t n = real.numel();
    if (n == 0) throw EngineError("a prompt of the batch has no tokens");
    out_ids[r].slice(0, S - n).copy_(ids[r].index_select(0, real));
    out_mask[r].slice(0, S - n).copy_(mask[r].index_select(0, real));
    for (int a = 0; a < 3; a++) out_pos[a][r].slice(0, S - n).copy_(pos[a][r].index_select(0, real));
  }
  b.input_ids = out_ids;
  b.attention_mask = out_mask;
  b.position_ids = out_pos;
  b.labels = Tensor();
  return b;
}

int64_t choose(const Tensor& logits_row, const GenerateOptions& o, torch::Generator& gen) {
  if (o.temperature <= 0) return logits_row.argmax(-1).item<int64_t>();
  auto probs = torch::softmax(logits_row.to(torch::kFloat64) / o.temperature, -1);
  if (o.top_p < 1) {
    // Nucleus: the smallest set of most likely tokens whose mass reaches top_p (the first always kept).
    auto [sorted, order] = probs.sort(-1, true);
    auto before = sorted.cumsum(-1) - sorted;
    sorted.masked_fill_(before.ge(o.top_p), 0);
    probs = torch::zeros_like(probs).scatter_(0, order, sorted);
  }
  return torch::multinomial(probs, 1, false, gen).item<int64_t>();
}

}  // namespace

std::vector<int64_t> placeholder_ids(const ModelConfig& cfg) {
  std::vector<int64_t> ids{cfg.image_token_id, cfg.video_token_id, cfg.vision_start_token_id};
  // Qwen's vision_end follows vision_start; neither may appear without pixels around it.
  if (cfg.vision_start_token_id > 0) ids.push_back(cfg.vision_start_token_id + 1);
  ids.erase(std::remove_if(ids.begin(), ids.end(), [](int64_t x) { return x <= 0; }), ids.end());
  return ids;
}

std::vector<std::vector<int64_t>> generate(const Qwen3VL& model, const Batch& prompts, const LinearHook* hook, const GenerateOptions& o) {
  if (!prompts.input_ids.defined() || prompts.input_ids.dim() != 2) throw EngineError("generate needs input_ids [batch, sequence]");
  torch::NoGradGuard no_grad;
  const auto& cfg = model.config();
  Batch b = left_padded(prompts, o.pad_id);
  const int64_t B = b.input_ids.size(0);
  std::vector<int64_t> banned = placeholder_ids(cfg);
  for (auto id : o.banned)
    if (id >= 0 && id < cfg.text.vocab) banned.push_back(id);
  auto ban = torch::zeros({cfg.text.vocab}, torch::kBool);
  for (auto id : banned) ban[id] = true;
  ban = ban.to(model.device());
  if (!o.seeds.empty() && static_cast<int64_t>(o.seeds.size()) != B) throw EngineError("generate: seeds must hold one seed per prompt row");
  std::vector<torch::Generator> gens;
  if (o.seeds.empty()) gens.push_back(at::detail::createCPUGenerator(o.seed));
  for (auto s : o.seeds) gens.push_back(at::detail::createCPUGenerator(s));
  // Text after the prompt continues from each row's largest position, on all three axes.
  auto next_pos = std::get<0>(std::get<0>(b.position_ids.max(0)).max(1)) + 1;  // [B]
  std::vector<std::vector<int64_t>> out(B);
  std::vector<bool> done(B, false);
  KVCache cache;
  Batch step = b;  // without the cache: the whole sequence so far
  for (int64_t i = 0; i < o.max_new; i++) {
    Tensor logits;
    if (o.use_cache) {
      logits = model.forward_cached(i == 0 ? b : step, hook, cache);
    } else {
      auto full = model.forward(step, hook, false).logits;
      logits = full.select(1, full.size(1) - 1).to(torch::kFloat32);
    }
    logits = logits.masked_fill(ban.unsqueeze(0), -std::numeric_limits<float>::infinity()).to(torch::kCPU);
    auto ids = torch::full({B, 1}, o.pad_id, torch::kInt64), real = torch::zeros({B, 1}, torch::kInt64);
    for (int64_t r = 0; r < B; r++) {
      if (done[r]) continue;
      const int64_t next = choose(logits[r], o, gens[o.seeds.empty() ? 0 : r]);
      out[r].push_back(next);
      ids[r][0] = next;
      real[r][0] = 1;
      if (std::find(o.stop.begin(), o.stop.end(), next) != o.stop.end()) done[r] = true;
    }
    if (std::all_of(done.begin(), done.end(), [](bool d) { return d; }) || i + 1 == o.max_new) break;
    auto pos = (next_pos + i).view({1, B, 1}).expand({3, B, 1}).clone();
    if (o.use_cache) {
      step = Batch{};
      step.input_ids = ids;
      step.attention_mask = real;
      step.position_ids = pos;
    } else {
      step.input_ids = torch::cat({step.input_ids.to(torch::kCPU), ids}, 1);
      step.attention_mask = torch::cat({step.attention_mask.to(torch::kCPU), real}, 1);
      step.position_ids = torch::cat({step.position_ids.to(torch::kCPU), pos}, 2);
    }
  }
  return out;
}

}  // namespace studio::engine
