"""ResNet's BasicBlock with a hand-written backward, checked against the autograd block at every docs build.

out = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), where shortcut(x) is x itself, or a 1x1
convolution and a BatchNorm (``downsample``) when the block changes the shape.
"""

import numpy as np

from scratch import manual, random
from scratch.autograd import Tensor, nn
from scratch.autograd.models.resnet import BasicBlock


class ManualBasicBlock(manual.Module):
    """The same block, hand-written: each layer object is used once (it caches one forward)."""

    def __init__(self, in_planes, planes, stride=1, *, dtype=np.float64):
        super().__init__()
        self.conv1 = manual.Conv2d(in_planes, planes, 3, stride, 1, bias=False, dtype=dtype)
        self.bn1 = manual.BatchNorm2d(planes, dtype=dtype)
        self.relu1 = manual.ReLU()
        self.conv2 = manual.Conv2d(planes, planes, 3, 1, 1, bias=False, dtype=dtype)
        self.bn2 = manual.BatchNorm2d(planes, dtype=dtype)
        self.relu_out = manual.ReLU()  # a second ReLU: relu1's cache must live until backward
        self.downsample = None
        if stride != 1 or in_planes != planes:
            self.downsample = manual.Sequential(
                manual.Conv2d(in_planes, planes, 1, stride, bias=False, dtype=dtype),
                manual.BatchNorm2d(planes, dtype=dtype),
            )

    def children(self):
        layers = dict(conv1=self.conv1, bn1=self.bn1, conv2=self.conv2, bn2=self.bn2)
        if self.downsample is not None:
            layers["downsample"] = self.downsample
        return layers

    def forward(self, x):
        out = self.relu1(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        shortcut = x if self.downsample is None else self.downsample(x)
        return self.relu_out(out + shortcut)

    def backward(self, dout):
        d_sum = self.relu_out.backward(dout)  # d(loss)/d(out + shortcut)
        # The sum hands the same gradient to both inputs: walk each branch back on its own ...
        d_main = self.bn2.backward(d_sum)
        d_main = self.conv2.backward(d_main)
        d_main = self.relu1.backward(d_main)
        d_main = self.bn1.backward(d_main)
        d_main = self.conv1.backward(d_main)
        d_shortcut = d_sum if self.downsample is None else self.downsample.backward(d_sum)
        # ... and x fed both branches, so its gradient is the sum of the two.
        return d_main + d_shortcut


def autograd_block(in_planes, planes, stride):
    """The autograd BasicBlock, with the downsample that ResNet._make_layer would give it."""
    downsample = None
    if stride != 1 or in_planes != planes:
        downsample = nn.Sequential(
            nn.Conv2d(in_planes, planes, 1, stride=stride, bias=False, dtype=np.float64),
            nn.BatchNorm2d(planes, dtype=np.float64),
        )
    return BasicBlock(in_planes, planes, stride, downsample, dtype=np.float64)


def compare(in_planes, planes, stride, seed=0):
    """Largest |manual - autograd| over the output, dx and every parameter's gradient, from one state_dict."""
    rng = random.manual_seed(seed)  # the generator the layers draw their initial weights from
    ours, theirs = ManualBasicBlock(in_planes, planes, stride), autograd_block(in_planes, planes, stride)
    ours.load_state_dict(theirs.state_dict())
    x = rng.standard_normal((2, in_planes, 6, 6))
    out = ours(x)
    dout = rng.standard_normal(out.shape)
    dx = ours.backward(dout)

    xt = Tensor(x.copy(), requires_grad=True)
    out_t = theirs(xt)
    out_t.backward(dout)
    gaps = {"output": np.abs(out - out_t.data).max(), "dx": np.abs(dx - xt.grad.data).max()}
    grads = dict(ours.named_parameters())
    for name, p in theirs.named_parameters():
        gaps[name] = np.abs(grads[name].grad - p.grad.data).max()
    return gaps


if __name__ == "__main__":
    for in_planes, planes, stride in [(4, 4, 1), (4, 8, 2)]:
        gaps = compare(in_planes, planes, stride)
        worst = max(gaps, key=gaps.get)
        print(
            f"BasicBlock({in_planes}, {planes}, stride={stride}): {len(gaps)} arrays, "
            f"largest |manual - autograd| {gaps[worst]:.1e} ({worst})"
        )
