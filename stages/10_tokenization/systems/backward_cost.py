"""What autograd costs: time of backward against forward, and memory the graph keeps alive.

Reverse mode computes every gradient in one backward pass, and that pass costs about as much
as the forward pass again, sometimes twice as much: a matrix product's backward is two matrix
products. The price is memory. To differentiate, each recorded operation keeps its inputs (and
often its output) until backward has used them, so a recorded forward pass holds on to every
intermediate array. That is why evaluation runs under ``no_grad()``, and why training memory
grows with depth and batch size.

Run from the stage folder:  python -m systems.backward_cost
"""

from __future__ import annotations

import gc
import itertools
import tracemalloc

import tinytorch as tt
import tinytorch.nn.functional as F
from systems.measure import median_seconds

BATCH, SIZES = 256, (784, 512, 256, 10)  # a small MLP on MNIST-sized inputs
REPEATS = 7


def make_weights(sizes: tuple[int, ...]) -> list[tuple[tt.Tensor, tt.Tensor]]:
    layers = []
    for n_in, n_out in itertools.pairwise(sizes):
        w = tt.randn(n_in, n_out) * (1.0 / n_in) ** 0.5
        layers.append((w.requires_grad_(), tt.zeros(n_out, requires_grad=True)))
    return layers


def forward(x: tt.Tensor, targets: tt.Tensor, layers) -> tt.Tensor:
    """A tanh MLP and a cross-entropy loss, written with this stage's operations."""
    h = x
    for i, (w, b) in enumerate(layers):
        h = h @ w + b
        if i < len(layers) - 1:
            h = F.tanh(h)
    log_probs = F.log_softmax(h, dim=1)
    return -log_probs[range(x.shape[0]), targets].mean()


def allocated() -> int:
    """Bytes currently allocated by Python and NumPy since tracemalloc.start()."""
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def clear_grads(layers) -> None:
    for w, b in layers:
        w.grad = b.grad = None


def main() -> None:
    tt.manual_seed(0)
    layers = make_weights(SIZES)
    x = tt.randn(BATCH, SIZES[0])
    targets = tt.randint(0, SIZES[-1], (BATCH,))

    def forward_no_grad():
        with tt.no_grad():
            return forward(x, targets, layers)

    def forward_and_backward():
        for w, b in layers:
            w.grad = b.grad = None
        forward(x, targets, layers).backward()

    t_eval = median_seconds(forward_no_grad, repeats=REPEATS)
    t_forward = median_seconds(lambda: forward(x, targets, layers), repeats=REPEATS)
    t_both = median_seconds(forward_and_backward, repeats=REPEATS)
    t_backward = t_both - t_forward
    print(f"MLP {'-'.join(map(str, SIZES))}, batch {BATCH}, float32 (median of {REPEATS})")
    print(f"{'pass':<34} {'ms':>9} {'vs forward':>11}")
    rows = [
        ("forward under no_grad()", t_eval),
        ("forward, recording the graph", t_forward),
        ("backward (forward+backward - fwd)", t_backward),
        ("forward + backward", t_both),
    ]
    for name, seconds in rows:
        print(f"{name:<34} {seconds * 1e3:>9.3f} {seconds / t_forward:>10.2f}x")

    print("\nMemory held, measured with tracemalloc from the same starting point")
    print(f"{'state':<48} {'MiB':>8}")
    clear_grads(layers)
    tracemalloc.start()
    base = allocated()
    with tt.no_grad():
        loss = forward(x, targets, layers)
    states = [("loss computed under no_grad()", allocated() - base)]
    loss = forward(x, targets, layers)
    states.append(("loss computed, graph recorded", allocated() - base))
    loss.backward(retain_graph=True)
    states.append(("after backward(retain_graph=True)", allocated() - base))
    clear_grads(layers)
    loss = forward(x, targets, layers)
    loss.backward()
    states.append(("after backward() (graph freed, .grad kept)", allocated() - base))
    for name, held in states:
        print(f"{name:<48} {held / 2**20:>8.2f}")
    grads = sum(p.grad.numpy().nbytes for pair in layers for p in pair)
    outputs = sum(BATCH * n * 4 for n in SIZES[1:])
    print(
        f"\nfor scale: the gradients are {grads / 2**20:.2f} MiB; one float32 copy of every "
        f"layer's output is {outputs / 2**20:.2f} MiB"
    )

    print("\nGraph memory against depth (hidden tanh layers of width 256)")
    print(f"{'hidden layers':>13} {'MiB held by the graph':>22}")
    for depth in (1, 2, 4, 8):
        deep = make_weights((SIZES[0], *(256,) * depth, SIZES[-1]))
        before = allocated()
        loss = forward(x, targets, deep)
        print(f"{depth:>13} {(allocated() - before) / 2**20:>22.2f}")
        del loss
    tracemalloc.stop()


if __name__ == "__main__":
    main()
