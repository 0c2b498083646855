// What this machine can do for the studio: CPU features, memory, and whether
// a CUDA driver and libtorch can be loaded. Plain C++, no Node headers, so the
// engine's command-line runner can print the same report.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace studio {

struct CudaDevice {
  int index = 0;
  std::string name;
  uint64_t total_memory_bytes = 0;
  std::string compute_capability;
};

struct SystemReport {
  std::string platform;
  std::string arch;
  std::string cpu_model;
  unsigned logical_cores = 0;
  std::vector<std::string> cpu_features;
  uint64_t memory_total_bytes = 0;

  bool cuda_usable = false;
  std::string cuda_reason;
  int cuda_driver_version = -1;  // -1: unknown
  std::vector<CudaDevice> cuda_devices;

  bool libtorch_usable = false;
  std::string libtorch_reason;
  std::string libtorch_path;     // empty: not found
  std::string libtorch_version;  // empty: unknown
  bool libtorch_cuda = false;

  std::vector<std::string> warnings;
};

// Never throws: each probe records its own failure as a reason or a warning.
SystemReport probe_system();

}  // namespace studio
