"""Writes a tiny TF.js layers model (tiny/model.json + tiny/group1-shard1of1.bin) and the outputs
TF's semantics give for a fixed input (tiny/expected.json), computed here with numpy alone:
NHWC tensors, HWIO kernels, 'same' padding with the extra row/column at the bottom/right, affine
uint8/uint16 weight quantization (min + scale * q). Then a tiny TF.js graph model (tiny_graph/) the
same way. Seeded; run with python3 + numpy:
    python3 make_tiny_tfjs.py
"""
import json, os
import numpy as np

rng = np.random.default_rng(7)
here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tiny")
H = W = 8

def quantize(v, bits):
    lo, hi = float(v.min()), float(v.max())
    levels = (1 << bits) - 1
    scale = (hi - lo) / levels if hi > lo else 1.0
    q = np.round((v - lo) / scale).astype(np.uint8 if bits == 8 else np.uint16)
    return q, lo, scale, (lo + scale * q.astype(np.float64)).astype(np.float32)

weights = []   # (name, array, quantization bits or None)
def weight(name, shape, bits=None, positive=False):
    v = rng.normal(0, 0.5, size=shape).astype(np.float32)
    if positive:
        v = np.abs(v) + 0.1
    if bits:
        q, lo, scale, deq = quantize(v, bits)
        weights.append((name, q, (lo, scale, bits)))
        return deq
    weights.append((name, v, None))
    return v

def pad_same(x, k, s):
    n, h, w, c = x.shape
    pads = []
    for size, kk, ss in ((h, k[0], s[0]), (w, k[1], s[1])):
        out = -(-size // ss)
        total = max((out - 1) * ss + kk - size, 0)
        pads.append((total // 2, total - total // 2))
    return pads

def conv(x, kernel, bias, stride, padding, depthwise=False):
    kh, kw = kernel.shape[0], kernel.shape[1]
    if padding == "same":
        (t, b), (l, r) = pad_same(x, (kh, kw), (stride, stride))
        x = np.pad(x, ((0, 0), (t, b), (l, r), (0, 0)))
    n, h, w, c = x.shape
    oh, ow = (h - kh) // stride + 1, (w - kw) // stride + 1
    outc = c * kernel.shape[3] if depthwise else kernel.shape[3]
    y = np.zeros((n, oh, ow, outc), np.float64)
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
            if depthwise:
                y[:, i, j, :] = np.einsum("nhwc,hwcm->ncm", patch, kernel).reshape(n, -1)
            else:
                y[:, i, j, :] = np.einsum("nhwc,hwco->no", patch, kernel)
    if bias is not None:
        y = y + bias
    return y

def pool(x, k, s, padding, kind):
    n, h, w, c = x.shape
    if padding == "same":
        (t, b), (l, r) = pad_same(x, (k, k), (s, s))
        fill = -np.inf if kind == "max" else np.nan
        x = np.pad(x, ((0, 0), (t, b), (l, r), (0, 0)), constant_values=fill)
    n, h, w, c = x.shape
    oh, ow = (h - k) // s + 1, (w - k) // s + 1
    y = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * s:i * s + k, j * s:j * s + k, :]
            y[:, i, j, :] = patch.max(axis=(1, 2)) if kind == "max" else np.nanmean(patch, axis=(1, 2))
    return y

x = rng.uniform(0, 1, size=(2, H, W, 3)).astype(np.float32)
conv_a_k = weight("conv_a/kernel", (3, 3, 3, 4), bits=16)
conv_a_b = weight("conv_a/bias", (4,))
bn_g = weight("bn/gamma", (4,), bits=8, positive=True)
bn_b = weight("bn/beta", (4,), bits=8)
bn_m = weight("bn/moving_mean", (4,), bits=8)
bn_v = weight("bn/moving_variance", (4,), bits=8, positive=True)
dw_k = weight("dw/depthwise_kernel", (3, 3, 4, 1))
conv_b_k = weight("conv_b/kernel", (1, 1, 4, 2))
conv_b_b = weight("conv_b/bias", (2,))
dense_k = weight("dense/kernel", (6, 3))
dense_b = weight("dense/bias", (3,))

a = np.maximum(conv(x, conv_a_k, conv_a_b, 2, "same"), 0)                       # 4x4x4, uneven 'same'
bn = (a - bn_m) / np.sqrt(bn_v + 1e-3) * bn_g + bn_b
relu6 = np.minimum(np.maximum(bn, 0), 6)
dw = conv(relu6, dw_k, None, 1, "same", depthwise=True)
add = relu6 + dw
padded = np.pad(add, ((0, 0), (0, 1), (0, 1), (0, 0)))
pool_max = pool(padded, 2, 2, "valid", "max")
conv_b = conv(add, conv_b_k, conv_b_b, 1, "valid")
avg = pool(conv_b, 3, 1, "same", "avg")
concat = np.concatenate([avg, add], axis=-1)
gap = concat.mean(axis=(1, 2))
logits = gap @ dense_k + dense_b
dense = np.exp(logits - logits.max(axis=1, keepdims=True))
dense = dense / dense.sum(axis=1, keepdims=True)

def layer(name, cls, inputs, **config):
    config["name"] = name
    return {"name": name, "class_name": cls, "config": config,
            "inbound_nodes": [[[i, 0, 0, {}] for i in inputs]] if inputs else []}

layers = [
    layer("input", "InputLayer", [], batch_input_shape=[None, H, W, 3], dtype="float32"),
    layer("conv_a", "Conv2D", ["input"], filters=4, kernel_size=[3, 3], strides=[2, 2], padding="same",
          dilation_rate=[1, 1], activation="relu", use_bias=True),
    layer("bn", "BatchNormalization", ["conv_a"], axis=3, epsilon=1e-3, center=True, scale=True),
    layer("relu6", "ReLU", ["bn"], max_value=6.0),
    layer("dw", "DepthwiseConv2D", ["relu6"], kernel_size=[3, 3], strides=[1, 1], padding="same",
          depth_multiplier=1, activation="linear", use_bias=False),
    layer("add", "Add", ["relu6", "dw"]),
    layer("pad", "ZeroPadding2D", ["add"], padding=[[0, 1], [0, 1]]),
    layer("pool_max", "MaxPooling2D", ["pad"], pool_size=[2, 2], strides=[2, 2], padding="valid"),
    layer("conv_b", "Conv2D", ["add"], filters=2, kernel_size=[1, 1], strides=[1, 1], padding="valid",
          activation="linear", use_bias=True),
    layer("avg", "AveragePooling2D", ["conv_b"], pool_size=[3, 3], strides=[1, 1], padding="same"),
    layer("concat", "Concatenate", ["avg", "add"], axis=-1),
    layer("gap", "GlobalAveragePooling2D", ["concat"]),
    layer("drop", "Dropout", ["gap"], rate=0.5),
    layer("dense", "Dense", ["drop"], units=3, activation="softmax", use_bias=True),
]
manifest, blob = [], b""
for name, v, q in weights:
    entry = {"name": name, "shape": list(v.shape), "dtype": "float32"}
    if q:
        entry["quantization"] = {"min": q[0], "scale": q[1], "dtype": "uint8" if q[2] == 8 else "uint16"}
        blob += v.astype("<u1" if q[2] == 8 else "<u2").tobytes()
    else:
        blob += v.astype("<f4").tobytes()
    manifest.append(entry)
model = {"format": "layers-model", "generatedBy": "make_tiny_tfjs.py",
         "modelTopology": {"class_name": "Model", "config": {"name": "tiny", "layers": layers}},
         "weightsManifest": [{"paths": ["group1-shard1of1.bin"], "weights": manifest}]}
os.makedirs(here, exist_ok=True)
with open(os.path.join(here, "model.json"), "w") as f:
    json.dump(model, f, indent=1)
with open(os.path.join(here, "group1-shard1of1.bin"), "wb") as f:
    f.write(blob)
pooled = lambda t: (t.mean(axis=(1, 2)) if t.ndim == 4 else t).round(7).tolist()
with open(os.path.join(here, "expected.json"), "w") as f:
    json.dump({"input": x.reshape(-1).tolist(), "shape": list(x.shape),
               "pooled": {"conv_a": pooled(a), "add": pooled(add), "pool_max": pooled(pool_max),
                          "conv_b": pooled(conv_b), "avg": pooled(avg), "concat": pooled(concat), "dense": pooled(dense)}}, f, indent=1)
print("wrote", here, len(blob), "weight bytes")

# ---- a tiny TF.js *graph* model (tiny_graph/), drawn after the layers model so that one is unchanged:
# the ops a converted TF-Hub MobileNetV2 uses, TF's semantics computed with numpy as above.
here_g = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tiny_graph")
weights = []
g_mul = np.array(2.0, np.float32); weights.append(("hub/Mul/y", g_mul, None))
g_sub = np.array(1.0, np.float32); weights.append(("hub/Sub/y", g_sub, None))
g_c1k = weight("net/conv1/weights", (3, 3, 3, 4), bits=8)
g_c1b = weight("net/conv1/bias", (4,))
g_dwk = weight("net/dw/weights", (3, 3, 4, 2))
g_dwb = weight("net/dw/bias", (8,), bits=8)
g_pk = weight("net/proj/weights", (1, 1, 8, 4), bits=16)
g_pb = weight("net/proj/bias", (4,))
g_axes = np.array([1, 2], np.int32); weights.append(("net/mean/axes", g_axes, "int32"))
g_hk = weight("head/kernel", (4, 3))
g_hb = weight("head/bias", (3,))

xg = x * g_mul - g_sub
c1 = np.minimum(np.maximum(conv(xg, g_c1k, g_c1b, 2, "same"), 0), 6)            # 4x4x4, uneven 'same'
dwg = np.minimum(np.maximum(conv(c1, g_dwk, None, 1, "same", depthwise=True) + g_dwb, 0), 6)   # 4x4x8
proj = conv(dwg, g_pk, None, 1, "valid") + g_pb
addg = proj + c1
relug = np.maximum(addg, 0)
avgg = pool(relug, 3, 2, "same", "avg")                                          # 2x2, window cut by padding
maxg = pool(relug, 2, 2, "valid", "max")                                         # 2x2
add2 = avgg + maxg
meang = add2.mean(axis=(1, 2))
logits_g = meang @ g_hk + g_hb
soft = np.exp(logits_g - logits_g.max(axis=1, keepdims=True)); soft = soft / soft.sum(axis=1, keepdims=True)

b64 = lambda s: __import__("base64").b64encode(s.encode()).decode()
ilist = lambda *v: {"list": {"i": [str(i) for i in v]}}
def node(name, op, inputs, **attr):
    return {"name": name, "op": op, "input": inputs, "attr": attr}
def const(name, shape, control=False):
    return node(name, "Const", ["^input"] if control else [],
                value={"tensor": {"dtype": "DT_FLOAT", "tensorShape": {"dim": [{"size": str(d)} for d in shape]}}})
fused = lambda *ops: {"list": {"s": [b64(o) for o in ops]}}
nhwc = {"s": b64("NHWC")}
nodes = [
    node("input", "Placeholder", [], shape={"shape": {"dim": [{"size": "-1"}, {"size": str(H)}, {"size": str(W)}, {"size": "3"}]}}),
    const("hub/Mul/y", [], control=True), const("hub/Sub/y", [], control=True),
    const("net/conv1/weights", [3, 3, 3, 4]), const("net/conv1/bias", [4]), const("net/dw/weights", [3, 3, 4, 2]),
    const("net/dw/bias", [8]), const("net/proj/weights", [1, 1, 8, 4]), const("net/proj/bias", [4]),
    const("net/mean/axes", [2]), const("head/kernel", [4, 3]), const("head/bias", [3]),
    node("hub/Mul", "Mul", ["hub/Mul/y", "input"]),
    node("hub/Sub", "Sub", ["hub/Mul:0", "hub/Sub/y"]),
    node("net/conv1/Relu6", "_FusedConv2D", ["hub/Sub", "net/conv1/weights", "net/conv1/bias"], strides=ilist(1, 2, 2, 1),
         padding={"s": b64("SAME")}, data_format=nhwc, dilations=ilist(1, 1, 1, 1), fused_ops=fused("BiasAdd", "Relu6")),
    node("net/dw/Relu6", "FusedDepthwiseConv2dNative", ["net/conv1/Relu6", "net/dw/weights", "net/dw/bias"],
         strides=ilist(1, 1, 1, 1), padding={"s": b64("SAME")}, data_format=nhwc, fused_ops=fused("BiasAdd", "Relu6")),
    node("net/proj/Conv2D", "Conv2D", ["net/dw/Relu6", "net/proj/weights"], strides=ilist(1, 1, 1, 1),
         padding={"s": b64("VALID")}, data_format=nhwc),
    node("net/proj/BiasAdd", "BiasAdd", ["net/proj/Conv2D", "net/proj/bias"]),
    node("net/add", "AddV2", ["net/proj/BiasAdd", "net/conv1/Relu6"]),
    node("net/relu", "Relu", ["net/add"]),
    node("net/avg", "AvgPool", ["net/relu"], ksize=ilist(1, 3, 3, 1), strides=ilist(1, 2, 2, 1), padding={"s": b64("SAME")}, data_format=nhwc),
    node("net/max", "MaxPool", ["net/relu"], ksize=ilist(1, 2, 2, 1), strides=ilist(1, 2, 2, 1), padding={"s": b64("VALID")}, data_format=nhwc),
    node("net/add2", "Add", ["net/avg", "net/max"]),
    node("net/mean", "Mean", ["net/add2", "net/mean/axes"], keep_dims={"b": False}),
    node("head/BiasAdd", "_FusedMatMul", ["net/mean", "head/kernel", "head/bias"], transpose_a={"b": False},
         transpose_b={"b": False}, fused_ops=fused("BiasAdd")),
    node("head/Softmax", "Softmax", ["head/BiasAdd"]),
    node("Identity", "Identity", ["head/Softmax"]),
]
manifest, blob = [], b""
for name, v, q in weights:
    entry = {"name": name, "shape": list(v.shape), "dtype": "int32" if q == "int32" else "float32"}
    if q == "int32":
        blob += v.astype("<i4").tobytes()
    elif q:
        entry["quantization"] = {"min": q[0], "scale": q[1], "dtype": "uint8" if q[2] == 8 else "uint16"}
        blob += v.astype("<u1" if q[2] == 8 else "<u2").tobytes()
    else:
        blob += v.astype("<f4").tobytes()
    manifest.append(entry)
os.makedirs(here_g, exist_ok=True)
with open(os.path.join(here_g, "model.json"), "w") as f:
    json.dump({"format": "graph-model", "generatedBy": "make_tiny_tfjs.py", "modelTopology": {"node": nodes},
               "weightsManifest": [{"paths": ["group1-shard1of1.bin"], "weights": manifest}]}, f, indent=1)
with open(os.path.join(here_g, "group1-shard1of1.bin"), "wb") as f:
    f.write(blob)
with open(os.path.join(here_g, "expected.json"), "w") as f:
    json.dump({"input": x.reshape(-1).tolist(), "shape": list(x.shape),
               "pooled": {"net/conv1/Relu6": pooled(c1), "net/dw/Relu6": pooled(dwg), "net/add": pooled(addg),
                          "net/avg": pooled(avgg), "net/add2": pooled(add2), "net/mean": pooled(meang),
                          "Identity": pooled(soft)}}, f, indent=1)
print("wrote", here_g, len(blob), "weight bytes")
