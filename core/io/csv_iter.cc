#include "core/io/csv_iter.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/base/error.h"

namespace mx {
namespace io {
namespace {

// Rows of `path`, each with `width` numbers; returns (values, rows).
std::pair<std::vector<float>, int64_t> ReadCsv(const std::string& path, int64_t width) {
  std::ifstream in(path);
  MX_CHECK_AS(IOError, in.good()) << "CSVIter: cannot open " << path << ".";
  std::vector<float> values;
  std::string line;
  int64_t rows = 0, line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::stringstream ss(line);
    std::string cell;
    int64_t count = 0;
    while (std::getline(ss, cell, ',')) {
      char* end = nullptr;
      float v = std::strtof(cell.c_str(), &end);
      while (end && (*end == ' ' || *end == '\r' || *end == '\t')) ++end;
      MX_CHECK_AS(ValueError, end != cell.c_str() && end && *end == '\0')
          << "CSVIter: " << path << " line " << line_no << ": '" << cell << "' is not a number.";
      values.push_back(v);
      ++count;
    }
    MX_CHECK_AS(ValueError, count == width)
        << "CSVIter: " << path << " line " << line_no << " has " << count << " values; the "
        << "shape asks for " << width << " per row.";
    ++rows;
  }
  return {values, rows};
}

Shape WithBatch(int64_t n, const Shape& s) {
  std::vector<int64_t> dims = {n};
  dims.insert(dims.end(), s.begin(), s.end());
  return Shape(dims);
}

}  // namespace

CSVIter::CSVIter(const CSVIterOptions& o) {
  MX_CHECK_AS(ValueError, o.data_shape.ndim() > 0)
      << "CSVIter: data_shape is required (e.g. (3,) or (1, 28, 28)).";
  auto [data, n] = ReadCsv(o.data_csv, o.data_shape.Size());
  MX_CHECK_AS(ValueError, n > 0) << "CSVIter: " << o.data_csv << " has no rows.";
  std::vector<float> labels;
  if (!o.label_csv.empty()) {
    int64_t rows;
    std::tie(labels, rows) = ReadCsv(o.label_csv, o.label_shape.Size());
    MX_CHECK_AS(ValueError, rows == n) << "CSVIter: " << o.label_csv << " has " << rows
                                       << " rows but " << o.data_csv << " has " << n << ".";
  } else {
    labels.assign(static_cast<size_t>(n * o.label_shape.Size()), 0.0f);
  }
  NDArrayIterOptions it;
  it.batch_size = o.batch_size;
  it.shuffle = o.shuffle;
  it.seed = o.seed;
  it.last_batch_handle = o.round_batch ? "pad" : "discard";
  inner_ = std::make_unique<NDArrayIter>(
      std::vector<std::pair<std::string, NDArray>>{
          {"data", NDArray(data.data(), WithBatch(n, o.data_shape), kFloat32)}},
      std::vector<std::pair<std::string, NDArray>>{
          {"softmax_label", NDArray(labels.data(), WithBatch(n, o.label_shape), kFloat32)}},
      it);
  batch_size_ = o.batch_size;
}

}  // namespace io
}  // namespace mx
