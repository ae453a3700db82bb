/**
 * Compares the sender service with a bare `net` baseline that does the same work (connect,
 * write, close) against loopback receivers in a child process. Prints a table and writes
 * bench-results/sender.json. Run with `npm run bench`; `--expose-gc` makes the heap numbers exact.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { sendNotification, sendToMany } from '../../src/sender';
import type { DeviceTarget, Notification } from '../../src/sender/types';

const RECEIVER_ROLE = 'receivers';
const BROADCAST_DEVICES = 200;
const SEQUENTIAL_SENDS = 2000;
/** Sends per block; blocks alternate between service and baseline to spread out noise. */
const SEQUENTIAL_BLOCK = 100;
const BROADCAST_ROUNDS = 10;
const HEAP_SENDS = 10_000;
const WARMUP_SENDS = 300;
const BENCH_TIMEOUT_MS = 5000;
const RESULTS_PATH = join('bench-results', 'sender.json');

const notification: Notification = { title: 'Build', message: 'Build ✅ done 🎉 in 42 s' };

// ---------------------------------------------------------------- receivers (child process)

function runReceivers(count: number): void {
  const servers: net.Server[] = [];
  let listening = 0;
  for (let index = 0; index < count; index += 1) {
    const server = net.createServer((socket) => {
      socket.on('error', () => {});
      socket.resume();
      socket.on('end', () => socket.end());
    });
    server.listen({ port: 0, host: '127.0.0.1', backlog: 511 }, () => {
      listening += 1;
      if (listening === count) {
        process.send?.(servers.map((listener) => (listener.address() as net.AddressInfo).port));
      }
    });
    servers.push(server);
  }
  process.on('disconnect', () => process.exit(0));
}

async function startReceiverProcess(
  count: number,
): Promise<{ child: ChildProcess; ports: number[] }> {
  const child = fork(__filename, [RECEIVER_ROLE, String(count)], { stdio: 'inherit' });
  const [ports] = (await once(child, 'message')) as [number[]];
  return { child, ports };
}

// ---------------------------------------------------------------- the two ways to send

function device(port: number): DeviceTarget {
  return {
    name: `bench ${port}`,
    host: '127.0.0.1',
    port,
    framing: 'raw',
    lineEnding: 'lf',
    lineBreaks: 'escape',
    maxBytes: 4096,
    timeoutMs: BENCH_TIMEOUT_MS,
  };
}

/** Baseline: what a minimal hand-written client does for a raw notification. */
function bareSend(port: number, message: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.on('error', reject);
    socket.on('connect', () => socket.end(Buffer.from(message, 'utf8')));
    socket.resume();
    socket.on('close', () => resolve());
  });
}

async function serviceSend(target: DeviceTarget): Promise<void> {
  const result = await sendNotification(target, notification);
  if (result.outcome !== 'sent') {
    throw new Error(`bench send failed: ${result.error?.message ?? result.outcome}`);
  }
}

// ---------------------------------------------------------------- statistics

function quantile(sorted: number[], q: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index];
}

function summarize(samples: number[]): { median: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
}

function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

// ---------------------------------------------------------------- scenarios

async function sequentialSends(port: number): Promise<{ service: number[]; baseline: number[] }> {
  const target = device(port);
  const service: number[] = [];
  const baseline: number[] = [];
  for (let done = 0; done < SEQUENTIAL_SENDS; done += SEQUENTIAL_BLOCK) {
    for (let index = 0; index < SEQUENTIAL_BLOCK; index += 1) {
      const started = performance.now();
      await serviceSend(target);
      service.push(performance.now() - started);
    }
    for (let index = 0; index < SEQUENTIAL_BLOCK; index += 1) {
      const started = performance.now();
      await bareSend(port, notification.message);
      baseline.push(performance.now() - started);
    }
  }
  return { service, baseline };
}

interface BroadcastRun {
  totalMs: number;
  maxStallMs: number;
}

async function measureBroadcast(run: () => Promise<void>): Promise<BroadcastRun> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const started = performance.now();
  await run();
  const totalMs = performance.now() - started;
  histogram.disable();
  return { totalMs, maxStallMs: histogram.max / 1e6 };
}

async function broadcasts(ports: number[]): Promise<{
  service: BroadcastRun[];
  baseline: BroadcastRun[];
  defaultConcurrency: BroadcastRun[];
}> {
  const targets = ports.map(device);
  const service: BroadcastRun[] = [];
  const baseline: BroadcastRun[] = [];
  const defaultConcurrency: BroadcastRun[] = [];
  for (let round = 0; round < BROADCAST_ROUNDS; round += 1) {
    service.push(
      await measureBroadcast(async () => {
        const results = await sendToMany(targets, notification, { concurrency: targets.length });
        const failed = results.find((result) => result.outcome !== 'sent');
        if (failed) {
          throw new Error(`bench broadcast failed: ${failed.error?.message ?? failed.outcome}`);
        }
      }),
    );
    baseline.push(
      await measureBroadcast(async () => {
        await Promise.all(ports.map((port) => bareSend(port, notification.message)));
      }),
    );
    defaultConcurrency.push(
      await measureBroadcast(async () => {
        await sendToMany(targets, notification);
      }),
    );
  }
  return { service, baseline, defaultConcurrency };
}

async function heapGrowth(
  port: number,
): Promise<{ beforeMb: number; afterMb: number; exact: boolean }> {
  const collect = (globalThis as { gc?: () => void }).gc;
  const settleHeap = async (): Promise<number> => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    collect?.();
    collect?.();
    return process.memoryUsage().heapUsed / 1024 / 1024;
  };
  const target = device(port);
  const beforeMb = await settleHeap();
  for (let index = 0; index < HEAP_SENDS; index += 1) {
    await serviceSend(target);
  }
  const afterMb = await settleHeap();
  return { beforeMb, afterMb, exact: collect !== undefined };
}

// ---------------------------------------------------------------- report

async function main(): Promise<void> {
  const runStarted = performance.now();
  const { child, ports } = await startReceiverProcess(BROADCAST_DEVICES);
  try {
    const sequentialPort = ports[0];
    for (let index = 0; index < WARMUP_SENDS; index += 1) {
      await serviceSend(device(sequentialPort));
      await bareSend(sequentialPort, notification.message);
    }

    const sequential = await sequentialSends(sequentialPort);
    const service = summarize(sequential.service);
    const baseline = summarize(sequential.baseline);

    const broadcast = await broadcasts(ports);
    const broadcastService = summarize(broadcast.service.map((run) => run.totalMs));
    const broadcastBaseline = summarize(broadcast.baseline.map((run) => run.totalMs));
    const broadcastDefault = summarize(broadcast.defaultConcurrency.map((run) => run.totalMs));
    const serviceStall = Math.max(...broadcast.service.map((run) => run.maxStallMs));
    const baselineStall = Math.max(...broadcast.baseline.map((run) => run.maxStallMs));
    const defaultStall = Math.max(...broadcast.defaultConcurrency.map((run) => run.maxStallMs));

    const heap = await heapGrowth(sequentialPort);

    const results = {
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
      },
      sequential: {
        sends: SEQUENTIAL_SENDS,
        serviceMedianMs: round(service.median),
        serviceP99Ms: round(service.p99),
        baselineMedianMs: round(baseline.median),
        baselineP99Ms: round(baseline.p99),
        medianRatio: round(service.median / baseline.median, 2),
        p99Ratio: round(service.p99 / baseline.p99, 2),
      },
      broadcast: {
        devices: BROADCAST_DEVICES,
        rounds: BROADCAST_ROUNDS,
        serviceMedianMs: round(broadcastService.median, 1),
        baselineMedianMs: round(broadcastBaseline.median, 1),
        ratio: round(broadcastService.median / broadcastBaseline.median, 2),
        serviceMaxStallMs: round(serviceStall, 1),
        baselineMaxStallMs: round(baselineStall, 1),
        defaultConcurrencyMedianMs: round(broadcastDefault.median, 1),
        defaultConcurrencyMaxStallMs: round(defaultStall, 1),
      },
      heap: {
        sends: HEAP_SENDS,
        beforeMb: round(heap.beforeMb, 2),
        afterMb: round(heap.afterMb, 2),
        growthMb: round(heap.afterMb - heap.beforeMb, 2),
        gcExposed: heap.exact,
      },
      runtimeS: round((performance.now() - runStarted) / 1000, 1),
    };

    printTable(results);
    mkdirSync('bench-results', { recursive: true });
    writeFileSync(RESULTS_PATH, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\nWrote ${RESULTS_PATH}`);
  } finally {
    child.disconnect();
  }
}

function printTable(results: {
  sequential: Record<string, number>;
  broadcast: Record<string, number>;
  heap: Record<string, number | boolean>;
  machine: Record<string, string | number>;
  runtimeS: number;
}): void {
  const { sequential: s, broadcast: b, heap: h } = results;
  console.log(`Sender benchmark on ${results.machine.cpus} CPUs, Node ${results.machine.node}`);
  console.table([
    {
      scenario: `${s.sends} sequential sends, median ms`,
      service: s.serviceMedianMs,
      baseline: s.baselineMedianMs,
      ratio: s.medianRatio,
    },
    {
      scenario: `${s.sends} sequential sends, p99 ms`,
      service: s.serviceP99Ms,
      baseline: s.baselineP99Ms,
      ratio: s.p99Ratio,
    },
    {
      scenario: `${b.devices} devices at once, median total ms`,
      service: b.serviceMedianMs,
      baseline: b.baselineMedianMs,
      ratio: b.ratio,
    },
    {
      scenario: `${b.devices} devices at once, max event-loop stall ms`,
      service: b.serviceMaxStallMs,
      baseline: b.baselineMaxStallMs,
      ratio: '',
    },
    {
      scenario: `${b.devices} devices, default concurrency 8, median total ms`,
      service: b.defaultConcurrencyMedianMs,
      baseline: '',
      ratio: '',
    },
    {
      scenario: `${b.devices} devices, default concurrency 8, max stall ms`,
      service: b.defaultConcurrencyMaxStallMs,
      baseline: '',
      ratio: '',
    },
    {
      scenario: `heap after ${h.sends} sends, growth MB${h.gcExposed ? '' : ' (no --expose-gc)'}`,
      service: h.growthMb,
      baseline: '',
      ratio: '',
    },
  ]);
  console.log(`Total runtime ${results.runtimeS} s`);
}

if (process.argv[2] === RECEIVER_ROLE) {
  runReceivers(Number(process.argv[3]));
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
