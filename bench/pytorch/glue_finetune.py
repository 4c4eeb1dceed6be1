#!/usr/bin/env python3
"""The transformers peer of the workbench's GLUE fine-tuning (engine/glue/finetune.ts), with the identical recipe:
BertForSequenceClassification from the model folder (fp32 weights; a pooler the checkpoint lacks is initialised
by transformers, N(0, initializer_range) like ours), AdamW (betas 0.9/0.999, eps 1e-6, weight decay on every
parameter but biases and LayerNorm), linear warm-up over warmup_ratio of the steps then linear decay to 0 with the
workbench's step formula, global-norm clip 1.0, dropout from config.json, batch 32 shuffled every epoch, pairs
truncated longest-first to max_length, dev scored after every epoch, best epoch kept; lr grid searched, best point
by dev score. Scores are GLUE's (CoLA MCC, SST-2/RTE accuracy, MRPC mean of F1 and accuracy, STS-B mean of Pearson
and Spearman), as fractions.

Modes: fp32, tf32 (matmuls in TF32), bf16 (autocast, fp32 master weights); attention through SDPA.

  python3 bench/pytorch/glue_finetune.py --model DIR --glue DIR --tasks RTE,MRPC --lr 1e-4,5e-5 --epochs 3 \
      --mode tf32 [--max-train-rows N] [--out results.json]

Prints one line per task and, last, one JSON line with every task, lr point and epoch.
"""
import argparse
import csv
import json
import math
import os
import random
import sys
import time

import torch

csv.field_size_limit(sys.maxsize)

# Same layout table as engine/glue/tasks.ts: (header?, textA, textB, label, labels or None for regression, metrics)
TASKS = {
    'CoLA': (False, 3, None, 1, ['0', '1'], ['mcc']),
    'SST-2': (True, 'sentence', None, 'label', ['0', '1'], ['accuracy']),
    'MRPC': (True, '#1 String', '#2 String', 'Quality', ['0', '1'], ['f1', 'accuracy']),
    'STS-B': (True, 'sentence1', 'sentence2', 'score', None, ['pearson', 'spearman']),
    'QNLI': (True, 'question', 'sentence', 'label', ['entailment', 'not_entailment'], ['accuracy']),
    'RTE': (True, 'sentence1', 'sentence2', 'label', ['entailment', 'not_entailment'], ['accuracy']),
    'WNLI': (True, 'sentence1', 'sentence2', 'label', ['0', '1'], ['accuracy']),
}


def read_split(glue, task, split):
    header, a, b, lab, labels, _ = TASKS[task]
    path = os.path.join(glue, task, f'{split}.tsv')
    with open(path, encoding='utf-8-sig', newline='') as f:
        rows = list(csv.reader(f, delimiter='\t', quoting=csv.QUOTE_NONE))
    if header:
        names = rows[0]
        rows = rows[1:]
        col = lambda c: names.index(c) if isinstance(c, str) else c
        ia, ib, il = col(a), (col(b) if b is not None else None), col(lab)
        if task == 'STS-B':
            il = len(names) - 1
    else:
        ia, ib, il = a, b, lab
    out = []
    for r in rows:
        if not r or all(x == '' for x in r):
            continue
        y = float(r[il]) if labels is None else labels.index(r[il])
        out.append((r[ia], r[ib] if ib is not None else None, y))
    return out


def rank(xs):
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    ranks = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def pearson(x, y):
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    return 0.0 if sxx == 0 or syy == 0 else sxy / math.sqrt(sxx * syy)


def metrics(task, preds, labels):
    out = {}
    tp = sum(1 for p, t in zip(preds, labels) if p == 1 and t == 1)
    fp = sum(1 for p, t in zip(preds, labels) if p == 1 and t != 1)
    fn = sum(1 for p, t in zip(preds, labels) if p != 1 and t == 1)
    tn = len(preds) - tp - fp - fn
    for m in TASKS[task][5]:
        if m == 'accuracy':
            out[m] = sum(1 for p, t in zip(preds, labels) if p == t) / len(preds)
        elif m == 'f1':
            out[m] = 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)
        elif m == 'mcc':
            d = math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
            out[m] = 0.0 if d == 0 else (tp * tn - fp * fn) / d
        elif m == 'pearson':
            out[m] = pearson(preds, labels)
        elif m == 'spearman':
            out[m] = pearson(rank(preds), rank(labels))
    return out


def lr_at(step, peak, warmup, total):
    # engine/train/lr-schedule.ts, so both sides follow the same curve
    if step < warmup:
        return peak * (step + 1) / warmup
    return peak * max(0.0, (total - step) / max(1, total - warmup))


def encode(tok, rows, max_length):
    a = [r[0] for r in rows]
    b = [r[1] for r in rows] if rows and rows[0][1] is not None else None
    enc = tok(a, b, truncation='longest_first', max_length=max_length, padding=False)
    return [(enc['input_ids'][i], enc['token_type_ids'][i], rows[i][2]) for i in range(len(rows))]


def collate(batch, device, regression):
    n = max(len(x[0]) for x in batch)
    ids = torch.zeros(len(batch), n, dtype=torch.long)
    types = torch.zeros(len(batch), n, dtype=torch.long)
    mask = torch.zeros(len(batch), n, dtype=torch.long)
    for i, (a, t, _) in enumerate(batch):
        ids[i, :len(a)] = torch.tensor(a)
        types[i, :len(t)] = torch.tensor(t)
        mask[i, :len(a)] = 1
    y = torch.tensor([x[2] for x in batch], dtype=torch.float if regression else torch.long)
    return ids.to(device, non_blocking=True), types.to(device, non_blocking=True), mask.to(device, non_blocking=True), y.to(device, non_blocking=True)


def evaluate(model, task, dev, device, regression, autocast):
    model.eval()
    preds = []
    with torch.no_grad(), autocast():
        for i in range(0, len(dev), 128):
            ids, types, mask, _ = collate(dev[i:i + 128], device, regression)
            logits = model(input_ids=ids, token_type_ids=types, attention_mask=mask).logits.float()
            preds.extend((logits.view(-1) if regression else logits.argmax(-1)).tolist())
    model.train()
    m = metrics(task, preds, [x[2] for x in dev])
    return m, sum(m.values()) / len(m)


def adamw(model, lr, weight_decay, device):
    """The recipe's AdamW: betas 0.9/0.999, eps 1e-6, decay on every parameter but biases and LayerNorm."""
    decay = [p for n, p in model.named_parameters() if not ('LayerNorm' in n or n.endswith('bias'))]
    no_decay = [p for n, p in model.named_parameters() if 'LayerNorm' in n or n.endswith('bias')]
    return torch.optim.AdamW([{'params': decay, 'weight_decay': weight_decay}, {'params': no_decay, 'weight_decay': 0.0}],
                             lr=lr, betas=(0.9, 0.999), eps=1e-6, fused=device.type == 'cuda')


def fine_tune(args, task, lr, tok, train, dev, device):
    from transformers import BertForSequenceClassification
    regression = TASKS[task][4] is None
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    model = BertForSequenceClassification.from_pretrained(
        args.model, num_labels=1 if regression else len(TASKS[task][4]), dtype=torch.float32,
        attn_implementation='sdpa', problem_type='regression' if regression else 'single_label_classification')
    model.to(device).train()
    opt = adamw(model, lr, args.weight_decay, device)
    steps_per_epoch = math.ceil(len(train) / args.batch)
    total = steps_per_epoch * args.epochs
    warmup = round(args.warmup_ratio * total)
    use_bf16 = args.mode == 'bf16' and device.type == 'cuda'
    autocast = (lambda: torch.autocast('cuda', dtype=torch.bfloat16)) if use_bf16 else (lambda: torch.autocast(device.type, enabled=False))
    step = 0
    epochs = []
    if device.type == 'cuda':
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        order = list(range(len(train)))
        random.shuffle(order)
        loss_sum = torch.zeros((), device=device)
        for s in range(steps_per_epoch):
            batch = [train[i] for i in order[s * args.batch:(s + 1) * args.batch]]
            ids, types, mask, y = collate(batch, device, regression)
            for g in opt.param_groups:
                g['lr'] = lr_at(step, lr, warmup, total)
            with autocast():
                out = model(input_ids=ids, token_type_ids=types, attention_mask=mask, labels=y)
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            opt.step()
            opt.zero_grad(set_to_none=True)
            loss_sum += out.loss.detach()
            step += 1
        m, score = evaluate(model, task, dev, device, regression, autocast)
        epochs.append({'epoch': epoch, 'trainLoss': loss_sum.item() / steps_per_epoch, 'metrics': m, 'score': score})
    if device.type == 'cuda':
        torch.cuda.synchronize()
    seconds = time.perf_counter() - t0
    best = max(epochs, key=lambda e: e['score'])
    del model, opt
    return {'lr': lr, 'steps': step, 'seconds': seconds, 'epochs': epochs, 'best': best}


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--model', required=True)
    p.add_argument('--glue', required=True)
    p.add_argument('--tasks', default='RTE')
    p.add_argument('--lr', default='5e-5')
    p.add_argument('--epochs', type=int, default=3)
    p.add_argument('--batch', type=int, default=32)
    p.add_argument('--max-length', type=int, default=128)
    p.add_argument('--warmup-ratio', type=float, default=0.1)
    p.add_argument('--weight-decay', type=float, default=0.01)
    p.add_argument('--clip', type=float, default=1.0)
    p.add_argument('--max-train-rows', type=int, default=0)
    p.add_argument('--task-max-train-rows', default='', help='caps for single tasks, e.g. SST-2=20000 (the first rows, as the engine)')
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--mode', choices=['fp32', 'tf32', 'bf16'], default='tf32')
    p.add_argument('--out')
    a = p.parse_args()
    from transformers import AutoTokenizer
    device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    torch.backends.cuda.matmul.allow_tf32 = a.mode == 'tf32'
    torch.backends.cudnn.allow_tf32 = a.mode == 'tf32'
    tok = AutoTokenizer.from_pretrained(a.model)
    results = {'bench': 'glue-transformers', 'mode': a.mode, 'device': torch.cuda.get_device_name() if device.type == 'cuda' else 'cpu',
               'torch': torch.__version__, 'tasks': {}}
    caps = dict((k, int(v)) for k, v in (part.split('=') for part in a.task_max_train_rows.split(',') if part))
    for task in a.tasks.split(','):
        train_rows = read_split(a.glue, task, 'train')
        cap = caps.get(task, a.max_train_rows)
        if cap:
            train_rows = train_rows[:cap]
        train = encode(tok, train_rows, a.max_length)
        dev = encode(tok, read_split(a.glue, task, 'dev'), a.max_length)
        points = [fine_tune(a, task, float(lr), tok, train, dev, device) for lr in a.lr.split(',')]
        best = max(points, key=lambda pt: pt['best']['score'])
        seconds = sum(pt['seconds'] for pt in points)
        steps = sum(pt['steps'] for pt in points)
        results['tasks'][task] = {'trainRows': len(train), 'devRows': len(dev), 'steps': steps, 'seconds': seconds,
                                  'bestLr': best['lr'], 'bestEpoch': best['best']['epoch'], 'score': best['best']['score'], 'points': points}
        print(f"transformers {a.mode} {task}: {steps} steps in {seconds:.1f} s ({steps / seconds:.1f} steps/s), best dev score "
              f"{best['best']['score']:.4f} (lr {best['lr']}, epoch {best['best']['epoch']})", file=sys.stderr, flush=True)
    if a.out:
        with open(a.out, 'w') as f:
            json.dump(results, f, indent=1)
    print(json.dumps(results))


if __name__ == '__main__':
    main()
