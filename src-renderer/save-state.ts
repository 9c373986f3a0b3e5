/** What the student sees beside each answer about whether it reached the engine. */
export type SaveState =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved'; at: number }
  | {
      kind: 'failed';
      reason: string;
      /** When another attempt is scheduled, ms from now; null when retrying cannot help. */
      retryInMs: number | null;
    };

/** An answer with local edits the engine has not confirmed yet. */
export const isDirty = (s: SaveState | undefined): boolean =>
  s !== undefined && (s.kind === 'saving' || s.kind === 'failed');
