#include "model.h"

#include <cmath>
#include <limits>
#include <mutex>
#include <regex>
#include <fstream>
#include <set>
#include <sstream>

#include "../../src/core/json_lite.h"
#include "../../src/core/safetensors.h"

namespace studio::engine {
namespace {

using torch::Tensor;
namespace F = torch::nn::functional;

torch::ScalarType torch_dtype(st::DType d, const std::string& name) {
  switch (d) {
    case st::DType::F32:
      return torch::kFloat32;
    case st::DType::F16:
      return torch::kFloat16;
    case st::DType::BF16:
      return torch::kBFloat16;
    case st::DType::F64:
      return torch::kFloat64;
    default:
      throw EngineError(name + ": dtype " + std::string(st::dtype_name(d)) + " is not a floating-point weight the engine loads");
  }
}

// The safetensors files of a folder: the index's shards, or model.safetensors.
std::vector<std::string> weight_files(const std::string& dir) {
  const std::string index = dir + "/model.safetensors.index.json";
  std::ifstream in(index, std::ios::binary);
  if (!in) return {dir + "/model.safetensors"};
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  auto root = studio::json::parse(text.data(), text.size(), 16);
  if (root.kind != studio::json::Value::Kind::Object) throw EngineError(index + ": expected an object");
  auto it = root.object->find("weight_map");
  if (it == root.object->end() || it->second.kind != studio::json::Value::Kind::Object) throw EngineError(index + ": weight_map is missing");
  std::set<std::string> files;
  for (const auto& [name, file] : *it->second.object) {
    if (file.kind != studio::json::Value::Kind::String || file.string.find('/') != std::string::npos) throw EngineError(index + ": weight_map." + name + ": expected a file name");
    files.insert(file.string);
  }
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(dir + "/" + f);
  return out;
}

Tensor rms_norm(const Tensor& x, const Tensor& w, double eps) {
  auto dt = x.scalar_type();
  auto h = x.to(torch::kFloat32);
  h = h * torch::rsqrt(h.pow(2).mean(-1, true) + eps);
  return w * h.to(dt);
}

Tensor rotate_half(const Tensor& x) {
  const int64_t half = x.size(-1) / 2;
  return torch::cat({-x.slice(-1, half), x.slice(-1, 0, half)}, -1);
}

Tensor act(const std::string& name, const Tensor& x) {
  if (name == "gelu_pytorch_tanh") return torch::gelu(x, "tanh");
  if (name == "gelu") return torch::gelu(x);
  if (name == "silu") return torch::silu(x);
  throw EngineError("activation \"" + name + "\" is not supported");
}

// Softmax(q·kᵀ·scale + mask)·v through PyTorch's fused attention (flash kernels on CPU and CUDA):
// no [heads, S, S] scores are kept for the backward, only the output and the row log-sum-exp.
// The additive mask uses the dtype's lowest value, so a fully masked row is uniform, as eager's.
// causal (without a mask): the kernel skips the blocks above the diagonal instead of reading a mask.
// Grouped-query attention goes to the kernel as is (k/v with fewer heads than q, query head h reading
// key head h / (heads / kv_heads)): no repeated copy of K and V, nor its backward.
Tensor attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask, double scale, bool causal = false) {
  // The fused kernels take [batch, heads, S, D]; the vision tower's per-image calls are [heads, S, D].
  if (q.dim() == 3) return attention(q.unsqueeze(0), k.unsqueeze(0), v.unsqueeze(0), mask, scale, causal).squeeze(0);
  const bool gqa = k.size(1) != q.size(1);
  if (mask.defined()) return at::scaled_dot_product_attention(q, k, v, mask, 0.0, false, scale, gqa);
  return at::scaled_dot_product_attention(q, k, v, std::nullopt, 0.0, causal, scale, gqa);
}

double lowest(torch::ScalarType t) {
  if (t == torch::kFloat16) return -65504.0;
  if (t == torch::kBFloat16) return -3.3895313892515355e38;
  if (t == torch::kFloat64) return std::numeric_limits<double>::lowest();
  return std::numeric_limits<float>::lowest();
}

}  // namespace

bool is_decoder_projection(const std::string& name) {
  static const std::regex re(R"(^model\.language_model\.layers\.\d+\.(self_attn\.[qkvo]_proj|mlp\.(gate|up|down)_proj)\.weight$)");
  return std::regex_match(name, re);
}

std::unique_ptr<Qwen3VL> Qwen3VL::load(const std::string& dir, const LoadOptions& opts) {
  if (opts.quant != "none" && opts.quant != "nf4" && opts.quant != "nf4-dq") throw EngineError("quant must be none, nf4 or nf4-dq, got \"" + opts.quant + "\"");
  auto m = std::unique_ptr<Qwen3VL>(new Qwen3VL());
  m->cfg_ = load_config(dir);
  m->opts_ = opts;
  for (const auto& path : weight_files(dir)) {
    std::unique_ptr<st::File> f;
    try {
      f = st::File::open(path);
    } catch (const std::exception& e) {
      throw EngineError(e.what());
    }
    for (const auto& info : f->header().tensors) {
      auto src = torch::from_blob(const_cast<uint8_t*>(f->data(info)), info.shape, torch::TensorOptions().dtype(torch_dtype(info.dtype, path + ": " + info.name)));
      if (opts.quant != "none" && is_decoder_projection(info.name)) {
        // Quantised straight from the mapped file: the full-precision projection is never resident.
        m->q_[info.name] = nf4_quantize(src.to(opts.device), opts.quant == "nf4-dq", opts.dtype);
        continue;
      }
      m->w_[info.name] = src.to(opts.device, opts.dtype, false, true);
    }
  }
  // Every tensor the forward uses must be there with its shape.
  const auto& t = m->cfg_.text;
  const auto& v = m->cfg_.vision;
  auto expect = [&](const std::string& name, std::vector<int64_t> shape) {
    std::vector<int64_t> got;
    if (auto it = m->w_.find(name); it != m->w_.end())
      got = it->second.sizes().vec();
    else if (auto qt = m->q_.find(name); qt != m->q_.end())
      got = {qt->second.out, qt->second.in};
    else
      throw EngineError(dir + ": tensor " + name + " is missing");
    if (got != shape) {
      std::ostringstream os;
      os << dir << ": tensor " << name << " has shape " << torch::IntArrayRef(got) << ", config.json implies " << torch::IntArrayRef(shape);
      throw EngineError(os.str());
    }
  };
  const std::string L = "model.language_model.";
  expect(L + "embed_tokens.weight", {t.vocab, t.hidden});
  for (int64_t i = 0; i < t.layers; i++) {
    const std::string p = L + "layers." + std::to_string(i) + ".";
    expect(p + "input_layernorm.weight", {t.hidden});
    expect(p + "post_attention_layernorm.weight", {t.hidden});
    expect(p + "self_attn.q_proj.weight", {t.heads * t.head_dim, t.hidden});
    expect(p + "self_attn.k_proj.weight", {t.kv_heads * t.head_dim, t.hidden});
    expect(p + "self_attn.v_proj.weight", {t.kv_heads * t.head_dim, t.hidden});
    expect(p + "self_attn.o_proj.weight", {t.hidden, t.heads * t.head_dim});
    if (t.attention_bias) {
      expect(p + "self_attn.q_proj.bias", {t.heads * t.head_dim});
      expect(p + "self_attn.k_proj.bias", {t.kv_heads * t.head_dim});
      expect(p + "self_attn.v_proj.bias", {t.kv_heads * t.head_dim});
      expect(p + "self_attn.o_proj.bias", {t.hidden});
    }
    expect(p + "self_attn.q_norm.weight", {t.head_dim});
    expect(p + "self_attn.k_norm.weight", {t.head_dim});
    expect(p + "mlp.gate_proj.weight", {t.intermediate, t.hidden});
    expect(p + "mlp.up_proj.weight", {t.intermediate, t.hidden});
    expect(p + "mlp.down_proj.weight", {t.hidden, t.intermediate});
  }
  expect(L + "norm.weight", {t.hidden});
  if (!m->cfg_.tie_word_embeddings) expect("lm_head.weight", {t.vocab, t.hidden});
  const std::string V = "model.visual.";
  expect(V + "patch_embed.proj.weight", {v.hidden, v.in_channels, v.temporal_patch, v.patch, v.patch});
  expect(V + "pos_embed.weight", {v.num_position_embeddings, v.hidden});
  const int64_t merged = v.hidden * v.merge * v.merge;
  for (int64_t i = 0; i < v.depth; i++) {
    const std::string p = V + "blocks." + std::to_string(i) + ".";
    expect(p + "attn.qkv.weight", {3 * v.hidden, v.hidden});
    expect(p + "attn.proj.weight", {v.hidden, v.hidden});
    expect(p + "mlp.linear_fc1.weight", {v.intermediate, v.hidden});
    expect(p + "mlp.linear_fc2.weight", {v.hidden, v.intermediate});
  }
  expect(V + "merger.linear_fc1.weight", {merged, merged});
  expect(V + "merger.linear_fc2.weight", {v.out_hidden, merged});
  for (size_t j = 0; j < v.deepstack_indexes.size(); j++) expect(V + "deepstack_merger_list." + std::to_string(j) + ".norm.weight", {merged});
  return m;
}

const Tensor& Qwen3VL::weight(const std::string& name) const {
  auto it = w_.find(name);
  if (it == w_.end()) throw EngineError("tensor " + name + " is missing");
  return it->second;
}

size_t Qwen3VL::num_parameters() const {
  size_t n = 0;
  for (const auto& [_, t] : w_) n += t.numel();
  for (const auto& [_, q] : q_) n += q.out * q.in;
  return n;
}

size_t Qwen3VL::weight_bytes() const {
  size_t n = 0;
  for (const auto& [_, t] : w_) n += t.numel() * t.element_size();
  for (const auto& [_, q] : q_) n += q.nbytes();
  return n;
}

std::pair<int64_t, int64_t> Qwen3VL::linear_shape(const std::string& module) const {
  const std::string name = module + ".weight";
  if (auto qt = q_.find(name); qt != q_.end()) return {qt->second.out, qt->second.in};
  const auto& w = weight(name);
  return {w.size(0), w.size(1)};
}

// ---- vision tower -------------------------------------------------------

Tensor Qwen3VL::vision_position_embeddings(const std::vector<std::array<int64_t, 3>>& grids) const {
  const auto& v = cfg_.vision;
  const int64_t side = static_cast<int64_t>(std::sqrt(static_cast<double>(v.num_position_embeddings)));
  const Tensor& table = weight("model.visual.pos_embed.weight");
  std::vector<Tensor> out;
  for (const auto& [t, h, w] : grids) {
    // Bilinear interpolation of the side×side learned grid onto h×w (corners aligned).
    auto hi = torch::linspace(0, side - 1, h, torch::kFloat32);
    auto wi = torch::linspace(0, side - 1, w, torch::kFloat32);
    auto hf = hi.to(torch::kInt64), wf = wi.to(torch::kInt64);
    auto hc = (hf + 1).clamp_max(side - 1), wc = (wf + 1).clamp_max(side - 1);
    auto dh = (hi - hf).unsqueeze(1), dw = (wi - wf).unsqueeze(0);
    auto idx = [&](const Tensor& r, const Tensor& c) { return (r.unsqueeze(1) * side + c.unsqueeze(0)).flatten().to(table.device()); };
    auto wt = [&](const Tensor& x) { return x.flatten().to(table.device(), table.scalar_type()).unsqueeze(1); };
    Tensor e = table.index_select(0, idx(hf, wf)) * wt((1 - dh) * (1 - dw)) + table.index_select(0, idx(hf, wc)) * wt((1 - dh) * dw) +
               table.index_select(0, idx(hc, wf)) * wt(dh * (1 - dw)) + table.index_select(0, idx(hc, wc)) * wt(dh * dw);
    const int64_t m = v.merge;
    e = e.repeat({t, 1}).view({t, h / m, m, w / m, m, -1}).permute({0, 1, 3, 2, 4, 5}).flatten(0, 4);
    out.push_back(e);
  }
  return torch::cat(out);
}

Tensor Qwen3VL::vision_rotary(const std::vector<std::array<int64_t, 3>>& grids) const {
  const auto& v = cfg_.vision;
  const int64_t dim = v.hidden / v.heads / 2;  // rotary over half the head, split between rows and columns
  auto inv_freq = 1.0 / torch::pow(10000.0, torch::arange(0, dim, 2, torch::kFloat32) / static_cast<double>(dim));
  int64_t max_hw = 0;
  for (const auto& g : grids) max_hw = std::max({max_hw, g[1], g[2]});
  auto table = torch::outer(torch::arange(max_hw, torch::kFloat32), inv_freq);
  std::vector<Tensor> rows, cols;
  const int64_t m = v.merge;
  for (const auto& [t, h, w] : grids) {
    // Patches come in merge-block order: block row, block col, row in block, col in block.
    auto br = torch::arange(h / m).view({-1, 1, 1, 1}), bc = torch::arange(w / m).view({1, -1, 1, 1});
    auto ir = torch::arange(m).view({1, 1, -1, 1}), ic = torch::arange(m).view({1, 1, 1, -1});
    auto r = (br * m + ir).expand({h / m, w / m, m, m}).reshape(-1);
    auto c = (bc * m + ic).expand({h / m, w / m, m, m}).reshape(-1);
    rows.push_back(r.repeat({t}));
    cols.push_back(c.repeat({t}));
  }
  auto r = torch::cat(rows), c = torch::cat(cols);
  return torch::cat({table.index_select(0, r), table.index_select(0, c)}, 1).to(opts_.device);
}

Tensor Qwen3VL::vision_block(int i, const Tensor& x, const Tensor& cos, const Tensor& sin, const std::vector<int64_t>& lengths) const {
  const auto& v = cfg_.vision;
  const std::string p = "model.visual.blocks." + std::to_string(i) + ".";
  const int64_t n = x.size(0), hd = v.hidden / v.heads;
  auto h = torch::layer_norm(x, {v.hidden}, weight(p + "norm1.weight"), weight(p + "norm1.bias"), 1e-6);
  auto qkv = torch::linear(h, weight(p + "attn.qkv.weight"), weight(p + "attn.qkv.bias")).reshape({n, 3, v.heads, hd}).permute({1, 0, 2, 3});
  auto q = qkv[0], k = qkv[1], val = qkv[2];
  // Rotary in float32, as apply_rotary_pos_emb_vision does.
  auto c = cos.unsqueeze(-2), s = sin.unsqueeze(-2);
  auto qf = q.to(torch::kFloat32), kf = k.to(torch::kFloat32);
  q = (qf * c + rotate_half(qf) * s).to(x.scalar_type());
  k = (kf * c + rotate_half(kf) * s).to(x.scalar_type());
  // Full attention inside each image, none across images.
  std::vector<Tensor> parts;
  int64_t at = 0;
  for (int64_t len : lengths) {
    auto qi = q.slice(0, at, at + len).transpose(0, 1), ki = k.slice(0, at, at + len).transpose(0, 1), vi = val.slice(0, at, at + len).transpose(0, 1);
    parts.push_back(attention(qi, ki, vi, Tensor(), 1.0 / std::sqrt(static_cast<double>(hd))).transpose(0, 1));
    at += len;
  }
  auto a = torch::linear(torch::cat(parts).reshape({n, -1}), weight(p + "attn.proj.weight"), weight(p + "attn.proj.bias"));
  auto y = x + a;
  auto h2 = torch::layer_norm(y, {v.hidden}, weight(p + "norm2.weight"), weight(p + "norm2.bias"), 1e-6);
  auto mlp = torch::linear(act(v.act, torch::linear(h2, weight(p + "mlp.linear_fc1.weight"), weight(p + "mlp.linear_fc1.bias"))), weight(p + "mlp.linear_fc2.weight"),
                           weight(p + "mlp.linear_fc2.bias"));
  return y + mlp;
}

Tensor Qwen3VL::merger(const std::string& prefix, const Tensor& x, bool postshuffle) const {
  const auto& v = cfg_.vision;
  const int64_t merged = v.hidden * v.merge * v.merge;
  Tensor h = postshuffle ? torch::layer_norm(x.view({-1, merged}), {merged}, weight(prefix + "norm.weight"), weight(prefix + "norm.bias"), 1e-6)
                         : torch::layer_norm(x, {v.hidden}, weight(prefix + "norm.weight"), weight(prefix + "norm.bias"), 1e-6).view({-1, merged});
  h = torch::gelu(torch::linear(h, weight(prefix + "linear_fc1.weight"), weight(prefix + "linear_fc1.bias")));
  return torch::linear(h, weight(prefix + "linear_fc2.weight"), weight(prefix + "linear_fc2.bias"));
}

std::pair<Tensor, std::vector<Tensor>> Qwen3VL::vision(const Tensor& pixels, const std::vector<std::array<int64_t, 3>>& grids) const {
  const auto& v = cfg_.vision;
  int64_t total = 0;
  std::vector<int64_t> lengths;
  for (const auto& g : grids) {
    if (g[1] % v.merge || g[2] % v.merge) throw EngineError("image grid " + std::to_string(g[1]) + "×" + std::to_string(g[2]) + " is not a multiple of spatial_merge_size");
    lengths.push_back(g[0] * g[1] * g[2]);
    total += lengths.back();
  }
  const int64_t patch_dim = v.in_channels * v.temporal_patch * v.patch * v.patch;
  if (pixels.dim() != 2 || pixels.size(0) != total || pixels.size(1) != patch_dim) {
    std::ostringstream os;
    os << "pixel_values has shape " << pixels.sizes() << "; the image grids need [" << total << ", " << patch_dim << "]";
    throw EngineError(os.str());
  }
  const auto dt = weight("model.visual.patch_embed.proj.weight").scalar_type();
  // Conv3d with stride = kernel over one patch each is a linear map of the flattened (C, T, P, P) patch.
  auto x = torch::linear(pixels.to(opts_.device, dt), weight("model.visual.patch_embed.proj.weight").reshape({v.hidden, -1}), weight("model.visual.patch_embed.proj.bias"));
  x = x + vision_position_embeddings(grids);
  auto rot = vision_rotary(grids);
  auto emb = torch::cat({rot, rot}, -1);
  auto cos = emb.cos(), sin = emb.sin();
  std::vector<Tensor> deep;
  for (int64_t i = 0; i < v.depth; i++) {
    x = vision_block(static_cast<int>(i), x, cos, sin, lengths);
    for (size_t j = 0; j < v.deepstack_indexes.size(); j++)
      if (v.deepstack_indexes[j] == i) deep.push_back(merger("model.visual.deepstack_merger_list." + std::to_string(j) + ".", x, true));
  }
  return {merger("model.visual.merger.", x, false), deep};
}

// ---- text decoder -------------------------------------------------------

std::pair<Tensor, Tensor> Qwen3VL::text_rope(const Tensor& position_ids) const {
  const auto& t = cfg_.text;
  auto inv_freq = 1.0 / torch::pow(t.rope_theta, torch::arange(0, t.head_dim, 2, torch::kInt64).to(torch::kFloat32) / static_cast<double>(t.head_dim));
  // freqs[a, b, s, j] = position[a, b, s] · inv_freq[j] for the t, h and w axes.
  auto freqs = position_ids.to(opts_.device, torch::kFloat32).unsqueeze(-1) * inv_freq.to(opts_.device);
  // Interleave: index j takes h when j % 3 == 1 (j < 3·sec_h), w when j % 3 == 2 (j < 3·sec_w), t otherwise.
  auto f = freqs[0].clone();
  const int64_t half = t.head_dim / 2;
  for (int axis = 1; axis <= 2; axis++) {
    const int64_t limit = std::min(half, t.mrope_section[axis] * 3);
    for (int64_t j = axis; j < limit; j += 3) f.select(-1, j).copy_(freqs[axis].select(-1, j));
  }
  auto emb = torch::cat({f, f}, -1);
  return {emb.cos(), emb.sin()};
}

Tensor Qwen3VL::decoder_layer(int i, const Tensor& x, const Tensor& cos, const Tensor& sin, const Tensor& mask, const LinearHook* hook, bool training, KVCache* cache) const {
  const auto& t = cfg_.text;
  const std::string p = "model.language_model.layers." + std::to_string(i) + ".";
  auto proj = [&](const std::string& name, const Tensor& in) {
    const std::string key = p + name + ".weight";
    auto qt = q_.find(key);
    Tensor out = qt != q_.end() ? nf4_linear(in, qt->second) : torch::linear(in, weight(key));
    // attention_bias: q/k/v/o carry biases (the MLP never does), added to the frozen output before LoRA.
    if (t.attention_bias && name.rfind("self_attn.", 0) == 0) out = out + weight(p + name + ".bias").to(out.scalar_type());
    return hook ? hook->adapt(p + name, in, out, training) : out;
  };
  const int64_t B = x.size(0), S = x.size(1);
  auto h = rms_norm(x, weight(p + "input_layernorm.weight"), t.rms_eps);
  auto q = rms_norm(proj("self_attn.q_proj", h).view({B, S, t.heads, t.head_dim}), weight(p + "self_attn.q_norm.weight"), t.rms_eps).transpose(1, 2);
  auto k = rms_norm(proj("self_attn.k_proj", h).view({B, S, t.kv_heads, t.head_dim}), weight(p + "self_attn.k_norm.weight"), t.rms_eps).transpose(1, 2);
  auto v = proj("self_attn.v_proj", h).view({B, S, t.kv_heads, t.head_dim}).transpose(1, 2);
  auto c = cos.unsqueeze(1), s = sin.unsqueeze(1);
  q = q * c + rotate_half(q) * s;
  k = k * c + rotate_half(k) * s;
  if (cache) {
    if (static_cast<int64_t>(cache->k.size()) <= i) cache->k.resize(i + 1), cache->v.resize(i + 1);
    if (cache->k[i].defined()) k = torch::cat({cache->k[i], k}, 2), v = torch::cat({cache->v[i], v}, 2);
    cache->k[i] = k;
    cache->v[i] = v;
  }
  // K and V keep their kv_heads (attention() hands the grouping to the kernel).
  // No mask from prepare(): one causal sample per row (see there).
  auto a = attention(q, k, v, mask, 1.0 / std::sqrt(static_cast<double>(t.head_dim)), !mask.defined()).transpose(1, 2).reshape({B, S, -1});
  auto y = x + proj("self_attn.o_proj", a);
  auto h2 = rms_norm(y, weight(p + "post_attention_layernorm.weight"), t.rms_eps);
  auto mlp = proj("mlp.down_proj", torch::silu(proj("mlp.gate_proj", h2)) * proj("mlp.up_proj", h2));
  return y + mlp;
}

Qwen3VL::Prepared Qwen3VL::prepare(const Batch& b) const {
  const auto& t = cfg_.text;
  auto ids = b.input_ids.to(opts_.device);
  if (ids.dim() != 2) throw EngineError("input_ids must be [batch, sequence]");
  if (ids.numel() && (ids.min().item<int64_t>() < 0 || ids.max().item<int64_t>() >= t.vocab)) throw EngineError("input_ids hold a token outside the vocabulary");
  const int64_t B = ids.size(0), S = ids.size(1);
  Prepared p;
  p.x = weight("model.language_model.embed_tokens.weight").index_select(0, ids.flatten()).view({B, S, t.hidden});
  p.image_mask = ids.eq(cfg_.image_token_id);
  if (b.pixel_values.defined() && !b.image_grids.empty()) {
    // The vision tower is frozen (LoRA adapts the text decoder only): no autograd bookkeeping there.
    torch::NoGradGuard no_grad;
    auto [embeds, deepstack] = vision(b.pixel_values, b.image_grids);
    const int64_t n = p.image_mask.sum().item<int64_t>();
    if (n != embeds.size(0)) throw EngineError("the batch has " + std::to_string(n) + " image tokens but the images give " + std::to_string(embeds.size(0)) + " features");
    p.x = p.x.masked_scatter(p.image_mask.unsqueeze(-1), embeds.to(p.x.scalar_type()));
    p.deep = deepstack;
  } else if (p.image_mask.any().item<bool>()) {
    throw EngineError("input_ids hold image tokens but no pixel_values were given");
  }
  auto pos = b.position_ids.defined() ? b.position_ids : torch::arange(S).view({1, 1, S}).expand({3, B, S});
  if (pos.dim() != 3 || pos.size(0) != 3 || pos.size(1) != B || pos.size(2) != S) throw EngineError("position_ids must be [3, batch, sequence]");
  auto [cos, sin] = text_rope(pos);
  p.cos = cos.to(p.x.scalar_type());
  p.sin = sin.to(p.x.scalar_type());
  // Every row one sample without padding (the training case): plain causal attention, no mask tensor.
  if (!b.attention_mask.defined()) return p;
  {
    auto seg = b.attention_mask.to(opts_.device);
    if (seg.ne(0).all().item<bool>() && seg.eq(seg.select(1, 0).unsqueeze(1)).all().item<bool>()) return p;
  }
  // Otherwise causal, within a segment, never to padding; additive with the dtype's lowest value as
  // transformers' eager path uses. Padding queries keep seeing real keys (their outputs are unused).
  auto keep = torch::ones({S, S}, torch::kBool).tril().to(opts_.device).view({1, 1, S, S});
  if (b.attention_mask.defined()) {
    auto seg = b.attention_mask.to(opts_.device).to(torch::kLong);
    auto same = seg.unsqueeze(2).eq(seg.unsqueeze(1)) | seg.eq(0).unsqueeze(2);
    keep = keep & (same & seg.ne(0).unsqueeze(1)).unsqueeze(1);
  }
  p.mask = torch::zeros(keep.sizes(), torch::TensorOptions().dtype(p.x.scalar_type()).device(opts_.device)).masked_fill(keep.logical_not(), lowest(p.x.scalar_type()));
  return p;
}

Tensor Qwen3VL::layer_step(int64_t i, const Tensor& x, const Prepared& p, const LinearHook* hook, bool training) const {
  auto y = decoder_layer(static_cast<int>(i), x, p.cos, p.sin, p.mask, hook, training);
  if (i < static_cast<int64_t>(p.deep.size())) y = y.index_put({p.image_mask}, y.index({p.image_mask}) + p.deep[i].to(y.scalar_type()));
  return y;
}

Tensor Qwen3VL::head(const Tensor& x) const {
  auto h = rms_norm(x, weight("model.language_model.norm.weight"), cfg_.text.rms_eps);
  return torch::linear(h, cfg_.tie_word_embeddings ? weight("model.language_model.embed_tokens.weight") : weight("lm_head.weight"));
}

Output Qwen3VL::forward(const Batch& b, const LinearHook* hook, bool training) const {
  auto p = prepare(b);
  auto x = p.x;
  for (int64_t i = 0; i < cfg_.text.layers; i++) x = layer_step(i, x, p, hook, training);
  Output out;
  out.logits = head(x);
  if (b.labels.defined()) out.loss = causal_lm_loss(out.logits, b.labels.to(opts_.device));
  return out;
}

std::pair<Tensor, int64_t> Qwen3VL::loss_from_hidden(const Tensor& x, const Tensor& labels) const {
  // Only positions whose next token is a target reach the head: the final norm and the lm_head run
  // on those rows alone, and the full-vocabulary logits exist one chunk at a time.
  auto shifted = torch::constant_pad_nd(labels.to(x.device()), {0, 1}, -100).slice(1, 1).reshape(-1);
  auto rows = shifted.ne(-100).nonzero().squeeze(1);
  const int64_t n = rows.size(0);
  auto h = rms_norm(x.reshape({-1, x.size(-1)}).index_select(0, rows), weight("model.language_model.norm.weight"), cfg_.text.rms_eps);
  const Tensor& w = cfg_.tie_word_embeddings ? weight("model.language_model.embed_tokens.weight") : weight("lm_head.weight");
  return {linear_cross_entropy_sum(h, w, shifted.index_select(0, rows)), n};
}

std::pair<Tensor, int64_t> Qwen3VL::forward_loss(const Batch& b, const LinearHook* hook, bool training) const {
  if (!b.labels.defined()) throw EngineError("a loss needs labels");
  auto p = prepare(b);
  auto x = p.x;
  for (int64_t i = 0; i < cfg_.text.layers; i++) x = layer_step(i, x, p, hook, training);
  return loss_from_hidden(x, b.labels);
}

Tensor Qwen3VL::forward_cached(const Batch& b, const LinearHook* hook, KVCache& cache) const {
  torch::NoGradGuard no_grad;
  const auto& t = cfg_.text;
  const int64_t B = b.input_ids.size(0), S = b.input_ids.size(1);
  auto real = b.attention_mask.defined() ? b.attention_mask.to(opts_.device).ne(0) : torch::ones({B, S}, torch::TensorOptions().dtype(torch::kBool).device(opts_.device));
  Tensor x;
  if (cache.length() == 0) {
    // The prompt: embeddings, images and mask as forward() builds them.
    auto p = prepare(b);
    x = p.x;
    for (int64_t i = 0; i < t.layers; i++) {
      x = decoder_layer(static_cast<int>(i), x, p.cos, p.sin, p.mask, hook, false, &cache);
      if (i < static_cast<int64_t>(p.deep.size())) x = x.index_put({p.image_mask}, x.index({p.image_mask}) + p.deep[i].to(x.scalar_type()));
    }
    cache.keys = real;
  } else {
    // New text tokens: they see every real key so far and each other causally.
    auto ids = b.input_ids.to(opts_.device);
    if (ids.eq(cfg_.image_token_id).any().item<bool>()) throw EngineError("a generation step cannot take image tokens");
    x = weight("model.language_model.embed_tokens.weight").index_select(0, ids.flatten()).view({B, S, t.hidden});
    if (!b.position_ids.defined()) throw EngineError("a cached generation step needs position_ids");
    auto [cos, sin] = text_rope(b.position_ids);
    const int64_t T0 = cache.length();
    auto keys = torch::cat({cache.keys, real}, 1);  // [B, T0 + S]
    auto causal = torch::ones({S, T0 + S}, torch::kBool).tril(T0).to(opts_.device);
    auto keep = causal.view({1, 1, S, T0 + S}) & keys.view({B, 1, 1, T0 + S});
    auto mask = torch::zeros(keep.sizes(), torch::TensorOptions().dtype(x.scalar_type()).device(opts_.device)).masked_fill(keep.logical_not(), lowest(x.scalar_type()));
    auto c = cos.to(x.scalar_type()), s = sin.to(x.scalar_type());
    for (int64_t i = 0; i < t.layers; i++) x = decoder_layer(static_cast<int>(i), x, c, s, mask, hook, false, &cache);
    cache.keys = keys;
  }
  return head(x.select(1, S - 1).unsqueeze(1)).squeeze(1).to(torch::kFloat32);
}

namespace {
// The default generator of a device: dropout draws from it, so a recomputed layer replays its masks.
Tensor rng_state(torch::Device d) {
  auto gen = at::globalContext().defaultGenerator(d);
  std::lock_guard<std::mutex> lock(gen.mutex());
  return gen.get_state();
}
void set_rng_state(torch::Device d, const Tensor& state) {
  auto gen = at::globalContext().defaultGenerator(d);
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(state);
}
}  // namespace

std::pair<double, int64_t> Qwen3VL::forward_backward_checkpointed(const Batch& b, const LinearHook* hook, double scale) const {
  if (!b.labels.defined()) throw EngineError("training batches need labels");
  const auto dev = opts_.device;
  Prepared p = prepare(b);  // embeddings and vision tower are frozen: no graph needed
  const int64_t L = cfg_.text.layers;
  std::vector<Tensor> inputs, states;
  auto x = p.x.detach();
  {
    torch::NoGradGuard no_grad;
    for (int64_t i = 0; i < L; i++) {
      inputs.push_back(x);
      states.push_back(rng_state(dev));
      x = layer_step(i, x, p, hook, true);
    }
  }
  const auto after = rng_state(dev);
  auto last = x.detach().requires_grad_(true);
  auto [sum, n] = loss_from_hidden(last, b.labels);
  (sum * scale).backward();
  auto grad = last.grad();
  for (int64_t i = L - 1; i >= 0; i--) {
    // The first layer's input needs no gradient (nothing trainable before it).
    auto xi = i > 0 ? inputs[i].detach().requires_grad_(true) : inputs[i];
    set_rng_state(dev, states[i]);
    auto y = layer_step(i, xi, p, hook, true);
    if (y.requires_grad()) torch::autograd::backward({y}, {grad});
    if (i > 0) grad = xi.grad();
    inputs[i] = Tensor();  // each saved input is freed once its layer is done
  }
  set_rng_state(dev, after);
  return {sum.item<double>(), n};
}

std::pair<Tensor, int64_t> causal_lm_loss_sum(const Tensor& logits, const Tensor& labels) {
  auto shifted = torch::constant_pad_nd(labels, {0, 1}, -100).slice(1, 1).reshape(-1);
  const int64_t n = shifted.ne(-100).sum().item<int64_t>();
  auto sum = torch::nn::functional::cross_entropy(logits.to(torch::kFloat32).view({-1, logits.size(-1)}), shifted,
                                                  torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-100).reduction(torch::kSum));
  return {sum, n};
}

namespace {
// Σ cross-entropy(h·Wᵀ, targets) over row chunks of ~64 MB of float32 logits. The gradient w.r.t. h,
// (softmax − one-hot)·W per chunk, is formed in the forward while the chunk's logits exist, so the
// backward only scales it: no logits are kept or recomputed. W is frozen (the LoRA never trains it).
struct LinearCrossEntropy : public torch::autograd::Function<LinearCrossEntropy> {
  static Tensor forward(torch::autograd::AutogradContext* ctx, const Tensor& h, const Tensor& w, const Tensor& targets, bool need_grad) {
    const int64_t N = h.size(0), V = w.size(0);
    const int64_t chunk = std::max<int64_t>(1, (int64_t{64} << 20) / (V * 4));
    auto sum = torch::zeros({}, h.options().dtype(torch::kFloat32));
    Tensor grad = need_grad ? torch::empty_like(h) : Tensor();
    for (int64_t at = 0; at < N; at += chunk) {
      const int64_t end = std::min(N, at + chunk);
      auto t = targets.slice(0, at, end).unsqueeze(1);
      // Logits in the model dtype, the softmax in float32 (as transformers' loss upcasts them).
      auto logits = torch::mm(h.slice(0, at, end), w.t()).to(torch::kFloat32);
      auto target = logits.gather(1, t);
      // log-sum-exp shifted by the row's maximum, as logsumexp does, but a logit more than 64 below the
      // maximum counts as exp → 0: each such probability is under e^-64/V ≈ 1e-33, so all V of them
      // together move the loss and the gradient by under 1e-22 relative, far below float32's 6e-8.
      // Kept, they are subnormal floats in a peaked row (most of the vocabulary), which make the exp
      // and the gradient's mm below some 100× slower on x86 (measured: 77 s instead of 0.65 s per mm).
      auto m = std::get<0>(logits.max(1, true));
      auto e = torch::threshold_(logits.sub_(m), -64.0, -std::numeric_limits<double>::infinity()).exp_();
      auto total = e.sum(1, true);
      sum += (m + total.log() - target).sum();
      if (!need_grad) continue;
      auto p = e.div_(total);
      p.scatter_add_(1, t, torch::full_like(t, -1.0, p.options()));
      grad.slice(0, at, end).copy_(torch::mm(p.to(w.scalar_type()), w));
    }
    ctx->saved_data["grad"] = grad;
    return sum;
  }
  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::tensor_list out) {
    auto grad = ctx->saved_data["grad"].toTensor();
    return {grad * out[0].to(grad.scalar_type()), Tensor(), Tensor(), Tensor()};
  }
};
}  // namespace

Tensor linear_cross_entropy_sum(const Tensor& h, const Tensor& w, const Tensor& targets) {
  if (w.requires_grad()) throw EngineError("the chunked lm_head loss keeps the head frozen");
  const bool need_grad = torch::GradMode::is_enabled() && h.requires_grad();
  return LinearCrossEntropy::apply(h, w, targets, need_grad);
}

Tensor causal_lm_loss(const Tensor& logits, const Tensor& labels) {
  auto shifted = torch::constant_pad_nd(labels, {0, 1}, -100).slice(1, 1);
  return torch::nn::functional::cross_entropy(logits.to(torch::kFloat32).view({-1, logits.size(-1)}), shifted.reshape(-1),
                                              torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-100));
}

}  // namespace studio::engine
