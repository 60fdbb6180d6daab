"""The PyTorch side of `npm run bench -- --vs-torch`: the same workload as LSTM Lens's trainer on the same
token ids, timed the same way. Char LSTM (embedding E, H units, one layer), B contiguous streams with the
state carried across windows of T (truncated BPTT), Adam, global-norm clipping; held-out bits per char on
the tail after the time budget. Prints one JSON line. Run by src/cli/vsTorch.ts with Debian's python3-torch
(scripts/install-torch.sh); never by the tests.

usage: vs-torch.py IDS_FILE V H SECONDS B T LR CLIP HELD_FRACTION EVAL_STREAMS SEED THREADS
"""
import json
import math
import os
import sys
import time

import torch
from torch import nn

ids_file, V, H, seconds, B, T, lr, clip, held_frac, eval_streams, seed, threads = sys.argv[1:13]
V, H, B, T, eval_streams, seed, threads = map(int, (V, H, B, T, eval_streams, seed, threads))
seconds, lr, clip, held_frac = map(float, (seconds, lr, clip, held_frac))
E = 32  # the benchmark workload's embedding width

torch.manual_seed(seed)
torch.set_num_threads(threads)
with open(ids_file, "rb") as f:
    ids = torch.frombuffer(bytearray(f.read()), dtype=torch.int32).long()
n = ids.numel()
n_held = math.floor(n * held_frac)
train, held = ids[: n - n_held], ids[n - n_held :]


class CharLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(V, E)
        self.lstm = nn.LSTM(E, H)  # (T, B, E) time-major, as LSTM Lens's rows are
        self.out = nn.Linear(H, V)

    def forward(self, x, state):
        y, state = self.lstm(self.emb(x), state)
        return self.out(y), state


model = CharLSTM()
opt = torch.optim.Adam(model.parameters(), lr=lr)
loss_fn = nn.CrossEntropyLoss()

stream_len = (train.numel() - 1) // B
starts = torch.arange(B) * stream_len
windows = max(1, stream_len // T)
offs = torch.arange(T).unsqueeze(1)  # (T, 1)


def zero(b):
    return (torch.zeros(1, b, H), torch.zeros(1, b, H))


state = zero(B)
step_ms = []
steps = 0
w = 0
# Like LSTM Lens's thread governor, PyTorch gets its faster thread count: on a busy machine OpenMP's
# threads wait on each other and all-cores can be many times slower than one. The first steps alternate
# (inside the time budget, as LSTM Lens's probe is) and the faster median wins.
candidates = sorted({1, threads})
probe = [1, 1] + [c for _ in range(3) for c in candidates] if len(candidates) > 1 else []
probe_ms = {c: [] for c in candidates}
t_start = time.perf_counter()
while time.perf_counter() - t_start < seconds:
    if probe:
        torch.set_num_threads(probe[0])
    elif len(candidates) > 1 and probe_ms[candidates[0]]:
        best = min(candidates, key=lambda c: sorted(probe_ms[c])[len(probe_ms[c]) // 2])
        torch.set_num_threads(best)
        probe_ms = {c: [] for c in candidates}
        candidates = [best]
    s0 = time.perf_counter()
    if w >= windows:
        w = 0
        state = zero(B)
    pos = starts.unsqueeze(0) + w * T + offs  # (T, B)
    x, y = train[pos], train[pos + 1]
    logits, state = model(x, state)
    state = (state[0].detach(), state[1].detach())
    loss = loss_fn(logits.reshape(-1, V), y.reshape(-1))
    opt.zero_grad(set_to_none=True)
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), clip)
    opt.step()
    w += 1
    steps += 1
    step_ms.append((time.perf_counter() - s0) * 1000)
    if probe:
        c = probe.pop(0)
        probe_ms[c].append(step_ms[-1])
        one = sorted(probe_ms[1][1:]) or [math.inf]  # the very first step is a warm-up
        if c != 1 and step_ms[-1] > 2 * one[len(one) // 2]:
            probe = []  # all cores are thrashing: no need to see more of it
wall = time.perf_counter() - t_start

# Held-out bits per character over the whole tail: eval_streams contiguous streams from a zero state, as
# LSTM Lens's Trainer.evaluate cuts it.
with torch.no_grad():
    S = eval_streams
    L = math.ceil((held.numel() - 1) / S)
    st = zero(S)
    nats, count = 0.0, 0
    for w0 in range(0, L, T):
        p = torch.arange(S).unsqueeze(0) * L + w0 + offs  # (T, S)
        ok = ((w0 + offs) < L) & (p + 1 < held.numel())
        x = torch.where(ok, held[p.clamp(max=held.numel() - 1)], torch.zeros_like(p))
        y = torch.where(ok, held[(p + 1).clamp(max=held.numel() - 1)], torch.full_like(p, -1))
        logits, st = model(x, st)
        nats += nn.functional.cross_entropy(logits.reshape(-1, V), y.reshape(-1), ignore_index=-1, reduction="sum").item()
        count += int(ok.sum())
bpc = nats / count / math.log(2)
med = sorted(step_ms)[len(step_ms) // 2]
print(
    json.dumps(
        {
            "steps": steps,
            "medianCharsPerSec": B * T / med * 1000,
            "overallCharsPerSec": steps * B * T / wall,
            "heldOutBpc": bpc,
            "threads": torch.get_num_threads(),
            "torch": torch.__version__,
        }
    )
)
