"""Name registries for classes that create() builds from a name (MXNet's mxnet.registry):
metrics and initializers register under their lowercase class name and aliases."""


def make_registry():
    """(registry dict, register decorator, alias decorator) for one family of classes."""
    registry = {}

    def register(klass):
        """Registers a class under its lowercase name."""
        registry[klass.__name__.lower()] = klass
        return klass

    def alias(*aliases):
        """Registers a class under more names."""
        def reg(klass):
            for a in aliases:
                registry[a.lower()] = klass
            return klass
        return reg

    return registry, register, alias
