// Steps several browser tests take alike: waiting for a reload to settle, filling the GLUE fine-tune form and the
// distillation wizard on the tiny fixtures.
import { isDeepStrictEqual } from 'node:util';
import type { Locator, Page } from 'playwright-core';

/**
 * A view reloads after the event that changed it, so what it shows may lag what the API already says: reads
 * `read` until it gives `want` (bounded), then returns the last reading, so a wrong value still fails the
 * caller's assertion with what was shown.
 */
export async function settled<T>(read: () => Promise<T>, want: T, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let got = await read();
  while (!isDeepStrictEqual(got, want) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    got = await read();
  }
  return got;
}

/** Like `settled`, for a text that loads after its row (a score shown as "—" until it arrives): reads until it matches `re`. */
export async function settledText(locator: Locator, re: RegExp, timeoutMs = 15_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  let got = await locator.innerText();
  while (!re.test(got) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    got = await locator.innerText();
  }
  return got;
}

export interface FinetuneFormSettings {
  tasks: string[]; lr: string; epochs: string; batch: string; maxLength: string; rows: string;
  devRows?: string; backend?: string;
}

/** Ticks the tasks and fills the fine-tune form (run page, model score panel or group page); efficiency off. */
export async function fillFinetuneForm(form: Page | Locator, s: FinetuneFormSettings): Promise<void> {
  // the form keeps the last settings used (localStorage): tasks ticked before are unticked unless asked for; the
  // boxes appear once the GLUE folders have loaded, so wait for them before counting (else kept ticks stay)
  await form.getByTestId(`finetune-task-${s.tasks[0]}`).waitFor();
  const boxes = form.locator('input[type=checkbox][data-testid^=finetune-task-]');
  for (let i = 0; i < await boxes.count(); i++) {
    const box = boxes.nth(i);
    const task = (await box.getAttribute('data-testid'))!.slice('finetune-task-'.length);
    await box.setChecked(s.tasks.includes(task));
  }
  for (const t of s.tasks) await form.getByTestId(`finetune-task-${t}`).check();
  await form.getByTestId('finetune-lr').fill(s.lr);
  await form.getByTestId('finetune-epochs').fill(s.epochs);
  await form.getByTestId('finetune-batch').fill(s.batch);
  await form.getByTestId('finetune-max-length').fill(s.maxLength);
  await form.getByTestId('finetune-rows').fill(s.rows);
  await form.getByTestId('finetune-dev-rows').fill(s.devRows ?? '');
  if (s.backend !== undefined) await form.getByTestId('finetune-backend').selectOption(s.backend);
  await form.getByTestId('finetune-efficiency').uncheck();
}

/**
 * The wizard (already open) set for a tiny distillation: the registered "tiny teacher" and "pride" corpus, the
 * wid55 size, batch 2 × 16 tokens on wasm, `steps` steps.
 */
export async function fillDistillWizard(page: Page, s: { method: 'wid' | 'compare'; name: string; steps: number }): Promise<void> {
  await page.getByTestId(`method-${s.method}`).check();
  await page.getByTestId('run-name').fill(s.name);
  await page.getByTestId('teacher-select').selectOption({ label: 'tiny teacher (345.9k parameters)' });
  await page.getByTestId('dataset-select').selectOption({ label: 'pride' });
  await page.getByTestId('size-preset').selectOption('wid55');
  await page.getByTestId('steps').fill(String(s.steps));
  await page.getByTestId('batch-size').fill('2');
  await page.getByTestId('seq-len').fill('16');
  await page.getByTestId('backend-select').selectOption('wasm');
}
