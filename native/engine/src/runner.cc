// studio_engine_run: the engine without Node, for headless and GPU machines
// and for benchmarks. Loads a model folder, builds a synthetic game-agent
// batch (256×256 frames and text), and times forward passes and LoRA
// training steps. Prints one JSON line.
//   studio_engine_run MODEL_DIR [--dtype float32|bfloat16] [--device cpu|cuda] [--quant none|nf4|nf4-dq]
//                     [--tokens N] [--images K] [--batch B] [--iters I] [--train] [--rank R] [--checkpointing]
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include "model.h"
#include "trainer.h"

using namespace studio::engine;

namespace {

long peak_rss_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

// Text tokens around K images of g×g patches; positions as the rope index gives them.
Batch synthetic(const ModelConfig& c, int64_t batch, int64_t text_tokens, int64_t images, int64_t grid) {
  const int64_t per_image = grid * grid / (c.vision.merge * c.vision.merge);
  const int64_t S = text_tokens + images * per_image;
  auto ids = torch::randint(0, std::min<int64_t>(c.text.vocab, c.image_token_id), {batch, S});
  auto pos = torch::zeros({3, batch, S}, torch::kInt64);
  const int64_t text_between = images ? text_tokens / (images + 1) : text_tokens;
  for (int64_t b = 0; b < batch; b++) {
    int64_t at = 0, next = 0;
    for (int64_t k = 0; k <= images; k++) {
      const int64_t n = k < images ? text_between : S - at;
      for (int64_t i = 0; i < n && at < S; i++, at++)
        for (int a = 0; a < 3; a++) pos[a][b][at] = next + i;
      next += n;
      if (k == images) break;
      const int64_t m = grid / c.vision.merge;
      for (int64_t j = 0; j < per_image; j++, at++) {
        ids[b][at] = c.image_token_id;
        pos[0][b][at] = next;
        pos[1][b][at] = next + j / m;
        pos[2][b][at] = next + j % m;
      }
      next += m;
    }
  }
  Batch out;
  out.input_ids = ids;
  out.attention_mask = torch::ones({batch, S}, torch::kInt64);
  out.position_ids = pos;
  out.labels = ids.clone().masked_fill(ids.eq(c.image_token_id), -100);
  const int64_t patch_dim = c.vision.in_channels * c.vision.temporal_patch * c.vision.patch * c.vision.patch;
  if (images) {
    out.pixel_values = torch::randn({batch * images * grid * grid, patch_dim});
    for (int64_t i = 0; i < batch * images; i++) out.image_grids.push_back({1, grid, grid});
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help")) {
    std::fprintf(stderr, "usage: %s MODEL_DIR [--dtype float32|bfloat16] [--device cpu|cuda] [--quant none|nf4|nf4-dq] [--tokens N] [--images K] [--batch B] [--iters I] [--train] [--rank R] [--checkpointing]\n", argv[0]);
    return 2;
  }
  LoadOptions opts;
  int64_t tokens = 1024, images = 4, batch = 1, iters = 3, rank = 32;
  bool train = false, checkpointing = false;
  std::string dtype = "float32", device = "cpu";
  for (int i = 2; i < argc; i++) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--dtype") dtype = next();
    else if (a == "--device") device = next();
    else if (a == "--quant") opts.quant = next();
    else if (a == "--tokens") tokens = std::stoll(next());
    else if (a == "--images") images = std::stoll(next());
    else if (a == "--batch") batch = std::stoll(next());
    else if (a == "--iters") iters = std::stoll(next());
    else if (a == "--rank") rank = std::stoll(next());
    else if (a == "--train") train = true;
    else if (a == "--checkpointing") checkpointing = true;
    else {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      return 2;
    }
  }
  try {
    opts.dtype = dtype == "bfloat16" ? torch::kBFloat16 : dtype == "float16" ? torch::kFloat16 : torch::kFloat32;
    opts.device = torch::Device(device);
    torch::manual_seed(0);
    auto t0 = std::chrono::steady_clock::now();
    std::shared_ptr<Qwen3VL> model = Qwen3VL::load(argv[1], opts);
    const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    auto b = synthetic(model->config(), batch, tokens, images, 16);
    const int64_t S = b.input_ids.size(1);
    auto sync = [&]() {
      if (opts.device.is_cuda()) torch::cuda::synchronize();
    };
    double fwd_ms = 0, step_ms = 0;
    {
      torch::NoGradGuard no_grad;
      model->forward(b);  // warm-up
      sync();
      auto s = std::chrono::steady_clock::now();
      for (int64_t i = 0; i < iters; i++) model->forward(b);
      sync();
      fwd_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count() / iters;
    }
    if (train) {
      LoraConfig lc;
      lc.r = rank;
      lc.alpha = rank;
      OptimConfig oc;
      oc.total_steps = iters + 1;
      Trainer t(model, lc, oc);
      t.set_gradient_checkpointing(checkpointing);
      t.step({b});
      sync();
      auto s = std::chrono::steady_clock::now();
      for (int64_t i = 0; i < iters; i++) t.step({b});
      sync();
      step_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count() / iters;
    }
    const double toks = static_cast<double>(batch * S);
    std::printf("{\"model\":\"%s\",\"dtype\":\"%s\",\"device\":\"%s\",\"quant\":\"%s\",\"checkpointing\":%s,\"batch\":%lld,\"seq\":%lld,\"images_per_sample\":%lld,\"parameters\":%zu,\"weight_bytes\":%zu,"
                "\"load_s\":%.2f,\"forward_ms\":%.1f,\"forward_tokens_per_s\":%.0f,\"train_step_ms\":%.1f,\"train_tokens_per_s\":%.0f,\"peak_rss_mb\":%.0f}\n",
                argv[1], dtype.c_str(), device.c_str(), opts.quant.c_str(), checkpointing ? "true" : "false", static_cast<long long>(batch), static_cast<long long>(S), static_cast<long long>(images), model->num_parameters(),
                model->weight_bytes(), load_s, fwd_ms, toks / (fwd_ms / 1000), step_ms, train ? toks / (step_ms / 1000) : 0.0, peak_rss_kb() / 1024.0);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
