// The typed fixture of DESIGN.md section 7 (after Caffe's test_caffe_main.hpp): operator tests
// written once run on {cpu, gpu} x {float32, float64}; GPU cases skip themselves on a machine
// without a device. Use TYPED_TEST_SUITE(Suite, mx::testing::DeviceDTypes) with a fixture
// deriving from DeviceDTypeTest<TypeParam>; ctx() and dtype() give the case, Make() an array
// of it from host values, Tolerance() a comparison tolerance fit for the dtype.
#ifndef TESSERA_TESTS_TESTING_DEVICE_DTYPE_H_
#define TESSERA_TESTS_TESTING_DEVICE_DTYPE_H_

#include <gtest/gtest.h>

#include <vector>

#include "core/tessera.h"

namespace mx {
namespace testing {

template <bool kGpu, DType kDType>
struct DeviceDType {
  static constexpr bool gpu = kGpu;
  static constexpr DType dtype = kDType;
};

using DeviceDTypes = ::testing::Types<DeviceDType<false, kFloat32>, DeviceDType<false, kFloat64>,
                                      DeviceDType<true, kFloat32>, DeviceDType<true, kFloat64>>;

template <typename Case>
class DeviceDTypeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (Case::gpu && GpuCount() == 0) GTEST_SKIP() << "no GPU on this machine";
  }
  Context ctx() const { return Case::gpu ? gpu(0) : cpu(); }
  DType dtype() const { return Case::dtype; }
  NDArray Make(const std::vector<double>& values, const Shape& shape) const {
    return NDArray(values.data(), shape, kFloat64).AsType(dtype()).AsInContext(ctx());
  }
  double Tolerance() const { return dtype() == kFloat64 ? 1e-12 : 1e-5; }
};

}  // namespace testing
}  // namespace mx

#endif  // TESSERA_TESTS_TESTING_DEVICE_DTYPE_H_
