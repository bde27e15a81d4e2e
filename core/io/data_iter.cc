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
