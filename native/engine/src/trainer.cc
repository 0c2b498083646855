#include "trainer.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "../../src/core/safetensors.h"

namespace studio::engine {

namespace {

constexpr int64_t kQ8Block = 2048;

Q8State q8_encode(const torch::Tensor& x, bool root) {
  auto f = x.detach().flatten().to(torch::kFloat32);
  if (root) f = f.clamp_min(0).sqrt();
  const int64_t n = f.numel(), padded = (n + kQ8Block - 1) / kQ8Block * kQ8Block;
  auto blocks = torch::constant_pad_nd(f, {0, padded - n}, 0).view({-1, kQ8Block});
  Q8State s;
  s.root = root;
  s.scales = blocks.abs().amax(1).clamp_min(1e-30);
  auto unit = blocks / s.scales.unsqueeze(1);
  auto codes = root ? torch::round(unit * 255).clamp(0, 255).to(torch::kUInt8) : torch::round(unit * 127).clamp(-127, 127).to(torch::kInt8);
  s.codes = codes.flatten().slice(0, 0, n).clone();  // the last block's padding is not kept
  return s;
}

torch::Tensor q8_decode(const Q8State& s, const torch::Tensor& like) {
  const int64_t n = s.codes.numel();
  auto codes = torch::constant_pad_nd(s.codes.to(torch::kFloat32), {0, s.scales.numel() * kQ8Block - n}, 0).view({-1, kQ8Block});
  auto f = (codes * (s.scales.unsqueeze(1) / (s.root ? 255.0 : 127.0))).flatten().slice(0, 0, n);
  if (s.root) f = f * f;
  return f.view(like.sizes());
}

}  // namespace

Trainer::Trainer(std::shared_ptr<Qwen3VL> model, const LoraConfig& lora, const OptimConfig& optim)
    : model_(std::move(model)), lora_(std::make_unique<Lora>(*model_, lora)), opt_(optim), seed_(lora.seed) {
  if (optim.total_steps < 1) throw EngineError("total_steps must be at least 1");
  if (optim.loss_average != "tokens" && optim.loss_average != "micro_batch")
    throw EngineError("loss averaging must be \"tokens\" or \"micro_batch\", got \"" + optim.loss_average + "\"");
  params_ = lora_->parameters();
  for (const auto& p : params_) {
    if (opt_.states_8bit) {
      m8_.push_back(q8_encode(torch::zeros_like(p), false));
      v8_.push_back(q8_encode(torch::zeros_like(p), true));
    } else {
      m_.push_back(torch::zeros_like(p).set_requires_grad(false));
      v_.push_back(torch::zeros_like(p).set_requires_grad(false));
    }
  }
}

torch::Tensor Trainer::moment(size_t i, bool second) const {
  if (!opt_.states_8bit) return second ? v_[i] : m_[i];
  return q8_decode(second ? v8_[i] : m8_[i], params_[i]);
}

void Trainer::store_moment(size_t i, bool second, const torch::Tensor& value) {
  if (!opt_.states_8bit)
    (second ? v_[i] : m_[i]).copy_(value);
  else
    (second ? v8_[i] : m8_[i]) = q8_encode(value, second);
}

size_t Trainer::optimizer_state_bytes() const {
  size_t n = 0;
  for (const auto& t : m_) n += t.numel() * 4;
  for (const auto& t : v_) n += t.numel() * 4;
  for (const auto* list : {&m8_, &v8_})
    for (const auto& q : *list) n += q.codes.numel() + q.scales.numel() * 4;
  return n;
}

double Trainer::lr_at(int64_t step) const {
  const double w = static_cast<double>(opt_.warmup_steps), T = static_cast<double>(opt_.total_steps), s = static_cast<double>(step);
  if (opt_.schedule == "constant") return step < opt_.warmup_steps ? opt_.lr * s / std::max(1.0, w) : opt_.lr;
  if (step < opt_.warmup_steps) return opt_.lr * s / std::max(1.0, w);
  const double progress = (s - w) / std::max(1.0, T - w);
  if (opt_.schedule == "cosine") return opt_.lr * std::max(0.0, 0.5 * (1.0 + std::cos(M_PI * progress)));
  return opt_.lr * std::max(0.0, (T - s) / std::max(1.0, T - w));
}

std::pair<double, int64_t> Trainer::accumulate(const std::vector<Batch>& micro) {
  if (micro.empty()) throw EngineError("a training step needs at least one micro-batch");
  int64_t tokens = 0;
  std::vector<int64_t> counts;
  for (const auto& b : micro) {
    if (!b.labels.defined()) throw EngineError("training batches need labels");
    auto shifted = torch::constant_pad_nd(b.labels, {0, 1}, -100).slice(1, 1);
    counts.push_back(shifted.ne(-100).sum().item<int64_t>());
    tokens += counts.back();
  }
  if (tokens == 0) throw EngineError("the batch has no target tokens (every label is -100)");
  const bool per_micro = opt_.loss_average == "micro_batch";
  for (auto& p : params_) p.mutable_grad() = torch::Tensor();
  // Dropout draws from a generator seeded by (seed, step): a resumed run replays the same masks.
  torch::manual_seed(seed_ * 1000003ULL + static_cast<uint64_t>(step_));
  double reported = 0;
  for (size_t k = 0; k < micro.size(); k++) {
    const auto& b = micro[k];
    // The weight of this micro-batch's summed loss in the step's loss.
    double weight = 1.0 / static_cast<double>(tokens);
    if (per_micro) {
      if (counts[k] == 0) continue;  // its mean loss is undefined; the Trainer would make the step NaN
      weight = 1.0 / (static_cast<double>(counts[k]) * static_cast<double>(micro.size()));
    }
    double sum_loss;
    if (checkpointing_) {
      sum_loss = model_->forward_backward_checkpointed(b, lora_.get(), weight).first;
    } else {
      auto [sum, n] = model_->forward_loss(b, lora_.get(), true);
      (sum * weight).backward();
      sum_loss = sum.item<double>();
    }
    reported += sum_loss * weight;
  }
  return {reported, tokens};
}

std::vector<std::pair<std::string, torch::Tensor>> Trainer::gradients(const std::vector<Batch>& micro, double* loss) {
  const auto [l, tokens] = accumulate(micro);
  if (loss) *loss = l;
  std::vector<std::pair<std::string, torch::Tensor>> out;
  size_t i = 0;
  for (const auto& [module, p] : lora_->pairs()) {
    for (char which : {'A', 'B'}) {
      const auto& g = params_[i++].grad();
      out.push_back({Lora::peft_key(module, which), g.defined() ? g.detach().clone() : torch::zeros_like(which == 'A' ? p.a : p.b)});
    }
  }
  for (auto& p : params_) p.mutable_grad() = torch::Tensor();
  return out;
}

StepResult Trainer::step(const std::vector<Batch>& micro) {
  const auto [reported, tokens] = accumulate(micro);
  // Global L2 norm over all LoRA gradients, clipped as clip_grad_norm_ does.
  double sq = 0;
  for (const auto& p : params_)
    if (p.grad().defined()) sq += p.grad().to(torch::kFloat64).pow(2).sum().item<double>();
  const double norm = std::sqrt(sq);
  // clip_grad_norm_: coefficient max_norm / (norm + 1e-6), clamped to 1.
  const double coef = opt_.max_grad_norm > 0 ? std::min(1.0, opt_.max_grad_norm / (norm + 1e-6)) : 1.0;
  if (coef < 1.0) {
    for (auto& p : params_)
      if (p.grad().defined()) p.grad().mul_(coef);
  }
  const double lr = lr_at(step_);
  step_++;
  {
    torch::NoGradGuard no_grad;
    const double bc1 = 1 - std::pow(opt_.beta1, static_cast<double>(step_)), bc2 = 1 - std::pow(opt_.beta2, static_cast<double>(step_));
    for (size_t i = 0; i < params_.size(); i++) {
      auto& p = params_[i];
      if (!p.grad().defined()) continue;
      const auto& g = p.grad();
      p.mul_(1 - lr * opt_.weight_decay);
      auto m = moment(i, false).mul(opt_.beta1).add_(g, 1 - opt_.beta1);
      auto v = moment(i, true).mul(opt_.beta2).addcmul_(g, g, 1 - opt_.beta2);
      auto denom = (v.sqrt() / std::sqrt(bc2)).add_(opt_.eps);
      p.addcdiv_(m, denom, -lr / bc1);
      store_moment(i, false, m);
      store_moment(i, true, v);
    }
  }
  StepResult r;
  r.loss = reported;
  r.grad_norm = norm;
  r.lr = lr;
  r.tokens = tokens;
  r.step = step_;
  r.optimizer_state_bytes = optimizer_state_bytes();
  return r;
}

std::pair<double, int64_t> Trainer::evaluate(const std::vector<Batch>& batches) const {
  torch::NoGradGuard no_grad;
  double total = 0;
  int64_t tokens = 0;
  for (const auto& b : batches) {
    auto [sum, n] = model_->forward_loss(b, lora_.get(), false);
    total += sum.item<double>();
    tokens += n;
  }
  return {tokens ? total / static_cast<double>(tokens) : std::nan(""), tokens};
}

std::vector<std::vector<int64_t>> Trainer::generate(const Batch& prompts, const GenerateOptions& opts) const {
  return studio::engine::generate(*model_, prompts, lora_.get(), opts);
}

namespace {

void write_tensors(const std::string& file, const std::vector<std::pair<std::string, torch::Tensor>>& tensors, const std::map<std::string, std::string>& meta) {
  std::vector<st::TensorSpec> specs;
  std::vector<torch::Tensor> cpu;
  for (const auto& [name, t] : tensors) {
    cpu.push_back(t.detach().to(torch::kCPU, torch::kFloat32).contiguous());
    specs.push_back({name, st::DType::F32, cpu.back().sizes().vec()});
  }
  st::Writer w(file, specs, meta);
  for (const auto& t : cpu) w.write(reinterpret_cast<const uint8_t*>(t.data_ptr<float>()), t.numel() * sizeof(float));
  w.finish();
}

}  // namespace

void Trainer::save_adapter(const std::string& file) const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& [module, p] : lora_->pairs()) {
    out.push_back({Lora::peft_key(module, 'A'), p.a});
    out.push_back({Lora::peft_key(module, 'B'), p.b});
  }
  write_tensors(file, out, {{"format", "pt"}});
}

void Trainer::save_state(const std::string& file) const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  size_t i = 0;
  for (const auto& [module, p] : lora_->pairs()) {
    for (char which : {'A', 'B'}) {
      const auto key = Lora::peft_key(module, which);
      out.push_back({key, which == 'A' ? p.a : p.b});
      out.push_back({key + ".exp_avg", moment(i, false)});
      out.push_back({key + ".exp_avg_sq", moment(i, true)});
      i++;
    }
  }
  write_tensors(file, out, {{"step", std::to_string(step_)}, {"format", "vlm-sft-studio.trainer-state"}});
}

void Trainer::load_adapter(const std::string& file) { load_lora_weights(*lora_, file); }

void Trainer::load_state(const std::string& file) {
  auto f = st::File::open(file);
  auto it = f->header().metadata.find("step");
  if (it == f->header().metadata.end()) throw EngineError(file + ": not a trainer state (no step in its metadata)");
  torch::NoGradGuard no_grad;
  auto read = [&](const std::string& key, torch::Tensor& into) {
    const auto* info = f->find(key);
    if (!info) throw EngineError(file + ": tensor " + key + " is missing (was the run started with other LoRA settings?)");
    if (info->dtype != st::DType::F32 || info->shape != into.sizes().vec()) throw EngineError(file + ": tensor " + key + " does not match this run's LoRA shape");
    into.copy_(torch::from_blob(const_cast<uint8_t*>(f->data(*info)), info->shape, torch::kFloat32));
  };
  size_t i = 0;
  for (auto& [module, p] : lora_->pairs()) {
    for (char which : {'A', 'B'}) {
      const auto key = Lora::peft_key(module, which);
      read(key, which == 'A' ? p.a : p.b);
      auto m = torch::zeros_like(params_[i]), v = torch::zeros_like(params_[i]);
      read(key + ".exp_avg", m);
      read(key + ".exp_avg_sq", v);
      store_moment(i, false, m);
      store_moment(i, true, v);
      i++;
    }
  }
  step_ = std::stoll(it->second);
}

}  // namespace studio::engine
