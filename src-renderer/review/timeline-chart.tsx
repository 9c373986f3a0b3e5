import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { answerLabel, detectorLabel, TIMELINE_DRAWN_MARK } from '../../src-main/contract/review-labels';
import type { AnswerSeries, AttemptForPage, TimelineEvent } from '../../src-main/contract/review';
import { colorFor } from './review-format';
import { markerStripData, nearestMarker } from './marker-strip';

/** Lane names short enough for the axis; the legend-free strip is explained by the table. */
const SHORT_LABELS: Record<string, string> = { biometric_drift: 'Typist changed', classifier: 'Combined score', temporal_inconsistency: 'Inhuman timing' };

/** Every lane has the same axis widths, so the three plots share one time axis on screen. */
const LEFT_AXIS = 150;
const RIGHT_AXIS = 56;
const AXIS_FONT = '12px system-ui, sans-serif';
/** uPlot adds this much beside an axis for its title; lanes without a title take it into their size. */
const TITLE = 30;
const hiddenRightAxis = (scale: string): uPlot.Axis => ({ scale, side: 1, size: RIGHT_AXIS + TITLE, values: () => [], grid: { show: false }, ticks: { show: false } });

/**
 * The answer save at column i, as an event. The page is sent only when each save was and its
 * audit row; the question, revision and length come with answerSaves (`full`, or the detail
 * itself where it has them, as on the exam server's live view).
 */
export function answerEvent(answers: AttemptForPage['answers'] | AnswerSeries, i: number, full?: AnswerSeries | null): TimelineEvent {
  const series = full ?? ('questionId' in answers ? answers : null);
  const seq = answers.seq[i]!;
  return { id: `answer-${seq}`, seq, at: answers.at[i]!, kind: 'answer', label: series ? answerLabel(series, i) : `Answer saved (audit row ${seq})` };
}

/** Lanes of the marker strip, top to bottom. */
export interface MarkerLane {
  key: string;
  label: string;
  color: string;
  /** When each marker is (ms), ascending. */
  at: readonly number[];
  /** The event behind marker i, made when asked: a long exam autosaves tens of thousands of times. */
  event(i: number): TimelineEvent;
}

/** Every event of a lane (built one by one: only for short lanes or on request). */
export const laneEvents = (lane: MarkerLane): TimelineEvent[] => lane.at.map((_, i) => lane.event(i));

/** `answers`: all columns of the answer saves, once fetched (read when a marker is picked, so the lanes need not change). */
export function markerLanes(detail: AttemptForPage, answers?: { readonly current: AnswerSeries | null }): MarkerLane[] {
  const eventLane = (key: string, label: string, color: string, events: TimelineEvent[]): MarkerLane => ({
    key,
    label,
    color,
    at: events.map((e) => e.at),
    event: (i) => events[i]!,
  });
  const flagDetectors = [...new Set(detail.events.filter((e) => e.kind === 'flag').map((e) => e.detector ?? 'classifier'))].sort();
  const lanes: MarkerLane[] = flagDetectors.map((d) =>
    eventLane(d, SHORT_LABELS[d] ?? detectorLabel(d), colorFor(d), detail.events.filter((e) => e.kind === 'flag' && (e.detector ?? 'classifier') === d)),
  );
  const of = (kinds: TimelineEvent['kind'][]) => detail.events.filter((e) => kinds.includes(e.kind));
  lanes.push(eventLane('integrity', 'Integrity findings', colorFor('integrity'), of(['integrity'])));
  lanes.push({ key: 'answer', label: 'Answer saves', color: colorFor('answer'), at: detail.answers.at, event: (i) => answerEvent(detail.answers, i, answers?.current) });
  lanes.push(eventLane('session', 'Lock, submit, errors', colorFor('lock'), of(['lock', 'submission', 'resumed', 'error'])));
  return lanes.filter((l) => l.at.length > 0 || l.key === 'integrity');
}

interface Props {
  detail: AttemptForPage;
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
    // The exam's window until a zoom sets the stretch: a fixed range array would pin the scale
    // there, since uPlot ranges even an explicit setScale through it (the zoom did nothing).
    const timeScale: uPlot.Scale = { time: true, auto: false, min: xRange[0], max: xRange[1], range: (_u, min, max) => [min ?? xRange[0], max ?? xRange[1]] };
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

    // Marker strip: one row per lane, at most a marker per pixel column (marker-strip.ts),
    // asked again for the stretch shown after each zoom.
    let stripFor: [number, number] = [xRange[0], xRange[1]];
    const strip: uPlot.Plugin = {
      hooks: {
        setScale: (u, key) => {
          const { min, max } = u.scales.x!;
          if (key !== 'x' || min == null || max == null || (min === stripFor[0] && max === stripFor[1])) return;
          stripFor = [min, max];
          // After this commit (data set inside uPlot's own scale pass would be dropped), and
          // without letting uPlot range the new data: that would undo the zoom.
          queueMicrotask(() => {
            u.setData(markerStripData(lanes, min * 1000, max * 1000, u.bbox.width / uPlot.pxRatio), false);
            u.setScale('x', { min, max });
          });
        },
      },
    };
    const markers = new uPlot(
      {
        width,
        height: 36 + 24 * lanes.length,
        legend: { show: false },
        cursor,
        scales: { x: timeScale, lane: { range: [0.4, lanes.length + 0.6] } },
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
        plugins: [overlay, strip],
      },
      markerStripData(lanes, xRange[0] * 1000, xRange[1] * 1000, width - 2 * (LEFT_AXIS + TITLE)) as uPlot.AlignedData,
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
        scales: { x: timeScale, y: { range: [0, 100] } },
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
        scales: { x: timeScale, kpm: { range: (_u, _min, max) => [0, Math.max(60, max)] }, drift: { range: [0, 1] } },
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
      const { min, max } = markers.scales.x!;
      if (min == null || max == null || rect.width === 0) return;
      const msPerPx = ((max - min) * 1000) / rect.width;
      let best: { lane: MarkerLane; index: number; d: number } | null = null;
      lanes.forEach((lane, li) => {
        const dy = Math.abs(markers.valToPos(lanes.length - li, 'lane') - py);
        if (dy > 8) return;
        const hit = nearestMarker(lane.at, markers.posToVal(px, 'x') * 1000, Math.sqrt(64 - dy * dy) * msPerPx);
        const d = hit && Math.hypot(hit.distance / msPerPx, dy);
        if (hit && d !== null && (!best || d < best.d)) best = { lane, index: hit.index, d };
      });
      if (best) {
        const { lane, index } = best as { lane: MarkerLane; index: number };
        pick.current(lane.event(index));
      }
    };
    if (interactive) over.addEventListener('click', onClick);
    // The lanes follow the window's width (uPlot draws at a fixed size).
    const resize = new ResizeObserver(() => {
      const w = Math.max(480, markersRef.current?.clientWidth ?? width);
      for (const p of plots.current) if (p.width !== w) p.setSize({ width: w, height: p.height });
    });
    if (interactive) resize.observe(markersRef.current!);
    // uPlot draws on creation (in a microtask); the lanes are on screen once the next frame
    // is out. data-drawn and the mark the bench reads say so; the PDF only needs the canvas.
    const chart = markersRef.current!.parentElement!;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => {
        chart.dataset.drawn = 'true';
        performance.mark(TIMELINE_DRAWN_MARK);
      }, 0);
    });
    onDrawn?.();
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
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
