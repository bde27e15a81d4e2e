"""Checkpoint files (MXNet 1.9's mxnet.model): prefix-symbol.json and prefix-%04d.params
with "arg:"/"aux:" keys, written atomically and verified on load; BatchEndParam, the record
batch-end callbacks receive."""
import logging
from collections import namedtuple

from . import _core
from .ndarray.ndarray import _wrap
from .symbol.symbol import Symbol, _wrap as _wrap_symbol

__all__ = ["save_checkpoint", "load_checkpoint", "load_params", "BatchEndParam"]

BatchEndParam = namedtuple("BatchEndParams", ["epoch", "nbatch", "eval_metric", "locals"])


def save_checkpoint(prefix, epoch, symbol, arg_params, aux_params, remove_amp_cast=True):
    """Writes prefix-symbol.json (when symbol is given) and prefix-%04d.params."""
    if symbol is not None:
        symbol.save("%s-symbol.json" % prefix)
    param_name = "%s-%04d.params" % (prefix, epoch)
    _core.save_params_file(param_name, {k: v.handle for k, v in arg_params.items()},
                           {k: v.handle for k, v in aux_params.items()})
    logging.info('Saved checkpoint to "%s"', param_name)


def load_params(prefix, epoch):
    """(arg_params, aux_params) from prefix-%04d.params."""
    arg, aux = _core.load_params_file("%s-%04d.params" % (prefix, epoch))
    return ({k: _wrap(v) for k, v in arg.items()}, {k: _wrap(v) for k, v in aux.items()})


def load_checkpoint(prefix, epoch):
    """(symbol, arg_params, aux_params) from prefix-symbol.json and prefix-%04d.params."""
    sym, arg, aux = _core.load_checkpoint(prefix, epoch)
    return (_wrap_symbol(sym), {k: _wrap(v) for k, v in arg.items()},
            {k: _wrap(v) for k, v in aux.items()})
