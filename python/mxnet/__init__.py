"""`import mxnet as mx` with Tessera: this package is an alias of the package `tessera`.

Every module of tessera is also importable as mxnet.<name> (the same module object), so
`import mxnet.ndarray as nd`, `from mxnet import nd` and `mxnet.nd is tessera.nd` all hold. See
python/README.md for how this coexists with a real MXNet install."""
import importlib
import importlib.abc
import importlib.util
import sys

import tessera as _tessera


class _AliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Resolves mxnet.X to the module tessera.X, imported on first use."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname.startswith("mxnet."):
            real = "tessera." + fullname[len("mxnet."):]
            if importlib.util.find_spec(real) is not None or real in sys.modules:
                return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        return importlib.import_module("tessera." + spec.name[len("mxnet."):])

    def exec_module(self, module):
        pass


for _name, _module in list(sys.modules.items()):
    if _name.startswith("tessera."):
        sys.modules["mxnet." + _name[len("tessera."):]] = _module
sys.meta_path.insert(0, _AliasFinder())
sys.modules[__name__] = _tessera
