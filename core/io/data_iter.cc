#include "core/io/data_iter.h"

#include <ostream>

namespace mx {
namespace io {

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
