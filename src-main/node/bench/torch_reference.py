"""The reference net of docs/ARCHITECTURE.md section 6 in PyTorch, timed step by step beside our
engines by `hms bench train` and `hms bench infer` (node/bench/pytorch-reference.ts). Argument: the
threads PyTorch may use. It says `ready` with its version and threads, then answers each `train` or
`infer` line on stdin with the milliseconds that one step took, timed here, so the pipe costs
nothing. Same net, batch and optimiser as REFERENCE_NET in core/models.ts."""
import json, sys, time

import torch, torch.nn as nn, torch.nn.functional as F

torch.set_num_threads(int(sys.argv[1]))
torch.manual_seed(0)
B, C, T, K = 32, 18, 2000, 6


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv1d(C, 32, 7, padding=3)
        self.c2 = nn.Conv1d(32, 64, 7, padding=3)
        self.c3 = nn.Conv1d(64, 64, 7, padding=3)
        self.fc = nn.Linear(64, K)

    def forward(self, x):
        x = F.max_pool1d(F.relu(self.c1(x)), 4)
        x = F.max_pool1d(F.relu(self.c2(x)), 4)
        return self.fc(F.relu(self.c3(x)).mean(dim=2))


net = Net()
x = torch.randn(B, C, T)
target = torch.softmax(torch.randn(B, K), 1)
adam = torch.optim.Adam(net.parameters(), lr=1e-3)


def train():
    adam.zero_grad()
    F.kl_div(F.log_softmax(net(x), 1), target, reduction="batchmean").backward()
    adam.step()


def infer():
    with torch.no_grad():
        torch.softmax(net(x), 1)


steps = {"train": train, "infer": infer}
print(json.dumps({"ready": True, "version": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
for line in sys.stdin:
    step = steps.get(line.strip())
    if step is None:
        break
    t0 = time.perf_counter()
    step()
    print(f"{(time.perf_counter() - t0) * 1000:.4f}", flush=True)
