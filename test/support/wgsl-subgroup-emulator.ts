// A CPU emulator for the WGSL the tensor-core matmul generates (kernels/webgpu-matmul-subgroup.ts), so its index
// arithmetic, bounds handling and staging can be checked on a machine without f16 or subgroup matrices. It
// interprets the subset of WGSL that generator writes (let/var, assignments, if/else, for, blocks; u32 arithmetic,
// vec4 values, storage/workgroup/uniform arrays; the builtins below) for every thread of every workgroup, threads
// advancing together from one workgroupBarrier() to the next.
//
// Subgroup matrices: every thread holds the whole matrix of its subgroup (the calls are subgroup-uniform, so every
// lane computes the same value): subgroupMatrixLoad reads all rows x columns at offset/stride counted in the
// array's elements (a vec4 element is 4 scalars), row- or column-major; subgroupMatrixMultiplyAccumulate sums the
// products of f16 values in float64 and rounds to f32 once per call; subgroupMatrixStore writes every element.
// Both spellings (`<T, row_major>(&a, off, stride)` and the deprecated `<T>(&a, off, col_major, stride)`) are read.
// Storage and workgroup reads or writes outside an array throw (the GPU would clamp them silently).
//
// Not a WGSL implementation: an unknown construct throws, so the emulator cannot quietly skip code.

type Vec = number[];
interface Mat { kind: 'left' | 'right' | 'result'; cols: number; rows: number; data: Float64Array }
type Value = number | boolean | Vec | Mat | Ref | Record<string, number>;
interface Ref { ref: ArrayStore }
interface ArrayStore { name: string; width: 1 | 4; data: Float32Array | Float64Array; f16: boolean }

// ------------------------------------------------------------------------------------------------ f16 rounding
/** Rounds to the nearest f16 value (ties to even), as a number. Overflow -> Infinity. */
export function toF16(v: number): number {
  if (!Number.isFinite(v) || v === 0) return v;
  const a = Math.abs(v);
  if (a >= 65520) return v > 0 ? Infinity : -Infinity;
  const e = Math.max(Math.floor(Math.log2(a)), -14);
  const ulp = 2 ** (e - 10);
  let q = a / ulp;
  const fl = Math.floor(q), frac = q - fl;
  q = frac > 0.5 || (frac === 0.5 && fl % 2 === 1) ? fl + 1 : fl;
  return Math.sign(v) * q * ulp;
}

// ------------------------------------------------------------------------------------------------ tokens
interface Tok { t: 'id' | 'num' | 'p'; v: string }
function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  const re = /\s+|\/\/[^\n]*|([A-Za-z_][A-Za-z0-9_]*)|(\d+\.\d+|\d+[uif]?)|(<=|>=|==|!=|&&|\|\||\+\+|->|[{}()[\]<>;,.=+\-*/%&|!:@])/y;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < src.length) {
    re.lastIndex = pos;
    m = re.exec(src);
    if (!m) throw new Error(`emulator: cannot read WGSL at ${JSON.stringify(src.slice(pos, pos + 40))}`);
    pos = re.lastIndex;
    if (m[1]) out.push({ t: 'id', v: m[1] });
    else if (m[2]) out.push({ t: 'num', v: m[2] });
    else if (m[3]) out.push({ t: 'p', v: m[3] });
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ AST
type Expr =
  | { k: 'num'; v: number; float: boolean }
  | { k: 'bool'; v: boolean }
  | { k: 'id'; name: string }
  | { k: 'bin'; op: string; a: Expr; b: Expr }
  | { k: 'un'; op: string; a: Expr }
  | { k: 'call'; fn: string; tmpl: string[]; args: Expr[] }
  | { k: 'index'; a: Expr; i: Expr }
  | { k: 'member'; a: Expr; name: string };
type Stmt =
  | { k: 'let'; name: string; e: Expr }
  | { k: 'assign'; target: Expr; e: Expr }
  | { k: 'inc'; name: string }
  | { k: 'expr'; e: Expr }
  | { k: 'if'; c: Expr; then: Stmt[]; else: Stmt[] | null }
  | { k: 'for'; init: Stmt; c: Expr; update: Stmt; body: Stmt[] }
  | { k: 'block'; body: Stmt[] };

const TEMPLATED = new Set(['vec4', 'vec3', 'array', 'subgroupMatrixLoad', 'subgroupMatrixStore', 'subgroup_matrix_left', 'subgroup_matrix_right', 'subgroup_matrix_result', 'var', 'ptr']);

class Parser {
  i = 0;
  constructor(private toks: Tok[]) {}
  peek(o = 0) { return this.toks[this.i + o]; }
  next() { return this.toks[this.i++]; }
  is(v: string, o = 0) { const t = this.peek(o); return !!t && t.v === v; }
  eat(v: string) { const t = this.next(); if (!t || t.v !== v) throw new Error(`emulator: expected "${v}", got "${t?.v}" near token ${this.i}`); return t; }
  /** A raw template list after an identifier: the text between the matching < and >. */
  template(): string[] {
    this.eat('<');
    let depth = 1;
    const parts: string[] = [];
    let cur = '';
    while (depth > 0) {
      const t = this.next();
      if (t.v === '<') { depth++; cur += '<'; } else if (t.v === '>') { depth--; if (depth > 0) cur += '>'; } else if (t.v === ',' && depth === 1) { parts.push(cur); cur = ''; } else cur += (cur && t.t !== 'p' && !/[<,]$/.test(cur) ? ' ' : '') + t.v;
    }
    parts.push(cur);
    return parts.map((p) => p.trim());
  }
  primary(): Expr {
    const t = this.next();
    if (t.t === 'num') return { k: 'num', v: parseFloat(t.v), float: t.v.includes('.') || t.v.endsWith('f') };
    if (t.v === '(') { const e = this.expr(); this.eat(')'); return e; }
    if (t.v === 'true' || t.v === 'false') return { k: 'bool', v: t.v === 'true' };
    if (t.t === 'id') {
      const tmpl = TEMPLATED.has(t.v) && this.is('<') ? this.template() : [];
      if (this.is('(')) {
        this.eat('(');
        const args: Expr[] = [];
        while (!this.is(')')) { args.push(this.expr()); if (this.is(',')) this.eat(','); }
        this.eat(')');
        return { k: 'call', fn: t.v, tmpl, args };
      }
      return { k: 'id', name: t.v };
    }
    throw new Error(`emulator: unexpected "${t.v}"`);
  }
  postfix(): Expr {
    let e = this.primary();
    for (;;) {
      if (this.is('[')) { this.eat('['); const i = this.expr(); this.eat(']'); e = { k: 'index', a: e, i }; } else if (this.is('.')) { this.eat('.'); e = { k: 'member', a: e, name: this.next().v }; } else return e;
    }
  }
  unary(): Expr {
    if (this.is('&') || this.is('!') || this.is('-')) { const op = this.next().v; return { k: 'un', op, a: this.unary() }; }
    return this.postfix();
  }
  binary(level: number): Expr {
    const levels = [['||'], ['&&'], ['<', '<=', '>', '>=', '==', '!='], ['+', '-'], ['*', '/', '%']];
    if (level >= levels.length) return this.unary();
    let e = this.binary(level + 1);
    while (this.peek() && this.peek().t === 'p' && levels[level].includes(this.peek().v)) {
      const op = this.next().v;
      e = { k: 'bin', op, a: e, b: this.binary(level + 1) };
    }
    return e;
  }
  expr(): Expr { return this.binary(0); }
  simple(): Stmt {
    if (this.is('let') || this.is('var')) {
      this.next();
      const name = this.next().v;
      this.eat('=');
      return { k: 'let', name, e: this.expr() };
    }
    if (this.peek().t === 'id' && this.is('++', 1)) { const name = this.next().v; this.eat('++'); return { k: 'inc', name }; }
    const e = this.expr();
    if (this.is('=')) { this.eat('='); return { k: 'assign', target: e, e: this.expr() }; }
    return { k: 'expr', e };
  }
  block(): Stmt[] {
    this.eat('{');
    const body: Stmt[] = [];
    while (!this.is('}')) body.push(this.stmt());
    this.eat('}');
    return body;
  }
  stmt(): Stmt {
    if (this.is('{')) return { k: 'block', body: this.block() };
    if (this.is('if')) {
      this.next(); this.eat('(');
      const c = this.expr();
      this.eat(')');
      const then = this.block();
      let els: Stmt[] | null = null;
      if (this.is('else')) { this.next(); els = this.is('if') ? [this.stmt()] : this.block(); }
      return { k: 'if', c, then, else: els };
    }
    if (this.is('for')) {
      this.next(); this.eat('(');
      const init = this.simple(); this.eat(';');
      const c = this.expr(); this.eat(';');
      const update = this.simple(); this.eat(')');
      return { k: 'for', init, c, update, body: this.block() };
    }
    const s = this.simple();
    this.eat(';');
    return s;
  }
}

// ------------------------------------------------------------------------------------------------ module
interface Binding { binding: number; name: string; space: 'storage' | 'uniform'; elem: string }
export interface ParsedKernel {
  workgroupSize: number; bindings: Binding[]; shared: { name: string; elem: string; length: number }[];
  builtins: Record<string, string>; body: Stmt[]; structFields: string[];
}

export function parseKernel(src: string): ParsedKernel {
  const p = new Parser(tokenize(src));
  const k: ParsedKernel = { workgroupSize: 0, bindings: [], shared: [], builtins: {}, body: [], structFields: [] };
  let group: number | null = null, binding: number | null = null, wgSize: number | null = null;
  while (p.peek()) {
    if (p.is('enable')) { p.next(); p.next(); p.eat(';'); continue; }
    if (p.is('struct')) {
      p.next(); p.next(); p.eat('{');
      while (!p.is('}')) { k.structFields.push(p.next().v); p.eat(':'); p.next(); if (p.is(',')) p.eat(','); }
      p.eat('}');
      continue;
    }
    if (p.is('@')) {
      p.next();
      const attr = p.next().v;
      if (attr === 'group' || attr === 'binding' || attr === 'workgroup_size') {
        p.eat('('); const n = Number(p.next().v.replace(/u$/, '')); p.eat(')');
        if (attr === 'group') group = n; else if (attr === 'binding') binding = n; else wgSize = n;
      }
      continue;
    }
    if (p.is('var')) {
      p.next();
      const space = p.template();
      const name = p.next().v;
      p.eat(':');
      p.next(); // array
      const tmpl = p.template();
      p.eat(';');
      if (space[0] === 'workgroup') k.shared.push({ name, elem: tmpl[0], length: Number(tmpl[1]) });
      else if (space[0] === 'storage') { k.bindings.push({ binding: binding!, name, space: 'storage', elem: tmpl[0] }); binding = null; }
      else throw new Error(`emulator: address space ${space[0]}`);
      continue;
    }
    if (p.is('fn')) {
      p.next(); p.next(); p.eat('(');
      while (!p.is(')')) {
        p.eat('@'); p.eat('builtin'); p.eat('('); const b = p.next().v; p.eat(')');
        const name = p.next().v; p.eat(':'); p.next(); if (p.is('<')) p.template();
        k.builtins[b] = name;
        if (p.is(',')) p.eat(',');
      }
      p.eat(')');
      k.body = p.block();
      k.workgroupSize = wgSize!;
      continue;
    }
    throw new Error(`emulator: unexpected top-level "${p.peek().v}"`);
  }
  void group; // one bind group; the uniform binding is taken out by emulateKernel before parsing
  return k;
}

// ------------------------------------------------------------------------------------------------ run
function matType(t: string): { kind: Mat['kind']; cols: number; rows: number } {
  const m = /^subgroup_matrix_(left|right|result)\s*<\s*f(?:16|32)\s*,\s*(\d+)\s*,\s*(\d+)\s*>$/.exec(t.replace(/\s+/g, ' '));
  if (!m) throw new Error(`emulator: matrix type ${t}`);
  return { kind: m[1] as Mat['kind'], cols: +m[2], rows: +m[3] };
}

class Scope {
  vars = new Map<string, Value>();
  constructor(private parent: Scope | null) {}
  get(n: string): Value {
    if (this.vars.has(n)) return this.vars.get(n)!;
    if (this.parent) return this.parent.get(n);
    throw new Error(`emulator: unknown name ${n}`);
  }
  set(n: string, v: Value): void {
    if (this.vars.has(n)) { this.vars.set(n, v); return; }
    if (this.parent) { this.parent.set(n, v); return; }
    throw new Error(`emulator: assignment to unknown ${n}`);
  }
  declare(n: string, v: Value) { this.vars.set(n, v); }
}

export interface EmulatorInputs {
  /** storage arrays by binding name (A, B, C), f32 data; C is written */
  storage: Record<string, Float32Array>;
  uniform: Record<string, number>;
  grid: [number, number, number];
  subgroupSize: number;
}

const copy = (v: Value): Value => (Array.isArray(v) ? [...v] : v);

/** Runs the kernel over the whole grid. Throws on anything outside the subset or any out-of-bounds access. */
export function emulateKernel(src: string, inputs: EmulatorInputs): void {
  const uniformRe = /@group\(0\)\s*@binding\(\d+\)\s*var<uniform>\s*(\w+)\s*:\s*\w+\s*;/;
  const um = uniformRe.exec(src);
  if (!um) throw new Error('emulator: no uniform binding');
  const k = parseKernel(src.replace(uniformRe, ''));
  const storage = new Map<string, ArrayStore>();
  for (const b of k.bindings) {
    const data = inputs.storage[b.name];
    if (!data) throw new Error(`emulator: no data for binding ${b.name}`);
    const width = b.elem === 'vec4<f32>' ? 4 : b.elem === 'f32' ? 1 : (() => { throw new Error(`emulator: storage element ${b.elem}`); })();
    if (data.length % width) throw new Error(`emulator: ${b.name} has ${data.length} floats, not whole ${b.elem}`);
    storage.set(b.name, { name: b.name, width, data, f16: false });
  }
  const T = k.workgroupSize;
  const [gx, gy, gz] = inputs.grid;
  for (let z = 0; z < gz; z++) for (let y = 0; y < gy; y++) for (let x = 0; x < gx; x++) {
    const shared = new Map<string, ArrayStore>();
    for (const s of k.shared) {
      const width = s.elem === 'vec4<f16>' ? 4 : 1;
      shared.set(s.name, { name: s.name, width, data: new Float64Array(s.length * width).fill(NaN), f16: s.elem.includes('f16') });
    }
    const arrays = (n: string) => storage.get(n) ?? shared.get(n);
    const threads: Generator<void, void, void>[] = [];
    for (let li = 0; li < T; li++) {
      const g = new Scope(null);
      g.declare(um[1], { ...inputs.uniform });
      for (const [b, name] of Object.entries(k.builtins)) {
        if (b === 'workgroup_id') g.declare(name, [x, y, z]);
        else if (b === 'local_invocation_index') g.declare(name, li);
        else if (b === 'subgroup_id') g.declare(name, Math.floor(li / inputs.subgroupSize));
        else throw new Error(`emulator: builtin ${b}`);
      }
      threads.push(runBlock(k.body, new Scope(g), arrays));
    }
    // lockstep: every thread runs to its next barrier (or its end); all must agree
    for (;;) {
      const done = threads.map((t) => t.next().done);
      if (done.every(Boolean)) break;
      if (done.some(Boolean)) throw new Error(`emulator: workgroup (${x},${y},${z}): some threads ended while others wait at a barrier (non-uniform barrier)`);
    }
  }
}

function* runBlock(body: Stmt[], scope: Scope, arrays: (n: string) => ArrayStore | undefined): Generator<void, void, void> {
  for (const s of body) yield* runStmt(s, scope, arrays);
}

function* runStmt(s: Stmt, scope: Scope, arrays: (n: string) => ArrayStore | undefined): Generator<void, void, void> {
  const ev = (e: Expr) => evalExpr(e, scope, arrays);
  switch (s.k) {
    case 'let': scope.declare(s.name, copy(ev(s.e))); return;
    case 'inc': scope.set(s.name, (scope.get(s.name) as number) + 1); return;
    case 'assign': assign(s.target, ev(s.e), scope, arrays); return;
    case 'expr': {
      if (s.e.k === 'call' && s.e.fn === 'workgroupBarrier') { yield; return; }
      ev(s.e);
      return;
    }
    case 'block': yield* runBlock(s.body, new Scope(scope), arrays); return;
    case 'if':
      if (ev(s.c)) yield* runBlock(s.then, new Scope(scope), arrays);
      else if (s.else) yield* runBlock(s.else, new Scope(scope), arrays);
      return;
    case 'for': {
      const fs = new Scope(scope);
      yield* runStmt(s.init, fs, arrays);
      let guard = 0;
      while (evalExpr(s.c, fs, arrays)) {
        yield* runBlock(s.body, new Scope(fs), arrays);
        yield* runStmt(s.update, fs, arrays);
        if (++guard > 1e7) throw new Error('emulator: runaway loop');
      }
      return;
    }
  }
}

function checkIndex(a: ArrayStore, i: number): void {
  if (!Number.isInteger(i) || i < 0 || i * a.width >= a.data.length) throw new Error(`emulator: ${a.name}[${i}] out of bounds (${a.data.length / a.width} elements)`);
}

function assign(target: Expr, v: Value, scope: Scope, arrays: (n: string) => ArrayStore | undefined): void {
  if (target.k === 'id') { scope.set(target.name, copy(v)); return; }
  if (target.k === 'index' && target.a.k === 'id') {
    const i = evalExpr(target.i, scope, arrays) as number;
    const arr = arrays(target.a.name);
    if (arr) {
      checkIndex(arr, i);
      const conv = (x: number) => (arr.f16 ? toF16(x) : Math.fround(x));
      if (arr.width === 4) { const vec = v as Vec; for (let c = 0; c < 4; c++) arr.data[i * 4 + c] = conv(vec[c]); } else arr.data[i] = conv(v as number);
      return;
    }
    const vec = scope.get(target.a.name) as Vec; // a vector variable: x[c] = ...
    vec[i] = v as number;
    return;
  }
  throw new Error(`emulator: assignment target ${JSON.stringify(target).slice(0, 80)}`);
}

const SWZ: Record<string, number> = { x: 0, y: 1, z: 2, w: 3 };

function evalExpr(e: Expr, scope: Scope, arrays: (n: string) => ArrayStore | undefined): Value {
  const ev = (x: Expr) => evalExpr(x, scope, arrays);
  switch (e.k) {
    case 'num': return e.v;
    case 'bool': return e.v;
    case 'id': {
      const arr = arrays(e.name);
      if (arr) throw new Error(`emulator: array ${e.name} used as a value`);
      return scope.get(e.name);
    }
    case 'un': {
      if (e.op === '&') { if (e.a.k !== 'id' || !arrays(e.a.name)) throw new Error('emulator: & of a non-array'); return { ref: arrays(e.a.name)! }; }
      const v = ev(e.a);
      return e.op === '!' ? !v : -(v as number);
    }
    case 'bin': {
      if (e.op === '&&') return !!ev(e.a) && !!ev(e.b);
      if (e.op === '||') return !!ev(e.a) || !!ev(e.b);
      const a = ev(e.a) as number, b = ev(e.b) as number;
      switch (e.op) {
        case '+': return a + b;
        case '-': if (a - b < 0) throw new Error(`emulator: u32 underflow ${a} - ${b}`); return a - b;
        case '*': return a * b;
        case '/': if (b === 0) throw new Error('emulator: division by 0'); return Math.floor(a / b); // u32 only in this subset
        case '%': return a % b;
        case '<': return a < b;
        case '<=': return a <= b;
        case '>': return a > b;
        case '>=': return a >= b;
        case '==': return a === b;
        case '!=': return a !== b;
      }
      throw new Error(`emulator: operator ${e.op}`);
    }
    case 'index': {
      const i = ev(e.i) as number;
      if (e.a.k === 'id') {
        const arr = arrays(e.a.name);
        if (arr) {
          checkIndex(arr, i);
          return arr.width === 4 ? Array.from(arr.data.subarray(i * 4, i * 4 + 4)) : arr.data[i];
        }
      }
      const v = ev(e.a) as Vec;
      if (!Array.isArray(v) || i < 0 || i >= v.length) throw new Error(`emulator: index ${i} of a non-vector`);
      return v[i];
    }
    case 'member': {
      const v = ev(e.a);
      if (Array.isArray(v)) { const c = SWZ[e.name]; if (c === undefined || c >= v.length) throw new Error(`emulator: .${e.name}`); return v[c]; }
      const r = (v as Record<string, number>)[e.name];
      if (r === undefined) throw new Error(`emulator: member ${e.name}`);
      return r;
    }
    case 'call': return call(e, ev);
  }
}

function call(e: Extract<Expr, { k: 'call' }>, ev: (x: Expr) => Value): Value {
  const args = e.args.map(ev);
  switch (e.fn) {
    case 'vec4': {
      const conv = e.tmpl[0] === 'f16' ? toF16 : e.tmpl[0] === 'f32' ? Math.fround : null;
      if (!conv) throw new Error(`emulator: vec4<${e.tmpl[0]}>`);
      if (args.length === 1 && typeof args[0] === 'number') return [0, 1, 2, 3].map(() => conv(args[0] as number));
      if (args.length === 1 && Array.isArray(args[0])) return (args[0] as Vec).map(conv);
      if (args.length === 4) return (args as number[]).map(conv);
      throw new Error('emulator: vec4 constructor');
    }
    case 'subgroup_matrix_result': {
      const t = matType(`subgroup_matrix_result<${e.tmpl.join(', ')}>`);
      return { ...t, data: new Float64Array(t.cols * t.rows) };
    }
    case 'subgroupMatrixLoad': {
      const t = matType(e.tmpl[0]);
      let colMajor: boolean, off: number, stride: number;
      const ref = (args[0] as Ref).ref;
      if (e.tmpl.length === 2) { colMajor = e.tmpl[1] === 'col_major'; off = args[1] as number; stride = args[2] as number; } else { off = args[1] as number; colMajor = args[2] as boolean; stride = args[3] as number; }
      const w = ref.width;
      const data = new Float64Array(t.rows * t.cols);
      for (let r = 0; r < t.rows; r++) for (let c = 0; c < t.cols; c++) {
        const at = colMajor ? (off + c * stride) * w + r : (off + r * stride) * w + c;
        if (at < 0 || at >= ref.data.length) throw new Error(`emulator: subgroupMatrixLoad from ${ref.name} at ${at} out of bounds (${ref.data.length})`);
        const v = ref.data[at];
        if (Number.isNaN(v)) throw new Error(`emulator: subgroupMatrixLoad from ${ref.name} at ${at} reads an element nothing wrote`);
        data[r * t.cols + c] = v;
      }
      return { ...t, data };
    }
    case 'subgroupMatrixMultiplyAccumulate': {
      const [a, b, c] = args as Mat[];
      if (a.kind !== 'left' || b.kind !== 'right' || c.kind !== 'result' || a.cols !== b.rows || a.rows !== c.rows || b.cols !== c.cols) throw new Error('emulator: matrix shapes');
      const out = new Float64Array(c.data.length);
      for (let r = 0; r < c.rows; r++) for (let col = 0; col < c.cols; col++) {
        let s = c.data[r * c.cols + col];
        for (let q = 0; q < a.cols; q++) s += a.data[r * a.cols + q] * b.data[q * b.cols + col];
        out[r * c.cols + col] = Math.fround(s);
      }
      return { ...c, data: out };
    }
    case 'subgroupMatrixStore': {
      const ref = (args[0] as Ref).ref;
      let colMajor: boolean, off: number, m: Mat, stride: number;
      if (e.tmpl.length === 1) { colMajor = e.tmpl[0] === 'col_major'; off = args[1] as number; m = args[2] as Mat; stride = args[3] as number; } else { off = args[1] as number; m = args[2] as Mat; colMajor = args[3] as boolean; stride = args[4] as number; }
      const w = ref.width;
      for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.cols; c++) {
        const at = colMajor ? (off + c * stride) * w + r : (off + r * stride) * w + c;
        if (at < 0 || at >= ref.data.length) throw new Error(`emulator: subgroupMatrixStore to ${ref.name} at ${at} out of bounds (${ref.data.length})`);
        ref.data[at] = m.data[r * m.cols + c];
      }
      return 0;
    }
  }
  throw new Error(`emulator: function ${e.fn}`);
}
