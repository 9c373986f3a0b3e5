import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { answerLabel, detectorLabel, type AttemptDetail, type TimelineEvent } from '../../src-main/contract/review';
import { colorFor } from './review-format';

/** Lane names short enough for the axis; the legend-free strip is explained by the table. */
const SHORT_LABELS: Record<string, string> = { biometric_drift: 'Typist changed', classifier: 'Combined score', temporal_inconsistency: 'Inhuman timing' };

/** Every lane has the same axis widths, so the three plots share one time axis on screen. */
const LEFT_AXIS = 150;
const RIGHT_AXIS = 56;
const AXIS_FONT = '12px system-ui, sans-serif';
/** uPlot adds this much beside an axis for its title; lanes without a title take it into their size. */
const TITLE = 30;
const hiddenRightAxis = (scale: string): uPlot.Axis => ({ scale, side: 1, size: RIGHT_AXIS + TITLE, values: () => [], grid: { show: false }, ticks: { show: false } });

/** The answer columns as events (for the strip and the timeline table). */
export function answerEvents(detail: AttemptDetail): TimelineEvent[] {
  const a = detail.answers;
  return a.at.map((at, i) => ({ id: `answer-${a.seq[i]}`, seq: a.seq[i]!, at, kind: 'answer' as const, label: answerLabel(a, i) }));
}

/** Lanes of the marker strip, top to bottom. */
export interface MarkerLane {
  key: string;
  label: string;
  color: string;
  events: TimelineEvent[];
}

export function markerLanes(detail: AttemptDetail): MarkerLane[] {
  const flagDetectors = [...new Set(detail.events.filter((e) => e.kind === 'flag').map((e) => e.detector ?? 'classifier'))].sort();
  const lanes: MarkerLane[] = flagDetectors.map((d) => ({
    key: d,
    label: SHORT_LABELS[d] ?? detectorLabel(d),
    color: colorFor(d),
    events: detail.events.filter((e) => e.kind === 'flag' && (e.detector ?? 'classifier') === d),
  }));
  const of = (kinds: TimelineEvent['kind'][]) => detail.events.filter((e) => kinds.includes(e.kind));
  lanes.push({ key: 'integrity', label: 'Integrity findings', color: colorFor('integrity'), events: of(['integrity']) });
  lanes.push({ key: 'answer', label: 'Answer saves', color: colorFor('answer'), events: answerEvents(detail) });
  lanes.push({ key: 'session', label: 'Lock, submit, errors', color: colorFor('lock'), events: of(['lock', 'submission', 'resumed', 'error']) });
  return lanes.filter((l) => l.events.length > 0 || l.key === 'integrity');
}

interface Props {
  detail: AttemptDetail;
  lanes: MarkerLane[];
  selectedId: string | null;
  onPick(event: TimelineEvent): void;
  /** Fixed width and no interaction (the PDF report). */
  staticWidth?: number;
  /** The stretch of time shown (ms); the whole exam by default. */
  range?: [number, number];
  onDrawn?: () => void;
  /** Mark each package with a point: the live view holds only the flagged ones, too sparse for a line. */
  packagePoints?: boolean;
}

const sec = (ms: number): number => ms / 1000;

/**
 * Three uPlot charts on one time axis: the marker strip (flags by detector, integrity
 * findings, answers, lock and submission), the risk lane (session score and each package's
 * behavioural probability) and the typing lane (keys per minute, typist-drift score).
 * Spans away from the exam window are shaded in all three. Drag to zoom; double-click or
 * the buttons reset. The keyboard path is the slider and the tables beside the chart.
 */
export function TimelineChart({ detail, lanes, selectedId, onPick, staticWidth, range, onDrawn, packagePoints = false }: Props) {
  const markersRef = useRef<HTMLDivElement>(null);
  const riskRef = useRef<HTMLDivElement>(null);
  const typingRef = useRef<HTMLDivElement>(null);
  const plots = useRef<uPlot[]>([]);
  const selected = useRef<string | null>(selectedId);
  const pick = useRef(onPick);
  pick.current = onPick;

  const away = useMemo(() => detail.events.filter((e) => e.kind === 'away'), [detail]);
  const verticals = useMemo(() => detail.events.filter((e) => e.kind === 'lock' || e.kind === 'submission'), [detail]);

  useEffect(() => {
    const containers = [markersRef.current, riskRef.current, typingRef.current];
    if (containers.some((c) => !c)) return;
    const width = staticWidth ?? Math.max(480, markersRef.current!.clientWidth);
    const xRange: [number, number] = range ? [sec(range[0]), sec(range[1])] : [sec(detail.from), sec(detail.to)];
    const interactive = staticWidth === undefined;
    let syncing = false;

    const overlay: uPlot.Plugin = {
      hooks: {
        drawClear: (u) => {
          const { ctx, bbox } = u;
          ctx.save();
          ctx.fillStyle = 'rgba(179, 38, 30, 0.13)';
          for (const s of away) {
            const x0 = u.valToPos(sec(s.at), 'x', true);
            const x1 = u.valToPos(sec(s.end ?? s.at), 'x', true);
            ctx.fillRect(x0, bbox.top, Math.max(2, x1 - x0), bbox.height);
          }
          ctx.restore();
        },
        draw: (u) => {
          const { ctx, bbox } = u;
          ctx.save();
          ctx.lineWidth = 2 * uPlot.pxRatio;
          for (const v of verticals) {
            const x = u.valToPos(sec(v.at), 'x', true);
            ctx.strokeStyle = v.kind === 'lock' ? '#b3261e' : '#1b2430';
            ctx.setLineDash(v.kind === 'lock' ? [6, 4] : []);
            ctx.beginPath();
            ctx.moveTo(x, bbox.top);
            ctx.lineTo(x, bbox.top + bbox.height);
            ctx.stroke();
          }
          const sel = detail.events.find((e) => e.id === selected.current);
          if (sel) {
            const x = u.valToPos(sec(sel.at), 'x', true);
            ctx.setLineDash([]);
            ctx.strokeStyle = '#1a73e8';
            ctx.lineWidth = 3 * uPlot.pxRatio;
            ctx.beginPath();
            ctx.moveTo(x, bbox.top);
            ctx.lineTo(x, bbox.top + bbox.height);
            ctx.stroke();
          }
          ctx.restore();
        },
        setScale: (u, key) => {
          if (key !== 'x' || syncing) return;
          syncing = true;
          for (const other of plots.current) {
            if (other !== u) other.setScale('x', { min: u.scales.x!.min!, max: u.scales.x!.max! });
          }
          syncing = false;
        },
      },
    };
    const cursor: uPlot.Cursor = interactive
      ? { sync: { key: `review-${detail.summary.id}` }, drag: { x: true, y: false, setScale: true } }
      : { show: false };
    const timeAxis = (show: boolean): uPlot.Axis => ({ show, font: AXIS_FONT, stroke: '#4a5668', grid: { stroke: '#e3e7ee' }, ticks: { stroke: '#d9dee6' } });

    // Marker strip: one row per lane, a point per event.
    const times = [...new Set(lanes.flatMap((l) => l.events.map((e) => sec(e.at))))].sort((a, b) => a - b);
    const index = new Map(times.map((t, i) => [t, i]));
    const laneData = lanes.map((lane, li) => {
      const col: (number | null)[] = new Array<number | null>(times.length).fill(null);
      for (const e of lane.events) col[index.get(sec(e.at))!] = lanes.length - li;
      return col;
    });
    const markers = new uPlot(
      {
        width,
        height: 36 + 24 * lanes.length,
        legend: { show: false },
        cursor,
        scales: { x: { time: true, range: xRange }, lane: { range: [0.4, lanes.length + 0.6] } },
        axes: [
          timeAxis(false),
          {
            scale: 'lane',
            size: LEFT_AXIS + TITLE,
            font: AXIS_FONT,
            stroke: '#1b2430',
            grid: { show: false },
            splits: () => lanes.map((_, i) => lanes.length - i),
            values: (_u, splits) => splits.map((s) => lanes[lanes.length - s]?.label ?? ''),
          },
          hiddenRightAxis('lane'),
        ],
        series: [
          {},
          ...lanes.map((l) => ({
            label: l.label,
            scale: 'lane',
            stroke: l.color,
            paths: () => null,
            points: { show: true, size: 10, width: 1.5, stroke: l.color, fill: l.color },
          })),
        ],
        plugins: [overlay],
      },
      [times, ...laneData] as uPlot.AlignedData,
      markersRef.current!,
    );

    // Risk lane: the score is a step function, the probability one value per package.
    const xs = [...new Set([...detail.risk.at, ...detail.packages.endedAt].map(sec))].sort((a, b) => a - b);
    const score: number[] = [];
    let r = 0;
    let last = 0;
    for (const x of xs) {
      while (r < detail.risk.at.length && sec(detail.risk.at[r]!) <= x) last = detail.risk.score[r++]!;
      score.push(last);
    }
    const prob = new Map(detail.packages.endedAt.map((t, i) => [sec(t), detail.packages.probability[i]! * 100]));
    const risk = new uPlot(
      {
        width,
        height: staticWidth ? 170 : 230,
        cursor,
        legend: { show: interactive },
        scales: { x: { time: true, range: xRange }, y: { range: [0, 100] } },
        axes: [
          timeAxis(true),
          { size: LEFT_AXIS, font: AXIS_FONT, labelFont: `bold ${AXIS_FONT}`, label: staticWidth ? 'Score, %' : 'Score, probability (%)', stroke: '#1b2430', grid: { stroke: '#e3e7ee' } },
          hiddenRightAxis('y'),
        ],
        series: [
          {},
          { label: 'Session risk score', stroke: '#b3261e', width: 2.5, paths: uPlot.paths.stepped!({ align: 1 }), points: { show: false } },
          { label: 'Behavioural probability per package (%)', stroke: '#1565c0', width: 1, spanGaps: true, points: { show: packagePoints } },
        ],
        plugins: [overlay],
      },
      [xs, score, xs.map((x) => prob.get(x) ?? null)] as uPlot.AlignedData,
      riskRef.current!,
    );

    const typing = new uPlot(
      {
        width,
        height: staticWidth ? 120 : 160,
        cursor,
        legend: { show: interactive },
        scales: { x: { time: true, range: xRange }, kpm: { range: (_u, _min, max) => [0, Math.max(60, max)] }, drift: { range: [0, 1] } },
        axes: [
          timeAxis(true),
          { scale: 'kpm', size: LEFT_AXIS, font: AXIS_FONT, labelFont: `bold ${AXIS_FONT}`, label: staticWidth ? 'Keys/min' : 'Keys per minute', stroke: '#1b2430', grid: { stroke: '#e3e7ee' } },
          { scale: 'drift', side: 1, size: RIGHT_AXIS, font: AXIS_FONT, labelFont: `bold ${AXIS_FONT}`, label: 'Typist drift', stroke: '#7b1fa2', grid: { show: false } },
        ],
        series: [
          {},
          { label: staticWidth ? 'Keys/min' : 'Keys per minute', scale: 'kpm', stroke: '#2e7d32', fill: 'rgba(46, 125, 50, 0.15)', width: 1, points: { show: packagePoints } },
          { label: 'Typist drift score (0 = enrolled typist, 1 = alarm)', scale: 'drift', stroke: '#8e24aa', width: 2, spanGaps: false, points: { show: packagePoints } },
        ],
        plugins: [overlay],
      },
      [detail.packages.endedAt.map(sec), detail.packages.keysPerMinute, detail.packages.typistDrift] as uPlot.AlignedData,
      typingRef.current!,
    );
    plots.current = [markers, risk, typing];

    // A click on the strip picks the nearest marker within 8 px.
    const over = markers.over;
    const onClick = (ev: MouseEvent): void => {
      const rect = over.getBoundingClientRect();
      const px = ev.clientX - rect.left;
      const py = ev.clientY - rect.top;
      let best: { e: TimelineEvent; d: number } | null = null;
      lanes.forEach((lane, li) => {
        const y = markers.valToPos(lanes.length - li, 'lane');
        for (const e of lane.events) {
          const d = Math.hypot(markers.valToPos(sec(e.at), 'x') - px, y - py);
          if (d <= 8 && (!best || d < best.d)) best = { e, d };
        }
      });
      if (best) pick.current((best as { e: TimelineEvent }).e);
    };
    if (interactive) over.addEventListener('click', onClick);
    // The lanes follow the window's width (uPlot draws at a fixed size).
    const resize = new ResizeObserver(() => {
      const w = Math.max(480, markersRef.current?.clientWidth ?? width);
      for (const p of plots.current) if (p.width !== w) p.setSize({ width: w, height: p.height });
    });
    if (interactive) resize.observe(markersRef.current!);
    // uPlot draws synchronously on creation: the lanes are on screen now (the bench and the PDF wait for this).
    markersRef.current!.parentElement!.dataset.drawn = 'true';
    onDrawn?.();
    return () => {
      resize.disconnect();
      over.removeEventListener('click', onClick);
      for (const p of plots.current) p.destroy();
      plots.current = [];
    };
  }, [detail, lanes, away, verticals, staticWidth, range, onDrawn, packagePoints]);

  useEffect(() => {
    selected.current = selectedId;
    for (const p of plots.current) p.redraw(false);
  }, [selectedId]);

  const zoom = (factor: number, shift = 0): void => {
    const first = plots.current[0];
    if (!first) return;
    const full: [number, number] = [sec(detail.from), sec(detail.to)];
    const min = first.scales.x!.min ?? full[0];
    const max = first.scales.x!.max ?? full[1];
    const span = Math.min(full[1] - full[0], Math.max(30, (max - min) * factor));
    let lo = (min + max) / 2 - span / 2 + shift * span;
    lo = Math.max(full[0], Math.min(full[1] - span, lo));
    first.setScale('x', { min: lo, max: lo + span });
  };

  return (
    <div className="timeline-chart">
      {staticWidth === undefined && (
        <div className="zoom-controls" role="toolbar" aria-label="Zoom the timeline">
          <button type="button" onClick={() => zoom(0.5)}>Zoom in</button>
          <button type="button" onClick={() => zoom(2)}>Zoom out</button>
          <button type="button" onClick={() => zoom(1, -0.5)}>Earlier</button>
          <button type="button" onClick={() => zoom(1, 0.5)}>Later</button>
          <button type="button" onClick={() => zoom(1e9)}>Whole exam</button>
          <span className="hint">Or drag across the chart to zoom into a stretch of time.</span>
        </div>
      )}
      <div ref={markersRef} className="lane lane-markers" />
      <div ref={riskRef} className="lane lane-risk" />
      <div ref={typingRef} className="lane lane-typing" />
    </div>
  );
}
