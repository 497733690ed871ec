// A one-line progress bar for terminals (redrawn in place), or one line per epoch elsewhere.
import { minutesAndSeconds } from './duration.js';
import type { Progress } from './zoo.js';

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const { minutes, seconds } = minutesAndSeconds(s);
  return minutes > 0 ? `${minutes}m${String(seconds).padStart(2, '0')}s` : `${seconds}s`;
}

export function progressPrinter(out: { write(s: string): unknown; isTTY?: boolean }): (p: Progress) => void {
  let lastDraw = 0;
  let phase = '';
  let phaseStart = performance.now();
  return (p) => {
    const now = performance.now();
    if (p.phase !== phase) {
      if (phase !== '' && out.isTTY) out.write('\n');
      phase = p.phase;
      phaseStart = now;
    }
    const lastStep = p.step === p.steps;
    if (!out.isTTY) {
      // A log file gets about ten lines a phase.
      const every = Math.ceil(p.epochs / 10);
      if (lastStep && ((p.epoch + 1) % every === 0 || p.epoch + 1 === p.epochs)) out.write(`${p.phase}: epoch ${p.epoch + 1}/${p.epochs} loss ${p.loss.toFixed(4)} ${Math.round(p.samplesPerSecond)} samples/s\n`);
      return;
    }
    if (now - lastDraw < 100 && !lastStep) return;
    lastDraw = now;
    const fraction = (p.epoch + p.step / p.steps) / p.epochs;
    const width = 24;
    const filled = Math.round(fraction * width);
    const elapsed = (now - phaseStart) / 1000;
    const eta = fraction > 0 ? (elapsed * (1 - fraction)) / fraction : Infinity;
    out.write(`\r${p.phase} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] epoch ${p.epoch + 1}/${p.epochs}` +
      ` loss ${p.loss.toFixed(4)} ${Math.round(p.samplesPerSecond)} samples/s ETA ${formatSeconds(eta)}   `);
  };
}
