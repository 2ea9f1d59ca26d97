// The stream service as a process of its own (the packaged jar), for scenarios in which the server
// goes away: started on fixed ports and one data directory, killed with SIGKILL (no shutdown hook,
// no stream closed), and started again on the same ports and data, as a crashed pod comes back.
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** One service process at a time on `port`; `env` adds to the environment (settings, the admin's password). */
export class ServiceProcess {
  #child = null;

  /**
   * @param {object} options
   * @param {string} options.jar the packaged jar
   * @param {string} options.library the music library it serves
   * @param {string} options.dataDir its data directory (the embedded store: users, web sessions)
   * @param {string} options.log where its output goes (appended, every start)
   * @param {number} options.port @param {number} options.managementPort
   * @param {Record<string, string>} [options.env]
   */
  constructor({ jar, library, dataDir, log, port, managementPort, env = {}, java = process.env.JAVA ?? 'java' }) {
    Object.assign(this, { jar, library, dataDir, log, port, managementPort, env, java });
    this.url = `http://127.0.0.1:${port}`;
    // a scenario that fails or is interrupted leaves no JVM behind
    process.on('exit', () => this.#child?.kill('SIGKILL'));
  }

  /** Starts the process and waits until it is ready (its readiness probe), at most `seconds`. */
  async start(seconds = 180) {
    if (this.#child) throw new Error('the service is running already');
    const out = openSync(this.log, 'a');
    const child = spawn(this.java, ['-XX:TieredStopAtLevel=1', '-jar', this.jar,
      `--server.port=${this.port}`, '--server.address=127.0.0.1', '--cadenza.clock.sntp.port=0',
      `--management.server.port=${this.managementPort}`, '--management.server.address=127.0.0.1',
      `--cadenza.library.path=${this.library}`, `--cadenza.data.dir=${this.dataDir}`,
      '--cadenza.metadata.embeddings=false', '--logging.level.root=WARN'],
    { env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', ...this.env }, stdio: ['ignore', out, out] });
    closeSync(out);
    this.#child = child;
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(`exited (${signal ?? code})`)));
    child.once('exit', () => { if (this.#child === child) this.#child = null; });
    const deadline = Date.now() + seconds * 1000;
    const readiness = `http://127.0.0.1:${this.managementPort}/actuator/health/readiness`;
    for (;;) {
      const ready = await fetch(readiness, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
      if (ready) return;
      const gone = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 500))]);
      if (gone) throw new Error(`the service ${gone} during start-up; see ${this.log}`);
      if (Date.now() > deadline) throw new Error(`the service was not ready within ${seconds} s; see ${this.log}`);
    }
  }

  /** SIGKILL, and waits until the process is gone (its port free again). */
  async kill() {
    const child = this.#child;
    if (!child) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await gone;
  }
}
