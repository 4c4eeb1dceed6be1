#!/usr/bin/env python3
"""Compares the workbench's forward pass (bench/teacher-parity.ts output) with transformers' BertForMaskedLM on
the same checkpoint in fp32 (F16 files upcast, as the workbench does): the same token ids (our tokenizer vs
transformers' on the same sentences), max abs diff of the last hidden state and of the MLM logits over real
(unpadded) positions. Prints one JSON line.

  python3 bench/pytorch/teacher_parity.py --model DIR --ours parity.json
"""
import argparse, base64, json
import numpy as np
import torch
from transformers import AutoTokenizer, BertForMaskedLM

p = argparse.ArgumentParser()
p.add_argument('--model', required=True)
p.add_argument('--ours', required=True)
a = p.parse_args()
ours = json.load(open(a.ours))
tok = AutoTokenizer.from_pretrained(a.model)
ids_match = True
for (pair, row, mask) in zip(ours['sentences'], ours['inputIds'], ours['attentionMask']):
    enc = tok(pair[0], pair[1] if len(pair) > 1 else None, truncation='longest_first', max_length=128)
    n = sum(mask)
    ids_match &= enc['input_ids'] == row[:n]
model = BertForMaskedLM.from_pretrained(a.model, dtype=torch.float32, attn_implementation='eager').eval()
ids = torch.tensor(ours['inputIds']); mask = torch.tensor(ours['attentionMask']); types = torch.tensor(ours['tokenTypeIds'])
with torch.no_grad():
    out = model(input_ids=ids, attention_mask=mask, token_type_ids=types, output_hidden_states=True)
hid_ref = out.hidden_states[-1].numpy(); log_ref = out.logits.numpy()
hid = np.frombuffer(base64.b64decode(ours['hidden']), dtype=np.float32).reshape(ours['hiddenShape'])
lg = np.frombuffer(base64.b64decode(ours['logits']), dtype=np.float32).reshape(ours['logitsShape'])
real = mask.numpy().astype(bool)
res = {'bench': 'teacher-parity', 'backend': ours['backend'], 'device': ours['device'], 'tokenIdsMatch': bool(ids_match),
       'hiddenMaxAbsDiff': float(np.abs(hid - hid_ref)[real].max()), 'logitsMaxAbsDiff': float(np.abs(lg - log_ref)[real].max()),
       'hiddenMaxAbs': float(np.abs(hid_ref[real]).max()), 'logitsMaxAbs': float(np.abs(log_ref[real]).max()),
       'argmaxAgreement': float((lg.argmax(-1) == log_ref.argmax(-1))[real].mean())}
print(json.dumps(res))
