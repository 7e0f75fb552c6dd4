#!/usr/bin/python3
"""Converts a TensorFlow.js graph model (model.json + weight files) to ONNX.

Written for the COCO CenterNet of @vladmandic/human (MobileNetV3 backbone), so
that OpenCV's DNN module and ONNX Runtime can run it: it knows the operations
that model's backbone and heads use, and refuses any other by name. The graph is
cut at the requested outputs (the heat map and the box sizes); the decoding that
follows them in the original (peaks, top-k, boxes) is done by the caller, which
only needs the classes it looks for.

Activations are NHWC in TensorFlow and NCHW in ONNX: weights are transposed,
constants broadcast over channels are reshaped, and axes are renumbered. Shapes
are static (the model's input size), so TensorFlow's SAME padding becomes
explicit, possibly asymmetric, pads.

Needs Debian's python3-onnx and python3-numpy:
  /usr/bin/python3 tfjs_graph_to_onnx.py model.json out.onnx --output tower_0/keypoints ...
"""

import argparse
import base64
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# 11: OpenCV 4.6 reads Resize's coordinate_transformation_mode from opset 11 on.
# It reads Clip only with its bounds as attributes (before 11), so the model's
# hard-swish and hard-sigmoid are recognised and written as HardSigmoid instead.
OPSET = 11
NHWC_TO_NCHW_AXIS = {0: 0, 1: 2, 2: 3, 3: 1, -1: 1, -2: 3, -3: 2, -4: 0}


class ConversionError(Exception):
    pass


def read_weights(model_dir, manifest):
    """Every weight of the manifest as a float32/int32 numpy array, dequantized."""
    weights = {}
    for group in manifest:
        blob = b"".join(open(os.path.join(model_dir, p), "rb").read() for p in group["paths"])
        offset = 0
        for w in group["weights"]:
            count = int(np.prod(w["shape"])) if w["shape"] else 1
            quantization = w.get("quantization")
            if quantization:
                stored = {"float16": np.float16, "uint8": np.uint8, "uint16": np.uint16}[quantization["dtype"]]
            else:
                stored = {"float32": np.float32, "int32": np.int32, "bool": np.bool_}[w["dtype"]]
            raw = np.frombuffer(blob, dtype=stored, count=count, offset=offset)
            offset += raw.nbytes
            if quantization and quantization["dtype"] != "float16":
                raw = raw.astype(np.float32) * quantization["scale"] + quantization["min"]
            value = raw.astype(np.float32 if w["dtype"] == "float32" else raw.dtype)
            weights[w["name"]] = value.reshape(w["shape"])
        if offset != len(blob):
            raise ConversionError(f"weights of {group['paths']}: read {offset} bytes of {len(blob)}")
    return weights


def attr(node, name, default=None):
    a = node.get("attr", {}).get(name)
    if a is None:
        return default
    if "s" in a:
        return base64.b64decode(a["s"]).decode()
    if "list" in a:
        lst = a["list"]
        if "i" in lst:
            return [int(i) for i in lst["i"]]
        if "s" in lst:
            return [base64.b64decode(s).decode() for s in lst["s"]]
        return []
    if "b" in a:
        return a["b"]
    if "i" in a:
        return int(a["i"])
    if "f" in a:
        return float(a["f"])
    return a


def same_pads(size, kernel, stride, dilation):
    """TensorFlow's SAME padding on one axis: (before, after, output size)."""
    out = -(-size // stride)
    effective = (kernel - 1) * dilation + 1
    total = max((out - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2, out


class Converter:
    def __init__(self, graph, weights):
        self.nodes = {n["name"]: n for n in graph["modelTopology"]["node"]}
        self.weights = weights
        self.onnx_nodes = []
        self.initializers = []
        self.shapes = {}  # tensor name -> NCHW shape of converted activations
        self.counter = 0

    def const(self, name):
        base = name.split(":")[0]
        if base in self.weights:
            return self.weights[base]
        return None

    def add_initializer(self, array, hint):
        self.counter += 1
        name = f"{hint}__c{self.counter}"
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def emit(self, op, inputs, output, **attrs):
        self.onnx_nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))

    def activation(self, name):
        """The converted tensor for a graph input, converting its producer first."""
        name = name.split(":")[0]
        if name not in self.shapes:
            self.convert(name)
        return name

    def broadcast_operand(self, name, rank):
        """A constant operand of an element-wise op, laid out for NCHW broadcasting."""
        value = self.const(name)
        if value is None:
            return self.activation(name)
        value = value.astype(np.float32)
        if rank == 4 and value.ndim == 1 and value.size > 1:
            value = value.reshape(1, -1, 1, 1)
        elif rank == 4 and value.ndim == 4:
            value = value.transpose(0, 3, 1, 2)
        return self.add_initializer(value, name)

    def conv(self, node, depthwise):
        inputs = node["input"]
        x = self.activation(inputs[0])
        kernel = self.const(inputs[1])
        if kernel is None:
            raise ConversionError(f"{node['name']}: kernel is not a constant")
        if attr(node, "data_format", "NHWC") != "NHWC":
            raise ConversionError(f"{node['name']}: only NHWC is supported")
        strides = attr(node, "strides", [1, 1, 1, 1])[1:3]
        dilations = attr(node, "dilations", [1, 1, 1, 1])[1:3]
        kh, kw = kernel.shape[0], kernel.shape[1]
        n, c, h, w = self.shapes[x]
        if depthwise:
            multiplier = kernel.shape[3]
            weight = kernel.transpose(2, 3, 0, 1).reshape(c * multiplier, 1, kh, kw)
            group, out_c = c, c * multiplier
        else:
            weight = kernel.transpose(3, 2, 0, 1)
            group, out_c = 1, kernel.shape[3]
        padding = attr(node, "padding")
        if padding == "SAME":
            top, bottom, oh = same_pads(h, kh, strides[0], dilations[0])
            left, right, ow = same_pads(w, kw, strides[1], dilations[1])
        elif padding == "VALID":
            top = bottom = left = right = 0
            oh = (h - (kh - 1) * dilations[0] - 1) // strides[0] + 1
            ow = (w - (kw - 1) * dilations[1] - 1) // strides[1] + 1
        else:
            raise ConversionError(f"{node['name']}: padding {padding} not supported")
        conv_inputs = [x, self.add_initializer(weight.astype(np.float32), node["name"] + "/W")]
        fused = attr(node, "fused_ops", [])
        if fused and fused[0] == "BiasAdd":
            conv_inputs.append(self.add_initializer(self.const(inputs[2]).astype(np.float32), node["name"] + "/B"))
            fused = fused[1:]
        elif fused:
            raise ConversionError(f"{node['name']}: fused ops {fused} not supported")
        out = node["name"]
        conv_out = out if not fused else out + "/conv"
        self.emit("Conv", conv_inputs, conv_out, kernel_shape=[kh, kw], strides=strides, dilations=dilations,
                  pads=[top, left, bottom, right], group=group)
        for i, op in enumerate(fused):
            target = out if i == len(fused) - 1 else f"{out}/{op}"
            self.activation_op(op, conv_out, target, node["name"])
            conv_out = target
        self.shapes[out] = [n, out_c, oh, ow]

    def activation_op(self, op, x, out, where):
        if op == "Relu":
            self.emit("Relu", [x], out)
        elif op == "Sigmoid":
            self.emit("Sigmoid", [x], out)
        else:
            raise ConversionError(f"{where}: activation {op} not supported")

    def scalar_operand(self, node, value):
        """The non-constant input of a binary node whose other input is the scalar value."""
        inputs = node.get("input", [])
        if len(inputs) != 2:
            return None
        for i, other in ((0, 1), (1, 0)):
            c = self.const(inputs[i])
            if c is not None and c.size == 1 and abs(float(c.reshape(-1)[0]) - value) < 1e-3:
                return inputs[other].split(":")[0]
        return None

    def relu6_of_plus3(self, name):
        """x when name is Relu6(x + 3), else None."""
        node = self.nodes.get(name.split(":")[0])
        if node is None or node["op"] != "Relu6":
            return None
        add = self.nodes.get(node["input"][0].split(":")[0])
        if add is None or add["op"] not in ("Add", "AddV2"):
            return None
        return self.scalar_operand(add, 3.0)

    def hard_activation(self, node):
        """MobileNetV3's hard-sigmoid, Relu6(x + 3) / 6, and hard-swish, x * Relu6(x + 3) / 6,
        as HardSigmoid(alpha 1/6, beta 1/2). Returns whether the node was one of them."""
        name = node["name"]
        a, b = (i.split(":")[0] for i in node["input"])
        x = self.scalar_operand(node, 1 / 6)
        if x is not None and self.relu6_of_plus3(x) is not None:
            source = self.activation(self.relu6_of_plus3(x))
            self.emit("HardSigmoid", [source], name, alpha=1 / 6, beta=0.5)
            self.shapes[name] = self.shapes[source]
            return True
        for relu, scaled in ((a, b), (b, a)):
            x = self.relu6_of_plus3(relu)
            scaled_node = self.nodes.get(scaled)
            if x is None or scaled_node is None or scaled_node["op"] != "Mul":
                continue
            if self.scalar_operand(scaled_node, 1 / 6) != x:
                continue
            source = self.activation(x)
            self.emit("HardSigmoid", [source], name + "/hard_sigmoid", alpha=1 / 6, beta=0.5)
            self.emit("Mul", [source, name + "/hard_sigmoid"], name)
            self.shapes[name] = self.shapes[source]
            return True
        return False

    def convert(self, name):
        node = self.nodes.get(name)
        if node is None:
            raise ConversionError(f"no node named {name}")
        op = node["op"]
        inputs = node.get("input", [])
        if op == "Placeholder":
            raise ConversionError(f"{name}: an input must be declared with --input")
        if op in ("_FusedConv2D", "Conv2D"):
            self.conv(node, depthwise=False)
        elif op in ("FusedDepthwiseConv2dNative", "DepthwiseConv2dNative"):
            self.conv(node, depthwise=True)
        elif op == "Mul" and self.hard_activation(node):
            pass
        elif op in ("Relu", "Sigmoid"):
            x = self.activation(inputs[0])
            self.activation_op(op, x, name, name)
            self.shapes[name] = self.shapes[x]
        elif op == "Identity":
            x = self.activation(inputs[0])
            self.emit("Identity", [x], name)
            self.shapes[name] = self.shapes[x]
        elif op in ("Mul", "Add", "AddV2", "Sub"):
            tensors = [i for i in inputs if self.const(i) is None]
            if not tensors:
                raise ConversionError(f"{name}: both operands are constants")
            shapes = [self.shapes[self.activation(t)] for t in tensors]
            rank = len(shapes[0])
            operands = [self.broadcast_operand(i, rank) for i in inputs]
            onnx_op = {"Mul": "Mul", "Add": "Add", "AddV2": "Add", "Sub": "Sub"}[op]
            self.emit(onnx_op, operands, name)
            self.shapes[name] = [max(d) for d in zip(*shapes)]
        elif op == "Mean":
            x = self.activation(inputs[0])
            axes = sorted(int(a) for a in np.atleast_1d(self.const(inputs[1])))
            if axes != [1, 2] or not attr(node, "keep_dims", False):
                raise ConversionError(f"{name}: only a spatial mean keeping dimensions is supported")
            self.emit("GlobalAveragePool", [x], name)
            n, c, _, _ = self.shapes[x]
            self.shapes[name] = [n, c, 1, 1]
        elif op == "ResizeBilinear":
            x = self.activation(inputs[0])
            size = self.const(inputs[1])
            if size is None:
                raise ConversionError(f"{name}: the output size is not a constant")
            if attr(node, "align_corners", False) or attr(node, "half_pixel_centers", False):
                raise ConversionError(f"{name}: only align_corners=false, half_pixel_centers=false")
            n, c, h, w = self.shapes[x]
            scales = np.array([1, 1, size[0] / h, size[1] / w], np.float32)
            roi = self.add_initializer(np.array([], np.float32), name + "/roi")
            self.emit("Resize", [x, roi, self.add_initializer(scales, name + "/scales")], name, mode="linear",
                      coordinate_transformation_mode="asymmetric")
            self.shapes[name] = [n, c, int(size[0]), int(size[1])]
        elif op == "ConcatV2":
            axis = int(self.const(inputs[-1]))
            parts = [self.activation(i) for i in inputs[:-1]]
            self.emit("Concat", parts, name, axis=NHWC_TO_NCHW_AXIS[axis])
            shape = list(self.shapes[parts[0]])
            shape[1] = sum(self.shapes[p][1] for p in parts)
            self.shapes[name] = shape
        else:
            raise ConversionError(f"{name}: operation {op} not supported by this converter")

    def build(self, input_name, outputs):
        placeholder = self.nodes.get(input_name)
        if placeholder is None or placeholder["op"] != "Placeholder":
            raise ConversionError(f"{input_name} is not an input of the graph")
        dims = [int(d["size"]) for d in placeholder["attr"]["shape"]["shape"]["dim"]]
        if len(dims) != 4 or min(dims) <= 0:
            raise ConversionError(f"{input_name}: a static NHWC shape is needed, found {dims}")
        n, h, w, c = dims
        self.shapes[input_name] = [n, c, h, w]
        for out in outputs:
            self.activation(out)
        graph = helper.make_graph(
            self.onnx_nodes, "converted",
            [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, [n, c, h, w])],
            [helper.make_tensor_value_info(o, TensorProto.FLOAT, self.shapes[o]) for o in outputs],
            self.initializers)
        return graph


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model_json")
    parser.add_argument("output")
    parser.add_argument("--input", default="tower_0/images", help="the graph's image input")
    parser.add_argument("--output-node", action="append", dest="outputs",
                        help="a node whose value becomes an output (repeatable)")
    parser.add_argument("--doc", default="", help="text stored as the model's doc_string (provenance)")
    args = parser.parse_args()
    outputs = args.outputs or ["tower_0/keypoints", "tower_0/wh"]

    with open(args.model_json) as f:
        model_json = json.load(f)
    if model_json.get("format") != "graph-model":
        raise ConversionError(f"{args.model_json}: not a TensorFlow.js graph model")
    weights = read_weights(os.path.dirname(os.path.abspath(args.model_json)), model_json["weightsManifest"])
    converter = Converter(model_json, weights)
    graph = converter.build(args.input, outputs)
    model = helper.make_model(graph, producer_name="vigie tfjs_graph_to_onnx",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 7
    model.doc_string = args.doc
    onnx.checker.check_model(model)
    tmp = args.output + ".tmp"
    onnx.save(model, tmp)
    os.replace(tmp, args.output)
    print(f"converted {args.model_json}: {len(converter.onnx_nodes)} ONNX nodes, outputs "
          + ", ".join(f"{o} {converter.shapes[o]}" for o in outputs))


if __name__ == "__main__":
    try:
        main()
    except ConversionError as e:
        print(f"tfjs_graph_to_onnx: {e}", file=sys.stderr)
        sys.exit(1)
