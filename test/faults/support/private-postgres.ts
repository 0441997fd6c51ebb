import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../apps/escalation-worker/test/support/worker-process';

/** The PostgreSQL server binaries (initdb, pg_ctl): `pg_config --bindir`, else the newest Debian-style install. */
function binDir(): string {
  const has = (dir: string): boolean => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'));
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    if (has(dir)) return dir;
  } catch {
    // no pg_config on PATH: look where Debian puts server majors
  }
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  const found = majors.map((v) => join(root, v, 'bin')).find(has);
  if (!found) throw new Error('no PostgreSQL server binaries (initdb, pg_ctl) found: install the PostgreSQL server');
  return found;
}

/** Every cluster this process started, stopped if the process exits with them still up. */
const running = new Set<PrivatePostgres>();
process.once('exit', () => running.forEach((pg) => pg.stopSync()));

/**
 * A PostgreSQL cluster of the test's own (initdb into a temporary folder, stock settings, its own
 * port on 127.0.0.1, trust auth): the test may stop and restart it without touching anybody's
 * database. As root it runs as the `postgres` OS user (initdb refuses root).
 */
export class PrivatePostgres {
  private readonly bin = binDir();
  private readonly asPostgres = process.getuid?.() === 0;
  private readonly dataDir: string;
  private up = false;

  private constructor(
    private readonly dir: string,
    readonly port: number,
  ) {
    this.dataDir = join(dir, 'data');
  }

  static async create(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'cgi-faults-pg-'));
    const pg = new PrivatePostgres(dir, await freePort());
    if (pg.asPostgres) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(dir, uid, gid);
    }
    await pg.run('initdb', ['-D', pg.dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
    await pg.start();
    return pg;
  }

  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Starts the cluster and waits until it accepts connections. */
  async start(): Promise<void> {
    running.add(this);
    this.up = true;
    // Log lines in English and UTC (readySince reads them); everything else stock.
    const options = `-c port=${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c lc_messages=C -c log_timezone=UTC`;
    await this.run('pg_ctl', ['-D', this.dataDir, '-l', join(this.dir, 'postgres.log'), '-o', options, '-w', '-t', '60', 'start']);
  }

  /**
   * Stops the cluster: `immediate` is a crash as far as clients and data are concerned (every
   * backend killed, no checkpoint: the next start replays the WAL); `fast` is a clean shutdown.
   */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (!this.up) return;
    await this.run('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
    this.up = false;
    running.delete(this);
  }

  /**
   * When PostgreSQL last logged that it accepts connections, at or after `since` (ms since the
   * epoch): its own clock, not when this process got round to noticing.
   */
  readySince(since: number): number {
    const times = [...this.log().matchAll(/^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3}) UTC \[\d+\] LOG: {2}database system is ready to accept connections$/gm)]
      .map((m) => Date.parse(`${m[1]}T${m[2]}Z`))
      .filter((t) => t >= since - 5);
    if (times.length === 0) throw new Error(`PostgreSQL logged no "ready to accept connections" since ${new Date(since).toISOString()}:\n${this.log().slice(-2000)}`);
    return times[times.length - 1];
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, 'postgres.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Stops the cluster (if up) and removes its folder. */
  async destroy(): Promise<void> {
    await this.stop('immediate').catch(() => undefined);
    this.stopSync();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** For the exit hook: synchronous, best effort. */
  stopSync(): void {
    if (!this.up) return;
    this.up = false;
    running.delete(this);
    try {
      execFileSync(...this.command('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']), { stdio: 'ignore' });
    } catch {
      // already down
    }
  }

  private command(tool: string, args: string[]): [string, string[]] {
    const path = join(this.bin, tool);
    return this.asPostgres ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
  }

  private run(tool: string, args: string[]): Promise<void> {
    const [cmd, argv] = this.command(tool, args);
    return new Promise((resolve, reject) => {
      // pg_ctl start leaves the postmaster holding the pipes it inherits: let it write to its log only.
      const p = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'], cwd: this.dir });
      let err = '';
      p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      p.once('error', reject);
      p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${tool} ${args.join(' ')} exited ${code}: ${err}\n${this.log().slice(-2000)}`))));
    });
  }
}
