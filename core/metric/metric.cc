#include "core/metric/metric.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/base/error.h"

namespace mx {
namespace metric {
namespace {

void CheckPairs(const std::string& name, const std::vector<NDArray>& labels,
                const std::vector<NDArray>& preds) {
  MX_CHECK_AS(ValueError, labels.size() == preds.size())
      << "metric " << name << ": " << labels.size() << " label arrays but " << preds.size()
      << " predictions; pass one label per output.";
}

std::vector<double> Values(const NDArray& a) { return a.AsType(kFloat64).ToVector<double>(); }

// Rows of `pred` ([n, k]) and the label per row; checks the sizes.
int64_t Rows(const std::string& name, const NDArray& label, const NDArray& pred) {
  int64_t n = pred.shape().ndim() > 0 ? pred.shape()[0] : 1;
  MX_CHECK_AS(ValueError, label.size() == n || label.size() == pred.size())
      << "metric " << name << ": labels of shape " << label.shape()
      << " do not match predictions of shape " << pred.shape() << ".";
  return n;
}

// Calls fn(labels, predictions, rows, classes) for each (label, prediction) pair of a
// classification metric, as float64 host vectors.
template <typename F>
void ForEachClassified(const std::string& name, const std::vector<NDArray>& labels,
                       const std::vector<NDArray>& preds, F fn) {
  CheckPairs(name, labels, preds);
  for (size_t k = 0; k < labels.size(); ++k) {
    int64_t n = Rows(name, labels[k], preds[k]);
    std::vector<double> l = Values(labels[k]), p = Values(preds[k]);
    fn(l, p, n, static_cast<int64_t>(p.size()) / n);
  }
}

}  // namespace

void EvalMetric::Reset() {
  sum_metric_ = 0;
  num_inst_ = 0;
}

std::vector<std::pair<std::string, double>> EvalMetric::GetNameValue() const {
  double v = num_inst_ == 0 ? std::numeric_limits<double>::quiet_NaN() : sum_metric_ / num_inst_;
  return {{name_, v}};
}

void Accuracy::Update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) {
  CheckPairs(name_, labels, preds);
  for (size_t k = 0; k < labels.size(); ++k) {
    std::vector<double> l = Values(labels[k]), p = Values(preds[k]);
    const Shape& s = preds[k].shape();
    if (l.size() == p.size()) {
      for (size_t i = 0; i < l.size(); ++i) sum_metric_ += std::lround(p[i]) == std::lround(l[i]);
      num_inst_ += static_cast<int64_t>(l.size());
      continue;
    }
    int axis = axis_ < 0 ? axis_ + s.ndim() : axis_;
    MX_CHECK_AS(ValueError, axis >= 0 && axis < s.ndim())
        << "metric accuracy: axis " << axis_ << " is out of range for predictions " << s << ".";
    int64_t classes = s[axis], inner = s.ProdRange(axis + 1, s.ndim()),
            outer = s.ProdRange(0, axis);
    MX_CHECK_AS(ValueError, static_cast<int64_t>(l.size()) == outer * inner)
        << "metric accuracy: " << l.size() << " labels for predictions of shape " << s
        << " (expected " << outer * inner << ").";
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t i = 0; i < inner; ++i) {
        int64_t best = 0;
        for (int64_t c = 1; c < classes; ++c)
          if (p[(o * classes + c) * inner + i] > p[(o * classes + best) * inner + i]) best = c;
        sum_metric_ += best == std::lround(l[o * inner + i]);
      }
    num_inst_ += outer * inner;
  }
}

TopKAccuracy::TopKAccuracy(int top_k) : EvalMetric("top_k_accuracy"), top_k_(top_k) {
  MX_CHECK_AS(ValueError, top_k >= 1) << "TopKAccuracy: top_k must be >= 1, found " << top_k;
  name_ += "_" + std::to_string(top_k);
}

void TopKAccuracy::Update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) {
  ForEachClassified(name_, labels, preds, [&](const std::vector<double>& l,
                                              const std::vector<double>& p, int64_t n,
                                              int64_t classes) {
    for (int64_t r = 0; r < n; ++r) {
      double target = p[r * classes + std::lround(l[r])];
      int64_t better = 0;
      for (int64_t c = 0; c < classes; ++c) better += p[r * classes + c] > target;
      sum_metric_ += better < top_k_;
    }
    num_inst_ += n;
  });
}

F1::F1(std::string average) : EvalMetric("f1"), average_(std::move(average)) {
  MX_CHECK_AS(ValueError, average_ == "macro" || average_ == "micro")
      << "F1: average must be \"macro\" or \"micro\", found '" << average_ << "'.";
}

void F1::Update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) {
  ForEachClassified(name_, labels, preds, [&](const std::vector<double>& l,
                                              const std::vector<double>& p, int64_t n,
                                              int64_t classes) {
    MX_CHECK_AS(ValueError, classes <= 2)
        << "metric " << name_ << " is binary; predictions have " << classes << " classes.";
    int64_t tp = 0, fp = 0, fn = 0, tn = 0;
    for (int64_t r = 0; r < n; ++r) {
      bool predicted = classes == 2 ? p[r * 2 + 1] > p[r * 2] : p[r] > 0.5;
      bool actual = std::lround(l[r]) == 1;
      tp += predicted && actual;
      fp += predicted && !actual;
      fn += !predicted && actual;
      tn += !predicted && !actual;
    }
    if (average_ == "macro") {
      double prec = tp + fp > 0 ? static_cast<double>(tp) / (tp + fp) : 0;
      double rec = tp + fn > 0 ? static_cast<double>(tp) / (tp + fn) : 0;
      sum_metric_ += prec + rec > 0 ? 2 * prec * rec / (prec + rec) : 0;
      num_inst_ += 1;
    }
    tp_ += tp;
    fp_ += fp;
    fn_ += fn;
    tn_ += tn;
  });
}

void F1::Reset() {
  EvalMetric::Reset();
  tp_ = fp_ = fn_ = tn_ = 0;
}

std::vector<std::pair<std::string, double>> F1::GetNameValue() const {
  if (average_ == "macro") return EvalMetric::GetNameValue();
  double prec = tp_ + fp_ > 0 ? static_cast<double>(tp_) / (tp_ + fp_) : 0;
  double rec = tp_ + fn_ > 0 ? static_cast<double>(tp_) / (tp_ + fn_) : 0;
  return {{name_, prec + rec > 0 ? 2 * prec * rec / (prec + rec) : 0}};
}

std::vector<std::pair<std::string, double>> MCC::GetNameValue() const {
  double tp = tp_, fp = fp_, fn = fn_, tn = tn_;
  double denom = std::sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
  return {{name_, denom > 0 ? (tp * tn - fp * fn) / denom : 0}};
}

namespace {

// Per-sample mean of f(label - pred) over each row, summed over rows.
template <typename F>
void RegressionUpdate(const std::string& name, const std::vector<NDArray>& labels,
                      const std::vector<NDArray>& preds, F f, double* sum, int64_t* num) {
  CheckPairs(name, labels, preds);
  for (size_t k = 0; k < labels.size(); ++k) {
    std::vector<double> l = Values(labels[k]), p = Values(preds[k]);
    MX_CHECK_AS(ValueError, l.size() == p.size())
        << "metric " << name << ": labels of shape " << labels[k].shape()
        << " do not match predictions of shape " << preds[k].shape() << ".";
    int64_t n = preds[k].shape().ndim() > 0 ? preds[k].shape()[0] : 1;
    int64_t per = static_cast<int64_t>(p.size()) / std::max<int64_t>(n, 1);
    for (int64_t r = 0; r < n; ++r) {
      double s = 0;
      for (int64_t j = 0; j < per; ++j) s += f(l[r * per + j] - p[r * per + j]);
      *sum += s / per;
    }
    *num += n;
  }
}

}  // namespace

void MAE::Update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) {
  RegressionUpdate(name_, labels, preds, [](double d) { return std::fabs(d); }, &sum_metric_,
                   &num_inst_);
}

void MSE::Update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) {
  RegressionUpdate(name_, labels, preds, [](double d) { return d * d; }, &sum_metric_, &num_inst_);
}

void RMSE::Update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) {
  // MXNet's RMSE: the square root of each batch's MSE, averaged over batches.
  double sum = 0;
  int64_t num = 0;
  RegressionUpdate(name_, labels, preds, [](double d) { return d * d; }, &sum, &num);
  sum_metric_ += std::sqrt(sum / std::max<int64_t>(num, 1));
  num_inst_ += 1;
}

void CrossEntropy::Update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) {
  ForEachClassified(name_, labels, preds, [&](const std::vector<double>& l,
                                              const std::vector<double>& p, int64_t n,
                                              int64_t classes) {
    for (int64_t r = 0; r < n; ++r) {
      int64_t c = std::lround(l[r]);
      MX_CHECK_AS(ValueError, c >= 0 && c < classes)
          << "metric " << name_ << ": label " << l[r] << " is not a class index below "
          << classes << ".";
      sum_metric_ += -std::log(p[r * classes + c] + eps_);
    }
    num_inst_ += n;
  });
}

std::vector<std::pair<std::string, double>> Perplexity::GetNameValue() const {
  double v = num_inst_ == 0 ? std::numeric_limits<double>::quiet_NaN()
                            : std::exp(sum_metric_ / num_inst_);
  return {{name_, v}};
}

void PearsonCorrelation::Update(const std::vector<NDArray>& labels,
                                const std::vector<NDArray>& preds) {
  CheckPairs(name_, labels, preds);
  for (size_t k = 0; k < labels.size(); ++k) {
    std::vector<double> l = Values(labels[k]), p = Values(preds[k]);
    MX_CHECK_AS(ValueError, l.size() == p.size() && !l.empty())
        << "metric pearsonr: labels and predictions must have the same, non-zero size.";
    double n = static_cast<double>(l.size());
    double ml = std::accumulate(l.begin(), l.end(), 0.0) / n;
    double mp = std::accumulate(p.begin(), p.end(), 0.0) / n;
    double sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < l.size(); ++i) {
      sxy += (l[i] - ml) * (p[i] - mp);
      sxx += (l[i] - ml) * (l[i] - ml);
      syy += (p[i] - mp) * (p[i] - mp);
    }
    sum_metric_ += sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0;
    num_inst_ += 1;
  }
}

void Loss::Update(const std::vector<NDArray>&, const std::vector<NDArray>& preds) {
  for (const NDArray& p : preds) {
    std::vector<double> v = Values(p);
    sum_metric_ += std::accumulate(v.begin(), v.end(), 0.0);
    num_inst_ += static_cast<int64_t>(v.size());
  }
}

void CustomMetric::Update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) {
  CheckPairs(name_, labels, preds);
  for (size_t k = 0; k < labels.size(); ++k) {
    sum_metric_ += fn_(labels[k], preds[k]);
    num_inst_ += 1;
  }
}

void CompositeEvalMetric::Update(const std::vector<NDArray>& labels,
                                 const std::vector<NDArray>& preds) {
  for (auto& m : metrics_) m->Update(labels, preds);
}

void CompositeEvalMetric::Reset() {
  for (auto& m : metrics_) m->Reset();
}

std::vector<std::pair<std::string, double>> CompositeEvalMetric::GetNameValue() const {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& m : metrics_) {
    auto v = m->GetNameValue();
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

std::shared_ptr<EvalMetric> Create(const std::string& name, const Params& params) {
  ParamMap p = ToParamMap(params);
  auto num = [&](const char* key, double d) {
    auto it = p.find(key);
    double v = d;
    if (it != p.end())
      MX_CHECK_AS(ValueError, ParseValue(it->second, &v))
          << "metric " << name << ": " << key << " must be a number, found '" << it->second
          << "'.";
    return v;
  };
  std::string n;
  for (char c : name) n += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (n == "acc" || n == "accuracy") return std::make_shared<Accuracy>(static_cast<int>(num("axis", 1)));
  if (n == "top_k_accuracy" || n == "top_k_acc")
    return std::make_shared<TopKAccuracy>(static_cast<int>(num("top_k", 1)));
  if (n == "f1") return std::make_shared<F1>(p.count("average") ? p["average"] : "macro");
  if (n == "mcc") return std::make_shared<MCC>();
  if (n == "mae") return std::make_shared<MAE>();
  if (n == "mse") return std::make_shared<MSE>();
  if (n == "rmse") return std::make_shared<RMSE>();
  if (n == "ce" || n == "cross-entropy") return std::make_shared<CrossEntropy>(num("eps", 1e-12));
  if (n == "nll_loss") return std::make_shared<NegativeLogLikelihood>(num("eps", 1e-12));
  if (n == "perplexity") return std::make_shared<Perplexity>();
  if (n == "pearsonr") return std::make_shared<PearsonCorrelation>();
  if (n == "loss") return std::make_shared<Loss>();
  MX_THROW(ValueError) << "unknown metric '" << name << "'; available: acc, top_k_accuracy, f1, "
                       << "mcc, mae, mse, rmse, ce, nll_loss, perplexity, pearsonr, loss.";
}

}  // namespace metric
}  // namespace mx
