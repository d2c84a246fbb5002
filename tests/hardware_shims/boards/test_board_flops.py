import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from hardware_shims.boards.errors import ModelError
from hardware_shims.boards.flops import count_macs


def _model(nodes, inputs, outputs, weights):
    graph = helper.make_graph(
        nodes, "g",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs],
        # Output dims stay symbolic: the counter must get them from shape inference.
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, [f"{n}{i}" for i in range(r)])
         for n, r in outputs],
        [numpy_helper.from_array(np.zeros(s, np.float32), n) for n, s in weights],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def _conv(group=1, cin=3, cout=8, batch="N"):
    node = helper.make_node("Conv", ["x", "w"], ["y"], pads=[1, 1, 1, 1], group=group)
    weights = [("w", (cout, cin // group, 3, 3))]
    return _model([node], [("x", [batch, cin, 32, 32])], [("y", 4)], weights)


def test_conv_macs_match_hand_count():
    # 8 output channels x 32x32 outputs x (3 input channels x 3x3 kernel)
    assert count_macs(_conv()).macs == 8 * 32 * 32 * 3 * 3 * 3


def test_grouped_conv_sums_over_one_group_only():
    # depthwise: each of 8 outputs sees 1 input channel
    assert count_macs(_conv(group=8, cin=8, cout=8)).macs == 8 * 32 * 32 * 1 * 3 * 3


def test_strided_conv_counts_the_smaller_output():
    node = helper.make_node("Conv", ["x", "w"], ["y"], strides=[2, 2])
    model = _model([node], [("x", [1, 3, 32, 32])], [("y", 4)], [("w", (8, 3, 3, 3))])
    assert count_macs(model).macs == 8 * 15 * 15 * 3 * 3 * 3


def test_gemm_macs_match_hand_count():
    node = helper.make_node("Gemm", ["x", "w"], ["y"], transB=1)
    model = _model([node], [("x", [4, 10])], [("y", 2)], [("w", (5, 10))])
    assert count_macs(model).macs == 4 * 5 * 10


def test_gemm_with_transposed_a():
    node = helper.make_node("Gemm", ["x", "w"], ["y"], transA=1)
    model = _model([node], [("x", [10, 4])], [("y", 2)], [("w", (10, 5))])
    assert count_macs(model).macs == 4 * 5 * 10


def test_batched_matmul_macs_match_hand_count():
    node = helper.make_node("MatMul", ["a", "b"], ["y"])
    model = _model([node], [("a", [2, 6, 7])], [("y", 3)], [("b", (7, 3))])
    assert count_macs(model).macs == 2 * 6 * 3 * 7


def test_conv_transpose_macs_match_hand_count():
    node = helper.make_node("ConvTranspose", ["x", "w"], ["y"], strides=[2, 2])
    model = _model([node], [("x", [1, 4, 8, 8])], [("y", 4)], [("w", (4, 2, 2, 2))])
    assert count_macs(model).macs == 4 * 8 * 8 * 2 * 2 * 2


def test_flops_are_twice_the_macs():
    work = count_macs(_conv())
    assert work.flops == 2 * work.macs


def test_dynamic_batch_counts_the_given_batch():
    assert count_macs(_conv(), {"x": (4, 3, 32, 32)}).macs == 4 * count_macs(_conv()).macs


def test_uncounted_ops_are_left_out():
    nodes = [helper.make_node("Relu", ["x"], ["r"]), helper.make_node("Conv", ["r", "w"], ["y"])]
    model = _model(nodes, [("x", [1, 3, 8, 8])], [("y", 4)], [("w", (2, 3, 3, 3))])
    work = count_macs(model)
    assert work.by_op == {"Conv": 2 * 6 * 6 * 3 * 3 * 3}


def test_exported_torch_net_matches_hand_count(onnx_model):
    # conv1: 4 x 32x32 x 1x3x3, conv2: 4 x 32x32 x 4x3x3, linear: 2 x 4
    expected = 4 * 32 * 32 * 9 + 4 * 32 * 32 * 36 + 2 * 4
    assert count_macs(onnx_model).macs == expected


def test_conv_behind_an_unknown_op_is_reported_uncounted():
    # Shape inference cannot see through a custom op, so the Conv's input shape is unknown.
    nodes = [helper.make_node("Denoise", ["x"], ["d"], domain="vendor.ops"),
             helper.make_node("Conv", ["d", "w"], ["y"], name="head")]
    model = _model(nodes, [("x", [1, 3, 8, 8])], [("y", 4)], [("w", (2, 3, 3, 3))])
    model.opset_import.append(helper.make_opsetid("vendor.ops", 1))
    work = count_macs(model)
    assert (work.macs, work.uncounted) == (0, ("head",))


def test_counting_leaves_the_callers_model_unchanged():
    model = _conv()
    before = model.SerializeToString()
    count_macs(model, {"x": (2, 3, 32, 32)})
    assert model.SerializeToString() == before


def test_unknown_input_name_is_named():
    with pytest.raises(ModelError, match="'image'"):
        count_macs(_conv(), {"image": (1, 3, 32, 32)})


def test_unreadable_file_is_named(tmp_path):
    bad = tmp_path / "broken.onnx"
    bad.write_bytes(b"not a protobuf")
    with pytest.raises(ModelError, match="broken.onnx"):
        count_macs(bad)


def test_model_helper_builds_valid_onnx():
    onnx.checker.check_model(_conv())  # the graphs above are real ONNX, not just protos
