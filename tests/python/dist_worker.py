"""A worker of the Python dist test (test_dist.py): trains a linear model on its shard of
fixed data through mx.kv.create(<type>) and prints its rank, the job size and the weights.
In the scheduler and server processes mx.kv.create runs that role and exits."""
import sys

import numpy as np

import mxnet as mx

kv = mx.kv.create(sys.argv[1])
rng = np.random.RandomState(0)
x = rng.randn(240, 4).astype(np.float32)
y = (x.dot(np.array([1.0, -2.0, 0.5, 3.0])) > 0).astype(np.float32)
part = slice(kv.rank * 240 // kv.num_workers, (kv.rank + 1) * 240 // kv.num_workers)
it = mx.io.NDArrayIter(x[part], y[part], batch_size=20)
data = mx.sym.Variable("data")
net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(data, num_hidden=2, name="fc"), name="softmax")
mod = mx.mod.Module(net)
mx.random.seed(7)
mod.fit(it, num_epoch=3, kvstore=kv, optimizer="sgd",
        optimizer_params={"learning_rate": 0.5}, initializer=mx.init.Xavier())
arg, _ = mod.get_params()
(_, acc), = mod.score(mx.io.NDArrayIter(x, y, batch_size=20), "acc")
print("rank=%d workers=%d acc=%.4f w=%s" % (kv.rank, kv.num_workers, acc,
                                            arg["fc_weight"].asnumpy().ravel().tolist()))
