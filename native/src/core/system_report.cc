#include "system_report.h"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#if defined(_WIN32)
#include <windows.h>
#else
#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>
#endif
#if defined(__linux__) && defined(__aarch64__)
#include <sys/auxv.h>
#endif
#if defined(__APPLE__)
#include <sys/sysctl.h>
#endif
#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
#define STUDIO_X86 1
#if defined(_MSC_VER)
#include <intrin.h>
#else
#include <cpuid.h>
#endif
#endif

namespace studio {
namespace {

// ---- dynamic loading, the same on every platform ---------------------------
#if defined(_WIN32)
using LibHandle = HMODULE;
// A path (not a bare name) is loaded with its own folder searched for its
// dependencies, as a torch install's lib/ needs; the error mode stops Windows
// from showing a dialog box for a missing dependency.
LibHandle open_lib(const std::string& name) {
  DWORD old_mode = 0;
  SetThreadErrorMode(SEM_FAILCRITICALERRORS | SEM_NOOPENFILEERRORBOX, &old_mode);
  HMODULE h;
  if (name.find_first_of("/\\") != std::string::npos) {
    std::string p = name;
    for (auto& c : p)
      if (c == '/') c = '\\';
    h = LoadLibraryExA(p.c_str(), nullptr, LOAD_WITH_ALTERED_SEARCH_PATH);
  } else {
    h = LoadLibraryA(name.c_str());
  }
  SetThreadErrorMode(old_mode, nullptr);
  return h;
}
void* lib_symbol(LibHandle h, const char* s) { return reinterpret_cast<void*>(GetProcAddress(h, s)); }
void close_lib(LibHandle h) { FreeLibrary(h); }
std::string last_load_error() { return "error " + std::to_string(GetLastError()); }
#else
using LibHandle = void*;
LibHandle open_lib(const std::string& name) { return dlopen(name.c_str(), RTLD_LAZY | RTLD_LOCAL); }
void* lib_symbol(LibHandle h, const char* s) { return dlsym(h, s); }
void close_lib(LibHandle h) { dlclose(h); }
std::string last_load_error() {
  const char* e = dlerror();
  return e ? e : "unknown error";
}
#endif

// ---- CPU --------------------------------------------------------------------
#if defined(STUDIO_X86)
void cpuid(unsigned leaf, unsigned sub, unsigned r[4]) {
#if defined(_MSC_VER)
  int v[4];
  __cpuidex(v, static_cast<int>(leaf), static_cast<int>(sub));
  for (int i = 0; i < 4; i++) r[i] = static_cast<unsigned>(v[i]);
#else
  __cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
#endif
}

uint64_t xgetbv0() {
#if defined(_MSC_VER)
  return _xgetbv(0);
#else
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<uint64_t>(hi) << 32) | lo;
#endif
}

void x86_features(SystemReport& r) {
  unsigned a[4];
  cpuid(0, 0, a);
  const unsigned max_leaf = a[0];
  cpuid(1, 0, a);
  const unsigned ecx1 = a[2], edx1 = a[3];
  // AVX needs the OS to save YMM state (OSXSAVE + XCR0 bits 1,2); AVX-512 also ZMM (bits 5-7).
  const bool osxsave = ecx1 & (1u << 27);
  const uint64_t xcr0 = osxsave ? xgetbv0() : 0;
  const bool ymm = (xcr0 & 0x6) == 0x6;
  const bool zmm = ymm && (xcr0 & 0xe0) == 0xe0;
  const bool amx_os = (xcr0 & (3ull << 17)) == (3ull << 17);
  auto add = [&](bool on, const char* name) {
    if (on) r.cpu_features.emplace_back(name);
  };
  add(edx1 & (1u << 26), "sse2");
  add(ecx1 & (1u << 20), "sse4_2");
  add((ecx1 & (1u << 28)) && ymm, "avx");
  add((ecx1 & (1u << 12)) && ymm, "fma");
  add((ecx1 & (1u << 29)) && ymm, "f16c");
  if (max_leaf >= 7) {
    cpuid(7, 0, a);
    const unsigned max_sub7 = a[0], ebx7 = a[1], edx7 = a[3];
    add((ebx7 & (1u << 5)) && ymm, "avx2");
    add((ebx7 & (1u << 16)) && zmm, "avx512f");
    add((ebx7 & (1u << 30)) && zmm, "avx512bw");
    add((ebx7 & (1u << 31)) && zmm, "avx512vl");
    add((edx7 & (1u << 23)) && zmm, "avx512_fp16");
    add((edx7 & (1u << 22)) && amx_os, "amx_bf16");
    if (max_sub7 >= 1) {
      cpuid(7, 1, a);
      add((a[0] & (1u << 5)) && zmm, "avx512_bf16");
    }
  }
}
#endif

#if defined(__aarch64__) || defined(_M_ARM64)
// NEON is part of ARMv8-A; the rest are what matmul kernels care about.
void arm_features(SystemReport& r) {
  r.cpu_features.emplace_back("neon");
#if defined(__linux__)
  const unsigned long hw = getauxval(AT_HWCAP), hw2 = getauxval(AT_HWCAP2);
  // Bit values from the kernel's asm/hwcap.h (spelled out: old headers lack some).
  if (hw & (1ul << 10)) r.cpu_features.emplace_back("fp16");     // HWCAP_ASIMDHP
  if (hw & (1ul << 20)) r.cpu_features.emplace_back("dotprod");  // HWCAP_ASIMDDP
  if (hw & (1ul << 22)) r.cpu_features.emplace_back("sve");      // HWCAP_SVE
  if (hw2 & (1ul << 1)) r.cpu_features.emplace_back("sve2");     // HWCAP2_SVE2
  if (hw2 & (1ul << 13)) r.cpu_features.emplace_back("i8mm");    // HWCAP2_I8MM
  if (hw2 & (1ul << 14)) r.cpu_features.emplace_back("bf16");    // HWCAP2_BF16
#elif defined(__APPLE__)
  auto has = [](const char* key) {
    int v = 0;
    size_t len = sizeof(v);
    return sysctlbyname(key, &v, &len, nullptr, 0) == 0 && v != 0;
  };
  if (has("hw.optional.arm.FEAT_FP16")) r.cpu_features.emplace_back("fp16");
  if (has("hw.optional.arm.FEAT_DotProd")) r.cpu_features.emplace_back("dotprod");
  if (has("hw.optional.arm.FEAT_I8MM")) r.cpu_features.emplace_back("i8mm");
  if (has("hw.optional.arm.FEAT_BF16")) r.cpu_features.emplace_back("bf16");
#endif
}
#endif

std::string cpu_model_name() {
#if defined(__linux__)
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("model name", 0) == 0 || line.rfind("Model", 0) == 0 || line.rfind("Hardware", 0) == 0) {
      auto p = line.find(':');
      if (p != std::string::npos) return line.substr(line.find_first_not_of(" \t", p + 1));
    }
  }
#elif defined(__APPLE__)
  char buf[256];
  size_t len = sizeof(buf);
  if (sysctlbyname("machdep.cpu.brand_string", buf, &len, nullptr, 0) == 0) return std::string(buf);
#endif
  return "unknown";
}

uint64_t total_memory() {
#if defined(_WIN32)
  MEMORYSTATUSEX s;
  s.dwLength = sizeof(s);
  return GlobalMemoryStatusEx(&s) ? s.ullTotalPhys : 0;
#elif defined(__APPLE__)
  uint64_t mem = 0;
  size_t len = sizeof(mem);
  return sysctlbyname("hw.memsize", &mem, &len, nullptr, 0) == 0 ? mem : 0;
#else
  const long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && size > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(size) : 0;
#endif
}

// ---- CUDA driver --------------------------------------------------------------
void probe_cuda(SystemReport& r) {
#if defined(__APPLE__)
  r.cuda_reason = "CUDA is not available on macOS";
  return;
#else
#if defined(_WIN32)
  const char* lib = "nvcuda.dll";
#else
  const char* lib = "libcuda.so.1";
#endif
  LibHandle h = open_lib(lib);
  if (!h) {
    r.cuda_reason = std::string(lib) + " not found: no NVIDIA driver is installed";
    return;
  }
  using InitFn = int (*)(unsigned);
  using IntOut = int (*)(int*);
  using DevGet = int (*)(int*, int);
  using NameFn = int (*)(char*, int, int);
  using MemFn = int (*)(size_t*, int);
  using AttrFn = int (*)(int*, int, int);
  auto init = reinterpret_cast<InitFn>(lib_symbol(h, "cuInit"));
  auto drv = reinterpret_cast<IntOut>(lib_symbol(h, "cuDriverGetVersion"));
  auto count = reinterpret_cast<IntOut>(lib_symbol(h, "cuDeviceGetCount"));
  auto get = reinterpret_cast<DevGet>(lib_symbol(h, "cuDeviceGet"));
  auto name = reinterpret_cast<NameFn>(lib_symbol(h, "cuDeviceGetName"));
  auto mem = reinterpret_cast<MemFn>(lib_symbol(h, "cuDeviceTotalMem_v2"));
  auto attr = reinterpret_cast<AttrFn>(lib_symbol(h, "cuDeviceGetAttribute"));
  if (!init || !count || !get) {
    r.cuda_reason = std::string(lib) + " loaded but lacks cuInit/cuDeviceGetCount";
    close_lib(h);
    return;
  }
  int v = 0;
  if (drv && drv(&v) == 0) r.cuda_driver_version = v;
  const int rc = init(0);
  if (rc != 0) {
    r.cuda_reason = "cuInit failed with error " + std::to_string(rc) + (rc == 100 ? " (no CUDA-capable device)" : "");
    close_lib(h);
    return;
  }
  int n = 0;
  const int crc = count(&n);
  if (crc != 0) {
    r.cuda_reason = "cuDeviceGetCount failed with error " + std::to_string(crc);
    return;  // libcuda stays loaded: see below
  }
  for (int i = 0; i < n; i++) {
    int dev = 0;
    if (get(&dev, i) != 0) continue;
    CudaDevice d;
    d.index = i;
    char buf[256] = {0};
    if (name && name(buf, sizeof(buf) - 1, dev) == 0) d.name = buf;
    size_t bytes = 0;
    if (mem && mem(&bytes, dev) == 0) d.total_memory_bytes = bytes;
    int major = 0, minor = 0;
    // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75, _MINOR = 76
    if (attr && attr(&major, 75, dev) == 0 && attr(&minor, 76, dev) == 0) d.compute_capability = std::to_string(major) + "." + std::to_string(minor);
    r.cuda_devices.push_back(d);
  }
  r.cuda_usable = n > 0;
  r.cuda_reason = n > 0 ? std::to_string(n) + " CUDA device(s), driver " + std::to_string(r.cuda_driver_version) : "the NVIDIA driver reports no CUDA devices";
  // No close_lib after a successful cuInit: the driver may have started its own
  // threads, and unmapping their code under them crashes the process. A second
  // probe gets the same handle back, so nothing accumulates.
#endif
}

// ---- libtorch -----------------------------------------------------------------
#if defined(_WIN32)
const char* kC10 = "c10.dll";
const char* kTorchCpu = "torch_cpu.dll";
const char* kTorchCuda = "torch_cuda.dll";
#elif defined(__APPLE__)
const char* kC10 = "libc10.dylib";
const char* kTorchCpu = "libtorch_cpu.dylib";
const char* kTorchCuda = "libtorch_cuda.dylib";
#else
const char* kC10 = "libc10.so";
const char* kTorchCpu = "libtorch_cpu.so";
const char* kTorchCuda = "libtorch_cuda.so";
#endif

std::string dir_of_loaded(LibHandle h, const char* symbol) {
#if defined(_WIN32)
  char buf[MAX_PATH];
  if (GetModuleFileNameA(h, buf, MAX_PATH)) {
    std::string p(buf);
    return p.substr(0, p.find_last_of("\\/"));
  }
  return "";
#else
  void* s = dlsym(h, symbol);
  Dl_info info;
  if (s && dladdr(s, &info) && info.dli_fname) {
    // Canonical path: on merged-/usr systems the loader reports /lib/... for /usr/lib/...
    char real[PATH_MAX];
    std::string p = realpath(info.dli_fname, real) ? std::string(real) : std::string(info.dli_fname);
    return p.substr(0, p.find_last_of('/'));
  }
  return "";
#endif
}

// The version from torch/version.h (TORCH_VERSION_MAJOR/MINOR/PATCH): beside the
// library in a torch install (torch/lib -> torch/include), or the system headers
// when the library is the distribution's.
std::string torch_version_near(const std::string& libdir) {
  std::vector<std::string> candidates = {
      libdir + "/../include/torch/csrc/api/include/torch/version.h",
      libdir + "/../include/torch/version.h",
  };
  const bool system_lib = libdir.rfind("/usr/lib", 0) == 0 || libdir.rfind("/lib", 0) == 0;
  if (system_lib) {
    candidates.push_back("/usr/include/torch/csrc/api/include/torch/version.h");
    candidates.push_back("/usr/include/torch/version.h");
  }
  for (const auto& path : candidates) {
    std::ifstream f(path);
    if (!f) continue;
    std::string line, major, minor, patch;
    while (std::getline(f, line)) {
      std::istringstream ss(line);
      std::string def, name, value;
      ss >> def >> name >> value;
      if (def != "#define") continue;
      if (name == "TORCH_VERSION_MAJOR") major = value;
      if (name == "TORCH_VERSION_MINOR") minor = value;
      if (name == "TORCH_VERSION_PATCH") patch = value;
    }
    if (!major.empty() && !minor.empty()) return major + "." + minor + (patch.empty() ? "" : "." + patch);
  }
  // No header (a trimmed install): a PyTorch wheel also has torch/version.py
  // beside torch/lib, e.g. __version__ = '2.3.1+cu121'
  std::ifstream py(libdir + "/../version.py");
  std::string line;
  while (py && std::getline(py, line)) {
    if (line.rfind("__version__", 0) != 0) continue;
    const auto a = line.find_first_of("'\""), b = line.find_last_of("'\"");
    if (a != std::string::npos && b > a) return line.substr(a + 1, b - a - 1);
  }
  return "";
}

void probe_libtorch(SystemReport& r) {
  std::vector<std::string> prefixes;
  const char* env = std::getenv("STUDIO_LIBTORCH_DIR");
  if (env && !*env) env = nullptr;
  if (env) {
    std::string d(env);
    prefixes.push_back(d + "/");
    prefixes.push_back(d + "/lib/");
  }
  prefixes.push_back("");  // the loader's default search path
  std::string errors;
  for (const auto& prefix : prefixes) {
    LibHandle c10 = open_lib(prefix + kC10);
    if (!c10) {
      errors += (errors.empty() ? "" : "; ") + last_load_error();
      continue;
    }
    LibHandle cpu = open_lib(prefix + kTorchCpu);
    if (!cpu) {
      errors += (errors.empty() ? "" : "; ") + last_load_error();
      close_lib(c10);
      continue;
    }
    r.libtorch_usable = true;
    if (env && prefix.empty())
      r.warnings.push_back(std::string("STUDIO_LIBTORCH_DIR=") + env + " holds no loadable libtorch (" + errors + "); using the one on the default library path");
    r.libtorch_path = dir_of_loaded(cpu, "_ZN2at4_ops3add4callERKNS_6TensorES4_RKN3c106ScalarE");
    if (r.libtorch_path.empty()) r.libtorch_path = dir_of_loaded(c10, "_ZN3c1019UndefinedTensorImpl10_singletonE");
    r.libtorch_version = torch_version_near(r.libtorch_path);
    LibHandle cuda = open_lib(prefix + kTorchCuda);
    r.libtorch_cuda = cuda != nullptr;
    if (cuda) close_lib(cuda);
    r.libtorch_reason = "libtorch " + (r.libtorch_version.empty() ? std::string("(version unknown)") : r.libtorch_version) + " loads from " +
                        (r.libtorch_path.empty() ? std::string("the default library path") : r.libtorch_path) + (r.libtorch_cuda ? ", with CUDA" : ", CPU only");
    close_lib(cpu);
    close_lib(c10);
    return;
  }
  r.libtorch_reason = "libtorch was not found (set STUDIO_LIBTORCH_DIR to a torch install's lib folder, or install libtorch): " + errors;
}

}  // namespace

SystemReport probe_system() {
  SystemReport r;
#if defined(_WIN32)
  r.platform = "win32";
#elif defined(__APPLE__)
  r.platform = "darwin";
#elif defined(__linux__)
  r.platform = "linux";
#else
  r.platform = "unknown";
#endif
#if defined(__x86_64__) || defined(_M_X64)
  r.arch = "x64";
#elif defined(__aarch64__) || defined(_M_ARM64)
  r.arch = "arm64";
#elif defined(__i386__) || defined(_M_IX86)
  r.arch = "ia32";
#else
  r.arch = "unknown";
#endif
  try {
    r.cpu_model = cpu_model_name();
    r.logical_cores = std::thread::hardware_concurrency();  // 0 means "unknown"
    if (r.logical_cores == 0) r.warnings.emplace_back("the number of logical cores could not be read");
#if defined(STUDIO_X86)
    x86_features(r);
#elif defined(__aarch64__) || defined(_M_ARM64)
    arm_features(r);
#endif
  } catch (...) {
    r.warnings.emplace_back("the CPU probe failed part-way; CPU details may be incomplete");
  }
  r.memory_total_bytes = total_memory();
  if (r.memory_total_bytes == 0) r.warnings.emplace_back("total memory could not be read");
  try {
    probe_cuda(r);
  } catch (const std::exception& e) {
    r.cuda_reason = std::string("CUDA probe failed: ") + e.what();
  } catch (...) {
    r.cuda_reason = "CUDA probe failed with an unknown error";
  }
  try {
    probe_libtorch(r);
  } catch (const std::exception& e) {
    r.libtorch_reason = std::string("libtorch probe failed: ") + e.what();
  } catch (...) {
    r.libtorch_reason = "libtorch probe failed with an unknown error";
  }
  return r;
}

}  // namespace studio
