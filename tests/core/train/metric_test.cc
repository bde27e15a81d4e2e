// Metrics against values computed by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "core/tessera.h"

namespace mx {
namespace {

double Value(const metric::EvalMetric& m) { return m.GetNameValue()[0].second; }

TEST(Metric, AccuracyTakesTheArgmax) {
  auto acc = metric::Create("acc");
  acc->Update({nd::array({1, 1, 1})}, {nd::array({{0.3, 0.7}, {0.6, 0.4}, {0.1, 0.9}})});
  EXPECT_NEAR(Value(*acc), 2.0 / 3, 1e-12);
  acc->Update({nd::array({0})}, {nd::array({{0.9, 0.1}})});
  EXPECT_NEAR(Value(*acc), 3.0 / 4, 1e-12);
  EXPECT_EQ(acc->GetNameValue()[0].first, "accuracy");
  acc->Reset();
  EXPECT_TRUE(std::isnan(Value(*acc)));
  EXPECT_THROW(acc->Update({nd::array({1, 0})}, {nd::array({{0.1, 0.9, 0.0}})}), ValueError);
}

TEST(Metric, TopKF1AndMcc) {
  metric::TopKAccuracy top2(2);
  top2.Update({nd::array({0, 1})}, {nd::array({{0.1, 0.5, 0.4}, {0.2, 0.3, 0.5}})});
  EXPECT_NEAR(Value(top2), 0.5, 1e-12);  // label 0 ranks third; label 1 ranks second
  EXPECT_EQ(top2.name(), "top_k_accuracy_2");
  // predictions 1,1,0,0 for labels 1,0,1,0: tp 1, fp 1, fn 1, tn 1.
  auto preds = nd::array({{0.2, 0.8}, {0.3, 0.7}, {0.6, 0.4}, {0.9, 0.1}});
  auto labels = nd::array({1, 0, 1, 0});
  metric::F1 f1;
  f1.Update({labels}, {preds});
  EXPECT_NEAR(Value(f1), 0.5, 1e-12);
  metric::MCC mcc;
  mcc.Update({labels}, {preds});
  EXPECT_NEAR(Value(mcc), 0.0, 1e-12);
}

TEST(Metric, RegressionAndLikelihoodMetrics) {
  auto label = nd::array({{1.0, 2.0}, {3.0, 4.0}});
  auto pred = nd::array({{1.5, 2.0}, {2.0, 4.0}});
  metric::MAE mae;
  mae.Update({label}, {pred});
  EXPECT_NEAR(Value(mae), (0.25 + 0.5) / 2, 1e-12);
  metric::MSE mse;
  mse.Update({label}, {pred});
  EXPECT_NEAR(Value(mse), (0.125 + 0.5) / 2, 1e-12);
  metric::RMSE rmse;
  rmse.Update({label}, {pred});
  EXPECT_NEAR(Value(rmse), std::sqrt((0.125 + 0.5) / 2), 1e-12);
  auto probs = nd::array({{0.25, 0.75}, {0.5, 0.5}});
  auto cls = nd::array({1, 0});
  auto ce = metric::Create("ce");
  ce->Update({cls}, {probs});
  double want = (-std::log(0.75) - std::log(0.5)) / 2;
  EXPECT_NEAR(Value(*ce), want, 1e-9);
  metric::Perplexity ppl;
  ppl.Update({cls}, {probs});
  EXPECT_NEAR(Value(ppl), std::exp(want), 1e-9);
  metric::PearsonCorrelation r;
  r.Update({nd::array({1, 2, 3})}, {nd::array({2, 4, 6.5})});
  EXPECT_GT(Value(r), 0.99);
  metric::Loss loss;
  loss.Update({}, {nd::array({1.0, 3.0})});
  EXPECT_NEAR(Value(loss), 2.0, 1e-12);
}

TEST(Metric, CompositeCustomAndCreate) {
  metric::CompositeEvalMetric all;
  all.Add(metric::Create("acc"));
  all.Add(std::make_shared<metric::CustomMetric>(
      [](const NDArray& l, const NDArray&) { return static_cast<double>(l.size()); }, "count"));
  all.Update({nd::array({1, 0})}, {nd::array({{0.0, 1.0}, {0.0, 1.0}})});
  auto nv = all.GetNameValue();
  ASSERT_EQ(nv.size(), 2u);
  EXPECT_EQ(nv[0].first, "accuracy");
  EXPECT_NEAR(nv[0].second, 0.5, 1e-12);
  EXPECT_EQ(nv[1].first, "count");
  EXPECT_NEAR(nv[1].second, 2.0, 1e-12);
  EXPECT_EQ(metric::Create("top_k_accuracy", {{"top_k", 5}})->name(), "top_k_accuracy_5");
  EXPECT_THROW(metric::Create("accuracyy"), ValueError);
}

}  // namespace
}  // namespace mx
