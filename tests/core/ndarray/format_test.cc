// Expected strings were produced by numpy 1.24 (Debian python3-numpy) with str(array); MXNet
// prints exactly numpy's str() of the values before "<NDArray ...>".
#include <gtest/gtest.h>

#include <cmath>

#include "core/ndarray/init.h"
#include "core/ndarray/ndarray.h"

namespace mx {
namespace {

std::string Body(const NDArray& a) {
  std::string s = a.ToString();
  return s.substr(0, s.rfind('\n'));
}

TEST(Format, SeedArrays) {
  EXPECT_EQ(Body(nd::array({{1, 2}, {3, 4}})), "[[1. 2.]\n [3. 4.]]");
  EXPECT_EQ(Body(nd::array({{-1, 2, 3, 4}, {5, 6, 7, 8}})),
            "[[-1.  2.  3.  4.]\n [ 5.  6.  7.  8.]]");
  EXPECT_EQ(Body(nd::arange(0, 28).Reshape({1, 1, 4, 7})),
            "[[[[ 0.  1.  2.  3.  4.  5.  6.]\n   [ 7.  8.  9. 10. 11. 12. 13.]\n"
            "   [14. 15. 16. 17. 18. 19. 20.]\n   [21. 22. 23. 24. 25. 26. 27.]]]]");
  EXPECT_EQ(nd::array({{1, 2}, {3, 4}}).ToString(), "[[1. 2.]\n [3. 4.]]\n<NDArray 2x2 @cpu(0)>");
  EXPECT_EQ(nd::array({{1, 2}, {3, 4}}).Repr(), "\n[[1. 2.]\n [3. 4.]]\n<NDArray 2x2 @cpu(0)>");
}

TEST(Format, FloatPaddingAndPrecision) {
  EXPECT_EQ(Body(nd::array({0.5, 0.25, 1})), "[0.5  0.25 1.  ]");
  EXPECT_EQ(Body(nd::array({0.50080067, 0.4991993})), "[0.50080067 0.4991993 ]");
  EXPECT_EQ(Body(nd::array({1.0 / 3})), "[0.33333334]");
  EXPECT_EQ(Body(nd::array({1.0 / 3}, kFloat64)), "[0.33333333]");
  EXPECT_EQ(Body(nd::array({0.1, 0.2, 0.3}, kFloat64)), "[0.1 0.2 0.3]");
  EXPECT_EQ(Body(nd::array({-0.0, 0.0})), "[-0.  0.]");
}

TEST(Format, ScientificAndNonFinite) {
  EXPECT_EQ(Body(nd::array({1e-5, 2.5e-5})), "[1.0e-05 2.5e-05]");
  EXPECT_EQ(Body(nd::array({1e9, 1})), "[1.e+09 1.e+00]");
  EXPECT_EQ(Body(nd::array({123456.789, 0.001})), "[1.2345679e+05 1.0000000e-03]");
  EXPECT_EQ(Body(nd::array({NAN, 1.5, -INFINITY})), "[ nan  1.5 -inf]");
  EXPECT_EQ(Body(nd::array({0.1, 100.5}, kFloat16)), "[9.998e-02 1.005e+02]");
}

TEST(Format, IntegersAndBools) {
  EXPECT_EQ(Body(nd::array({{1, 2}, {3, 4}}, kInt8)), "[[1 2]\n [3 4]]");
  EXPECT_EQ(Body(nd::array({-100, 5}, kInt64)), "[-100    5]");
  EXPECT_EQ(Body(nd::array({1, 0}, kBool)), "[ True False]");
}

TEST(Format, ThreeDimensionsHaveBlankLines) {
  EXPECT_EQ(Body(nd::arange(0, 24).Reshape({2, 3, 4})),
            "[[[ 0.  1.  2.  3.]\n  [ 4.  5.  6.  7.]\n  [ 8.  9. 10. 11.]]\n\n"
            " [[12. 13. 14. 15.]\n  [16. 17. 18. 19.]\n  [20. 21. 22. 23.]]]");
}

TEST(Format, LongRowsWrapAt75Columns) {
  std::vector<double> v;
  for (int i = 0; i < 30; ++i) v.push_back(static_cast<float>(i) * 1.1f);
  EXPECT_EQ(Body(nd::array(v, Shape{30})),
            "[ 0.         1.1        2.2        3.3000002  4.4        5.5\n"
            "  6.6000004  7.7000003  8.8        9.900001  11.        12.1\n"
            " 13.200001  14.3       15.400001  16.5       17.6       18.7\n"
            " 19.800001  20.9       22.        23.1       24.2       25.300001\n"
            " 26.400002  27.5       28.6       29.7       30.800001  31.900002 ]");
}

TEST(Format, LargeArraysAreSummarized) {
  std::vector<double> v;
  for (int i = 0; i < 2000; ++i) v.push_back(static_cast<float>(i) / 7.0f);
  EXPECT_EQ(Body(nd::array(v, Shape{40, 50})),
            "[[0.0000000e+00 1.4285715e-01 2.8571430e-01 ... 6.7142859e+00\n"
            "  6.8571429e+00 7.0000000e+00]\n"
            " [7.1428571e+00 7.2857141e+00 7.4285712e+00 ... 1.3857142e+01\n"
            "  1.4000000e+01 1.4142858e+01]\n"
            " [1.4285714e+01 1.4428572e+01 1.4571428e+01 ... 2.1000000e+01\n"
            "  2.1142857e+01 2.1285715e+01]\n"
            " ...\n"
            " [2.6428571e+02 2.6442856e+02 2.6457144e+02 ... 2.7100000e+02\n"
            "  2.7114285e+02 2.7128571e+02]\n"
            " [2.7142856e+02 2.7157144e+02 2.7171429e+02 ... 2.7814285e+02\n"
            "  2.7828571e+02 2.7842856e+02]\n"
            " [2.7857144e+02 2.7871429e+02 2.7885715e+02 ... 2.8528571e+02\n"
            "  2.8542856e+02 2.8557144e+02]]");
}

TEST(Format, EmptyArray) { EXPECT_EQ(Body(nd::zeros({0})), "[]"); }

}  // namespace
}  // namespace mx
