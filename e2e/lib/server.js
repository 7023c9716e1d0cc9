'use strict';

// Starts the Pathway demo server for a test file and stops it afterwards.
//
//   const { startServer } = require('../lib/server');
//   const server = await startServer();   // { baseUrl, stop(), output() }
//   ...
//   await server.stop();
//
// The binary is PATHWAY_BIN, or ../target/debug/pathway relative to e2e/.
// Each server gets a fresh, empty data directory, removed on stop().

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const E2E_DIR = path.resolve(__dirname, '..');

// Every demo account signs in with this password (passed as --demo-password).
const DEMO_PASSWORD = 'e2e-demo-password-not-secret';

const USERS = Object.freeze({
  admin: { email: 'admin@pathway.demo', password: DEMO_PASSWORD, role: 'platform administrator' },
  lead: { email: 'lead@north-trust.pathway.demo', password: DEMO_PASSWORD, role: 'employer lead (North Trust)' },
  worker: { email: 'worker@north-trust.pathway.demo', password: DEMO_PASSWORD, role: 'support worker' },
  author: { email: 'author@pathway.demo', password: DEMO_PASSWORD, role: 'framework author' },
});

const READY_LINE = /Pathway is running at (http:\/\/\S+)/;
const STARTUP_TIMEOUT_MS = Number(process.env.PATHWAY_STARTUP_TIMEOUT_MS || 60_000);

function pathwayBinary() {
  return path.resolve(E2E_DIR, process.env.PATHWAY_BIN || '../target/debug/pathway');
}

// The synthetic national data set's platform administrator (see `pathway dataset generate`).
const SYNTHETIC_ADMIN = Object.freeze({
  email: 'admin@synthetic.test',
  password: DEMO_PASSWORD,
  role: 'platform administrator (synthetic data set)',
});

/**
 * Spawn `pathway --data-dir <tmp> demo --addr 127.0.0.1:0 --demo-password <pw>`
 * and resolve once it prints "Pathway is running at <url>".
 *
 * With `{ datasetScale }`, first generate the synthetic national data set at that
 * scale into the data directory (its users' password is DEMO_PASSWORD), then
 * `serve` it instead of the demo.
 */
async function startServer({ datasetScale } = {}) {
  const bin = pathwayBinary();
  if (!fs.existsSync(bin)) {
    throw new Error(
      `Pathway binary not found at ${bin}. Build it with \`cargo build -p pathway\` ` +
        'or set PATHWAY_BIN to its path.',
    );
  }

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pathway-e2e-'));
  let args = ['--data-dir', dataDir, 'demo', '--addr', '127.0.0.1:0', '--demo-password', DEMO_PASSWORD];
  if (datasetScale !== undefined) {
    const generate = ['--data-dir', dataDir, 'dataset', 'generate', '--scale', String(datasetScale), '--password', DEMO_PASSWORD];
    const made = spawnSync(bin, generate, { cwd: E2E_DIR, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    if (made.status !== 0) {
      fs.rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`${bin} ${generate.join(' ')} failed (${made.status}):\n${made.stdout}\n${made.stderr}`);
    }
    args = ['--data-dir', dataDir, 'serve', '--addr', '127.0.0.1:0'];
  }

  const child = spawn(bin, args, {
    cwd: E2E_DIR,
    // Own process group, so stop() can end the server and anything it started.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });

  // Keep the last lines of output for error messages.
  const log = [];
  const remember = (stream) => (line) => {
    log.push(`[${stream}] ${line}`);
    if (log.length > 200) log.shift();
    if (process.env.PATHWAY_E2E_VERBOSE) process.stderr.write(`pathway ${stream}: ${line}\n`);
  };
  const output = () => log.join('\n');

  const stdout = readline.createInterface({ input: child.stdout, crlfDelay: Infinity });
  const stderr = readline.createInterface({ input: child.stderr, crlfDelay: Infinity });
  stderr.on('line', remember('stderr'));

  let exited = false;
  const exitPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
  });

  const killGroup = (signal) => {
    if (exited) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Group already gone.
    }
  };
  // If the test process dies without calling stop(), don't leave the server behind.
  const onExit = () => killGroup('SIGKILL');
  process.once('exit', onExit);

  const cleanup = () => {
    process.removeListener('exit', onExit);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  let baseUrl;
  try {
    baseUrl = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`Pathway did not print "Pathway is running at <url>" within ${STARTUP_TIMEOUT_MS} ms`));
      }, STARTUP_TIMEOUT_MS);
      stdout.on('line', (line) => {
        remember('stdout')(line);
        const match = READY_LINE.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match[1].replace(/\/+$/, ''));
        }
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      exitPromise.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`Pathway exited before it was ready (code ${code}, signal ${signal})`));
      });
    });
  } catch (err) {
    killGroup('SIGKILL');
    await exitPromise;
    cleanup();
    err.message += `\ncommand: ${bin} ${args.join(' ')}\n--- server output ---\n${output()}`;
    throw err;
  }

  let stopping;
  async function stop() {
    if (!stopping) {
      stopping = (async () => {
        killGroup('SIGTERM');
        const timer = setTimeout(() => killGroup('SIGKILL'), 5_000);
        await exitPromise;
        clearTimeout(timer);
        cleanup();
      })();
    }
    return stopping;
  }

  return { baseUrl, stop, output, dataDir };
}

module.exports = { startServer, USERS, SYNTHETIC_ADMIN, DEMO_PASSWORD, pathwayBinary };
