"""The small networks whose training step the engine benchmarks time, built from any of the three namespaces.

``NETWORKS[group] = (build, input shape)``: ``build(nn)`` takes scratch.manual, scratch.autograd.nn or
reference (they share class names), so one recipe gives the three twins of bench/test_engine_overhead.py
and bench/steps.py.
    "mlp step"  784 -> 256 -> ReLU -> 10, batch 64
    "cnn step"  conv(1->8) relu pool conv(8->16) relu pool flatten linear(784->10), batch 64 of 1x28x28
"""

LR, BATCH, CLASSES = 0.1, 64, 10


def mlp(nn):
    """The network, built from ``nn``: scratch.manual, scratch.autograd.nn and reference share the names."""
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, CLASSES))


def cnn(nn):
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),  # 28 -> 14
        nn.Conv2d(8, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),  # 14 -> 7
        nn.Flatten(),
        nn.Linear(16 * 7 * 7, CLASSES),
    )


NETWORKS = {"mlp step": (mlp, (BATCH, 784)), "cnn step": (cnn, (BATCH, 1, 28, 28))}
