// The shard writer: each output shard streamed tensor by tensor (copied,
// converted, or merged block by block by the kernels) through st::Writer, the
// inputs re-checked after every block and non-finite results refused.
#include "merge.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#if !defined(_WIN32)
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "merge_dtype.h"
#include "merge_kernels.h"

namespace studio::merge {
namespace {

using st::DType;
using namespace dtype;
using kernels::Factors;

// Drops pages we are done with from our mapping (the page cache keeps them),
// so RSS stays near one block instead of growing with the model.
void release_range(const uint8_t* ptr, uint64_t n) {
#if !defined(_WIN32)
  const long page = sysconf(_SC_PAGESIZE);
  const uintptr_t begin = reinterpret_cast<uintptr_t>(ptr);
  const uintptr_t end = begin + n;
  const uintptr_t a = (begin + page - 1) / page * page;
  const uintptr_t b = end / page * page;
  if (b > a) madvise(reinterpret_cast<void*>(a), b - a, MADV_DONTNEED);
#else
  (void)ptr;
  (void)n;
#endif
}

void release_pages(const st::File* f, const st::TensorInfo& t) { release_range(f->data(t), t.nbytes()); }

// Every file a tensor reads from is still the file we opened (throws if it shrank or changed).
void check_inputs(const OutTensor& t) {
  t.src->check();
  for (const auto& l : t.loras) l.file->check();
}

// A merge that overflowed (absurd scale, broken adapter) must not be written as a model.
void refuse_non_finite(const OutTensor& t, const uint8_t* p, size_t n_values, size_t first_row, size_t cols) {
  size_t bad = n_values;
  switch (t.out_dtype) {
    case DType::BF16:
      for (size_t i = 0; i < n_values && bad == n_values; i++) {
        uint16_t h;
        std::memcpy(&h, p + i * 2, 2);
        if ((h & 0x7F80u) == 0x7F80u) bad = i;
      }
      break;
    case DType::F16:
      for (size_t i = 0; i < n_values && bad == n_values; i++) {
        uint16_t h;
        std::memcpy(&h, p + i * 2, 2);
        if ((h & 0x7C00u) == 0x7C00u) bad = i;
      }
      break;
    case DType::F32:
      for (size_t i = 0; i < n_values && bad == n_values; i++) {
        float v;
        std::memcpy(&v, p + i * 4, 4);
        if (!std::isfinite(v)) bad = i;
      }
      break;
    case DType::F64:
      for (size_t i = 0; i < n_values && bad == n_values; i++) {
        double v;
        std::memcpy(&v, p + i * 8, 8);
        if (!std::isfinite(v)) bad = i;
      }
      break;
    default:
      return;
  }
  if (bad == n_values) return;
  double scale = t.loras.empty() ? 0 : t.loras.front().scale;
  throw st::Error("'" + t.name + "': the merge produced a non-finite value (inf/NaN) at row " + std::to_string(first_row + bad / std::max<size_t>(1, cols)) + " (LoRA scale " +
                  std::to_string(scale) + "); the adapter's weights or scale cannot give a usable model");
}
}  // namespace

std::vector<uint8_t> merge_tensor(const OutTensor& t, Rounding rounding, int threads) {
  std::vector<Factors> fs;
  for (const auto& l : t.loras) fs.push_back(kernels::prepare(t, l, rounding == Rounding::Single));
  const size_t rows = static_cast<size_t>(t.info->shape[0]);
  const size_t cols = static_cast<size_t>(t.info->shape[1]);
  std::vector<uint8_t> out(rows * cols * st::dtype_size(t.out_dtype));
  kernels::parallel_rows(rows, kernels::resolve_threads(threads),
                         [&](size_t a, size_t b) { kernels::merge_rows(t, fs, rounding, a, b, out.data() + a * cols * st::dtype_size(t.out_dtype)); });
  return out;
}

Summary run(const std::vector<OutShard>& shards, const Options& opt, const std::function<void(const Progress&)>& progress, const std::atomic<bool>& cancel) {
  const int threads = kernels::resolve_threads(opt.threads);
  Progress pr;
  for (const auto& s : shards)
    for (const auto& t : s.tensors) {
      pr.bytes_total += t.info->numel() * st::dtype_size(t.out_dtype);
      pr.tensors_total++;
    }
  constexpr size_t kBlockBytes = 16u << 20;  // rows are merged and written in ~16 MB blocks
  Summary summary;
  for (const auto& shard : shards) {
    std::vector<st::TensorSpec> specs;
    for (const auto& t : shard.tensors) {
      if (!t.loras.empty() || t.out_dtype != t.info->dtype) {
        if (!is_float(t.info->dtype)) throw st::Error("'" + t.name + "': cannot merge into or convert a " + std::string(st::dtype_name(t.info->dtype)) + " tensor");
      }
      specs.push_back({t.name, t.out_dtype, t.info->shape});
    }
    // The writer stages blocks and sends each to disk on its own thread while the next is
    // computed straight into its buffer.
    st::Writer writer(shard.path, specs, shard.metadata, opt.io);
    for (const auto& t : shard.tensors) {
      if (cancel.load()) throw Cancelled();
      pr.current = t.name;
      const size_t osz = st::dtype_size(t.out_dtype);
      if (t.loras.empty() && t.out_dtype == t.info->dtype) {
        // Untouched: copied as they are, block by block from the mapped base.
        const uint8_t* p = t.src->data(*t.info);
        for (uint64_t off = 0; off < t.info->nbytes(); off += kBlockBytes) {
          if (cancel.load()) throw Cancelled();
          const size_t n = static_cast<size_t>(std::min<uint64_t>(kBlockBytes, t.info->nbytes() - off));
          writer.write(p + off, n);
          check_inputs(t);
          release_range(p + off, n);
          pr.bytes_done += n;
          progress(pr);
        }
      } else if (t.loras.empty()) {
        // Dtype conversion only (e.g. an fp32 base exported as bf16).
        const uint8_t* p = t.src->data(*t.info);
        const uint64_t n = t.info->numel();
        const uint64_t per = std::max<uint64_t>(1, kBlockBytes / osz);
        for (uint64_t i0 = 0; i0 < n; i0 += per) {
          if (cancel.load()) throw Cancelled();
          const uint64_t cnt = std::min(per, n - i0);
          uint8_t* dst = writer.reserve(cnt * osz);
          for (uint64_t i = 0; i < cnt; i++) store_f32(dst, t.out_dtype, i, load(p, t.info->dtype, i0 + i));
          check_inputs(t);
          writer.commit(cnt * osz);
          pr.bytes_done += cnt * osz;
          progress(pr);
        }
      } else {
        std::vector<Factors> fs;
        for (const auto& l : t.loras) fs.push_back(kernels::prepare(t, l, opt.rounding == Rounding::Single));
        check_inputs(t);
        const size_t rows = static_cast<size_t>(t.info->shape[0]);
        const size_t cols = static_cast<size_t>(t.info->shape[1]);
        const size_t row_bytes = std::max<size_t>(1, cols * osz);
        if (row_bytes > io::StagedFile::max_span()) throw st::Error("'" + t.name + "': a row of " + std::to_string(row_bytes) + " bytes is larger than the merge's staging buffer");
        const size_t block_rows = std::clamp<size_t>(std::max<size_t>(static_cast<size_t>(threads) * 2, kBlockBytes / row_bytes), 1, io::StagedFile::max_span() / row_bytes);
        for (size_t r0 = 0; r0 < rows; r0 += block_rows) {
          if (cancel.load()) throw Cancelled();
          const size_t r1 = std::min(rows, r0 + block_rows);
          uint8_t* dst = writer.reserve((r1 - r0) * row_bytes);
          kernels::parallel_rows(r1 - r0, threads, [&](size_t a, size_t b) { kernels::merge_rows(t, fs, opt.rounding, r0 + a, r0 + b, dst + a * row_bytes); });
          check_inputs(t);
          refuse_non_finite(t, dst, (r1 - r0) * cols, r0, cols);
          writer.commit((r1 - r0) * row_bytes);
          pr.bytes_done += (r1 - r0) * row_bytes;
          progress(pr);
        }
      }
      release_pages(t.src, *t.info);
      pr.tensors_done++;
      progress(pr);
    }
    writer.finish();
    summary.direct_io = summary.direct_io && writer.direct_io();
  }
  return summary;
}

}  // namespace studio::merge
