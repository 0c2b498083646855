// A file written front to back through two aligned staging buffers: the caller
// fills one (directly, with reserve/commit, or by append) while the other goes to
// disk on a helper thread.
//
// On Linux the file is opened with O_DIRECT, so bytes go from our buffers to the
// device without being copied into the page cache. For a model-sized output that
// removes a kernel copy per byte and the allocation of as many fresh cache pages
// (slow on VMs that hand freed memory back to their host), and the output no longer
// evicts the input from the cache. A filesystem that refuses O_DIRECT gets ordinary
// writes; so does every other platform.
#pragma once
#include <cstdint>
#include <future>
#include <stdexcept>
#include <string>

namespace studio::io {

// A write, sync or create that the operating system refused (disk full, permissions, …).
class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Mode : uint8_t {
  Auto,      // O_DIRECT where the platform and filesystem take it
  Buffered,  // ordinary writes through the page cache
};

class StagedFile {
 public:
  // Creates (or truncates) path. expected_size, when known, preallocates the space.
  StagedFile(const std::string& path, Mode mode, uint64_t expected_size = 0);
  ~StagedFile();  // waits for the write in flight and closes; the file stays
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;

  // Two staging buffers of this size: large enough that each write keeps the device busy
  // for a while, small next to the 2 GB memory budget of a merge.
  static constexpr size_t kStageBytes = 32u << 20;
  static constexpr size_t kAlign = 4096;
  // The largest reservation: a staging buffer less the unaligned tail it may start with.
  static constexpr size_t max_span() { return kStageBytes - kAlign; }

  // n bytes (n ≤ max_span()) of buffer to fill; they join the file at commit(n). One at a time.
  uint8_t* reserve(size_t n);
  void commit(size_t n);
  void append(const uint8_t* data, size_t n);
  // Writes what is staged, sets the exact size, syncs to the device and closes.
  void close_durably();

  uint64_t size() const { return flushed_ + used_; }
  bool direct() const { return direct_; }

 private:
  void rotate();
  void write_at(const uint8_t* p, size_t n, uint64_t off);
  void wait();
  void close_fd();

  std::string path_;
  int fd_ = -1;
  bool direct_ = false;
  uint8_t* buf_[2] = {nullptr, nullptr};
  size_t cap_ = 0;
  int cur_ = 0;
  size_t used_ = 0;       // bytes staged in buf_[cur_]
  uint64_t flushed_ = 0;  // bytes handed to the helper thread (always aligned in direct mode)
  std::future<void> inflight_;
};

}  // namespace studio::io
