#include "safetensors.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <sstream>

#include "json_lite.h"

#if defined(_WIN32)
#include <windows.h>
#else
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace studio::st {

namespace {
struct DTypeRow {
  DType d;
  const char* name;
  size_t size;
};
const DTypeRow kDTypes[] = {
    {DType::BOOL, "BOOL", 1}, {DType::U8, "U8", 1},     {DType::I8, "I8", 1},   {DType::I16, "I16", 2},         {DType::U16, "U16", 2},
    {DType::F16, "F16", 2},   {DType::BF16, "BF16", 2}, {DType::I32, "I32", 4}, {DType::U32, "U32", 4},         {DType::F32, "F32", 4},
    {DType::F64, "F64", 8},   {DType::I64, "I64", 8},   {DType::U64, "U64", 8}, {DType::F8_E4M3, "F8_E4M3", 1}, {DType::F8_E5M2, "F8_E5M2", 1},
};

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out + "\"";
}
}  // namespace

size_t dtype_size(DType d) {
  for (const auto& r : kDTypes)
    if (r.d == d) return r.size;
  return 0;
}
const char* dtype_name(DType d) {
  for (const auto& r : kDTypes)
    if (r.d == d) return r.name;
  return "?";
}
bool parse_dtype(const std::string& s, DType& out) {
  for (const auto& r : kDTypes)
    if (s == r.name) {
      out = r.d;
      return true;
    }
  return false;
}

uint64_t TensorInfo::numel() const {
  uint64_t n = 1;
  for (int64_t d : shape) n *= static_cast<uint64_t>(d);
  return n;
}

Header parse_header(const uint8_t* json, size_t json_size, uint64_t data_size, const std::string& where) {
  json::Value root;
  try {
    root = json::parse(reinterpret_cast<const char*>(json), json_size, 8);
  } catch (const json::ParseError& e) {
    throw Error(where + ": header is not valid JSON (" + e.what() + ")");
  }
  if (root.kind != json::Value::Kind::Object) throw Error(where + ": header must be a JSON object");
  Header h;
  if (root.object->size() > kMaxTensors + 1) throw Error(where + ": header lists " + std::to_string(root.object->size()) + " entries (limit " + std::to_string(kMaxTensors) + ")");
  for (const auto& [name, v] : *root.object) {
    if (name == "__metadata__") {
      if (v.kind != json::Value::Kind::Object) throw Error(where + ": __metadata__ must be an object of strings");
      for (const auto& [k, mv] : *v.object) {
        if (mv.kind != json::Value::Kind::String) throw Error(where + ": __metadata__." + k + " must be a string");
        h.metadata[k] = mv.string;
      }
      continue;
    }
    const std::string at = where + ": tensor '" + name + "'";
    if (v.kind != json::Value::Kind::Object) throw Error(at + " must be an object");
    const auto& o = *v.object;
    auto get = [&](const char* key) -> const json::Value& {
      auto it = o.find(key);
      if (it == o.end()) throw Error(at + " has no '" + key + "'");
      return it->second;
    };
    TensorInfo t;
    t.name = name;
    const auto& dt = get("dtype");
    if (dt.kind != json::Value::Kind::String || !parse_dtype(dt.string, t.dtype))
      throw Error(at + " has an unknown dtype " + (dt.kind == json::Value::Kind::String ? dt.string : "(not a string)"));
    const auto& shape = get("shape");
    if (shape.kind != json::Value::Kind::Array) throw Error(at + ": shape must be a list");
    if (shape.array->size() > 16) throw Error(at + ": shape has too many dimensions");
    uint64_t numel = 1;
    for (const auto& d : *shape.array) {
      if (d.kind != json::Value::Kind::Number || !d.is_integer || d.integer < 0) throw Error(at + ": shape entries must be non-negative integers");
      t.shape.push_back(d.integer);
      if (d.integer != 0 && numel > std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(d.integer)) throw Error(at + ": shape is absurdly large");
      numel *= static_cast<uint64_t>(d.integer);
    }
    const auto& offs = get("data_offsets");
    if (offs.kind != json::Value::Kind::Array || offs.array->size() != 2) throw Error(at + ": data_offsets must be [begin, end]");
    for (const auto& x : *offs.array)
      if (x.kind != json::Value::Kind::Number || !x.is_integer || x.integer < 0) throw Error(at + ": data_offsets must be non-negative integers");
    t.begin = static_cast<uint64_t>((*offs.array)[0].integer);
    t.end = static_cast<uint64_t>((*offs.array)[1].integer);
    if (t.end < t.begin) throw Error(at + ": data_offsets end before they begin");
    if (t.end > data_size)
      throw Error(at + ": data_offsets [" + std::to_string(t.begin) + ", " + std::to_string(t.end) + "] run past the end of the file (data is " + std::to_string(data_size) +
                  " bytes)");
    if (numel > std::numeric_limits<uint64_t>::max() / dtype_size(t.dtype) || numel * dtype_size(t.dtype) != t.nbytes())
      throw Error(at + ": " + std::to_string(t.nbytes()) + " bytes do not match shape × " + dtype_name(t.dtype));
    h.tensors.push_back(std::move(t));
  }
  std::sort(h.tensors.begin(), h.tensors.end(), [](const TensorInfo& a, const TensorInfo& b) { return a.begin < b.begin || (a.begin == b.begin && a.end < b.end); });
  uint64_t pos = 0;
  for (const auto& t : h.tensors) {
    if (t.begin < pos) throw Error(where + ": tensor '" + t.name + "' overlaps the tensor before it");
    if (t.begin > pos) throw Error(where + ": bytes " + std::to_string(pos) + ".." + std::to_string(t.begin) + " belong to no tensor (hole before '" + t.name + "')");
    pos = t.end;
  }
  if (pos != data_size) throw Error(where + ": " + std::to_string(data_size - pos) + " trailing bytes belong to no tensor");
  h.data_size = data_size;
  return h;
}

#if !defined(_WIN32)
namespace {
// Mapped ranges whose faults we absorb. A fixed table of atomics: the SIGBUS
// handler may only read plain memory.
constexpr int kGuardSlots = 256;
struct GuardSlot {
  std::atomic<uintptr_t> begin{0};
  std::atomic<uintptr_t> end{0};
  std::atomic<int> faulted{0};
};
GuardSlot g_slots[kGuardSlots];
struct sigaction g_previous;
std::atomic<bool> g_installed{false};
uintptr_t g_page = 4096;

void on_sigbus(int sig, siginfo_t* info, void* ctx) {
  const uintptr_t addr = reinterpret_cast<uintptr_t>(info->si_addr);
  for (auto& s : g_slots) {
    const uintptr_t b = s.begin.load(std::memory_order_acquire), e = s.end.load(std::memory_order_acquire);
    if (b == 0 || addr < b || addr >= e) continue;
    // The file shrank under our mapping: zeros from here to the end of the range,
    // so the reader finishes its block and check() turns this into an error.
    const uintptr_t from = addr / g_page * g_page;
    void* p = mmap(reinterpret_cast<void*>(from), e - from, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (p == MAP_FAILED) break;
    s.faulted.store(1, std::memory_order_release);
    return;
  }
  // Not ours: behave as if we were never here.
  if (g_previous.sa_flags & SA_SIGINFO) {
    if (g_previous.sa_sigaction) return g_previous.sa_sigaction(sig, info, ctx);
  } else if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN) {
    return g_previous.sa_handler(sig);
  }
  signal(SIGBUS, SIG_DFL);  // the faulting access runs again and ends the process as it would have
}

void install_guard() {
  bool expected = false;
  if (!g_installed.compare_exchange_strong(expected, true)) return;
  g_page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_sigbus;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGBUS, &sa, &g_previous);
}

int guard_range(const uint8_t* base, uint64_t n) {
  install_guard();
  for (int i = 0; i < kGuardSlots; i++) {
    uintptr_t zero = 0;
    if (g_slots[i].begin.load() != 0) continue;
    g_slots[i].faulted.store(0);
    g_slots[i].end.store(reinterpret_cast<uintptr_t>(base) + n);
    if (g_slots[i].begin.compare_exchange_strong(zero, reinterpret_cast<uintptr_t>(base))) return i;
  }
  return -1;  // table full: the file is read unguarded
}

void unguard(int slot) {
  if (slot < 0) return;
  g_slots[slot].begin.store(0, std::memory_order_release);
  g_slots[slot].end.store(0, std::memory_order_release);
}

const char* kind_of(mode_t m) {
  if (S_ISDIR(m)) return "a folder";
  if (S_ISFIFO(m)) return "a FIFO (named pipe)";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

int64_t mtime_ns(const struct stat& s) {
#if defined(__APPLE__)
  return static_cast<int64_t>(s.st_mtimespec.tv_sec) * 1000000000 + s.st_mtimespec.tv_nsec;
#else
  return static_cast<int64_t>(s.st_mtim.tv_sec) * 1000000000 + s.st_mtim.tv_nsec;
#endif
}

bool pread_all(int fd, uint8_t* dst, size_t n, uint64_t off) {
  while (n > 0) {
    const ssize_t r = ::pread(fd, dst, n, static_cast<off_t>(off));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    dst += r;
    n -= static_cast<size_t>(r);
    off += static_cast<uint64_t>(r);
  }
  return true;
}
}  // namespace
#endif

std::unique_ptr<File> File::open(const std::string& path, bool guard_faults) {
  std::unique_ptr<File> f(new File());
  f->path_ = path;
#if defined(_WIN32)
  HANDLE fh = CreateFileA(path.c_str(), GENERIC_READ, FILE_SHARE_READ, nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (fh == INVALID_HANDLE_VALUE) throw Error(path + ": cannot open (error " + std::to_string(GetLastError()) + ")");
  LARGE_INTEGER sz;
  GetFileSizeEx(fh, &sz);
  f->size_ = static_cast<uint64_t>(sz.QuadPart);
  f->file_handle_ = fh;
  if (f->size_ > 0) {
    HANDLE mh = CreateFileMappingA(fh, nullptr, PAGE_READONLY, 0, 0, nullptr);
    if (!mh) throw Error(path + ": cannot map file");
    f->map_handle_ = mh;
    f->base_ = static_cast<const uint8_t*>(MapViewOfFile(mh, FILE_MAP_READ, 0, 0, 0));
    if (!f->base_) throw Error(path + ": cannot map file");
  }
  (void)guard_faults;
  if (f->size_ < 8) throw Error(path + ": too small to be a safetensors file (" + std::to_string(f->size_) + " bytes)");
  uint64_t n = 0;
  for (int i = 7; i >= 0; i--) n = (n << 8) | f->base_[i];
  if (n > kMaxHeaderBytes) throw Error(path + ": header length " + std::to_string(n) + " is absurd (limit " + std::to_string(kMaxHeaderBytes) + ")");
  if (n > f->size_ - 8) throw Error(path + ": header length " + std::to_string(n) + " runs past the end of the file");
  f->data_offset_ = 8 + n;
  f->header_ = parse_header(f->base_ + 8, static_cast<size_t>(n), f->size_ - f->data_offset_, path);
  for (size_t i = 0; i < f->header_.tensors.size(); i++) f->index_[f->header_.tensors[i].name] = i;
  return f;
#else
  // stat first: opening a FIFO would block until a writer appears.
  struct stat s;
  if (::stat(path.c_str(), &s) != 0) throw Error(path + ": cannot open (" + std::strerror(errno) + ")");
  if (!S_ISREG(s.st_mode)) throw Error(path + ": is " + kind_of(s.st_mode) + ", not a regular file");
  // O_NONBLOCK too, in case it was swapped for a FIFO after the stat.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw Error(path + ": cannot open (" + std::strerror(errno) + ")");
  f->fd_ = fd;  // closed by ~File, also when open() throws below
  if (fstat(fd, &s) != 0) throw Error(path + ": cannot stat (" + std::strerror(errno) + ")");
  if (!S_ISREG(s.st_mode)) throw Error(path + ": is " + kind_of(s.st_mode) + ", not a regular file");
  f->size_ = static_cast<uint64_t>(s.st_size);
  f->mtime_ns_ = mtime_ns(s);
  if (f->size_ < 8) throw Error(path + ": too small to be a safetensors file (" + std::to_string(f->size_) + " bytes)");
  uint8_t len[8];
  if (!pread_all(fd, len, 8, 0)) throw Error(path + ": cannot read the header length (" + std::strerror(errno) + ")");
  uint64_t n = 0;
  for (int i = 7; i >= 0; i--) n = (n << 8) | len[i];
  if (n > kMaxHeaderBytes) throw Error(path + ": header length " + std::to_string(n) + " is absurd (limit " + std::to_string(kMaxHeaderBytes) + ")");
  if (n > f->size_ - 8) throw Error(path + ": header length " + std::to_string(n) + " runs past the end of the file");
  // The header is read into memory (never through the mapping), then parsed.
  std::vector<uint8_t> json(static_cast<size_t>(n));
  if (n && !pread_all(fd, json.data(), json.size(), 8)) throw Error(path + ": the file ended inside its header (it shrank while being read?)");
  f->data_offset_ = 8 + n;
  f->header_ = parse_header(json.data(), json.size(), f->size_ - f->data_offset_, path);
  if (f->size_ > 0) {
    void* p = mmap(nullptr, f->size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) throw Error(path + ": cannot map file (" + std::strerror(errno) + ")");
    f->base_ = static_cast<const uint8_t*>(p);
    if (guard_faults) f->guard_slot_ = guard_range(f->base_, f->size_);
  }
  for (size_t i = 0; i < f->header_.tensors.size(); i++) f->index_[f->header_.tensors[i].name] = i;
  return f;
#endif
}

void File::check() const {
#if !defined(_WIN32)
  const bool faulted = guard_slot_ >= 0 && g_slots[guard_slot_].faulted.load(std::memory_order_acquire) != 0;
  struct stat s;
  const bool stat_ok = fd_ >= 0 && fstat(fd_, &s) == 0;
  const uint64_t now = stat_ok ? static_cast<uint64_t>(s.st_size) : 0;
  if (faulted || (stat_ok && now < size_))
    throw Error(path_ + ": the file shrank while it was being read (" + std::to_string(size_) + " bytes when opened, " + std::to_string(now) +
                " now); another program truncated or rewrote it");
  if (stat_ok && mtime_ns(s) != mtime_ns_) throw Error(path_ + ": the file was modified while it was being read; its data cannot be trusted");
#endif
}

File::~File() {
#if defined(_WIN32)
  if (base_) UnmapViewOfFile(base_);
  if (map_handle_) CloseHandle(map_handle_);
  if (file_handle_) CloseHandle(file_handle_);
#else
  unguard(guard_slot_);
  if (base_) munmap(const_cast<uint8_t*>(base_), size_);
  if (fd_ >= 0) ::close(fd_);
#endif
}

const TensorInfo* File::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &header_.tensors[it->second];
}

std::string header_json(const std::vector<TensorSpec>& tensors, const std::map<std::string, std::string>& metadata, uint64_t* data_size) {
  std::ostringstream o;
  o << "{";
  bool first = true;
  if (!metadata.empty()) {
    o << "\"__metadata__\":{";
    bool f2 = true;
    for (const auto& [k, v] : metadata) {
      o << (f2 ? "" : ",") << quote(k) << ":" << quote(v);
      f2 = false;
    }
    o << "}";
    first = false;
  }
  uint64_t pos = 0;
  for (const auto& t : tensors) {
    uint64_t numel = 1;
    for (auto d : t.shape) numel *= static_cast<uint64_t>(d);
    const uint64_t bytes = numel * dtype_size(t.dtype);
    o << (first ? "" : ",") << quote(t.name) << ":{\"dtype\":\"" << dtype_name(t.dtype) << "\",\"shape\":[";
    for (size_t i = 0; i < t.shape.size(); i++) o << (i ? "," : "") << t.shape[i];
    o << "],\"data_offsets\":[" << pos << "," << pos + bytes << "]}";
    pos += bytes;
    first = false;
  }
  o << "}";
  if (data_size) *data_size = pos;
  return o.str();
}

Writer::Writer(const std::string& path, std::vector<TensorSpec> tensors, const std::map<std::string, std::string>& metadata, io::Mode mode) : path_(path) {
  std::string json = header_json(tensors, metadata, &data_size_);
  // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
  while ((json.size() + 8) % 8 != 0) json.push_back(' ');
  header_len_ = json.size();
  tmp_ = path + ".partial";
  // Its I/O errors (runtime_error, naming the file) pass through as they are.
  file_ = std::make_unique<io::StagedFile>(tmp_, mode, total_bytes());
  uint8_t len[8];
  for (int i = 0; i < 8; i++) len[i] = static_cast<uint8_t>(header_len_ >> (8 * i));
  file_->append(len, 8);
  file_->append(reinterpret_cast<const uint8_t*>(json.data()), json.size());
}

void Writer::check_room(size_t n) const {
  if (written_ + n > data_size_) throw Error(tmp_ + ": more tensor bytes written than the header declares");
}

void Writer::write(const uint8_t* data, size_t n) {
  check_room(n);
  file_->append(data, n);
  written_ += n;
}

uint8_t* Writer::reserve(size_t n) {
  check_room(n);
  return file_->reserve(n);
}

void Writer::commit(size_t n) {
  check_room(n);
  file_->commit(n);
  written_ += n;
}

void Writer::finish() {
  if (written_ != data_size_) throw Error(tmp_ + ": " + std::to_string(data_size_ - written_) + " tensor bytes missing");
  file_->close_durably();
  direct_ = file_->direct();
  file_.reset();
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) throw Error(path_ + ": cannot move the finished file into place");
  done_ = true;
}

Writer::~Writer() {
  file_.reset();
  if (!done_) std::remove(tmp_.c_str());
}

}  // namespace studio::st
