#!/usr/bin/env python3
"""The transformers peer of `npm run bench -- gpu-compare`: what a user would run instead of the workbench.

transformers' BertForMaskedLM (attn_implementation="sdpa"), MLM loss from labels (~15% of positions),
torch.optim.AdamW(fused=True), one step = zero_grad + forward + backward + optimizer step. Same shapes
as the engine's bench step (bench/lib/train-step-model.ts): post-LN BERT, vocab 30522, decoder tied to
the word embeddings (transformers' default, as the engine), no dropout unless --dropout (the engine's
bench step has none), AdamW eps 1e-6, decay 0.01 except biases and LayerNorm (as train/adamw.ts).

Modes (--modes): fp32 (TF32 off: float32 matmul precision "highest"), tf32 (precision "high": TF32 tensor
cores), bf16 (torch.autocast bf16 around forward + loss; fp32 master weights, no loss scaling needed).
Timing: --warmup steps, then --steps steps between two CUDA events (one sync at the end, like the
engine's loop); peak = torch.cuda.max_memory_allocated() since just before the model was built.

Without CUDA it runs on the CPU (wall clock, no peak memory; tf32 is skipped, it is an NVIDIA mode).
Without torch or transformers it exits 3 with one line on stderr saying which import failed.
Writes a JSON list (one entry per size x mode) to stdout and to --json.
"""
import argparse
import gc
import json
import os
import sys
import time

# one table with the engine's benchmarks: bench/sizes.json (hidden, layers, heads, intermediate)
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sizes.json")) as _f:
    SIZES = {k: (v["hidden"], v["layers"], v["heads"], v["intermediate"]) for k, v in json.load(_f).items() if k != "_"}
MODES = ("fp32", "tf32", "bf16")


def fail(msg, code=3):
    print(f"hf_bert_step.py: {msg}", file=sys.stderr)
    sys.exit(code)


def no_decay(name):
    return "LayerNorm" in name or name.endswith("bias")


def make_optimizer(torch, model, lr, device):
    decay = [p for n, p in model.named_parameters() if not no_decay(n)]
    rest = [p for n, p in model.named_parameters() if no_decay(n)]
    groups = [{"params": decay, "weight_decay": 0.01}, {"params": rest, "weight_decay": 0.0}]
    try:
        return torch.optim.AdamW(groups, lr=lr, eps=1e-6, fused=True), "fused"
    except (RuntimeError, TypeError, ValueError) as e:  # fused needs CUDA (or a CPU build that has it)
        return torch.optim.AdamW(groups, lr=lr, eps=1e-6), f"default ({type(e).__name__}: fused unavailable on {device.type})"


def build_model(transformers, torch, size, vocab, dropout, device):
    h, layers, heads, inter = SIZES[size]
    cfg = transformers.BertConfig(
        vocab_size=vocab, hidden_size=h, num_hidden_layers=layers, num_attention_heads=heads,
        intermediate_size=inter, max_position_embeddings=512, type_vocab_size=2, layer_norm_eps=1e-12,
        hidden_act="gelu", hidden_dropout_prob=dropout, attention_probs_dropout_prob=dropout,
    )
    with torch.device(device):
        try:
            model = transformers.BertForMaskedLM._from_config(cfg, attn_implementation="sdpa")
        except (AttributeError, TypeError):  # older/newer API: set it on the config
            cfg._attn_implementation = "sdpa"
            model = transformers.BertForMaskedLM(cfg)
    return model.to(device=device, dtype=torch.float32).train()


def run(torch, transformers, size, mode, a, device):
    if mode == "tf32" and device.type != "cuda":
        return {"size": size, "mode": mode, "skipped": f"TF32 is an NVIDIA tensor-core mode; device is {device.type}"}
    cuda = device.type == "cuda"
    gc.collect()
    if cuda:
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
    torch.set_float32_matmul_precision("high" if mode == "tf32" else "highest")
    torch.manual_seed(0)
    model = build_model(transformers, torch, size, a.vocab, a.dropout, device)
    opt, opt_kind = make_optimizer(torch, model, 1e-4, device)
    ids = torch.randint(min(1000, a.vocab - 1), a.vocab, (a.batch, a.seq), device=device)
    mask = torch.ones(a.batch, a.seq, dtype=torch.long, device=device)
    labels = torch.full((a.batch, a.seq), -100, dtype=torch.long, device=device)
    picked = torch.rand(a.batch, a.seq, device=device) < 0.15
    labels[picked] = ids[picked]

    def step():
        opt.zero_grad(set_to_none=True)
        with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=mode == "bf16"):
            out = model(input_ids=ids, attention_mask=mask, labels=labels)
        out.loss.backward()
        opt.step()
        return out.loss

    t0 = time.perf_counter()
    for i in range(a.warmup):
        step()
        if cuda:
            torch.cuda.synchronize()
        if i == 0:
            first_ms = (time.perf_counter() - t0) * 1000
    if cuda:
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        loss = step()
    issue_ms = (time.perf_counter() - t0) * 1000 / a.steps
    if cuda:
        end.record()
        torch.cuda.synchronize()
        ms = start.elapsed_time(end) / a.steps
    else:
        ms = (time.perf_counter() - t0) * 1000 / a.steps
    result = {
        "size": size, "mode": mode, "batch": a.batch, "seq": a.seq, "steps": a.steps, "warmup": a.warmup,
        "device": torch.cuda.get_device_name(device) if cuda else str(device),
        "torch": torch.__version__, "transformers": transformers.__version__,
        "attn_implementation": getattr(model.config, "_attn_implementation", None),
        "matmul_precision": torch.get_float32_matmul_precision(), "optimizer": opt_kind, "dropout": a.dropout,
        "ms_per_step": ms, "issue_ms_per_step": issue_ms, "first_step_ms": first_ms if a.warmup else None,
        "loss": float(loss.detach()), "params": sum(p.numel() for p in model.parameters()),
        "peak_mem_mb": torch.cuda.max_memory_allocated(device) / 2**20 if cuda else None,
    }
    del model, opt, ids, mask, labels, picked
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="4L-256H,4L-512H,base", help="comma list of: " + ",".join(SIZES))
    p.add_argument("--modes", default=",".join(MODES), help="comma list of: " + ",".join(MODES))
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--seq", type=int, default=128)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--vocab", type=int, default=30522)
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--device", help="cuda or cpu (default: cuda when available)")
    p.add_argument("--json", help="write results here as well as to stdout")
    a = p.parse_args()
    sizes, modes = a.sizes.split(","), a.modes.split(",")
    for s in sizes:
        if s not in SIZES:
            fail(f"--sizes: unknown size {s!r}; expected one of {sorted(SIZES)}", 2)
    for m in modes:
        if m not in MODES:
            fail(f"--modes: unknown mode {m!r}; expected one of {list(MODES)}", 2)
    for name in ("batch", "seq", "steps", "vocab"):
        if getattr(a, name) <= 0:
            fail(f"--{name} must be positive", 2)
    try:
        import torch
    except ImportError as e:
        fail(f"torch is not importable ({e})")
    try:
        import transformers
    except ImportError as e:
        fail(f"transformers is not importable ({e})")
    device = torch.device(a.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    if device.type == "cuda" and not torch.cuda.is_available():
        fail("--device cuda but torch.cuda.is_available() is False")
    results = []
    for s in sizes:
        for m in modes:
            try:
                r = run(torch, transformers, s, m, a, device)
            except Exception as e:  # one mode failing (e.g. no bf16 on an old GPU) must not lose the others
                r = {"size": s, "mode": m, "error": f"{type(e).__name__}: {e}"}
            print(json.dumps(r), file=sys.stderr)
            results.append(r)
    text = json.dumps(results, indent=2)
    print(text)
    if a.json:
        with open(a.json + ".tmp", "w") as f:
            f.write(text)
        os.replace(a.json + ".tmp", a.json)


if __name__ == "__main__":
    main()
