"""Learning-rate schedules (MXNet 1.9's mxnet.lr_scheduler): scheduler(num_update) gives the
rate after that many updates, with an optional linear warm-up. The schedules are Tessera's
C++ ones (core/optimizer/lr_scheduler.h), described to it by a spec; the optimizer sets
base_lr from its learning_rate, as MXNet's does."""
from . import _core

__all__ = ["LRScheduler", "FactorScheduler", "MultiFactorScheduler", "PolyScheduler",
           "CosineScheduler"]


class LRScheduler(object):
    """The base: base_lr, warmup_steps (int), warmup_begin_lr; warmup_mode 'linear' only."""

    def __init__(self, base_lr=0.01, warmup_steps=0, warmup_begin_lr=0, warmup_mode="linear"):
        if not isinstance(warmup_steps, int) or warmup_steps < 0:
            raise ValueError("warmup_steps must be a non-negative int, got %r" % (warmup_steps,))
        if warmup_mode != "linear":
            raise NotImplementedError("warmup_mode %r is not in Tessera; use 'linear'" %
                                      (warmup_mode,))
        self.base_lr = base_lr
        self.warmup_steps = warmup_steps
        self.warmup_begin_lr = warmup_begin_lr
        self.warmup_final_lr = base_lr
        self.warmup_mode = warmup_mode

    def _base_spec(self):
        return "%r %d %r" % (float(self.base_lr), self.warmup_steps, float(self.warmup_begin_lr))

    def _spec(self):
        raise NotImplementedError("Python-defined LRScheduler subclasses are not supported by "
                                  "Tessera's optimizers yet; use one of mx.lr_scheduler's")

    def __call__(self, num_update):
        return _core.lr_value(self._spec(), int(num_update))


class FactorScheduler(LRScheduler):
    """base_lr * factor^floor((n - 1) / step), not below stop_factor_lr."""

    def __init__(self, step, factor=1, stop_factor_lr=1e-8, base_lr=0.01, warmup_steps=0,
                 warmup_begin_lr=0, warmup_mode="linear"):
        super(FactorScheduler, self).__init__(base_lr, warmup_steps, warmup_begin_lr,
                                              warmup_mode)
        if step < 1:
            raise ValueError("Schedule step must be greater or equal than 1 round")
        if factor > 1.0:
            raise ValueError("Factor must be no more than 1 to make lr reduce")
        self.step = step
        self.factor = factor
        self.stop_factor_lr = stop_factor_lr

    def _spec(self):
        return "factor %s %d %r %r" % (self._base_spec(), self.step, float(self.factor),
                                       float(self.stop_factor_lr))


class MultiFactorScheduler(LRScheduler):
    """base_lr * factor^(number of steps in `step` passed); `step` increasing."""

    def __init__(self, step, factor=1, base_lr=0.01, warmup_steps=0, warmup_begin_lr=0,
                 warmup_mode="linear"):
        super(MultiFactorScheduler, self).__init__(base_lr, warmup_steps, warmup_begin_lr,
                                                   warmup_mode)
        if not isinstance(step, list) or len(step) < 1:
            raise ValueError("MultiFactorScheduler: step must be a non-empty list")
        for i, s in enumerate(step):
            if i and step[i] <= step[i - 1]:
                raise ValueError("Schedule step must be an increasing integer list")
            if s < 1:
                raise ValueError("Schedule step must be greater or equal than 1 round")
        if factor > 1.0:
            raise ValueError("Factor must be no more than 1 to make lr reduce")
        self.step = step
        self.factor = factor

    def _spec(self):
        return "multifactor %s %r %d %s" % (self._base_spec(), float(self.factor),
                                            len(self.step), " ".join(str(s) for s in self.step))


class PolyScheduler(LRScheduler):
    """final_lr + (base_lr - final_lr) * (1 - t / max_update)^pwr after warm-up."""

    def __init__(self, max_update, base_lr=0.01, pwr=2, final_lr=0, warmup_steps=0,
                 warmup_begin_lr=0, warmup_mode="linear"):
        super(PolyScheduler, self).__init__(base_lr, warmup_steps, warmup_begin_lr,
                                            warmup_mode)
        if not isinstance(max_update, int) or max_update < 1:
            raise ValueError("maximum number of updates must be strictly positive")
        self.max_update = max_update
        self.power = pwr
        self.final_lr = final_lr

    def _spec(self):
        return "poly %s %d %r %r" % (self._base_spec(), self.max_update, float(self.power),
                                     float(self.final_lr))


class CosineScheduler(LRScheduler):
    """final_lr + (base_lr - final_lr) * (1 + cos(pi t / max_update)) / 2 after warm-up."""

    def __init__(self, max_update, base_lr=0.01, final_lr=0, warmup_steps=0, warmup_begin_lr=0,
                 warmup_mode="linear"):
        super(CosineScheduler, self).__init__(base_lr, warmup_steps, warmup_begin_lr,
                                              warmup_mode)
        if not isinstance(max_update, int) or max_update < 1:
            raise ValueError("maximum number of updates must be strictly positive")
        self.max_update = max_update
        self.final_lr = final_lr

    def _spec(self):
        return "cosine %s %d %r" % (self._base_spec(), self.max_update, float(self.final_lr))
