// studio_engine_run: the engine without Node, for headless and GPU machines
// and for benchmarks. Three modes:
//   studio_engine_run MODEL_DIR [--dtype float32|bfloat16] [--device cpu|cuda] [--quant none|nf4|nf4-dq]
//                     [--tokens N] [--images K] [--batch B] [--iters I] [--train] [--rank R] [--checkpointing]
//     builds a synthetic game-agent batch (256×256 frames and text), times forward passes and LoRA
//     training steps, prints one JSON line.
//   studio_engine_run parity --model DIR --inputs FILE [--adapter PEFT_DIR] [--dtype D] [--device X] [--checkpointing] --out FILE
//     one forward (+ backward with an adapter) of the batch in FILE (safetensors: input_ids, labels,
//     attention_mask, position_ids [3,B,S], pixel_values, image_grid_thw); writes logits, loss and each
//     LoRA gradient as grad.<PEFT key> (float32; loss float64) for comparison with transformers + PEFT.
//   studio_engine_run train-loop --model DIR --inputs FILE [--rank R] [--alpha A] [--dtype D] [--device X] [--quant Q] [--checkpointing]
//     loads once, then for each stdin line "steps N" runs N LoRA training steps on that batch and prints
//     one JSON line (each step's milliseconds, loss, peak memory); a harness interleaves it with another.
//     "reset-peak" clears the peak RSS (and device peaks) so they measure the steps, not the load.
//     STUDIO_ENGINE_PROFILE=FILE writes each step's operators (forward and backward) to FILE as a Chrome
//     trace (torch's autograd profiler; slows the step a little): where a train step's time goes.
//   studio_engine_run generate --model DIR --inputs FILE [--adapter PEFT_DIR] [--dtype D] [--device X] [--max-new N] [--stop ID,ID] [--pad ID] --out FILE
//     greedy continuation of the prompt batch in FILE with the K/V cache (the engine policy's generate);
//     writes tokens int64 [B, N] (-1 after a row's end) and prints each row's tokens as JSON.
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>

#include <torch/csrc/autograd/profiler_legacy.h>

#include "../../src/core/safetensors.h"
#include "generate.h"
#include "lora.h"
#include "model.h"
#include "trainer.h"

// Peak device memory needs the caching allocator's statistics: through c10::DeviceAllocator (newer
// torch, no CUDA headers needed) or CUDACachingAllocator (needs CUDA's headers). test/gpu/build_runner.sh
// probes which one compiles and defines it; other builds report -1.
#if defined(STUDIO_HAVE_DEVICE_ALLOCATOR)
#include <c10/core/CachingDeviceAllocator.h>
#define STUDIO_DEVICE_STATS 1
#elif defined(STUDIO_HAVE_CUDA_ALLOCATOR)
#include <c10/cuda/CUDACachingAllocator.h>
#define STUDIO_DEVICE_STATS 2
#endif

using namespace studio::engine;
namespace st = studio::st;

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

// Peak bytes the device's caching allocator handed out / reserved since the process started (-1: unknown).
std::pair<double, double> device_peak_mb(const torch::Device& d) {
  if (!d.is_cuda()) return {-1, -1};
  const auto idx = d.has_index() ? d.index() : static_cast<c10::DeviceIndex>(0);
#if STUDIO_DEVICE_STATS == 1
  auto s = c10::getDeviceAllocator(c10::DeviceType::CUDA)->getDeviceStats(idx);
#elif STUDIO_DEVICE_STATS == 2
  auto s = c10::cuda::CUDACachingAllocator::getDeviceStats(idx);
#endif
#ifdef STUDIO_DEVICE_STATS
  // Index 0 is the aggregate over all pools.
  return {s.allocated_bytes[0].peak / 1048576.0, s.reserved_bytes[0].peak / 1048576.0};
#else
  (void)idx;
  return {-1, -1};
#endif
}

long current_rss_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

// Linux: writing 5 to clear_refs resets VmHWM to the current RSS; the device allocator's peaks too.
void reset_peaks(const torch::Device& d) {
  std::ofstream("/proc/self/clear_refs") << "5";
  if (!d.is_cuda()) return;
  const auto idx = d.has_index() ? d.index() : static_cast<c10::DeviceIndex>(0);
#if STUDIO_DEVICE_STATS == 1
  c10::getDeviceAllocator(c10::DeviceType::CUDA)->resetPeakStats(idx);
#elif STUDIO_DEVICE_STATS == 2
  c10::cuda::CUDACachingAllocator::resetPeakStats(idx);
#else
  (void)idx;
#endif
}

torch::ScalarType scalar_of(st::DType d, const std::string& what) {
  switch (d) {
    case st::DType::F32:
      return torch::kFloat32;
    case st::DType::F16:
      return torch::kFloat16;
    case st::DType::BF16:
      return torch::kBFloat16;
    case st::DType::F64:
      return torch::kFloat64;
    case st::DType::I64:
      return torch::kInt64;
    case st::DType::I32:
      return torch::kInt32;
    default:
      throw EngineError(what + ": dtype " + st::dtype_name(d) + " is not supported here");
  }
}

// A batch as the Python side writes it: input_ids [B,S] and, each optional, attention_mask,
// labels, position_ids [3,B,S], pixel_values [patches, C·T·P·P], image_grid_thw [images, 3].
Batch read_batch(const std::string& path) {
  auto f = st::File::open(path);
  auto get = [&](const std::string& key, bool required) -> torch::Tensor {
    const auto* info = f->find(key);
    if (!info) {
      if (required) throw EngineError(path + ": tensor " + key + " is missing");
      return torch::Tensor();
    }
    return torch::from_blob(const_cast<uint8_t*>(f->data(*info)), info->shape, scalar_of(info->dtype, path + ": " + key)).clone();
  };
  Batch b;
  b.input_ids = get("input_ids", true).to(torch::kInt64);
  if (b.input_ids.dim() != 2) throw EngineError(path + ": input_ids must be [batch, sequence]");
  auto ints = [](torch::Tensor t) { return t.defined() ? t.to(torch::kInt64) : t; };
  b.attention_mask = ints(get("attention_mask", false));
  b.labels = ints(get("labels", false));
  b.position_ids = ints(get("position_ids", false));
  auto px = get("pixel_values", false);
  auto grids = ints(get("image_grid_thw", false));
  if (px.defined() != grids.defined()) throw EngineError(path + ": pixel_values and image_grid_thw come together");
  if (px.defined()) {
    b.pixel_values = px.to(torch::kFloat32);
    if (grids.dim() != 2 || grids.size(1) != 3) throw EngineError(path + ": image_grid_thw must be [images, 3]");
    for (int64_t i = 0; i < grids.size(0); i++) b.image_grids.push_back({grids[i][0].item<int64_t>(), grids[i][1].item<int64_t>(), grids[i][2].item<int64_t>()});
  }
  return b;
}

// --name value options after the mode word.
std::map<std::string, std::string> parse_options(int argc, char** argv, int from, const std::set<std::string>& flags) {
  std::map<std::string, std::string> o;
  for (int i = from; i < argc; i++) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0) throw EngineError("unexpected argument " + a);
    a = a.substr(2);
    if (flags.count(a)) {
      o[a] = "1";
      continue;
    }
    if (i + 1 >= argc) throw EngineError("--" + a + " needs a value");
    o[a] = argv[++i];
  }
  return o;
}

std::string opt(const std::map<std::string, std::string>& o, const std::string& k, const std::string& fallback) {
  auto it = o.find(k);
  return it == o.end() ? fallback : it->second;
}

std::string need(const std::map<std::string, std::string>& o, const std::string& k) {
  auto it = o.find(k);
  if (it == o.end()) throw EngineError("--" + k + " is required");
  return it->second;
}

torch::ScalarType parse_dtype(const std::string& s) {
  if (s == "float32") return torch::kFloat32;
  if (s == "bfloat16") return torch::kBFloat16;
  if (s == "float16") return torch::kFloat16;
  throw EngineError("--dtype must be float32, bfloat16 or float16, got " + s);
}

void sync(const torch::Device& d) {
  if (d.is_cuda()) torch::cuda::synchronize();
}

// The model of --model and, with --adapter, that PEFT adapter's LoRA on it (dropout off: the outputs are
// compared with a deterministic reference).
struct WithAdapter {
  std::shared_ptr<Qwen3VL> model;
  std::unique_ptr<Lora> lora;
};

WithAdapter load_with_adapter(const std::map<std::string, std::string>& o, const LoadOptions& lo) {
  WithAdapter w{Qwen3VL::load(need(o, "model"), lo), nullptr};
  if (o.count("adapter")) {
    LoraConfig lc = peft_lora_config(o.at("adapter"));
    lc.dropout = 0;
    w.lora = std::make_unique<Lora>(*w.model, lc);
    load_peft_adapter(*w.lora, o.at("adapter"));
  }
  return w;
}

int parity(int argc, char** argv) {
  const auto o = parse_options(argc, argv, 2, {"checkpointing"});
  LoadOptions lo;
  lo.dtype = parse_dtype(opt(o, "dtype", "float32"));
  lo.device = torch::Device(opt(o, "device", "cpu"));
  const std::string out_path = need(o, "out");
  Batch b = read_batch(need(o, "inputs"));
  if (o.count("adapter") && !b.labels.defined()) throw EngineError("gradients need labels in the inputs file");
  auto [model, lora] = load_with_adapter(o, lo);
  torch::Tensor logits, loss;
  int64_t targets = 0;
  if (lora && o.count("checkpointing")) {
    {
      torch::NoGradGuard no_grad;
      logits = model->forward(b, lora.get(), false).logits;
    }
    auto shifted = torch::constant_pad_nd(b.labels, {0, 1}, -100).slice(1, 1);
    targets = shifted.ne(-100).sum().item<int64_t>();
    auto [sum, n] = model->forward_backward_checkpointed(b, lora.get(), 1.0 / static_cast<double>(targets));
    loss = torch::full({1}, sum / static_cast<double>(n), torch::kFloat64);
  } else if (lora) {
    // Gradients through the training path (target rows only, chunked head); logits from a plain forward.
    {
      torch::NoGradGuard no_grad;
      logits = model->forward(b, lora.get(), false).logits;
    }
    auto [sum, n] = model->forward_loss(b, lora.get(), true);
    targets = n;
    (sum / static_cast<double>(n)).backward();
    loss = (sum.detach() / static_cast<double>(n)).to(torch::kCPU, torch::kFloat64).reshape({1});
  } else {
    torch::NoGradGuard no_grad;
    auto out = model->forward(b, nullptr, false);
    logits = out.logits;
    if (b.labels.defined()) {
      auto [sum, n] = causal_lm_loss_sum(out.logits, b.labels.to(lo.device));
      targets = n;
      loss = (sum / static_cast<double>(n)).to(torch::kCPU, torch::kFloat64).reshape({1});
    }
  }
  sync(lo.device);
  std::vector<std::pair<std::string, torch::Tensor>> tensors = {{"logits", logits.to(torch::kCPU, torch::kFloat32).contiguous()}};
  if (loss.defined()) tensors.push_back({"loss", loss.to(torch::kCPU, torch::kFloat64).contiguous()});
  if (lora)
    for (const auto& [module, p] : lora->pairs())
      for (char which : {'A', 'B'}) {
        const auto& t = which == 'A' ? p.a : p.b;
        if (!t.grad().defined()) throw EngineError("no gradient reached " + Lora::peft_key(module, which));
        tensors.push_back({"grad." + Lora::peft_key(module, which), t.grad().to(torch::kCPU, torch::kFloat32).contiguous()});
      }
  std::vector<st::TensorSpec> specs;
  for (const auto& [name, t] : tensors) specs.push_back({name, t.scalar_type() == torch::kFloat64 ? st::DType::F64 : st::DType::F32, t.sizes().vec()});
  st::Writer w(out_path, specs, {{"dtype", opt(o, "dtype", "float32")}, {"device", opt(o, "device", "cpu")}, {"targets", std::to_string(targets)}, {"torch", TORCH_VERSION}});
  for (const auto& [_, t] : tensors) w.write(static_cast<const uint8_t*>(t.data_ptr()), t.numel() * t.element_size());
  w.finish();
  std::printf("{\"out\":\"%s\",\"loss\":%.9g,\"targets\":%lld,\"gradients\":%zu}\n", out_path.c_str(), loss.defined() ? loss.item<double>() : std::nan(""),
              static_cast<long long>(targets), tensors.size() - (loss.defined() ? 2 : 1));
  return 0;
}

// "151645,151643" -> ids.
std::vector<int64_t> id_list(const std::string& s) {
  std::vector<int64_t> ids;
  size_t at = 0;
  while (at < s.size()) {
    const size_t comma = s.find(',', at);
    const std::string part = s.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    if (!part.empty()) ids.push_back(std::stoll(part));
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return ids;
}

int generate_mode(int argc, char** argv) {
  const auto o = parse_options(argc, argv, 2, {});
  LoadOptions lo;
  lo.dtype = parse_dtype(opt(o, "dtype", "float32"));
  lo.device = torch::Device(opt(o, "device", "cpu"));
  const std::string out_path = need(o, "out");
  Batch b = read_batch(need(o, "inputs"));
  auto [model, lora] = load_with_adapter(o, lo);
  GenerateOptions g;
  g.max_new = std::stoll(opt(o, "max-new", "16"));
  g.stop = id_list(opt(o, "stop", ""));
  g.pad_id = std::stoll(opt(o, "pad", "0"));
  const auto rows = generate(*model, b, lora.get(), g);
  sync(lo.device);
  auto tokens = torch::full({static_cast<int64_t>(rows.size()), g.max_new}, -1, torch::kInt64);
  std::string json = "[";
  for (size_t r = 0; r < rows.size(); r++) {
    json += r ? ",[" : "[";
    for (size_t i = 0; i < rows[r].size(); i++) {
      tokens[static_cast<int64_t>(r)][static_cast<int64_t>(i)] = rows[r][i];
      json += (i ? "," : "") + std::to_string(rows[r][i]);
    }
    json += "]";
  }
  json += "]";
  st::Writer w(out_path, {{"tokens", st::DType::I64, tokens.sizes().vec()}},
               {{"dtype", opt(o, "dtype", "float32")}, {"device", opt(o, "device", "cpu")}, {"torch", TORCH_VERSION}});
  w.write(static_cast<const uint8_t*>(tokens.data_ptr()), tokens.numel() * tokens.element_size());
  w.finish();
  std::printf("{\"out\":\"%s\",\"tokens\":%s}\n", out_path.c_str(), json.c_str());
  return 0;
}

int train_loop(int argc, char** argv) {
  const auto o = parse_options(argc, argv, 2, {"checkpointing"});
  LoadOptions lo;
  lo.dtype = parse_dtype(opt(o, "dtype", "bfloat16"));
  lo.device = torch::Device(opt(o, "device", "cpu"));
  lo.quant = opt(o, "quant", "none");
  Batch b = read_batch(need(o, "inputs"));
  // On the device once, as a training loop's prefetched batch would be.
  for (auto* t : {&b.input_ids, &b.attention_mask, &b.position_ids, &b.labels, &b.pixel_values})
    if (t->defined()) *t = t->to(lo.device);
  auto t0 = std::chrono::steady_clock::now();
  std::shared_ptr<Qwen3VL> model = Qwen3VL::load(need(o, "model"), lo);
  sync(lo.device);
  const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  LoraConfig lc;
  lc.r = std::stoll(opt(o, "rank", "32"));
  lc.alpha = std::stod(opt(o, "alpha", opt(o, "rank", "32")));
  OptimConfig oc;
  oc.lr = std::stod(opt(o, "lr", "1e-4"));
  oc.total_steps = 1000000;  // a constant-ish schedule: timing only
  oc.schedule = "constant";
  Trainer t(model, lc, oc);
  t.set_gradient_checkpointing(o.count("checkpointing") > 0);
  std::printf("{\"ready\":true,\"load_s\":%.2f,\"seq\":%lld,\"batch\":%lld,\"parameters\":%zu,\"weight_bytes\":%zu,\"cuda_available\":%s}\n", load_s,
              static_cast<long long>(b.input_ids.size(1)), static_cast<long long>(b.input_ids.size(0)), model->num_parameters(), model->weight_bytes(),
              torch::cuda::is_available() ? "true" : "false");
  std::fflush(stdout);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    if (line == "reset-peak") {
      // The peak from here on: loading maps the checkpoint and copies it, which is not the step's memory.
      reset_peaks(lo.device);
      std::printf("{\"rss_mb\":%.0f}\n", current_rss_kb() / 1024.0);
      std::fflush(stdout);
      continue;
    }
    if (line.rfind("steps ", 0) != 0) throw EngineError("unknown command: " + line);
    const int64_t n = std::stoll(line.substr(6));
    std::string ms;
    double loss = 0;
    // STUDIO_ENGINE_PROFILE=FILE (a profiling switch, off by default): each step's operators, forward and
    // backward, go to FILE as a Chrome trace (torch's autograd profiler), for finding where a step's time goes.
    const char* profile = std::getenv("STUDIO_ENGINE_PROFILE");
    for (int64_t i = 0; i < n; i++) {
      std::unique_ptr<torch::autograd::profiler::RecordProfile> rec;
      if (profile && *profile) rec = std::make_unique<torch::autograd::profiler::RecordProfile>(std::string(profile));
      sync(lo.device);
      auto s = std::chrono::steady_clock::now();
      loss = t.step({b}).loss;  // reads the loss back: the step has finished on the device
      sync(lo.device);
      const double dt = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count();
      ms += (i ? "," : "") + std::to_string(dt);
    }
    const auto [alloc, reserved] = device_peak_mb(lo.device);
    std::printf("{\"step_ms\":[%s],\"loss\":%.6g,\"peak_allocated_mb\":%.0f,\"peak_reserved_mb\":%.0f,\"peak_rss_mb\":%.0f}\n", ms.c_str(), loss, alloc, reserved,
                peak_rss_kb() / 1024.0);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && (!std::strcmp(argv[1], "parity") || !std::strcmp(argv[1], "train-loop") || !std::strcmp(argv[1], "generate"))) {
    try {
      if (!std::strcmp(argv[1], "generate")) return generate_mode(argc, argv);
      return !std::strcmp(argv[1], "parity") ? parity(argc, argv) : train_loop(argc, argv);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "error: %s\n", e.what());
      return 1;
    }
  }
  if (argc < 2 || !std::strcmp(argv[1], "--help")) {
    std::fprintf(stderr, "usage: %s parity --model DIR --inputs FILE [--adapter PEFT_DIR] [--dtype D] [--device X] [--checkpointing] --out FILE\n", argv[0]);
    std::fprintf(stderr, "       %s generate --model DIR --inputs FILE [--adapter PEFT_DIR] [--dtype D] [--device X] [--max-new N] [--stop ID,ID] [--pad ID] --out FILE\n",
                 argv[0]);
    std::fprintf(stderr, "       %s train-loop --model DIR --inputs FILE [--rank R] [--alpha A] [--dtype D] [--device X] [--quant Q] [--checkpointing]   (stdin: steps N)\n",
                 argv[0]);
    std::fprintf(stderr,
                 "       %s MODEL_DIR [--dtype float32|bfloat16] [--device cpu|cuda] [--quant none|nf4|nf4-dq] [--tokens N] [--images K] [--batch B] [--iters I] [--train] [--rank "
                 "R] [--checkpointing]\n",
                 argv[0]);
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
    if (a == "--dtype")
      dtype = next();
    else if (a == "--device")
      device = next();
    else if (a == "--quant")
      opts.quant = next();
    else if (a == "--tokens")
      tokens = std::stoll(next());
    else if (a == "--images")
      images = std::stoll(next());
    else if (a == "--batch")
      batch = std::stoll(next());
    else if (a == "--iters")
      iters = std::stoll(next());
    else if (a == "--rank")
      rank = std::stoll(next());
    else if (a == "--train")
      train = true;
    else if (a == "--checkpointing")
      checkpointing = true;
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
    std::printf(
        "{\"model\":\"%s\",\"dtype\":\"%s\",\"device\":\"%s\",\"quant\":\"%s\",\"checkpointing\":%s,\"batch\":%lld,\"seq\":%lld,\"images_per_sample\":%lld,\"parameters\":%zu,"
        "\"weight_bytes\":%zu,"
        "\"load_s\":%.2f,\"forward_ms\":%.1f,\"forward_tokens_per_s\":%.0f,\"train_step_ms\":%.1f,\"train_tokens_per_s\":%.0f,\"peak_rss_mb\":%.0f}\n",
        argv[1], dtype.c_str(), device.c_str(), opts.quant.c_str(), checkpointing ? "true" : "false", static_cast<long long>(batch), static_cast<long long>(S),
        static_cast<long long>(images), model->num_parameters(), model->weight_bytes(), load_s, fwd_ms, toks / (fwd_ms / 1000), step_ms, train ? toks / (step_ms / 1000) : 0.0,
        peak_rss_kb() / 1024.0);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
