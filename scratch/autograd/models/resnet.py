"""ResNet-18 and ResNet-50 for 32x32 images (the CIFAR form), on the autograd engine.

Shapes, for an input x of shape (N, in_channels, 32, 32):
    conv1 (3x3, stride 1) -> bn1 -> relu   (N, 64, 32, 32)     NOTE: no max-pool after the stem
    layer1                                 (N, 64 * e, 32, 32)
    layer2 (stride 2 at its first block)   (N, 128 * e, 16, 16)
    layer3 (stride 2 at its first block)   (N, 256 * e, 8, 8)
    layer4 (stride 2 at its first block)   (N, 512 * e, 4, 4)
    mean over H and W                      (N, 512 * e)
    fc                                     (N, num_classes)
where e is the block's ``expansion`` (1 for BasicBlock, 4 for Bottleneck).

Parameter names are torchvision's ("layer2.0.downsample.0.weight", ...), so a state_dict of the
torch twin in ``reference.models.resnet`` loads here unchanged. Layers keep torch's default
initialisation (torchvision re-initialises convolutions with Kaiming normal; not done here).

NOTE: by hand, a residual block is painful: x feeds two paths (the convolutions and the shortcut),
so d(loss)/dx is the sum of the gradients coming back along both, and a hand-written backward has to
keep both branches' caches and add them in the right place, for every block. Here it is free: the
engine sees x used twice and accumulates the two gradients itself.
"""

import numpy as np

from scratch.autograd import functional as F
from scratch.autograd.nn import BatchNorm2d, Conv2d, Linear, Module, Sequential


class BasicBlock(Module):
    """out = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), two 3x3 convolutions.

    x (N, in_planes, H, W) -> out (N, planes, H / stride, W / stride). shortcut is x itself, or
    ``downsample`` (1x1 conv with the stride, then BatchNorm) when the shape changes.
    """

    expansion = 1

    def __init__(self, in_planes: int, planes: int, stride: int = 1, downsample=None, *, dtype=np.float32):
        super().__init__()
        self.conv1 = Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False, dtype=dtype)
        self.bn1 = BatchNorm2d(planes, dtype=dtype)
        self.conv2 = Conv2d(planes, planes, 3, stride=1, padding=1, bias=False, dtype=dtype)
        self.bn2 = BatchNorm2d(planes, dtype=dtype)
        self.downsample = downsample

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        shortcut = x if self.downsample is None else self.downsample(x)
        return F.relu(out + shortcut)


class Bottleneck(Module):
    """out = relu(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x)))))))) + shortcut(x)).

    1x1 conv down to ``planes`` channels, 3x3 conv (which carries the stride, as in torchvision),
    1x1 conv up to planes * 4. x (N, in_planes, H, W) -> out (N, 4 * planes, H / stride, W / stride).
    """

    expansion = 4

    def __init__(self, in_planes: int, planes: int, stride: int = 1, downsample=None, *, dtype=np.float32):
        super().__init__()
        self.conv1 = Conv2d(in_planes, planes, 1, bias=False, dtype=dtype)
        self.bn1 = BatchNorm2d(planes, dtype=dtype)
        self.conv2 = Conv2d(planes, planes, 3, stride=stride, padding=1, bias=False, dtype=dtype)
        self.bn2 = BatchNorm2d(planes, dtype=dtype)
        self.conv3 = Conv2d(planes, planes * self.expansion, 1, bias=False, dtype=dtype)
        self.bn3 = BatchNorm2d(planes * self.expansion, dtype=dtype)
        self.downsample = downsample

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        shortcut = x if self.downsample is None else self.downsample(x)
        return F.relu(out + shortcut)


class ResNet(Module):
    """Stem, four stages of residual blocks, global average pooling, one Linear layer (see the module doc).

    x (N, in_channels, H, W) -> logits (N, num_classes); H and W divisible by 8 keep every stage exact.
    """

    def __init__(self, block, layers, num_classes: int = 10, in_channels: int = 3, *, dtype=np.float32):
        super().__init__()
        self.in_planes = 64
        self.conv1 = Conv2d(in_channels, 64, 3, stride=1, padding=1, bias=False, dtype=dtype)
        self.bn1 = BatchNorm2d(64, dtype=dtype)
        self.layer1 = self._make_layer(block, 64, layers[0], stride=1, dtype=dtype)
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2, dtype=dtype)
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2, dtype=dtype)
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2, dtype=dtype)
        self.fc = Linear(512 * block.expansion, num_classes, dtype=dtype)

    def _make_layer(self, block, planes: int, blocks: int, stride: int, dtype) -> Sequential:
        """``blocks`` blocks; the first takes the stride and, if the shape changes, a downsample shortcut."""
        downsample = None
        if stride != 1 or self.in_planes != planes * block.expansion:
            downsample = Sequential(
                Conv2d(self.in_planes, planes * block.expansion, 1, stride=stride, bias=False, dtype=dtype),
                BatchNorm2d(planes * block.expansion, dtype=dtype),
            )
        layers = [block(self.in_planes, planes, stride, downsample, dtype=dtype)]
        self.in_planes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.in_planes, planes, dtype=dtype))
        return Sequential(*layers)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer1(x)
        x = self.layer2(x)
        x = self.layer3(x)
        x = self.layer4(x)
        x = x.mean(axis=(2, 3))  # global average pooling: (N, C, H, W) -> (N, C)
        return self.fc(x)


def resnet18(num_classes: int = 10, **kw) -> ResNet:
    """ResNet-18: BasicBlocks [2, 2, 2, 2], 11.2M parameters for 10 classes."""
    return ResNet(BasicBlock, [2, 2, 2, 2], num_classes, **kw)


def resnet50(num_classes: int = 10, **kw) -> ResNet:
    """ResNet-50: Bottlenecks [3, 4, 6, 3], 23.5M parameters for 10 classes."""
    return ResNet(Bottleneck, [3, 4, 6, 3], num_classes, **kw)
