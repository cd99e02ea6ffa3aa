"""Sequential: a chain of layers."""

from scratch.manual.module import Module


class Sequential(Module):
    """forward: x -> layer_0 -> layer_1 -> ... ;  backward: the chain rule, in reverse order.

    Layers are named "0", "1", ... so state_dict keys read "0.weight", "1.running_mean", as in torch.
    """

    def __init__(self, *layers: Module):
        super().__init__()
        self.layers = list(layers)

    def children(self) -> dict[str, Module]:
        return {str(i): layer for i, layer in enumerate(self.layers)}

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dout):
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def __getitem__(self, index: int) -> Module:
        return self.layers[index]

    def __len__(self) -> int:
        return len(self.layers)
