// tf.variableGrads with PyTorch's memory behaviour in the backward pass. tfjs 4.22's backprop (tape.ts
// backpropagateGradients) keeps every activation gradient (each node's dy, each partial dx) and every tensor saved
// for the backward pass alive until the whole gradient computation ends, so a BERT step's peak holds all saved
// activations plus all their gradients at once. Here a node's output gradients and its saved tensors are disposed
// as soon as that node's gradient has been computed, and a partial dx as soon as it has been added to the running
// sum: the same kernels in the same order (so the same values, bit for bit), fewer bytes alive at once.
//
// The walk is tfjs' own (getFilteredNodesXToY + backpropagateGradients of tfjs-core 4.22, Apache-2.0), over the
// engine's tape; env WID_LEAN_BACKPROP=off calls tf.variableGrads instead (read at each call, for A/B in one process).
import * as tf from '@tensorflow/tfjs';

export interface TapeNode {
  id: number;
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
  saved?: tf.Tensor[];
}

interface EngineInternals {
  state: { activeTape: TapeNode[] | null; gradientDepth: number; registeredVariables: Record<string, tf.Variable> };
  scopedRun<T>(start: () => void, end: () => void, f: () => T): T;
  startTape(): void;
  endTape(): void;
  tidy<T>(nameOrFn: string | (() => T), fn?: () => T): T;
}

/** Whether the lean backward pass is on (env WID_LEAN_BACKPROP, default on; 'off' = tfjs' own variableGrads; so does WID_MEMORY_PLAN=off). */
export const leanBackpropOn = (env: NodeJS.ProcessEnv = process.env): boolean => env.WID_LEAN_BACKPROP !== 'off' && env.WID_MEMORY_PLAN !== 'off';

/** Observers of the backward pass (bench/lib/memory-trace.ts): which tensors the tape saved, which are the results. */
export interface BackpropObserver {
  /** The tape once the forward pass has run (its nodes' `saved` are the tensors kept for the backward pass). */
  forwardDone?(tape: readonly TapeNode[]): void;
}
let observer: BackpropObserver | null = null;
/** Sets (or clears, with null) the observer of the next gradient computations. */
export function observeBackprop(o: BackpropObserver | null): void { observer = o; }

/**
 * tf.variableGrads(f, varList): the value of `f` (a scalar) and the gradient of every trainable variable of
 * `varList` (default: all registered variables) by name, computed with the memory-lean walk above.
 */
export function variableGrads(f: () => tf.Scalar, varList?: tf.Variable[]): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  const engine = tf.engine() as unknown as EngineInternals;
  // nested gradients (a gradient of a gradient) keep tfjs' walk; so does WID_LEAN_BACKPROP=off, unless observed
  const lean = leanBackpropOn() && engine.state.gradientDepth === 0;
  if (!lean && (!observer || engine.state.gradientDepth > 0)) return tf.variableGrads(f, varList);
  const specified = varList != null;
  const all = varList ?? Object.values(engine.state.registeredVariables);
  const trainable = all.filter((v) => v.trainable);
  if (trainable.length === 0) throw new Error(`variableGrads: none of the ${all.length} variables is trainable`);
  const { value, grads } = gradients(engine, f, trainable, lean);
  if (!grads.some((g) => g != null)) {
    throw new Error('variableGrads: no variable is connected to the result of f (are the ops that use them inside f?)');
  }
  if (value.rank !== 0) throw new Error(`variableGrads: f must return a scalar, got a rank-${value.rank} tensor`);
  const named: tf.NamedTensorMap = {};
  trainable.forEach((v, i) => { if (grads[i] != null) named[v.name] = grads[i]!; });
  if (specified) for (const v of all) if (!v.trainable) (named as Record<string, tf.Tensor | null>)[v.name] = null;
  return { value: value as tf.Scalar, grads: named };
}

/** ENGINE.gradients(f, xs, null, allowNoGradients = true), freeing as it goes when `lean`. */
function gradients(engine: EngineInternals, f: () => tf.Tensor, xs: tf.Tensor[], lean: boolean): { value: tf.Tensor; grads: (tf.Tensor | null)[] } {
  const firstId = peekTensorId();
  const y = engine.scopedRun(() => engine.startTape(), () => engine.endTape(), () => engine.tidy('forward', f));
  if (!(y instanceof tf.Tensor)) throw new Error('variableGrads: f must return a tensor');
  const tape = engine.state.activeTape!;
  observer?.forwardDone?.(tape);
  const filtered = filteredNodes(tape, xs, y);
  return engine.tidy('backward', () => {
    const grads = new Map<number, tf.Tensor>(); // tensor id -> its accumulated gradient
    const held = new Map<tf.Tensor, number>(); // gradient tensor -> how many entries of `grads` hold it
    const hold = (id: number, g: tf.Tensor) => { grads.set(id, g); held.set(g, (held.get(g) ?? 0) + 1); };
    const unhold = (id: number) => {
      const g = grads.get(id);
      if (!g) return;
      grads.delete(id);
      const n = held.get(g)! - 1;
      if (n > 0) held.set(g, n); else held.delete(g);
    };
    // a tensor this call made that no gradient entry holds (never a variable, an input or the value itself)
    const free = (t: tf.Tensor | null | undefined) => {
      if (lean && t && t.id >= firstId && t !== y && !held.has(t) && !t.isDisposed) t.dispose();
    };
    const xIds = new Set(xs.map((x) => x.id));
    if (lean) {
      const kept = new Set(filtered.map((n) => n.id));
      for (const node of tape) if (!kept.has(node.id)) for (const s of node.saved ?? []) free(s);
    }
    hold(y.id, tf.ones(y.shape));
    for (let i = filtered.length - 1; i >= 0; i--) {
      const node = filtered[i];
      const dys = node.outputs.map((o) => grads.get(o.id) ?? null);
      if (!node.gradient) throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
      const inputGradients = node.gradient(dys);
      for (const name in node.inputs) {
        if (!(name in inputGradients)) throw new Error(`Cannot backprop through input ${name}. Available gradients found: ${Object.keys(inputGradients)}.`);
        const dx = engine.tidy(() => inputGradients[name]());
        if (dx.dtype !== 'float32') throw new Error(`Error in gradient for op ${node.kernelName}. The gradient of input ${name} must have 'float32' dtype, but has '${dx.dtype}'`);
        const x = node.inputs[name];
        if (dx.shape.join() !== x.shape.join()) throw new Error(`Error in gradient for op ${node.kernelName}. The gradient of input '${name}' has shape '${dx.shape}', which does not match the shape of the input '${x.shape}'`);
        const current = grads.get(x.id);
        if (!current) { hold(x.id, dx); continue; }
        unhold(x.id);
        hold(x.id, tf.add(current, dx));
        // tfjs disposes the old sum outright; lean: only when no other entry holds the same tensor object
        if (!lean || !held.has(current)) current.dispose();
        free(dx);
      }
      if (lean) {
        // this node's output gradients and saved tensors have no other reader now
        for (const o of node.outputs) { if (xIds.has(o.id)) continue; const g = grads.get(o.id); unhold(o.id); free(g); }
        for (const s of node.saved ?? []) free(s);
      }
    }
    const out = xs.map((x) => grads.get(x.id) ?? null);
    if (engine.state.gradientDepth === 0) {
      for (const node of tape) for (const s of node.saved ?? []) s.dispose();
      engine.state.activeTape = null;
    }
    return { value: y, grads: out };
  });
}

/** The id the next tensor will get (tensors made from here on are this call's own): tfjs' Engine.nextTensorId. */
function peekTensorId(): number {
  const id = (tf.engine().constructor as unknown as { nextTensorId?: number }).nextTensorId;
  if (typeof id !== 'number') throw new Error('variableGrads: tfjs Engine.nextTensorId not found (tfjs 4.22 expected)');
  return id;
}

/** The tape nodes on a path from one of `xs` to `y`, inputs not depending on `xs` pruned (tfjs' getFilteredNodesXToY). */
function filteredNodes(tape: TapeNode[], xs: tf.Tensor[], y: tf.Tensor): TapeNode[] {
  const fromX = new Set<number>(xs.map((x) => x.id));
  const nodesFromX = new Set<number>();
  for (const node of tape) {
    for (const name in node.inputs) {
      if (fromX.has(node.inputs[name].id)) {
        for (const o of node.outputs) fromX.add(o.id);
        nodesFromX.add(node.id);
        break;
      }
    }
  }
  const toY = new Set<number>([y.id]);
  const nodesToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i];
    if (node.outputs.some((o) => toY.has(o.id))) {
      for (const name in node.inputs) { toY.add(node.inputs[name].id); nodesToY.add(node.id); }
    }
  }
  const out: TapeNode[] = [];
  for (const node of tape) {
    if (!nodesFromX.has(node.id) || !nodesToY.has(node.id)) continue;
    const inputs: Record<string, tf.Tensor> = {};
    for (const name in node.inputs) if (fromX.has(node.inputs[name].id)) inputs[name] = node.inputs[name];
    out.push({ ...node, inputs, outputs: node.outputs });
  }
  return out;
}
