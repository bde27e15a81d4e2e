#include "dist/ps/compression.h"

#include <cstdlib>
#include <cstring>
#include <sstream>

#include "core/base/error.h"
#include "core/base/half.h"

namespace mx {
namespace ps {

size_t EncodedBytes(const CompressionConfig& c, int64_t n) {
  switch (c.type) {
    case Compression::kTwoBit:
      return static_cast<size_t>((n + 15) / 16) * 4;
    case Compression::kFp16:
      return static_cast<size_t>(n) * 2;
    default:
      return static_cast<size_t>(n) * 4;
  }
}

std::vector<char> Encode(const CompressionConfig& c, const float* grad, int64_t n,
                         float* residual) {
  std::vector<char> out(EncodedBytes(c, n), 0);
  if (c.type == Compression::kTwoBit) {
    auto* words = reinterpret_cast<uint32_t*>(out.data());
    for (int64_t i = 0; i < n; ++i) {
      float r = residual[i] + grad[i];
      uint32_t code = 0;
      if (r >= c.threshold) {
        code = 1;
        r -= c.threshold;
      } else if (r <= -c.threshold) {
        code = 2;
        r += c.threshold;
      }
      residual[i] = r;
      words[i / 16] |= code << (2 * (i % 16));
    }
  } else if (c.type == Compression::kFp16) {
    auto* h = reinterpret_cast<uint16_t*>(out.data());
    for (int64_t i = 0; i < n; ++i) h[i] = half_t(grad[i] / static_cast<float>(c.workers)).bits;
  } else {
    std::memcpy(out.data(), grad, out.size());
  }
  return out;
}

void Decode(const CompressionConfig& c, const char* bytes, int64_t n, float* out) {
  if (c.type == Compression::kTwoBit) {
    const auto* words = reinterpret_cast<const uint32_t*>(bytes);
    for (int64_t i = 0; i < n; ++i) {
      uint32_t code = (words[i / 16] >> (2 * (i % 16))) & 3u;
      out[i] = code == 1 ? c.threshold : code == 2 ? -c.threshold : 0.0f;
    }
  } else if (c.type == Compression::kFp16) {
    const auto* h = reinterpret_cast<const uint16_t*>(bytes);
    for (int64_t i = 0; i < n; ++i) out[i] = half_t::ToFloat(h[i]) * static_cast<float>(c.workers);
  } else {
    std::memcpy(out, bytes, static_cast<size_t>(n) * 4);
  }
}

std::string CompressionMeta(const CompressionConfig& c) {
  std::ostringstream s;
  s.precision(9);
  if (c.type == Compression::kTwoBit) s << "2bit " << c.threshold;
  if (c.type == Compression::kFp16) s << "fp16 " << c.workers;
  return s.str();
}

CompressionConfig ParseCompressionMeta(const std::string& meta) {
  CompressionConfig c;
  std::istringstream in(meta);
  std::string kind;
  in >> kind;
  if (kind == "2bit") {
    c.type = Compression::kTwoBit;
    in >> c.threshold;
    MX_CHECK_AS(ValueError, !in.fail() && c.threshold > 0)
        << "2bit compression needs a positive threshold, found '" << meta << "'";
  } else if (kind == "fp16") {
    c.type = Compression::kFp16;
    in >> c.workers;
    MX_CHECK_AS(ValueError, !in.fail() && c.workers > 0)
        << "fp16 transport needs the worker count, found '" << meta << "'";
  } else {
    MX_CHECK_AS(ValueError, kind.empty()) << "unknown gradient compression '" << meta << "'";
  }
  return c;
}

CompressionConfig ParseCompressionParams(const std::map<std::string, std::string>& params,
                                         int workers) {
  CompressionConfig c;
  std::string type = "none";
  for (const auto& [k, v] : params) {
    if (k == "type") {
      type = v;
    } else if (k == "threshold") {
      char* end = nullptr;
      c.threshold = std::strtof(v.c_str(), &end);
      MX_CHECK_AS(ValueError, *end == '\0' && c.threshold > 0)
          << "gradient compression: threshold must be a positive number, found '" << v << "'.";
    } else {
      MX_THROW(ValueError) << "gradient compression: unknown key '" << k
                           << "'; valid keys: type, threshold.";
    }
  }
  if (type == "2bit")
    c.type = Compression::kTwoBit;
  else if (type == "fp16")
    c.type = Compression::kFp16;
  else
    MX_CHECK_AS(ValueError, type == "none")
        << "gradient compression: type '" << type << "' is not 2bit, fp16 or none.";
  c.workers = workers;
  return c;
}

}  // namespace ps
}  // namespace mx
