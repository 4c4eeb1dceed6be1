#!/usr/bin/env python3
"""One BERT masked-LM training step (MLM loss + AdamW) timed with CUDA events.

The PyTorch side of `npm run bench -- gpu-compare`: same shapes as the workbench
engine (post-LN BERT encoder, GELU FFN, tied-free MLM head with transform + LayerNorm),
random init, no downloads. Prints/writes JSON: ms/step, peak GPU memory.
Without CUDA it runs on the CPU; without torch it exits 3 with one line on stderr.
"""
import argparse, json, math, os, sys, time

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as e:  # checked before anything else runs (the classes below need nn)
    print(f"bert_step.py: torch is not importable ({e})", file=sys.stderr)
    sys.exit(3)

# one table with the engine's benchmarks: bench/sizes.json (hidden, layers, heads, intermediate)
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sizes.json")) as _f:
    SIZES = {k: (v["hidden"], v["layers"], v["heads"], v["intermediate"]) for k, v in json.load(_f).items() if k != "_"}


class Layer(nn.Module):
    def __init__(self, h, heads, inter):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(h, 3 * h)
        self.out = nn.Linear(h, h)
        self.ln1 = nn.LayerNorm(h, eps=1e-12)
        self.ff1 = nn.Linear(h, inter)
        self.ff2 = nn.Linear(inter, h)
        self.ln2 = nn.LayerNorm(h, eps=1e-12)

    def forward(self, x, mask_bias):
        b, s, h = x.shape
        d = h // self.heads
        q, k, v = self.qkv(x).view(b, s, 3, self.heads, d).permute(2, 0, 3, 1, 4)
        # Explicit softmax attention (no flash kernel) so the math matches the tfjs engine.
        scores = q @ k.transpose(-1, -2) / math.sqrt(d) + mask_bias
        ctx = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, s, h)
        x = self.ln1(x + self.out(ctx))
        return self.ln2(x + self.ff2(F.gelu(self.ff1(x))))


class BertMLM(nn.Module):
    def __init__(self, size, vocab=30522, max_pos=512):
        super().__init__()
        h, layers, heads, inter = SIZES[size]
        self.word = nn.Embedding(vocab, h)
        self.pos = nn.Embedding(max_pos, h)
        self.token_type = nn.Embedding(2, h)
        self.ln = nn.LayerNorm(h, eps=1e-12)
        self.layers = nn.ModuleList(Layer(h, heads, inter) for _ in range(layers))
        self.transform = nn.Linear(h, h)
        self.transform_ln = nn.LayerNorm(h, eps=1e-12)
        self.decoder = nn.Linear(h, vocab)

    def forward(self, ids, attention_mask):
        s = ids.shape[1]
        pos = torch.arange(s, device=ids.device)
        x = self.ln(self.word(ids) + self.pos(pos)[None] + self.token_type(torch.zeros_like(ids)))
        mask_bias = (1.0 - attention_mask[:, None, None, :].float()) * -10000.0
        for layer in self.layers:
            x = layer(x, mask_bias)
        return self.decoder(self.transform_ln(F.gelu(self.transform(x))))


def run(size, batch, seq, steps, warmup, device):
    torch.manual_seed(0)
    model = BertMLM(size).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.01)
    ids = torch.randint(1000, 30000, (batch, seq), device=device)
    mask = torch.ones(batch, seq, device=device)
    labels = torch.full((batch, seq), -100, device=device)
    picked = torch.rand(batch, seq, device=device) < 0.15
    labels[picked] = ids[picked]

    def step():
        opt.zero_grad(set_to_none=True)
        logits = model(ids, mask)
        loss = F.cross_entropy(logits.view(-1, logits.shape[-1]), labels.view(-1), ignore_index=-100)
        loss.backward()
        opt.step()
        return loss

    for _ in range(warmup):
        step()
    cuda = device.type == "cuda"
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
    t0 = time.perf_counter()
    for _ in range(steps):
        loss = step()
    if cuda:
        end.record()
        torch.cuda.synchronize()
        ms = start.elapsed_time(end) / steps
    else:
        ms = (time.perf_counter() - t0) * 1000 / steps
    return {
        "size": size, "mode": "fp32", "batch": batch, "seq": seq, "steps": steps, "device": str(device),
        "torch": torch.__version__, "ms_per_step": ms, "loss": float(loss.detach()),
        "params": sum(p.numel() for p in model.parameters()),
        "peak_mem_mb": torch.cuda.max_memory_allocated() / 2**20 if cuda else None,
    }


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--sizes", default="4L-256H,4L-512H,base", help="comma list of: " + ",".join(SIZES))
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--seq", type=int, default=128)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--json", help="write results here as well as to stdout")
    a = p.parse_args()
    for s in a.sizes.split(","):
        if s not in SIZES:
            sys.exit(f"--sizes: unknown size {s!r}; expected one of {sorted(SIZES)}")
    results = [run(s, a.batch, a.seq, a.steps, a.warmup, torch.device(a.device)) for s in a.sizes.split(",")]
    text = json.dumps(results, indent=2)
    print(text)
    if a.json:
        with open(a.json + ".tmp", "w") as f:
            f.write(text)
        import os
        os.replace(a.json + ".tmp", a.json)


if __name__ == "__main__":
    main()
