"""Evaluation metrics (MXNet 1.9's mxnet.metric). A metric accumulates over update(labels,
preds) calls, reading the arrays (which waits for them), and reports sum / count: the local
figures (since reset or reset_local; Speedometer prints these) and the global ones (since
reset; fit's epoch lines print these). create() takes a name, an alias, a metric, a list of
them or a function. Subclass EvalMetric for a metric of your own."""
import math

import numpy

from .base import numeric_types, string_types
from .ndarray.ndarray import NDArray
from .registry import make_registry

__all__ = ["EvalMetric", "CompositeEvalMetric", "Accuracy", "TopKAccuracy", "F1", "MAE",
           "MSE", "RMSE", "CrossEntropy", "NegativeLogLikelihood", "Perplexity",
           "PearsonCorrelation", "Loss", "Torch", "Caffe", "CustomMetric", "np", "create",
           "register", "alias", "check_label_shapes"]

_REGISTRY, register, alias = make_registry()


def check_label_shapes(labels, preds, wrap=False, shape=False):
    """ValueError unless labels and preds have the same count (or shape, with shape=True)."""
    a, b = (labels.shape, preds.shape) if shape else (len(labels), len(preds))
    if a != b:
        raise ValueError("Shape of labels {} does not match shape of predictions {}".format(a, b))
    if wrap:
        labels = [labels] if isinstance(labels, NDArray) else labels
        preds = [preds] if isinstance(preds, NDArray) else preds
    return labels, preds


class EvalMetric(object):
    """The base of every metric: name, output_names/label_names for update_dict, and the
    local (sum_metric, num_inst) and global (global_sum_metric, global_num_inst) sums."""

    def __init__(self, name, output_names=None, label_names=None, **kwargs):
        self.name = str(name)
        self.output_names = output_names
        self.label_names = label_names
        self._has_global_stats = kwargs.pop("has_global_stats", False)
        self._kwargs = kwargs
        self.reset()

    def __str__(self):
        return "EvalMetric: {}".format(dict(self.get_name_value()))

    def get_config(self):
        config = self._kwargs.copy()
        config.update({"metric": self.__class__.__name__, "name": self.name,
                       "output_names": self.output_names, "label_names": self.label_names})
        return config

    def update_dict(self, label, pred):
        """update() with dicts of arrays by name (output_names / label_names select)."""
        pred = [pred[n] for n in self.output_names] if self.output_names is not None else \
            list(pred.values())
        label = [label[n] for n in self.label_names] if self.label_names is not None else \
            list(label.values())
        self.update(label, pred)

    def update(self, labels, preds):
        raise NotImplementedError()

    def _add(self, value, count):
        self.sum_metric += value
        self.global_sum_metric += value
        self.num_inst += count
        self.global_num_inst += count

    def reset(self):
        self.num_inst = 0
        self.sum_metric = 0.0
        self.global_num_inst = 0
        self.global_sum_metric = 0.0

    def reset_local(self):
        self.num_inst = 0
        self.sum_metric = 0.0

    def get(self):
        if self.num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, self.sum_metric / self.num_inst)

    def get_global(self):
        if not self._has_global_stats:
            return self.get()
        if self.global_num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, self.global_sum_metric / self.global_num_inst)

    @staticmethod
    def _zip(name, value):
        name = name if isinstance(name, list) else [name]
        value = value if isinstance(value, list) else [value]
        return list(zip(name, value))

    def get_name_value(self):
        return self._zip(*self.get())

    def get_global_name_value(self):
        if not self._has_global_stats:
            return self.get_name_value()
        return self._zip(*self.get_global())


def create(metric, *args, **kwargs):
    """A metric from a name ('acc', 'ce', ...), a metric, a list of those (a composite), or a
    function feval(label, pred) (a CustomMetric)."""
    if callable(metric) and not isinstance(metric, type):
        return CustomMetric(metric, *args, **kwargs)
    if isinstance(metric, EvalMetric):
        return metric
    if isinstance(metric, list):
        composite = CompositeEvalMetric()
        for child in metric:
            composite.add(create(child, *args, **kwargs))
        return composite
    if isinstance(metric, dict):
        config = dict(metric)
        return create(config.pop("metric"), *args, **dict(config, **kwargs))
    if isinstance(metric, string_types):
        klass = _REGISTRY.get(metric.lower())
        if klass is None:
            raise ValueError("Metric must be either callable or in mx.metric; %r is not a known "
                             "metric (known: %s)" % (metric, ", ".join(sorted(_REGISTRY))))
        return klass(*args, **kwargs)
    raise TypeError("metric must be a name, an EvalMetric, a list or a function; got %s" %
                    type(metric))


@register
@alias("composite")
class CompositeEvalMetric(EvalMetric):
    """Several metrics updated together; get() returns their names and values as lists."""

    def __init__(self, metrics=None, name="composite", output_names=None, label_names=None):
        super(CompositeEvalMetric, self).__init__(name, output_names=output_names,
                                                  label_names=label_names,
                                                  has_global_stats=True)
        self.metrics = [create(m) for m in (metrics or [])]

    def add(self, metric):
        self.metrics.append(create(metric))

    def get_metric(self, index):
        try:
            return self.metrics[index]
        except IndexError:
            raise ValueError("Metric index {} is out of range 0 and {}".format(
                index, len(self.metrics)))

    def update_dict(self, labels, preds):
        if self.label_names is not None:
            labels = {k: v for k, v in labels.items() if k in self.label_names}
        if self.output_names is not None:
            preds = {k: v for k, v in preds.items() if k in self.output_names}
        for m in self.metrics:
            m.update_dict(labels, preds)

    def update(self, labels, preds):
        for m in self.metrics:
            m.update(labels, preds)

    def reset(self):
        for m in getattr(self, "metrics", []):
            m.reset()

    def reset_local(self):
        for m in self.metrics:
            m.reset_local()

    def _collect(self, getter):
        names, values = [], []
        for m in self.metrics:
            name, value = getter(m)
            names.extend([name] if isinstance(name, string_types) else name)
            values.extend([value] if isinstance(value, numeric_types) else value)
        return (names, values)

    def get(self):
        return self._collect(lambda m: m.get())

    def get_global(self):
        return self._collect(lambda m: m.get_global())

    def get_config(self):
        config = super(CompositeEvalMetric, self).get_config()
        config.update({"metrics": [m.get_config() for m in self.metrics]})
        return config


@register
@alias("acc")
class Accuracy(EvalMetric):
    """The fraction of samples whose predicted class (argmax over `axis`, or the prediction
    itself when it has the label's shape) equals the label."""

    def __init__(self, axis=1, name="accuracy", output_names=None, label_names=None):
        super(Accuracy, self).__init__(name, axis=axis, output_names=output_names,
                                       label_names=label_names, has_global_stats=True)
        self.axis = axis

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            if pred.shape != label.shape:
                from .ndarray import argmax
                pred = argmax(pred, axis=self.axis)
            p = pred.asnumpy().astype("int32").ravel()
            l = label.asnumpy().astype("int32").ravel()
            check_label_shapes(l, p)
            self._add(int((p == l).sum()), len(p))


@register
@alias("top_k_accuracy", "top_k_acc")
class TopKAccuracy(EvalMetric):
    """The fraction of samples whose label is among the `top_k` highest predictions."""

    def __init__(self, top_k=1, name="top_k_accuracy", output_names=None, label_names=None):
        super(TopKAccuracy, self).__init__(name, top_k=top_k, output_names=output_names,
                                           label_names=label_names, has_global_stats=True)
        self.top_k = top_k
        if self.top_k <= 1:
            raise ValueError("Please use Accuracy if top_k is no more than 1")
        self.name += "_%d" % self.top_k

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            if len(pred.shape) > 2:
                raise ValueError("Predictions should be no more than 2 dims")
            p = numpy.argsort(pred.asnumpy().astype("float32"), axis=-1, kind="stable")
            l = label.asnumpy().astype("int32")
            check_label_shapes(l, p)
            if p.ndim == 1:
                correct = int((p.ravel() == l.ravel()).sum())
            else:
                k = min(p.shape[1], self.top_k)
                correct = sum(int((p[:, p.shape[1] - 1 - j] == l.ravel()).sum())
                              for j in range(k))
            self._add(correct, p.shape[0])


@register
class F1(EvalMetric):
    """Binary F1 score (class 1 positive) of argmax predictions: average='macro' averages
    per-batch scores, 'micro' pools the counts."""

    def __init__(self, name="f1", output_names=None, label_names=None, average="macro"):
        self.average = average
        self._counts = numpy.zeros(4)  # tp, fp, fn, tn since reset_local
        self._global_counts = numpy.zeros(4)
        super(F1, self).__init__(name=name, output_names=output_names,
                                 label_names=label_names, has_global_stats=True)

    @staticmethod
    def _fscore(c):
        tp, fp, fn = c[0], c[1], c[2]
        precision = tp / (tp + fp) if tp + fp > 0 else 0.0
        recall = tp / (tp + fn) if tp + fn > 0 else 0.0
        return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        batch = numpy.zeros(4)
        for label, pred in zip(labels, preds):
            p = numpy.argmax(pred.asnumpy(), axis=1)
            l = label.asnumpy().astype("int32")
            if len(numpy.unique(l)) > 2:
                raise ValueError("F1 currently only supports binary classification.")
            pt, lt = p == 1, l == 1
            batch += [(pt & lt).sum(), (pt & ~lt).sum(), (~pt & lt).sum(), (~pt & ~lt).sum()]
        if self.average == "macro":
            self._add(self._fscore(batch), 1)
        else:
            self._counts += batch
            self._global_counts += batch
            self.sum_metric = self._fscore(self._counts) * self._counts.sum()
            self.global_sum_metric = self._fscore(self._global_counts) * self._global_counts.sum()
            self.num_inst = int(self._counts.sum())
            self.global_num_inst = int(self._global_counts.sum())

    def reset(self):
        super(F1, self).reset()
        self._counts = numpy.zeros(4)
        self._global_counts = numpy.zeros(4)

    def reset_local(self):
        super(F1, self).reset_local()
        self._counts = numpy.zeros(4)


class _Regression(EvalMetric):
    """Per-batch mean of f(label - pred) over each output, averaged over batches."""

    def __init__(self, name, output_names=None, label_names=None):
        super(_Regression, self).__init__(name, output_names=output_names,
                                          label_names=label_names, has_global_stats=True)

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            l, p = label.asnumpy(), pred.asnumpy()
            l = l.reshape(l.shape[0], 1) if l.ndim == 1 else l
            p = p.reshape(p.shape[0], 1) if p.ndim == 1 else p
            self._add(self._value(l - p), 1)


@register
class MAE(_Regression):
    """Mean absolute error."""

    def __init__(self, name="mae", output_names=None, label_names=None):
        super(MAE, self).__init__(name, output_names, label_names)

    @staticmethod
    def _value(d):
        return numpy.abs(d).mean()


@register
class MSE(_Regression):
    """Mean squared error."""

    def __init__(self, name="mse", output_names=None, label_names=None):
        super(MSE, self).__init__(name, output_names, label_names)

    @staticmethod
    def _value(d):
        return (d ** 2.0).mean()


@register
class RMSE(_Regression):
    """Root mean squared error (per batch, averaged over batches)."""

    def __init__(self, name="rmse", output_names=None, label_names=None):
        super(RMSE, self).__init__(name, output_names, label_names)

    @staticmethod
    def _value(d):
        return numpy.sqrt((d ** 2.0).mean())


@register
@alias("ce")
class CrossEntropy(EvalMetric):
    """Mean of -log(p[label] + eps) over samples."""

    def __init__(self, eps=1e-12, name="cross-entropy", output_names=None, label_names=None):
        super(CrossEntropy, self).__init__(name, eps=eps, output_names=output_names,
                                           label_names=label_names, has_global_stats=True)
        self.eps = eps

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            l, p = label.asnumpy().ravel(), pred.asnumpy()
            if l.shape[0] != p.shape[0]:
                raise ValueError("%s: %d labels for %d predictions" %
                                 (self.name, l.shape[0], p.shape[0]))
            prob = p[numpy.arange(l.shape[0]), numpy.int64(l)]
            self._add((-numpy.log(prob + self.eps)).sum(), l.shape[0])


@register
@alias("nll_loss")
class NegativeLogLikelihood(CrossEntropy):
    """The same sum as CrossEntropy, named nll-loss."""

    def __init__(self, eps=1e-12, name="nll-loss", output_names=None, label_names=None):
        super(NegativeLogLikelihood, self).__init__(eps, name, output_names, label_names)


@register
class Perplexity(EvalMetric):
    """exp of the mean -log p[label] over samples (along `axis`), skipping ignore_label."""

    def __init__(self, ignore_label, axis=-1, name="perplexity", output_names=None,
                 label_names=None):
        super(Perplexity, self).__init__(name, ignore_label=ignore_label,
                                         output_names=output_names, label_names=label_names,
                                         has_global_stats=True)
        self.ignore_label = ignore_label
        self.axis = axis

    def update(self, labels, preds):
        if len(labels) != len(preds):
            raise ValueError("Perplexity: %d labels for %d predictions" %
                             (len(labels), len(preds)))
        loss, num = 0.0, 0
        for label, pred in zip(labels, preds):
            p = numpy.moveaxis(pred.asnumpy(), self.axis, -1)
            p = p.reshape(-1, p.shape[-1])
            l = label.asnumpy().reshape(-1).astype("int64")
            if l.size != p.shape[0]:
                raise ValueError("shape mismatch: %s vs. %s" % (label.shape, pred.shape))
            prob = p[numpy.arange(l.size), l]
            if self.ignore_label is not None:
                ignore = l == self.ignore_label
                num -= int(ignore.sum())
                prob = numpy.where(ignore, 1.0, prob)
            loss -= numpy.log(numpy.maximum(1e-10, prob)).sum()
            num += prob.size
        self._add(loss, num)

    def get(self):
        if self.num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, math.exp(self.sum_metric / self.num_inst))

    def get_global(self):
        if self.global_num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, math.exp(self.global_sum_metric / self.global_num_inst))


@register
@alias("pearsonr")
class PearsonCorrelation(EvalMetric):
    """Pearson correlation of predictions and labels, averaged over batches ('macro')."""

    def __init__(self, name="pearsonr", output_names=None, label_names=None, average="macro"):
        if average != "macro":
            raise NotImplementedError("PearsonCorrelation: only average='macro' is in Tessera")
        self.average = average
        super(PearsonCorrelation, self).__init__(name, output_names=output_names,
                                                 label_names=label_names, has_global_stats=True)

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            check_label_shapes(label, pred, False, True)
            l = label.asnumpy().ravel().astype(numpy.float64)
            p = pred.asnumpy().ravel().astype(numpy.float64)
            self._add(numpy.corrcoef(p, l)[0, 1], 1)


@register
class Loss(EvalMetric):
    """The mean of the outputs themselves (for networks whose outputs are losses)."""

    def __init__(self, name="loss", output_names=None, label_names=None):
        super(Loss, self).__init__(name, output_names=output_names, label_names=label_names,
                                   has_global_stats=True)

    def update(self, _, preds):
        preds = [preds] if isinstance(preds, NDArray) else preds
        for pred in preds:
            self._add(float(pred.asnumpy().astype(numpy.float64).sum()), pred.size)


@register
class Torch(Loss):
    def __init__(self, name="torch", output_names=None, label_names=None):
        super(Torch, self).__init__(name, output_names, label_names)


@register
class Caffe(Loss):
    def __init__(self, name="caffe", output_names=None, label_names=None):
        super(Caffe, self).__init__(name, output_names, label_names)


@register
class CustomMetric(EvalMetric):
    """feval(label, pred) on numpy arrays, per output: a value (counted once) or a (sum,
    count) pair."""

    def __init__(self, feval, name=None, allow_extra_outputs=False, output_names=None,
                 label_names=None):
        if name is None:
            name = feval.__name__
            if name.find("<") != -1:
                name = "custom(%s)" % name
        super(CustomMetric, self).__init__(name, feval=feval,
                                           allow_extra_outputs=allow_extra_outputs,
                                           output_names=output_names, label_names=label_names,
                                           has_global_stats=True)
        self._feval = feval
        self._allow_extra_outputs = allow_extra_outputs

    def update(self, labels, preds):
        if not self._allow_extra_outputs:
            labels, preds = check_label_shapes(labels, preds, True)
        for pred, label in zip(preds, labels):
            r = self._feval(label.asnumpy(), pred.asnumpy())
            if isinstance(r, tuple):
                self._add(r[0], r[1])
            else:
                self._add(r, 1)

    def get_config(self):
        raise NotImplementedError("CustomMetric cannot be serialized")


def np(numpy_feval, name=None, allow_extra_outputs=False):
    """A CustomMetric from a function of numpy (label, pred)."""
    def feval(label, pred):
        return numpy_feval(label, pred)
    feval.__name__ = numpy_feval.__name__
    return CustomMetric(feval, name, allow_extra_outputs)
