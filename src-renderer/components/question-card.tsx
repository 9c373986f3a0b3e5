import type { Question } from '../../src-main/contract/exam';
import { countWords } from '../format';
import { useSession } from '../session-store';
import { SaveStatus } from './save-status';
import { useController } from './session-context';

export function QuestionCard({ question, index }: { question: Question; index: number }) {
  const value = useSession((s) => s.drafts[question.id] ?? '');
  const save = useSession((s) => s.saves[question.id]);
  const controller = useController();
  const promptId = `q-${question.id}-prompt`;
  const statusId = `q-${question.id}-status`;

  return (
    <article className="question" aria-labelledby={promptId} data-question-id={question.id}>
      <header className="question__header">
        <span className="question__number">Question {index + 1}</span>
        <span className="question__kind">{KIND_LABEL[question.kind]}</span>
      </header>
      {question.kind === 'multiple_choice' ? (
        <fieldset className="question__choices" aria-describedby={statusId}>
          <legend id={promptId} className="question__prompt">
            {question.prompt}
          </legend>
          {question.options.map((option) => {
            const inputId = `q-${question.id}-${option.id}`;
            return (
              <label key={option.id} htmlFor={inputId} className="choice">
                <input
                  id={inputId}
                  type="radio"
                  name={`q-${question.id}`}
                  value={option.id}
                  checked={value === option.id}
                  onChange={() => {
                    controller.changeAnswer(question.id, option.id);
                    // A choice is a finished answer: no reason to wait for more typing.
                    controller.commitAnswer(question.id);
                  }}
                />
                <span className="choice__label">{option.label}</span>
              </label>
            );
          })}
        </fieldset>
      ) : (
        <>
          <label id={promptId} htmlFor={`q-${question.id}-input`} className="question__prompt">
            {question.prompt}
          </label>
          {question.kind === 'short_answer' ? (
            <input
              id={`q-${question.id}-input`}
              className="question__input"
              type="text"
              autoComplete="off"
              spellCheck={false}
              maxLength={question.maxLength}
              value={value}
              aria-describedby={statusId}
              onChange={(e) => controller.changeAnswer(question.id, e.currentTarget.value)}
              onBlur={() => controller.commitAnswer(question.id)}
            />
          ) : (
            <>
              <textarea
                id={`q-${question.id}-input`}
                className="question__essay"
                rows={10}
                spellCheck={false}
                maxLength={question.maxLength}
                value={value}
                aria-describedby={`${statusId} q-${question.id}-words`}
                onChange={(e) => controller.changeAnswer(question.id, e.currentTarget.value)}
                onBlur={() => controller.commitAnswer(question.id)}
              />
              <span id={`q-${question.id}-words`} className="question__words">
                {formatWords(countWords(value))}
              </span>
            </>
          )}
        </>
      )}
      <footer className="question__footer">
        <SaveStatus id={statusId} state={save} />
      </footer>
    </article>
  );
}

const KIND_LABEL: Record<Question['kind'], string> = {
  multiple_choice: 'Choose one',
  short_answer: 'Short answer',
  essay: 'Essay',
};

const formatWords = (n: number): string => `${n} word${n === 1 ? '' : 's'}`;
