"""The whole networks' shared plan: argument checks and layout constants, one copy for all three implementations.

``scratch.manual.models`` and ``scratch.autograd.models`` build MLP, C5L3 and VGG from their own
layers with these recipes; what a valid configuration is, and where C5L3 pools, is decided here.
``reference.models`` writes the torch twins out on its own (the oracle never imports scratch).
"""

ACTIVATION_NAMES = ("relu", "tanh", "sigmoid", "leaky_relu", "selu")
C5L3_POOL_AFTER = (0, 1, 4)  # C5L3's 2x2 max-pools follow conv 1, conv 2 and conv 5 (0-based)


def check_mlp_args(in_features: int, hidden, num_classes: int, activation: str) -> None:
    sizes = (in_features, *hidden, num_classes)
    if any(int(size) != size or size <= 0 for size in sizes):
        raise ValueError(f"MLP: in_features, hidden and num_classes must be positive integers, got {sizes}")
    if activation not in ACTIVATION_NAMES:
        raise ValueError(f"MLP: activation must be one of {sorted(ACTIVATION_NAMES)}, got {activation!r}")


def check_c5l3_args(image_size: int, widths, hidden, dropout) -> None:
    if image_size <= 0 or image_size % 8:
        raise ValueError(f"C5L3: image_size must be a positive multiple of 8 (three 2x2 max-pools), got {image_size}")
    if len(widths) != 5:
        raise ValueError(f"C5L3: widths must give 5 conv widths, got {tuple(widths)}")
    if len(hidden) != 2:
        raise ValueError(f"C5L3: hidden must give 2 hidden sizes, got {tuple(hidden)}")
    if dropout not in (None, "conv", "linear"):
        raise ValueError(f"C5L3: dropout must be None, 'conv' or 'linear', got {dropout!r}")


def check_vgg_args(image_size: int, widths, hidden: int) -> None:
    if len(widths) == 0:
        raise ValueError("VGG: widths must give at least one block width, got ()")
    pools = 2 ** len(widths)
    if image_size <= 0 or image_size % pools:
        raise ValueError(
            f"VGG: image_size must be a positive multiple of {pools} ({len(widths)} 2x2 max-pools), got {image_size}"
        )
    if hidden <= 0:
        raise ValueError(f"VGG: hidden must be a positive size, got {hidden}")


# -- the layers, built from any of the three namespaces ------------------------------------------------
# ``nn`` is scratch.manual or scratch.autograd.nn: they share class names and arguments (with torch),
# so one recipe builds the same network (the same state_dict keys) in each. ``dtype`` is the
# namespace's own (np.float32, torch.float32, ...).

ACTIVATION_CLASSES = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "leaky_relu": "LeakyReLU", "selu": "SELU"}


def mlp_layers(nn, in_features: int, hidden, num_classes: int, activation: str, dtype) -> list:
    """Linear, activation, ..., Linear: the layers of ``MLP``'s Sequential ``layers``."""
    check_mlp_args(in_features, hidden, num_classes, activation)
    layers, size = [], in_features
    for width in hidden:
        layers += [nn.Linear(size, width, dtype=dtype), getattr(nn, ACTIVATION_CLASSES[activation])()]
        size = width
    return [*layers, nn.Linear(size, num_classes, dtype=dtype)]


def c5l3_layers(nn, in_channels, num_classes, image_size, widths, hidden, batch_norm, dropout, p, dtype):
    """(features, classifier) layer lists of C5L3: five conv blocks, then three linear layers.

    A conv block is conv 3x3 (padding 1) -> BatchNorm2d (if ``batch_norm``) -> ReLU, then a 2x2
    max-pool after convs 1, 2 and 5; dropout "conv" closes each block with Dropout(p), "linear"
    follows each hidden linear layer's ReLU with one.
    """
    check_c5l3_args(image_size, widths, hidden, dropout)
    features, channels = [], in_channels
    for i, width in enumerate(widths):
        features.append(nn.Conv2d(channels, width, 3, padding=1, dtype=dtype))
        if batch_norm:
            features.append(nn.BatchNorm2d(width, dtype=dtype))
        features.append(nn.ReLU())
        if i in C5L3_POOL_AFTER:
            features.append(nn.MaxPool2d(2))
        if dropout == "conv":
            features.append(nn.Dropout(p))
        channels = width
    side = image_size // 8  # three 2x2 max-pools
    classifier, size = [], channels * side * side
    for width in hidden:
        classifier += [nn.Linear(size, width, dtype=dtype), nn.ReLU()]
        if dropout == "linear":
            classifier.append(nn.Dropout(p))
        size = width
    return features, [*classifier, nn.Linear(size, num_classes, dtype=dtype)]


def vgg_layers(nn, in_channels, num_classes, image_size, widths, hidden, batch_norm, dtype):
    """(features, classifier) of the reduced VGG: per width two conv 3x3 [-> BN] -> ReLU, then a 2x2 max-pool."""
    check_vgg_args(image_size, widths, hidden)
    features, channels = [], in_channels
    for width in widths:
        for _ in range(2):
            features.append(nn.Conv2d(channels, width, 3, padding=1, dtype=dtype))
            if batch_norm:
                features.append(nn.BatchNorm2d(width, dtype=dtype))
            features.append(nn.ReLU())
            channels = width
        features.append(nn.MaxPool2d(2))
    side = image_size // 2 ** len(widths)  # one 2x2 max-pool per block
    classifier = [
        nn.Linear(channels * side * side, hidden, dtype=dtype),
        nn.ReLU(),
        nn.Linear(hidden, num_classes, dtype=dtype),
    ]
    return features, classifier
