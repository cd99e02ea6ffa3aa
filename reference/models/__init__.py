"""The torch twins of ``scratch.autograd.models``: same names, signatures and state_dict keys."""

from reference.models.c5l3 import C5L3
from reference.models.mlp import MLP
from reference.models.resnet import BasicBlock, Bottleneck, ResNet, resnet18, resnet50
from reference.models.vgg import VGG

__all__ = ["C5L3", "MLP", "VGG", "BasicBlock", "Bottleneck", "ResNet", "resnet18", "resnet50"]
