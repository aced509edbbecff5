// Batched JavaScript runner: every test case in this one Node process, each with its own stdin/stdout.
//
// Run as `node js_harness.js SOLUTION CASES_JSON RESULTS_JSON`. The solution runs once per case as a
// CommonJS module body whose `process` and `console` are stand-ins: `process.stdin` is a stream of the
// case's input (so 'data'/'end' handlers and readline work), `process.stdout`/`console` are captured,
// `process.exit` ends the case (so does `process.exitCode`), and `fs.readFileSync` / `fs.readFile` of
// 0 or '/dev/stdin' return the input. A case ends, like a process would, once its stdin is consumed and nothing it
// started (timers, file reads) is pending any more.
'use strict';
const fs = require('fs');
const vm = require('vm');
const { Readable, Writable } = require('stream');
const { Console } = require('console');
const { performance } = require('perf_hooks');

const [solutionPath, casesPath, resultsPath] = process.argv.slice(2);
const source = fs.readFileSync(solutionPath, 'utf8');
const cases = JSON.parse(fs.readFileSync(casesPath, 'utf8'));

class ExitSignal {
  constructor(code) { this.code = code; }
}

let current = null;

function fail(error) {
  if (current === null) return; // a late callback of a finished case
  if (error instanceof ExitSignal) {
    current.exitCode = error.code;
  } else {
    current.stderr += (error && error.stack ? error.stack : String(error)) + '\n';
    current.exitCode = 1;
  }
  current.done = true;
}
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

function sink(key) {
  const stream = new Writable({
    decodeStrings: false,
    write(chunk, encoding, callback) {
      if (current !== null) current[key] += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      callback();
    },
  });
  stream.isTTY = false;
  return stream;
}

function standIns(input) {
  const stdin = new Readable({ read() {} });
  stdin.push(Buffer.from(input, 'utf8'));
  stdin.push(null);
  stdin.fd = 0;
  const stdout = sink('stdout');
  const stderr = sink('stderr');
  const fakeProcess = Object.create(process, {
    stdin: { value: stdin },
    stdout: { value: stdout },
    stderr: { value: stderr },
    argv: { value: [process.argv[0], 'solution.js'] },
    exit: { value: (code) => { throw new ExitSignal(code === undefined ? 0 : code); } },
    exitCode: { value: undefined, writable: true },
  });
  const readFileSync = (file, options) => {
    if (file === 0 || file === '/dev/stdin') {
      const encoding = typeof options === 'string' ? options : options && options.encoding;
      return encoding ? input : Buffer.from(input, 'utf8');
    }
    return fs.readFileSync(file, options);
  };
  const readFile = (file, options, callback) => {
    const done = typeof options === 'function' ? options : callback;
    if (file !== 0 && file !== '/dev/stdin') return fs.readFile(file, options, callback);
    const data = readFileSync(file, typeof options === 'function' ? undefined : options);
    setImmediate(() => done(null, data));
  };
  const fakeFs = Object.assign({}, fs, { readFileSync, readFile });
  const fakeRequire = (name) => (name === 'fs' || name === 'node:fs' ? fakeFs : require(name));
  const fakeConsole = new Console({ stdout, stderr });
  return { stdin, fakeProcess, fakeRequire, fakeConsole };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));
// What the solution may still be waiting for (our own setImmediate turns and stdio do not count).
const pending = () => process.getActiveResourcesInfo().filter((r) => !['Immediate', 'TTYWrap', 'PipeWrap'].includes(r));

async function settle(stdin) {
  let quiet = 0;
  while (!current.done && quiet < 3) {
    const listening = ['data', 'readable', 'end'].some((event) => stdin.listenerCount(event) > 0);
    const reading = listening && !stdin.readableEnded;
    const busy = pending().length > 0;
    quiet = reading || busy ? 0 : quiet + 1;
    await (busy ? tick() : turn());
  }
}

async function runCase(input) {
  current = { stdout: '', stderr: '', exitCode: 0, done: false };
  const { stdin, fakeProcess, fakeRequire, fakeConsole } = standIns(input);
  const started = performance.now();
  try {
    const wrapped = '(function (exports, require, module, __filename, __dirname, process, console) {' +
      source + '\n})';
    const body = vm.runInThisContext(wrapped, { filename: 'solution.js' });
    const module = { exports: {} };
    body(module.exports, fakeRequire, module, 'solution.js', '.', fakeProcess, fakeConsole);
  } catch (error) {
    fail(error);
  }
  await settle(stdin);
  if (!current.done && typeof fakeProcess.exitCode === 'number') current.exitCode = fakeProcess.exitCode;
  const result = current;
  current = null;
  return {
    stdout: result.stdout,
    stderr: result.stderr,
    exit_code: result.exitCode,
    duration_ms: performance.now() - started,
  };
}

(async () => {
  const results = [];
  for (const input of cases) results.push(await runCase(input));
  fs.writeFileSync(resultsPath, JSON.stringify(results));
  process.exit(0);
})();
