#include "merge_kernels.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <thread>
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#endif

#include "merge_dtype.h"
#include "numeric.h"

namespace studio::merge::kernels {

using st::DType;
using namespace dtype;

namespace {
// acc[q] += l * r[q] with fused multiply-add, the way BLAS kernels accumulate.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
__attribute__((target("avx2,fma"))) void axpy_fma_avx2(float* acc, float l, const float* r, size_t n) {
  size_t q = 0;
  const __m256 lv = _mm256_set1_ps(l);
  for (; q + 8 <= n; q += 8) _mm256_storeu_ps(acc + q, _mm256_fmadd_ps(lv, _mm256_loadu_ps(r + q), _mm256_loadu_ps(acc + q)));
  for (; q < n; q++) acc[q] = std::fmaf(l, r[q], acc[q]);
}
// STUDIO_MERGE_PORTABLE=1 forces the portable loops (tests compare both paths bit for bit).
bool has_avx2_fma() {
  __builtin_cpu_init();
  const char* portable = std::getenv("STUDIO_MERGE_PORTABLE");
  if (portable && *portable && *portable != '0') return false;
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

// The common case, bf16 weight and bf16 output: out = bf16(f32(w) + f32(acc·s)),
// the multiply and the add rounded separately (no FMA), exactly as the portable loop.
__attribute__((target("avx2"))) void finish_bf16_row_avx2(const uint16_t* w, const float* acc, float s, uint16_t* out, size_t n) {
  const __m256 sv = _mm256_set1_ps(s);
  const __m256i abs_mask = _mm256_set1_epi32(0x7fffffff), inf = _mm256_set1_epi32(0x7f800000);
  const __m256i bias = _mm256_set1_epi32(0x7fff), one = _mm256_set1_epi32(1), qnan = _mm256_set1_epi32(0x40);
  size_t q = 0;
  for (; q + 8 <= n; q += 8) {
    const __m256i wi = _mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + q))), 16);
    const __m256 r = _mm256_add_ps(_mm256_castsi256_ps(wi), _mm256_mul_ps(_mm256_loadu_ps(acc + q), sv));
    const __m256i bits = _mm256_castps_si256(r);
    const __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(bits, 16), one);
    __m256i h = _mm256_srli_epi32(_mm256_add_epi32(bits, _mm256_add_epi32(bias, lsb)), 16);
    const __m256i nan = _mm256_cmpgt_epi32(_mm256_and_si256(bits, abs_mask), inf);
    h = _mm256_blendv_epi8(h, _mm256_or_si256(_mm256_srli_epi32(bits, 16), qnan), nan);
    const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(h, h), 0x08);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + q), _mm256_castsi256_si128(packed));
  }
  for (; q < n; q++) out[q] = num::f32_to_bf16(num::bf16_to_f32(w[q]) + acc[q] * s);
}
#endif

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// acc{0,1}[q] = Σ_k L{0,1}[k]·R[k·ldr + q] for two rows at once, k in order with
// FMA (the summation order BLAS uses for a rank-r product), accumulators kept in
// registers across k: the arithmetic is identical to repeated axpy_fma.
__attribute__((target("avx2,fma"))) void rank_r_rows2_avx2(const float* L0, const float* L1, size_t rank, const float* R, size_t ldr, size_t n, float* acc0, float* acc1) {
  size_t q = 0;
  for (; q + 32 <= n; q += 32) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
    for (size_t k = 0; k < rank; k++) {
      const float* r = R + k * ldr + q;
      const __m256 r0 = _mm256_loadu_ps(r), r1 = _mm256_loadu_ps(r + 8), r2 = _mm256_loadu_ps(r + 16), r3 = _mm256_loadu_ps(r + 24);
      const __m256 l0 = _mm256_set1_ps(L0[k]), l1 = _mm256_set1_ps(L1[k]);
      a0 = _mm256_fmadd_ps(l0, r0, a0);
      a1 = _mm256_fmadd_ps(l0, r1, a1);
      a2 = _mm256_fmadd_ps(l0, r2, a2);
      a3 = _mm256_fmadd_ps(l0, r3, a3);
      b0 = _mm256_fmadd_ps(l1, r0, b0);
      b1 = _mm256_fmadd_ps(l1, r1, b1);
      b2 = _mm256_fmadd_ps(l1, r2, b2);
      b3 = _mm256_fmadd_ps(l1, r3, b3);
    }
    _mm256_storeu_ps(acc0 + q, a0);
    _mm256_storeu_ps(acc0 + q + 8, a1);
    _mm256_storeu_ps(acc0 + q + 16, a2);
    _mm256_storeu_ps(acc0 + q + 24, a3);
    _mm256_storeu_ps(acc1 + q, b0);
    _mm256_storeu_ps(acc1 + q + 8, b1);
    _mm256_storeu_ps(acc1 + q + 16, b2);
    _mm256_storeu_ps(acc1 + q + 24, b3);
  }
  for (; q < n; q++) {
    float x = 0, y = 0;
    for (size_t k = 0; k < rank; k++) {
      x = std::fmaf(L0[k], R[k * ldr + q], x);
      y = std::fmaf(L1[k], R[k * ldr + q], y);
    }
    acc0[q] = x;
    acc1[q] = y;
  }
}
#endif

void axpy_fma(float* acc, float l, const float* r, size_t n);

// acc{0,1} for two rows (L1 may equal L0 for a lone last row), portable or AVX2.
void rank_r_rows2(const float* L0, const float* L1, size_t rank, const float* R, size_t ldr, size_t n, float* acc0, float* acc1) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  static const bool fast = has_avx2_fma();
  if (fast) {
    rank_r_rows2_avx2(L0, L1, rank, R, ldr, n, acc0, acc1);
    return;
  }
#endif
  std::fill(acc0, acc0 + n, 0.0f);
  std::fill(acc1, acc1 + n, 0.0f);
  for (size_t k = 0; k < rank; k++) {
    axpy_fma(acc0, L0[k], R + k * ldr, n);
    axpy_fma(acc1, L1[k], R + k * ldr, n);
  }
}

void axpy_fma(float* acc, float l, const float* r, size_t n) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  static const bool fast = has_avx2_fma();
  if (fast) {
    axpy_fma_avx2(acc, l, r, n);
    return;
  }
#endif
  for (size_t q = 0; q < n; q++) acc[q] = std::fmaf(l, r[q], acc[q]);
}

// PEFT order without DoRA works element by element, so columns are processed in
// blocks: the block of R (rank × kColBlock floats) stays in cache for every row.
constexpr size_t kColBlock = 128;

void merge_rows_peft_blocked(const OutTensor& t, const std::vector<Factors>& fs, size_t r0, size_t r1, uint8_t* out) {
  const st::TensorInfo& W = *t.info;
  const uint8_t* w = t.src->data(W);
  const size_t cols = static_cast<size_t>(W.shape[1]);
  float cur[2][kColBlock], acc[2][kColBlock];
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  static const bool fast = has_avx2_fma();
  if (fast && fs.size() == 1 && W.dtype == DType::BF16 && t.out_dtype == DType::BF16) {
    const Factors& f = fs.front();
    const float s = static_cast<float>(f.scale);
    const uint16_t* wb = reinterpret_cast<const uint16_t*>(w);
    uint16_t* ob = reinterpret_cast<uint16_t*>(out);
    // Rows outer: W is read and the output written front to back; R (rank × cols floats,
    // ≤ 1.2 MB at 4B shapes) stays in cache across rows.
    for (size_t p = r0; p < r1; p += 2) {
      const size_t rows = std::min<size_t>(2, r1 - p);
      const float* L0 = &f.L[p * f.rank];
      for (size_t q0 = 0; q0 < cols; q0 += kColBlock) {
        const size_t qn = std::min(kColBlock, cols - q0);
        rank_r_rows2(L0, rows == 2 ? L0 + f.rank : L0, f.rank, &f.R[q0], f.cols, qn, acc[0], acc[1]);
        for (size_t j = 0; j < rows; j++) finish_bf16_row_avx2(wb + (p + j) * cols + q0, acc[j], s, ob + (p + j - r0) * cols + q0, qn);
      }
    }
    return;
  }
#endif
  uint8_t tmp[8];
  for (size_t q0 = 0; q0 < cols; q0 += kColBlock) {
    const size_t qn = std::min(kColBlock, cols - q0);
    for (size_t p = r0; p < r1; p += 2) {
      const size_t rows = std::min<size_t>(2, r1 - p);
      for (size_t j = 0; j < rows; j++) load_row(w, W.dtype, static_cast<uint64_t>(p + j) * cols + q0, qn, cur[j]);
      for (const auto& f : fs) {
        const float* L0 = &f.L[p * f.rank];
        const float* L1 = rows == 2 ? L0 + f.rank : L0;
        rank_r_rows2(L0, L1, f.rank, &f.R[q0], f.cols, qn, acc[0], acc[1]);
        const float s = static_cast<float>(f.scale);
        for (size_t j = 0; j < rows; j++) {
          // delta = fp32(acc·scale), then one fp32 add: PEFT's in-place add into the weight.
          for (size_t q = 0; q < qn; q++) cur[j][q] = cur[j][q] + acc[j][q] * s;
          if (&f != &fs.back())  // between adapters PEFT's weight is back in its own dtype
            for (size_t q = 0; q < qn; q++) {
              store_f32(tmp, W.dtype, 0, cur[j][q]);
              cur[j][q] = load(tmp, W.dtype, 0);
            }
        }
      }
      for (size_t j = 0; j < rows; j++) store_row(out, t.out_dtype, static_cast<uint64_t>(p + j - r0) * cols + q0, qn, cur[j]);
    }
  }
}

}  // namespace

Factors prepare(const OutTensor& t, const Lora& l, bool want_double) {
  const auto& W = *t.info;
  const auto& A = *l.a;
  const auto& B = *l.b;
  const std::string where = "merge of '" + t.name + "'";
  if (W.shape.size() != 2) throw st::Error(where + ": LoRA merge needs a 2-D weight, got " + std::to_string(W.shape.size()) + "-D");
  if (A.shape.size() != 2 || B.shape.size() != 2) throw st::Error(where + ": lora_A/lora_B must be 2-D");
  const int64_t r = A.shape[0];
  if (B.shape[1] != r) throw st::Error(where + ": lora_B has rank " + std::to_string(B.shape[1]) + " but lora_A has rank " + std::to_string(r));
  const int64_t out = l.fan_in_fan_out ? W.shape[1] : W.shape[0];
  const int64_t in = l.fan_in_fan_out ? W.shape[0] : W.shape[1];
  if (B.shape[0] != out || A.shape[1] != in)
    throw st::Error(where + ": shape mismatch: weight is [" + std::to_string(W.shape[0]) + ", " + std::to_string(W.shape[1]) + "], lora_A [" + std::to_string(A.shape[0]) + ", " +
                    std::to_string(A.shape[1]) + "], lora_B [" + std::to_string(B.shape[0]) + ", " + std::to_string(B.shape[1]) + "]");
  for (const auto* x : {&A, &B})
    if (!is_float(x->dtype)) throw st::Error(where + ": unsupported LoRA dtype " + st::dtype_name(x->dtype));
  Factors f;
  f.rank = static_cast<size_t>(r);
  f.scale = l.scale;
  const uint8_t* a = l.file->data(A);
  const uint8_t* b = l.file->data(B);
  // Not transposed: rows = out, L = B [out, r], R = A [r, in].
  // fan_in_fan_out: W is [in, out] and gets (B·A)ᵀ: rows = in, L = Aᵀ [in, r], R = Bᵀ [r, out].
  f.rows = static_cast<size_t>(l.fan_in_fan_out ? in : out);
  f.cols = static_cast<size_t>(l.fan_in_fan_out ? out : in);
  f.L.resize(f.rows * f.rank);
  f.R.resize(f.rank * f.cols);
  for (size_t p = 0; p < f.rows; p++)
    for (size_t k = 0; k < f.rank; k++) f.L[p * f.rank + k] = l.fan_in_fan_out ? load(a, A.dtype, k * f.rows + p) : load(b, B.dtype, p * f.rank + k);
  for (size_t k = 0; k < f.rank; k++)
    for (size_t q = 0; q < f.cols; q++) f.R[k * f.cols + q] = l.fan_in_fan_out ? load(b, B.dtype, q * f.rank + k) : load(a, A.dtype, k * f.cols + q);
  if (want_double) {
    f.Ld.assign(f.L.begin(), f.L.end());
    f.Rd.assign(f.R.begin(), f.R.end());
  }
  if (l.magnitude) {
    if (l.fan_in_fan_out) throw st::Error(where + ": DoRA with fan_in_fan_out is not supported");
    if (l.magnitude->numel() != static_cast<uint64_t>(out))
      throw st::Error(where + ": DoRA magnitude has " + std::to_string(l.magnitude->numel()) + " values for " + std::to_string(out) + " output rows");
    f.magnitude.resize(static_cast<size_t>(out));
    for (size_t p = 0; p < f.magnitude.size(); p++) f.magnitude[p] = load(l.file->data(*l.magnitude), l.magnitude->dtype, p);
  }
  return f;
}

void merge_rows(const OutTensor& t, const std::vector<Factors>& fs, Rounding rounding, size_t r0, size_t r1, uint8_t* out) {
  const bool dora = std::any_of(fs.begin(), fs.end(), [](const Factors& f) { return !f.magnitude.empty(); });
  if (rounding == Rounding::Peft && !dora) {
    merge_rows_peft_blocked(t, fs, r0, r1, out);
    return;
  }
  const st::TensorInfo& W = *t.info;
  const uint8_t* w = t.src->data(W);
  const size_t cols = static_cast<size_t>(W.shape[1]);
  std::vector<float> acc(cols), delta(cols), cur(cols);
  std::vector<double> accd(cols), sumd(cols);
  for (size_t p = r0; p < r1; p++) {
    const uint64_t base = static_cast<uint64_t>(p) * cols;
    const uint64_t obase = static_cast<uint64_t>(p - r0) * cols;
    if (rounding == Rounding::Peft) {
      // DoRA needs the whole row (its norm) before anything is written.
      load_row(w, W.dtype, base, cols, cur.data());
      for (const auto& f : fs) {
        std::fill(acc.begin(), acc.end(), 0.0f);
        for (size_t k = 0; k < f.rank; k++) axpy_fma(acc.data(), f.L[p * f.rank + k], &f.R[k * f.cols], cols);
        const float s = static_cast<float>(f.scale);
        for (size_t q = 0; q < cols; q++) delta[q] = acc[q] * s;
        if (!f.magnitude.empty()) {
          // DoRA: W' = m / ‖W + ΔW‖_row · (W + ΔW)
          double norm = 0;
          for (size_t q = 0; q < cols; q++) {
            const double v = static_cast<double>(cur[q] + delta[q]);
            norm += v * v;
          }
          const float factor = f.magnitude[p] / static_cast<float>(std::sqrt(norm));
          for (size_t q = 0; q < cols; q++) cur[q] = factor * (cur[q] + delta[q]);
        } else {
          for (size_t q = 0; q < cols; q++) cur[q] = cur[q] + delta[q];
        }
      }
      store_row(out, t.out_dtype, obase, cols, cur.data());
    } else {
      for (size_t q = 0; q < cols; q++) sumd[q] = load_f64(w, W.dtype, base + q);
      for (const auto& f : fs) {
        std::fill(accd.begin(), accd.end(), 0.0);
        for (size_t k = 0; k < f.rank; k++) {
          const double l = f.Ld[p * f.rank + k];
          const double* r = &f.Rd[k * f.cols];
          for (size_t q = 0; q < cols; q++) accd[q] += l * r[q];
        }
        if (!f.magnitude.empty()) {
          double norm = 0;
          for (size_t q = 0; q < cols; q++) {
            const double v = sumd[q] + f.scale * accd[q];
            norm += v * v;
          }
          const double factor = f.magnitude[p] / std::sqrt(norm);
          for (size_t q = 0; q < cols; q++) sumd[q] = factor * (sumd[q] + f.scale * accd[q]);
        } else {
          for (size_t q = 0; q < cols; q++) sumd[q] += f.scale * accd[q];
        }
      }
      for (size_t q = 0; q < cols; q++) store(out, t.out_dtype, obase + q, sumd[q]);
    }
  }
}

void parallel_rows(size_t rows, int threads, const std::function<void(size_t, size_t)>& fn) {
  const size_t n = std::max<size_t>(1, std::min<size_t>(static_cast<size_t>(threads), rows));
  if (n == 1) {
    fn(0, rows);
    return;
  }
  std::vector<std::thread> pool;
  std::exception_ptr err;
  std::mutex m;
  for (size_t i = 0; i < n; i++) {
    const size_t a = rows * i / n, b = rows * (i + 1) / n;
    pool.emplace_back([&, a, b] {
      try {
        fn(a, b);
      } catch (...) {
        std::lock_guard<std::mutex> g(m);
        err = std::current_exception();
      }
    });
  }
  for (auto& th : pool) th.join();
  if (err) std::rethrow_exception(err);
}

int resolve_threads(int t) { return t > 0 ? t : std::max(1u, std::thread::hardware_concurrency()); }

}  // namespace studio::merge::kernels
