import type { Exam, SaveAnswerInput } from '../contract';

/** Why an answer cannot be accepted for this exam, or null when it can. */
export function checkAnswer(exam: Exam, input: SaveAnswerInput): string | null {
  const question = exam.questions.find((q) => q.id === input.questionId);
  if (!question) return `There is no question "${input.questionId}" in this exam.`;
  switch (question.kind) {
    case 'multiple_choice':
      if (input.value !== '' && !question.options.some((o) => o.id === input.value)) {
        return `"${input.value}" is not one of the options of question ${question.id}.`;
      }
      return null;
    case 'short_answer':
    case 'essay':
      if (input.value.length > question.maxLength) {
        return `The answer to question ${question.id} is ${input.value.length} characters; the limit is ${question.maxLength}.`;
      }
      return null;
  }
}
