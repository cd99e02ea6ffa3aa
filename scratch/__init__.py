"""NumPy-only implementations of deep-learning layers, written to be read.

``scratch.manual`` holds layers with hand-written backward passes; ``scratch.kernels`` holds the
array kernels they share (im2col/col2im and numerically stable formulas). Nothing here imports torch.
"""

__version__ = "0.1.0"
