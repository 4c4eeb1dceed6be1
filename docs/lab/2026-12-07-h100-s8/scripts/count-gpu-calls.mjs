// Node preload (`node --import ./count-gpu-calls.mjs ...`): counts GPU read-backs (GPUBuffer.mapAsync) and queue submits, printed at exit.
const counts = { mapAsync: 0, submit: 0, onSubmittedWorkDone: 0 };
const wrapLater = () => {
  if (typeof globalThis.GPUBuffer === 'undefined') return setTimeout(wrapLater, 5);
  const m = GPUBuffer.prototype.mapAsync;
  GPUBuffer.prototype.mapAsync = function (...a) { counts.mapAsync++; return m.apply(this, a); };
  const q = GPUQueue.prototype.submit;
  GPUQueue.prototype.submit = function (...a) { counts.submit++; return q.apply(this, a); };
  const w = GPUQueue.prototype.onSubmittedWorkDone;
  GPUQueue.prototype.onSubmittedWorkDone = function (...a) { counts.onSubmittedWorkDone++; return w.apply(this, a); };
};
wrapLater();
process.on('exit', () => console.error('COUNTS', JSON.stringify(counts)));
