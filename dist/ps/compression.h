// Gradient compression for pushes (the worker side encodes, the server decodes to float32
// before summing):
//   "2bit" (MXNet's): each element of residual + gradient at or above +threshold sends
//          +threshold, at or below -threshold sends -threshold, else 0; what was not sent stays
//          in the worker's residual (error feedback). 16 elements a 32-bit word, element j in
//          bits 2*(j%16) .. 2*(j%16)+1 of word j/16: 0 zero, 1 +threshold, 2 -threshold.
//   "fp16": float16 values of gradient / num_workers (pre-division: the servers' sum of
//          num_workers values cannot overflow float16's range on the way), multiplied back on
//          the server in float32.
// Pulls always carry the servers' weights at full precision. float32 gradients only.
#ifndef TESSERA_DIST_PS_COMPRESSION_H_
#define TESSERA_DIST_PS_COMPRESSION_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mx {
namespace ps {

enum class Compression : uint32_t { kNone = 0, kTwoBit = 1, kFp16 = 2 };

struct CompressionConfig {
  Compression type = Compression::kNone;
  float threshold = 0.5f;  // 2bit
  int workers = 1;         // fp16 pre-division
};

// Bytes of `n` elements encoded with `c`.
size_t EncodedBytes(const CompressionConfig& c, int64_t n);

// Encodes n floats of `grad` (2bit: adds them to `residual` first and keeps the remainder
// there; `residual` has n elements).
std::vector<char> Encode(const CompressionConfig& c, const float* grad, int64_t n, float* residual);

// Decodes `bytes` (EncodedBytes(c, n) of them) into n floats.
void Decode(const CompressionConfig& c, const char* bytes, int64_t n, float* out);

// The configuration as message meta ("2bit 0.5", "fp16 2") and back; ValueError otherwise.
std::string CompressionMeta(const CompressionConfig& c);
CompressionConfig ParseCompressionMeta(const std::string& meta);

// The configuration from MXNet's set_gradient_compression parameters ({"type": "2bit", "fp16"
// or "none"; "threshold": a positive number}) for a job of `workers` workers; ValueError naming
// a bad key or value.
CompressionConfig ParseCompressionParams(const std::map<std::string, std::string>& params,
                                         int workers);

}  // namespace ps
}  // namespace mx

#endif  // TESSERA_DIST_PS_COMPRESSION_H_
