import { useState } from 'react';
import { DISPOSITIONS, DISPOSITION_LABELS } from '../../src-main/contract/review-labels';
import type { Disposition, ReviewNote } from '../../src-main/contract/review';
import { call } from './review-api';
import { dateTime } from './review-format';

/** The proctor's disposition and notes, saved to the review file beside the databases. */
export function ReviewForm({ id, note, onSaved }: { id: string; note: ReviewNote; onSaved(note: ReviewNote): void }) {
  const [disposition, setDisposition] = useState<Disposition>(note.disposition);
  const [notes, setNotes] = useState(note.notes);
  const [status, setStatus] = useState(note.updatedAt ? `Last saved ${dateTime(note.updatedAt)}` : 'Not reviewed yet');
  const [busy, setBusy] = useState(false);
  const save = async (): Promise<void> => {
    setBusy(true);
    const r = await call('saveReview', { id, disposition, notes });
    setBusy(false);
    if (r.ok) {
      setStatus(`Saved ${dateTime(r.value.updatedAt ?? Date.now())} (in the review file, not in the attempt database)`);
      onSaved(r.value);
    } else setStatus(`Not saved: ${r.error.message}`);
  };
  return (
    <section className="card review-form" aria-labelledby="review-heading">
      <h2 id="review-heading">Proctor's review</h2>
      <fieldset>
        <legend>Disposition</legend>
        {DISPOSITIONS.map((d) => (
          <label key={d} className="radio">
            <input type="radio" name="disposition" value={d} checked={disposition === d} onChange={() => setDisposition(d)} /> {DISPOSITION_LABELS[d]}
          </label>
        ))}
      </fieldset>
      <label className="notes-label" htmlFor="review-notes">
        Notes
      </label>
      <textarea id="review-notes" rows={4} value={notes} maxLength={20_000} onChange={(e) => setNotes(e.target.value)} />
      <div className="row">
        <button type="button" className="primary" onClick={() => void save()} disabled={busy}>
          Save review
        </button>
        <p role="status" className="muted">
          {status}
        </p>
      </div>
    </section>
  );
}
