#include "safetensors.h"

#include <algorithm>
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
    {DType::BOOL, "BOOL", 1}, {DType::U8, "U8", 1},     {DType::I8, "I8", 1},       {DType::I16, "I16", 2},
    {DType::U16, "U16", 2},   {DType::F16, "F16", 2},   {DType::BF16, "BF16", 2},   {DType::I32, "I32", 4},
    {DType::U32, "U32", 4},   {DType::F32, "F32", 4},   {DType::F64, "F64", 8},     {DType::I64, "I64", 8},
    {DType::U64, "U64", 8},   {DType::F8_E4M3, "F8_E4M3", 1}, {DType::F8_E5M2, "F8_E5M2", 1},
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
    if (dt.kind != json::Value::Kind::String || !parse_dtype(dt.string, t.dtype)) throw Error(at + " has an unknown dtype " + (dt.kind == json::Value::Kind::String ? dt.string : "(not a string)"));
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
    if (t.end > data_size) throw Error(at + ": data_offsets [" + std::to_string(t.begin) + ", " + std::to_string(t.end) + "] run past the end of the file (data is " + std::to_string(data_size) + " bytes)");
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

std::unique_ptr<File> File::open(const std::string& path) {
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
#else
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw Error(path + ": cannot open (" + std::strerror(errno) + ")");
  struct stat s;
  if (fstat(fd, &s) != 0) {
    ::close(fd);
    throw Error(path + ": cannot stat");
  }
  f->size_ = static_cast<uint64_t>(s.st_size);
  if (f->size_ > 0) {
    void* p = mmap(nullptr, f->size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      ::close(fd);
      throw Error(path + ": cannot map file (" + std::strerror(errno) + ")");
    }
    f->base_ = static_cast<const uint8_t*>(p);
  }
  ::close(fd);
#endif
  if (f->size_ < 8) throw Error(path + ": too small to be a safetensors file (" + std::to_string(f->size_) + " bytes)");
  uint64_t n = 0;
  for (int i = 7; i >= 0; i--) n = (n << 8) | f->base_[i];
  if (n > kMaxHeaderBytes) throw Error(path + ": header length " + std::to_string(n) + " is absurd (limit " + std::to_string(kMaxHeaderBytes) + ")");
  if (n > f->size_ - 8) throw Error(path + ": header length " + std::to_string(n) + " runs past the end of the file");
  f->data_offset_ = 8 + n;
  f->header_ = parse_header(f->base_ + 8, static_cast<size_t>(n), f->size_ - f->data_offset_, path);
  for (size_t i = 0; i < f->header_.tensors.size(); i++) f->index_[f->header_.tensors[i].name] = i;
  return f;
}

File::~File() {
#if defined(_WIN32)
  if (base_) UnmapViewOfFile(base_);
  if (map_handle_) CloseHandle(map_handle_);
  if (file_handle_) CloseHandle(file_handle_);
#else
  if (base_) munmap(const_cast<uint8_t*>(base_), size_);
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
