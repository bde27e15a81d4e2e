#include "core/io/ndarray_iter.h"

#include <algorithm>
#include <numeric>
#include <sstream>

#include "core/base/error.h"
#include "core/op/imperative.h"

namespace mx {
namespace io {

NDArrayIter::NDArrayIter(std::vector<std::pair<std::string, NDArray>> data,
                         std::vector<std::pair<std::string, NDArray>> label,
                         const NDArrayIterOptions& options)
    : all_data_(std::move(data)), all_label_(std::move(label)), opt_(options), rng_(options.seed) {
  MX_CHECK_AS(ValueError, !all_data_.empty()) << "NDArrayIter: no data arrays given.";
  MX_CHECK_AS(ValueError, opt_.batch_size >= 1)
      << "NDArrayIter: batch_size must be >= 1, found " << opt_.batch_size << ".";
  MX_CHECK_AS(ValueError, opt_.last_batch_handle == "pad" || opt_.last_batch_handle == "discard" ||
                              opt_.last_batch_handle == "roll_over")
      << "NDArrayIter: last_batch_handle '" << opt_.last_batch_handle
      << "' is not valid; use \"pad\", \"discard\" or \"roll_over\".";
  int64_t all = all_data_[0].second.ndim() > 0 ? all_data_[0].second.shape()[0] : 0;
  for (const auto* group : {&all_data_, &all_label_})
    for (const auto& [name, a] : *group)
      MX_CHECK_AS(ValueError, a.ndim() > 0 && a.shape()[0] == all)
          << "NDArrayIter: '" << name << "' has shape " << a.shape() << " but the first data "
          << "array has " << all << " samples; every array needs that many along axis 0.";
  CheckPartition("NDArrayIter", opt_.num_parts, opt_.part_index);
  SelectPart(opt_.num_parts, opt_.part_index);
  MX_CHECK_AS(ValueError, num_ >= opt_.batch_size || opt_.last_batch_handle == "pad")
      << "NDArrayIter: " << num_ << " samples are fewer than one batch of " << opt_.batch_size
      << ".";
  batch_size_ = opt_.batch_size;
  order_.resize(static_cast<size_t>(num_));
  std::iota(order_.begin(), order_.end(), 0);
  if (opt_.shuffle) std::shuffle(order_.begin(), order_.end(), rng_);
}

void NDArrayIter::SelectPart(int num_parts, int part_index) {
  int64_t all = all_data_[0].second.shape()[0];
  int64_t begin = all * part_index / num_parts, end = all * (part_index + 1) / num_parts;
  auto part = [&](const std::vector<std::pair<std::string, NDArray>>& group) {
    std::vector<std::pair<std::string, NDArray>> out;
    for (const auto& [name, a] : group)
      out.emplace_back(name, num_parts == 1 ? a : a.Slice(begin, end));
    return out;
  };
  data_ = part(all_data_);
  label_ = part(all_label_);
  num_ = end - begin;
}

// The generator goes on from where it is, so every worker that re-partitions at the same
// point of the same job draws the same orders.
void NDArrayIter::SetPartition(int num_parts, int part_index) {
  CheckPartition("NDArrayIter::SetPartition", num_parts, part_index);
  int64_t all = all_data_[0].second.shape()[0];
  int64_t size = all * (part_index + 1) / num_parts - all * part_index / num_parts;
  MX_CHECK_AS(ValueError, size >= opt_.batch_size || opt_.last_batch_handle == "pad")
      << "NDArrayIter::SetPartition: part " << part_index << " of " << num_parts << " holds "
      << size << " samples, fewer than one batch of " << opt_.batch_size << ".";
  opt_.num_parts = num_parts;
  opt_.part_index = part_index;
  SelectPart(num_parts, part_index);
  order_.resize(static_cast<size_t>(num_));
  carry_.clear();
  cursor_ = 0;
  std::iota(order_.begin(), order_.end(), 0);
  if (opt_.shuffle) std::shuffle(order_.begin(), order_.end(), rng_);
}

void NDArrayIter::Reset() {
  if (opt_.last_batch_handle == "roll_over" && cursor_ < num_)
    carry_.assign(order_.begin() + cursor_, order_.end());
  else
    carry_.clear();
  std::iota(order_.begin(), order_.end(), 0);
  if (opt_.shuffle) std::shuffle(order_.begin(), order_.end(), rng_);
  cursor_ = 0;
}

NDArray NDArrayIter::Gather(const NDArray& source, const std::vector<int64_t>& rows) const {
  bool contiguous = true;
  for (size_t i = 1; i < rows.size() && contiguous; ++i) contiguous = rows[i] == rows[i - 1] + 1;
  if (contiguous) return source.Slice(rows.front(), rows.back() + 1).Copy();
  std::vector<float> idx(rows.begin(), rows.end());
  NDArray indices(idx.data(), Shape({static_cast<int64_t>(idx.size())}), kFloat32,
                  source.context());
  return Invoke("take", {source, indices})[0];
}

bool NDArrayIter::Next(DataBatch* batch) {
  std::vector<int64_t> rows = carry_;
  int64_t need = opt_.batch_size - static_cast<int64_t>(rows.size());
  int64_t take = std::min(need, num_ - cursor_);
  if (take <= 0 && rows.empty()) return false;
  rows.insert(rows.end(), order_.begin() + cursor_, order_.begin() + cursor_ + take);
  int pad = 0;
  if (static_cast<int64_t>(rows.size()) < opt_.batch_size) {
    if (opt_.last_batch_handle != "pad") {
      // discard drops the remainder; roll_over keeps it for the next epoch (Reset).
      return false;
    }
    pad = static_cast<int>(opt_.batch_size - static_cast<int64_t>(rows.size()));
    for (int i = 0; i < pad; ++i) rows.push_back(order_[i % num_]);
  }
  cursor_ += take;
  carry_.clear();
  batch->data.clear();
  batch->label.clear();
  for (const auto& kv : data_) batch->data.push_back(Gather(kv.second, rows));
  for (const auto& kv : label_) batch->label.push_back(Gather(kv.second, rows));
  batch->pad = pad;
  batch->index = rows;
  return true;
}

std::string NDArrayIter::SaveState() const {
  std::ostringstream os;
  os << "NDArrayIter " << num_ << " " << cursor_ << " " << order_.size();
  for (int64_t i : order_) os << " " << i;
  os << " " << carry_.size();
  for (int64_t i : carry_) os << " " << i;
  os << " " << rng_;
  return os.str();
}

void NDArrayIter::LoadState(const std::string& state) {
  std::istringstream is(state);
  std::string kind;
  int64_t num = -1, cursor = 0;
  size_t n = 0;
  is >> kind >> num >> cursor >> n;
  MX_CHECK_AS(ValueError, !is.fail() && kind == "NDArrayIter" && num == num_ &&
                              n == order_.size() && cursor >= 0 && cursor <= num_)
      << "NDArrayIter::LoadState: the state is not from an NDArrayIter over " << num_
      << " samples.";
  std::vector<int64_t> order(n), carry;
  for (int64_t& i : order) is >> i;
  size_t c = 0;
  is >> c;
  carry.resize(c);
  for (int64_t& i : carry) is >> i;
  std::mt19937 rng;
  is >> rng;
  MX_CHECK_AS(ValueError, !is.fail()) << "NDArrayIter::LoadState: the state is truncated.";
  order_ = order;
  carry_ = carry;
  cursor_ = cursor;
  rng_ = rng;
}

std::vector<DataDesc> NDArrayIter::Describe(
    const std::vector<std::pair<std::string, NDArray>>& arrays) const {
  std::vector<DataDesc> d;
  for (const auto& [name, a] : arrays) {
    std::vector<int64_t> dims = a.shape().dims();
    dims[0] = opt_.batch_size;
    d.push_back(DataDesc{name, Shape(dims), a.dtype(), "NCHW"});
  }
  return d;
}

std::vector<DataDesc> NDArrayIter::ProvideData() const { return Describe(data_); }
std::vector<DataDesc> NDArrayIter::ProvideLabel() const { return Describe(label_); }

}  // namespace io
}  // namespace mx
