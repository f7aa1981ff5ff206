"""Trace the tiny CNN that tests the TorchScript encoder path.

Run with Debian's python3-torch:  /usr/bin/python3 make_tiny_cnn.py
Writes tiny_cnn.pt (a few KB): a 1x3x224x224 image tensor in, a 32-d feature vector out.
The weights are seeded, not trained: the test checks loading, preprocessing and batching,
not feature quality.
"""
import torch
import torch.nn as nn


class TinyCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, kernel_size=7, stride=4, padding=3),
            nn.ReLU(),
            nn.Conv2d(8, 16, kernel_size=3, stride=2, padding=1),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d((2, 2)),
        )
        self.head = nn.Linear(16 * 4, 32)

    def forward(self, x):
        return self.head(torch.flatten(self.features(x), 1))


if __name__ == "__main__":
    torch.manual_seed(20261122)
    model = TinyCnn().eval()
    traced = torch.jit.trace(model, torch.rand(1, 3, 224, 224))
    traced.save("tiny_cnn.pt")
    print("wrote tiny_cnn.pt; output", tuple(traced(torch.rand(2, 3, 224, 224)).shape))
