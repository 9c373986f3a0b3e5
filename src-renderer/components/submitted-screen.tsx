import { useEffect, useRef } from 'react';
import type { SessionSnapshot, SubmissionReceipt } from '../../src-main/contract/api';
import { formatDateTime } from '../format';

const REASON: Record<SubmissionReceipt['reason'], string> = {
  student: 'You submitted the exam.',
  time_up: 'Time ran out, so the exam was submitted automatically.',
  risk_limit: 'The exam was locked at the integrity limit and submitted automatically.',
};

export function SubmittedScreen({ snapshot }: { snapshot: SessionSnapshot }) {
  const receipt = snapshot.submission;
  const total = snapshot.exam.questions.length;
  const heading = useRef<HTMLHeadingElement>(null);
  // The exam view (and whatever had focus in it) is gone; start the reader at the heading.
  useEffect(() => heading.current?.focus(), []);
  return (
    <main className="submitted" aria-labelledby="submitted-heading">
      <div className="submitted__card">
        <h1 id="submitted-heading" ref={heading} tabIndex={-1} className="submitted__heading">
          Exam submitted
        </h1>
        <p className="submitted__exam">{snapshot.exam.title}</p>
        {receipt ? (
          <dl className="submitted__facts">
            <dt>Submitted</dt>
            <dd>{formatDateTime(receipt.submittedAt)}</dd>
            <dt>Answers</dt>
            <dd>
              {receipt.answerCount} of {total} questions answered
            </dd>
            <dt>How</dt>
            <dd>{REASON[receipt.reason]}</dd>
            <dt>Delivery</dt>
            <dd>
              <span className={receipt.delivered ? 'submitted__delivered' : 'submitted__queued'} role="status">
                {receipt.delivered
                  ? 'Delivered: the exam server has received your submission.'
                  : 'Queued on this computer: it will be sent automatically as soon as the exam server can be reached. Please leave Vigil open.'}
              </span>
            </dd>
          </dl>
        ) : (
          <p role="status">Your submission is being recorded…</p>
        )}
        <p className="submitted__session">
          Session {snapshot.sessionId} · Student {snapshot.studentId}
        </p>
      </div>
    </main>
  );
}
