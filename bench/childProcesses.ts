import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../bin/txcenter.mjs', import.meta.url));

/** Spawns `command` and resolves with the first URL it prints (servers print one line when ready). */
export function startChild(command: string, args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      const match = /https?:\/\/[^\s)]+/.exec(out);
      if (match) resolve({ child, url: match[0] });
    });
    child.once('exit', (code) => reject(new Error(`${command} ${args.join(' ')} exited with ${code} before printing its URL`)));
  });
}

/** `txcenter broker` on a free port with auto-created resources, optionally under the CPU profiler. */
export function startBrokerChild(dataDir: string, profileDir: string | undefined): Promise<{ child: ChildProcess; url: string }> {
  const profile = profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir];
  return startChild(process.execPath, [...profile, CLI, 'broker', '--port', '0', '--data', dataDir, '--auto-create']);
}

/** SIGTERMs a child and waits until it has exited (it may still be writing its data or profile). */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
