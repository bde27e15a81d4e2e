"""Monitor (MXNet 1.9's mx.monitor.Monitor): every `interval` steps, a statistic of each
operator output whose name matches `pattern`, from the executors it is installed on. Default
statistic: norm(x) / sqrt(x.size). Install it on an Executor (Symbol.bind / simple_bind) or a
Module (Module.install_monitor, or fit(monitor=...))."""
import logging
import math
import re

import numpy as np

from .ndarray.ndarray import NDArray

__all__ = ["Monitor"]


def _default_stat(x):
    return np.linalg.norm(x.asnumpy().astype(np.float64)) / math.sqrt(x.size)


class Monitor(object):
    def __init__(self, interval, stat_func=None, pattern=".*", sort=False, monitor_all=False):
        self.interval = interval
        self.stat_func = stat_func or _default_stat
        self.activated = False
        self.queue = []
        self.step = 0
        self.exes = []
        self.re_prog = re.compile(pattern)
        self.sort = sort

    def stat_helper(self, name, array):
        if not self.activated or not self.re_prog.match(name):
            return
        self.queue.append((self.step, name, self.stat_func(array)))

    def install(self, exe):
        """Watches an Executor's operator outputs."""
        exe.set_monitor_callback(self.stat_helper)
        self.exes.append(exe)

    def tic(self):
        """Starts collecting for this step when it is a multiple of interval."""
        if self.step % self.interval == 0:
            self.queue = []
            self.activated = True
        self.step += 1

    def toc(self):
        """Stops collecting; the (step, name, statistic text) of this step, arguments included."""
        if not self.activated:
            return []
        for exe in self.exes:
            for name, array in zip(exe._symbol.list_arguments(), exe.arg_arrays):
                if self.re_prog.match(name):
                    self.queue.append((self.step, name, self.stat_func(array)))
        self.activated = False
        res = []
        queue = sorted(self.queue, key=lambda x: x[1]) if self.sort else self.queue
        for n, k, v in queue:
            if isinstance(v, NDArray):
                v = v.asnumpy()
            res.append((n, k, str(v)))
        self.queue = []
        return res

    def toc_print(self):
        for n, k, v in self.toc():
            logging.info("Batch: {:7d} {:30s} {:s}".format(n, k, v))
