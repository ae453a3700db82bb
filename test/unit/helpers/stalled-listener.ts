/**
 * A listener whose accept queue is full, so a further TCP connect never completes: the kernel
 * drops the SYN and the client keeps retransmitting. Node's net.Server always accepts, so a
 * Python process listens with a backlog of 0 and never calls accept().
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as net from 'node:net';

const LISTENER_SCRIPT = [
  'import socket, sys',
  'server = socket.socket()',
  "server.bind(('127.0.0.1', 0))",
  'server.listen(0)',
  'print(server.getsockname()[1], flush=True)',
  'sys.stdin.read()',
].join('\n');

/** Time a filler connection gets to be queued before the next one is opened. */
const FILLER_SETTLE_MS = 100;
const FILLER_CONNECTIONS = 2;

export interface StalledListener {
  port: number;
  close(): Promise<void>;
}

export async function startStalledListener(): Promise<StalledListener> {
  const child: ChildProcess = spawn('python3', ['-c', LISTENER_SCRIPT], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [portLine] = (await once(child.stdout!, 'data')) as [Buffer];
  const port = Number(portLine.toString().trim());

  const fillers: net.Socket[] = [];
  for (let index = 0; index < FILLER_CONNECTIONS; index += 1) {
    const filler = net.connect(port, '127.0.0.1');
    filler.on('error', () => {});
    fillers.push(filler);
    await new Promise((resolve) => setTimeout(resolve, FILLER_SETTLE_MS));
  }

  return {
    port,
    async close() {
      fillers.forEach((filler) => filler.destroy());
      child.stdin!.end();
      if (child.exitCode === null) {
        await once(child, 'exit');
      }
    },
  };
}
