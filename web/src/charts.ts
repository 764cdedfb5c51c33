// Time-series charts for the Dashboard, drawn by uPlot (web/dist/vendor/, loaded by
// index.html as a global: no network at run time). A chart keeps the last few minutes of
// samples taken while the page is open.

/** The part of uPlot's API these charts use. */
interface UPlotSeries {
  label?: string;
  stroke?: string;
  width?: number;
  spanGaps?: boolean;
}
interface UPlotInstance {
  setData(data: (number | null)[][]): void;
  setSize(size: { width: number; height: number }): void;
  destroy(): void;
}
interface UPlotOptions {
  width: number;
  height: number;
  series: UPlotSeries[];
  scales?: Record<string, { time?: boolean }>;
  axes?: { label?: string; size?: number }[];
  legend?: { show?: boolean };
}
declare const uPlot: new (opts: UPlotOptions, data: (number | null)[][], target: HTMLElement) => UPlotInstance;

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d'];
/** Samples kept per chart: five minutes at one every 2 s. */
const KEEP = 150;
const HEIGHT = 180;

/** Whether uPlot loaded (a page without it shows the numbers, not the charts). */
export function chartsAvailable(): boolean {
  return typeof uPlot === 'function';
}

/** One chart: a time axis and one line per label; labels may come and go between samples. */
export class TimeChart {
  private plot: UPlotInstance | null = null;
  private labels: string[] = [];
  private readonly times: number[] = [];
  private readonly values = new Map<string, (number | null)[]>();

  constructor(
    private readonly target: HTMLElement,
    private readonly unit: string,
  ) {}

  /** Adds a sample at `at` (unix ms): one value per label (a missing label gets a gap). */
  push(at: number, sample: Record<string, number | null>): void {
    this.times.push(at / 1000);
    for (const label of Object.keys(sample)) {
      if (!this.values.has(label)) this.values.set(label, new Array<number | null>(this.times.length - 1).fill(null));
    }
    for (const [label, column] of this.values) column.push(sample[label] ?? null);
    if (this.times.length > KEEP) {
      this.times.shift();
      for (const column of this.values.values()) column.shift();
    }
    this.draw();
  }

  /** How many samples it holds. */
  get length(): number {
    return this.times.length;
  }

  destroy(): void {
    this.plot?.destroy();
    this.plot = null;
  }

  private draw(): void {
    if (!chartsAvailable()) return;
    const labels = [...this.values.keys()];
    const data = [this.times, ...labels.map((l) => this.values.get(l) ?? [])];
    if (this.plot === null || labels.join('\n') !== this.labels.join('\n')) {
      this.plot?.destroy();
      this.labels = labels;
      this.target.replaceChildren();
      this.plot = new uPlot(
        {
          width: Math.max(this.target.clientWidth, 280),
          height: HEIGHT,
          scales: { x: { time: true } },
          axes: [{}, { label: this.unit, size: 60 }],
          series: [{}, ...labels.map((label, i) => ({ label, stroke: PALETTE[i % PALETTE.length] ?? '#555', width: 2, spanGaps: true }))],
        },
        data,
        this.target,
      );
      this.target.setAttribute('data-series', String(labels.length));
    } else {
      this.plot.setData(data);
    }
    this.target.setAttribute('data-points', String(this.times.length));
  }
}
