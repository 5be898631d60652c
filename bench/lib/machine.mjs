// The machine a run was measured on, for the report.
import os from 'node:os';

export function describeMachine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()} (${os.arch()})`,
    // Taken as the run ends: the 15-minute figure covers most of it. Above the core count,
    // other work was competing for the CPU and every figure is lower than an idle machine's.
    loadAverage: os.loadavg().map((x) => Math.round(x * 10) / 10),
  };
}
