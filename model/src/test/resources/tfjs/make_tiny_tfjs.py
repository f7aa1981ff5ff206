"""Writes a tiny TF.js layers model (tiny/model.json + tiny/group1-shard1of1.bin) and the outputs
TF's semantics give for a fixed input (tiny/expected.json), computed here with numpy alone:
NHWC tensors, HWIO kernels, 'same' padding with the extra row/column at the bottom/right, affine
uint8/uint16 weight quantization (min + scale * q). Seeded; run with python3 + numpy:
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
