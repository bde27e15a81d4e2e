# The seed tutorial's NDArray listing (section 01, then the NDArray lines of section 02), as the
# seed writes it. The GPU lines run when a GPU is present; otherwise one line says they were
# skipped. Run: tools/python examples/python/seed/ndarray_basics.py
import mxnet as mx
import numpy as np

a = mx.nd.array([[1,2],[3,4]])
print(a)
b = np.array([[1,2],[3,4]])
print(b)
print(a.shape)
print(b.shape)
print(a.dtype)
print(b.dtype)
c=mx.nd.array([[1,2],[3,4]], dtype=np.int8)
print(c.dtype)
d = np.array([[1,2],[3,4]], dtype=np.int8)
print(d.dtype)
c = mx.nd.array([[1,2,3,4],[5,6,7,8]])
print(c[0,1:3])
d = np.array([[1,2,3,4],[5,6,7,8]])
print(d[0,1:3])
print(c)
f = c.copy()
print(f)
f[0,0] = -1
print(f)
print(c)
e = c
print(e)
e[0,0] = -1
print(e)
print(c)
g=e.asnumpy()
print(g)
print(mx.nd.array(g))
print(e.context)
if mx.context.num_gpus() == 0:
    print("[skipped: e.as_in_context(mx.gpu(0)) and the GPU additions need a GPU; this "
          "machine has none]")
else:
    e = e.as_in_context(mx.gpu(0))
    print(e.context)
    f = mx.nd.array([[2,3,4,5],[6,7,8,9]])
    try:
        print(e+f)
    except mx.base.MXNetError as err:
        print("mxnet.base.MXNetError: %s" % err)
    f = f.as_in_context(mx.gpu(0))
    print(e+f)

# Section 02, the NDArray lines.
data_a = mx.nd.array([1,2,3])
data_b = mx.nd.array([4,5,6])
data_c = mx.nd.array([2,3,4])
result = data_c*(data_a+data_b)
print(result)
data = mx.nd.arange(0,28).reshape((1,1,4,7))
print(data)
