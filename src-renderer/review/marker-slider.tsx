import type { KeyboardEvent } from 'react';
import type { TimelineEvent } from '../../src-main/contract/review';
import { clock, elapsed } from './review-format';

interface Props {
  events: TimelineEvent[];
  from: number;
  selectedId: string | null;
  onMove(event: TimelineEvent): void;
}

/**
 * The keyboard path through the chart's markers: a slider over every marker in time order.
 * Arrows step, Page Up/Down jump ten, Home/End go to the ends; each step selects the marker
 * (and its row in the table) and a screen reader reads the marker's label.
 */
export function MarkerSlider({ events, from, selectedId, onMove }: Props) {
  const index = Math.max(0, events.findIndex((e) => e.id === selectedId));
  const current = events[index];
  if (events.length === 0) return null;
  const go = (i: number): void => onMove(events[Math.max(0, Math.min(events.length - 1, i))]!);
  const onKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    const step: Record<string, number> = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, PageDown: 10, PageUp: -10 };
    if (e.key in step) go(index + step[e.key]!);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(events.length - 1);
    else return;
    e.preventDefault();
  };
  const text = current ? `${index + 1} of ${events.length}: ${current.label}, at ${clock(current.at)} (${elapsed(current.at, from)})` : '';
  return (
    <div className="marker-slider">
      <span id="marker-slider-label">Markers: flags, findings, lock and submission (arrow keys step through them):</span>
      <div
        role="slider"
        tabIndex={0}
        aria-labelledby="marker-slider-label"
        aria-valuemin={1}
        aria-valuemax={events.length}
        aria-valuenow={index + 1}
        aria-valuetext={text}
        className="slider"
        onKeyDown={onKey}
      >
        {selectedId ? text : `${events.length} markers — focus here and press the right arrow`}
      </div>
    </div>
  );
}
