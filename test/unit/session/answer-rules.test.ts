import { describe, expect, it } from 'vitest';
import type { Exam } from '../../../src-main/contract';
import { checkAnswer } from '../../../src-main/session/answer-rules';

const exam: Exam = {
  schemaVersion: 1, id: 'e', title: 'E', durationMinutes: 5,
  questions: [
    { kind: 'multiple_choice', id: 'm', prompt: 'p', options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }] },
    { kind: 'short_answer', id: 's', prompt: 'p', maxLength: 5 },
  ],
};

describe('checkAnswer', () => {
  it('accepts an option id or an empty choice', () => {
    expect(checkAnswer(exam, { questionId: 'm', value: 'b' })).toBeNull();
    expect(checkAnswer(exam, { questionId: 'm', value: '' })).toBeNull();
  });
  it('names the problem', () => {
    expect(checkAnswer(exam, { questionId: 'm', value: 'c' })).toMatch(/not one of the options/);
    expect(checkAnswer(exam, { questionId: 's', value: '123456' })).toMatch(/6 characters; the limit is 5/);
    expect(checkAnswer(exam, { questionId: 'x', value: '' })).toMatch(/no question "x"/);
  });
});
