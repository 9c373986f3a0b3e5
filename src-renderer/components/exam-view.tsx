import type { SessionSnapshot } from '../../src-main/contract/api';
import { useSession } from '../session-store';
import { CountdownTimer } from './countdown-timer';
import { MessageList } from './message-list';
import { QuestionCard } from './question-card';
import { RiskPanel } from './risk-panel';
import { SubmitPanel } from './submit-panel';

export function ExamView({ snapshot, inert }: { snapshot: SessionSnapshot; inert: boolean }) {
  const { exam } = snapshot;
  const answered = useSession((s) => exam.questions.filter((q) => (s.drafts[q.id] ?? '').trim() !== '').length);

  return (
    <div className="exam" inert={inert}>
      <a className="skip-link" href="#questions">
        Skip to the questions
      </a>
      <header className="exam__bar">
        <div className="exam__brand" aria-hidden="true">
          Vigil
        </div>
        <div className="exam__title-block">
          <h1 className="exam__title">{exam.title}</h1>
          <p className="exam__meta">
            {exam.questions.length} questions · {answered} answered · Student {snapshot.studentId}
          </p>
        </div>
        {snapshot.deadline !== null ? <CountdownTimer deadline={snapshot.deadline} phase={snapshot.phase} paused={Boolean(snapshot.proctorHold)} /> : null}
      </header>
      <div className="exam__body">
        <main className="exam__main" id="questions" tabIndex={-1} aria-label="Questions">
          <MessageList notices={snapshot.notices} />
          {exam.questions.map((q, i) => (
            <QuestionCard key={q.id} question={q} index={i} />
          ))}
          <SubmitPanel answered={answered} total={exam.questions.length} />
        </main>
        <aside className="exam__side" aria-label="Session status">
          <RiskPanel risk={snapshot.risk} />
          <p className="exam__privacy">
            Vigil records the timing of your typing, focus changes and copy/paste, never what you type outside
            your answers.
          </p>
        </aside>
      </div>
    </div>
  );
}
