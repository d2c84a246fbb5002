"""torch_device: the board the profile prefers decides where PyTorch trains."""
import torch

from hardware_shims.boards import torch_device


def test_the_cpu_profiles_train_on_the_cpu():
    assert torch_device({}) == "cpu"
    assert torch_device({"MICROFAB_PROFILE": "jetson"}) == "cpu"  # TensorRT runs, torch trains


def test_the_cuda_profile_trains_on_its_gpu_when_torch_sees_one():
    expected = "cuda:0" if torch.cuda.is_available() else "cpu"
    assert torch_device({"MICROFAB_PROFILE": "cuda"}) == expected
    assert torch_device({"MICROFAB_BOARD": "cuda://0"}) == expected


def test_a_gpu_index_torch_does_not_see_falls_back_to_the_cpu():
    assert torch_device({"MICROFAB_BOARD": "cuda://7"}) == (
        "cuda:7" if torch.cuda.device_count() > 7 else "cpu")
