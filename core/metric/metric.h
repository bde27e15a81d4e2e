// Evaluation metrics (MXNet's mx.metric). A metric accumulates sum_metric and num_inst over
// Update(labels, preds) calls (arrays are read, which waits for them) and reports
// sum_metric / num_inst; Reset() starts over. Names follow MXNet ("accuracy",
// "top_k_accuracy_5", "cross-entropy", ...), so logs read "Train-accuracy=0.515000".
// Not thread-safe.
#ifndef TESSERA_CORE_METRIC_METRIC_H_
#define TESSERA_CORE_METRIC_METRIC_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/ndarray/ndarray.h"
#include "core/op/params.h"

namespace mx {
namespace metric {

class EvalMetric {
 public:
  explicit EvalMetric(std::string name) : name_(std::move(name)) {}
  virtual ~EvalMetric() = default;
  // One pair per output; ValueError when the counts or shapes do not match.
  virtual void Update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) = 0;
  virtual void Reset();
  // (name, value) pairs; NaN when nothing was seen.
  virtual std::vector<std::pair<std::string, double>> GetNameValue() const;
  const std::string& name() const { return name_; }

 protected:
  std::string name_;
  double sum_metric_ = 0;
  int64_t num_inst_ = 0;
};

// Predicted class = argmax over `axis` (or the value itself when shapes match the labels).
class Accuracy : public EvalMetric {
 public:
  explicit Accuracy(int axis = 1) : EvalMetric("accuracy"), axis_(axis) {}
  void Update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override;

 private:
  int axis_;
};

class TopKAccuracy : public EvalMetric {
 public:
  explicit TopKAccuracy(int top_k = 1);
  void Update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override;

 private:
  int top_k_;
};

// Binary F1 ("binary": positive class 1; "macro" averages per-batch F1, "micro" pools counts).
class F1 : public EvalMetric {
 public:
  explicit F1(std::string average = "macro");
  void Update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override;
  void Reset() override;
  std::vector<std::pair<std::string, double>> GetNameValue() const override;

 protected:
  int64_t tp_ = 0, fp_ = 0, fn_ = 0, tn_ = 0;
  std::string average_;
};

// Matthews correlation coefficient, binary.
class MCC : public F1 {
 public:
  MCC() : F1("micro") { name_ = "mcc"; }
  std::vector<std::pair<std::string, double>> GetNameValue() const override;
};

// Element-wise regression errors, averaged per sample then over samples (as MXNet).
class MAE : public EvalMetric {
 public:
  MAE() : EvalMetric("mae") {}
  void Update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override;
};
class MSE : public EvalMetric {
 public:
  MSE() : EvalMetric("mse") {}
  void Update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override;
};
class RMSE : public EvalMetric {
 public:
  RMSE() : EvalMetric("rmse") {}
  void Update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override;
};

// -log(p[label] + eps) averaged over samples; NLL is the same under its own name; Perplexity
// reports exp of it.
class CrossEntropy : public EvalMetric {
 public:
  explicit CrossEntropy(double eps = 1e-12, std::string name = "cross-entropy")
      : EvalMetric(std::move(name)), eps_(eps) {}
  void Update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override;

 protected:
  double eps_;
};
class NegativeLogLikelihood : public CrossEntropy {
 public:
  explicit NegativeLogLikelihood(double eps = 1e-12) : CrossEntropy(eps, "nll-loss") {}
};
class Perplexity : public CrossEntropy {
 public:
  Perplexity() : CrossEntropy(1e-12, "perplexity") {}
  std::vector<std::pair<std::string, double>> GetNameValue() const override;
};

class PearsonCorrelation : public EvalMetric {
 public:
  PearsonCorrelation() : EvalMetric("pearsonr") {}
  void Update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override;
};

// The mean of the predictions themselves (a loss output); labels are ignored.
class Loss : public EvalMetric {
 public:
  Loss() : EvalMetric("loss") {}
  void Update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override;
};

// f(label, pred) -> value per pair, averaged.
class CustomMetric : public EvalMetric {
 public:
  using Fn = std::function<double(const NDArray& label, const NDArray& pred)>;
  CustomMetric(Fn fn, std::string name) : EvalMetric(std::move(name)), fn_(std::move(fn)) {}
  void Update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override;

 private:
  Fn fn_;
};

class CompositeEvalMetric : public EvalMetric {
 public:
  CompositeEvalMetric() : EvalMetric("composite") {}
  void Add(std::shared_ptr<EvalMetric> m) { metrics_.push_back(std::move(m)); }
  void Update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override;
  void Reset() override;
  std::vector<std::pair<std::string, double>> GetNameValue() const override;

 private:
  std::vector<std::shared_ptr<EvalMetric>> metrics_;
};

// By MXNet name: "acc"/"accuracy", "top_k_accuracy" (param top_k), "f1", "mcc", "mae", "mse",
// "rmse", "ce"/"cross-entropy", "nll_loss", "perplexity", "pearsonr", "loss". ValueError lists
// the names otherwise.
std::shared_ptr<EvalMetric> Create(const std::string& name, const Params& params = {});

}  // namespace metric
}  // namespace mx

#endif  // TESSERA_CORE_METRIC_METRIC_H_
