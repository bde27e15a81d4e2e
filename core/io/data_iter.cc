#include "core/io/data_iter.h"

#include <ostream>

#include "core/base/error.h"

namespace mx {
namespace io {

std::string DataIter::SaveState() const {
  MX_THROW(NotImplementedError) << "this data iterator cannot save its position; exact resume "
                                << "needs NDArrayIter, MNISTIter or CSVIter.";
}

void DataIter::LoadState(const std::string&) {
  MX_THROW(NotImplementedError) << "this data iterator cannot restore a position; exact resume "
                                << "needs NDArrayIter, MNISTIter or CSVIter.";
}

void DataIter::SetPartition(int, int) {
  MX_THROW(NotImplementedError) << "this data iterator cannot re-partition its samples; elastic "
                                << "training (a worker lost or joining) needs NDArrayIter, "
                                << "MNISTIter or CSVIter.";
}

void CheckPartition(const char* who, int num_parts, int part_index) {
  MX_CHECK_AS(ValueError, num_parts >= 1 && part_index >= 0 && part_index < num_parts)
      << who << ": part_index must be in [0, num_parts); found part_index " << part_index << " of "
      << num_parts << ".";
}

std::ostream& operator<<(std::ostream& os, const DataDesc& d) {
  return os << "DataDesc[" << d.name << "," << d.shape.ToPythonString() << ","
            << NumpyTypeRepr(d.dtype) << "," << d.layout << "]";
}

std::ostream& operator<<(std::ostream& os, const std::vector<DataDesc>& d) {
  os << "[";
  for (size_t i = 0; i < d.size(); ++i) os << (i ? ", " : "") << d[i];
  return os << "]";
}

}  // namespace io
}  // namespace mx
