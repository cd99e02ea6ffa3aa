"""Whole networks built from ``scratch.autograd.nn``: their backward comes from the engine, for free.

Each has a torch twin of the same name in ``reference.models``, with the same state_dict keys.
"""

from scratch.autograd.models.c5l3 import C5L3
from scratch.autograd.models.mlp import MLP
from scratch.autograd.models.resnet import BasicBlock, Bottleneck, ResNet, resnet18, resnet50
from scratch.autograd.models.vgg import VGG

__all__ = ["C5L3", "MLP", "VGG", "BasicBlock", "Bottleneck", "ResNet", "resnet18", "resnet50"]
